// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The case store's logic, written once over sql::Connection (both backends).

#include "store/store.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>

#include "model/party.h"
#include "store/internal.h"
#include "store/schema.h"
#include "store/sql.h"

// GCC 12 reports a false "may be used uninitialized" inside std::variant's string member
// when an sql::Params is built from an initializer list.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace vigil::store {

using nlohmann::json;

// ---- enums ----

std::string_view ToString(HitOutcome o) {
  switch (o) {
    case HitOutcome::kNewAlert:
      return "new_alert";
    case HitOutcome::kReAlert:
      return "re_alert";
    case HitOutcome::kExisting:
      return "existing";
    case HitOutcome::kSuppressed:
      return "suppressed";
    case HitOutcome::kConfirmed:
      return "confirmed";
  }
  return "unknown";
}

std::string_view ToString(AlertState s) {
  switch (s) {
    case AlertState::kOpen:
      return "open";
    case AlertState::kEscalated:
      return "escalated";
    case AlertState::kTrueMatch:
      return "true_match";
    case AlertState::kFalsePositive:
      return "false_positive";
    case AlertState::kClosed:
      return "closed";
  }
  return "unknown";
}

std::optional<AlertState> ParseAlertState(std::string_view s) {
  for (AlertState a : {AlertState::kOpen, AlertState::kEscalated, AlertState::kTrueMatch,
                       AlertState::kFalsePositive, AlertState::kClosed}) {
    if (ToString(a) == s) return a;
  }
  return std::nullopt;
}

std::string_view ToString(DecisionKind d) {
  switch (d) {
    case DecisionKind::kTrueMatch:
      return "true_match";
    case DecisionKind::kFalsePositive:
      return "false_positive";
    case DecisionKind::kEscalate:
      return "escalate";
    case DecisionKind::kClose:
      return "close";
  }
  return "unknown";
}

std::optional<DecisionKind> ParseDecisionKind(std::string_view s) {
  for (DecisionKind d : {DecisionKind::kTrueMatch, DecisionKind::kFalsePositive,
                         DecisionKind::kEscalate, DecisionKind::kClose}) {
    if (ToString(d) == s) return d;
  }
  return std::nullopt;
}

// ---- shared helpers ----

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json Parse(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

Status StoreState::Acquire(std::unique_ptr<sql::Connection>* out) {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!idle.empty()) {
      *out = std::move(idle.back());
      idle.pop_back();
      return Status::Ok();
    }
  }
  return sql::Connect(db, out);
}

void StoreState::Release(std::unique_ptr<sql::Connection> c) {
  if (c == nullptr || c->broken()) return;
  std::lock_guard<std::mutex> lock(mu);
  if (static_cast<int>(idle.size()) < std::max(1, options.pool_size)) idle.push_back(std::move(c));
}

Status InWrite(StoreState* rep, const std::function<Status(sql::Connection&)>& fn) {
  PooledConnection c(rep);
  Status s = c.Get();
  if (!s.ok()) return s;
  s = c->BeginWrite();
  if (!s.ok()) return s;
  s = fn(*c);
  if (!s.ok()) {
    c->Rollback();
    return s;
  }
  return c->Commit();
}

Status InRead(StoreState* rep, const std::function<Status(sql::Connection&)>& fn) {
  PooledConnection c(rep);
  Status s = c.Get();
  if (!s.ok()) return s;
  s = c->BeginRead();
  if (!s.ok()) return s;
  s = fn(*c);
  c->Rollback();  // read only: nothing to keep
  return s;
}

namespace {

std::string SystemNow() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

bool IsOpen(AlertState s) { return s == AlertState::kOpen || s == AlertState::kEscalated; }

std::vector<ListFile> ListsFromJson(const json& j) {
  std::vector<ListFile> out;
  if (!j.is_array()) return out;
  for (const json& e : j) {
    ListFile f;
    f.source = e.value("source", "");
    f.file = e.value("file", "");
    f.sha256 = e.value("sha256", "");
    f.published = e.value("published", "");
    f.entities = e.value("entities", int64_t{0});
    out.push_back(std::move(f));
  }
  return out;
}

json ListsToJson(const std::vector<ListFile>& lists) {
  json out = json::array();
  for (const ListFile& f : lists) {
    out.push_back({{"source", f.source},
                   {"file", f.file},
                   {"sha256", f.sha256},
                   {"published", f.published},
                   {"entities", f.entities}});
  }
  return out;
}

// Alert columns: the summary's first, then the heavy ones GetAlert adds.
constexpr std::string_view kAlertSummaryCols =
    "id, party_id, party_version, entity_id, entity_name, list, score, band, state, version, "
    "created_at, updated_at, screening_id, lists_version, previous_alert_id, changes";
constexpr std::string_view kAlertFullCols =
    "id, party_id, party_version, entity_id, entity_name, list, score, band, state, version, "
    "created_at, updated_at, screening_id, lists_version, previous_alert_id, changes, "
    "explanation, party_hash, entity_hash, party_fields, entity_record";

Alert ReadAlert(const sql::Row& r, bool full) {
  Alert a;
  a.id = r.Int(0);
  a.party_id = r.Text(1);
  a.party_version = r.Int(2);
  a.entity_id = r.Text(3);
  a.entity_name = r.Text(4);
  a.list = r.Text(5);
  a.score = r.Double(6);
  a.band = r.Text(7);
  a.state = ParseAlertState(r.Text(8)).value_or(AlertState::kOpen);
  a.version = r.Int(9);
  a.created_at = r.Text(10);
  a.updated_at = r.Text(11);
  a.screening_id = r.Int(12);
  a.lists_version = r.Text(13);
  a.previous_alert_id = r.Int(14);
  if (!r.IsNull(15)) a.changes = Parse(r.Text(15));
  if (full) {
    a.explanation = Parse(r.Text(16));
    a.party_hash = r.Text(17);
    a.entity_hash = r.Text(18);
    a.party_fields = Parse(r.Text(19));
    a.entity_record = Parse(r.Text(20));
  }
  return a;
}

Status ReadTags(sql::Connection& c, const std::string& party_id, std::vector<std::string>* out) {
  sql::Rows rows;
  Status s =
      c.Query("SELECT tag FROM party_tags WHERE party_id = $1 ORDER BY tag", {party_id}, &rows);
  if (!s.ok()) return s;
  out->clear();
  for (const sql::Row& r : rows) out->push_back(r.Text(0));
  return Status::Ok();
}

Status ReadHistory(sql::Connection& c, int64_t alert_id, std::vector<DecisionRecord>* out) {
  sql::Rows rows;
  Status s = c.Query(
      "SELECT id, alert_id, decision, reason, by_principal, at, alert_version FROM decisions "
      "WHERE alert_id = $1 ORDER BY id",
      {alert_id}, &rows);
  if (!s.ok()) return s;
  out->clear();
  for (const sql::Row& r : rows) {
    DecisionRecord d;
    d.id = r.Int(0);
    d.alert_id = r.Int(1);
    d.decision = ParseDecisionKind(r.Text(2)).value_or(DecisionKind::kEscalate);
    d.reason = r.Text(3);
    d.by = r.Text(4);
    d.at = r.Text(5);
    d.alert_version = r.Int(6);
    out->push_back(std::move(d));
  }
  return Status::Ok();
}

Status ReadFullAlert(sql::Connection& c, int64_t id, Alert* out) {
  sql::Rows rows;
  Status s =
      c.Query("SELECT " + std::string(kAlertFullCols) + " FROM alerts WHERE id = $1", {id}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::NotFound("alert " + std::to_string(id) + " not found");
  *out = ReadAlert(rows[0], true);
  s = ReadTags(c, out->party_id, &out->party_tags);
  if (!s.ok()) return s;
  return ReadHistory(c, id, &out->history);
}

Status ApplyCountDeltas(sql::Connection& c, const std::map<std::string, int64_t>& deltas) {
  for (const auto& [state, n] : deltas) {
    if (n == 0) continue;
    Status s = c.Query("UPDATE alert_counts SET n = n + $1 WHERE state = $2", {n, state}, nullptr);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// Adds `n` alerts in `state` to the counters of every tag party `party_id` has now.
Status ApplyTagCountDelta(sql::Connection& c, const std::string& party_id, const std::string& state,
                          int64_t n) {
  return c.Query(
      "INSERT INTO alert_tag_counts (tag, state, n) SELECT tag, $2, $3 FROM party_tags WHERE "
      "party_id = $1 ON CONFLICT (tag, state) DO UPDATE SET n = alert_tag_counts.n + excluded.n",
      {party_id, state, n}, nullptr);
}

// Adds (sign +1) or removes (-1) the alerts of party `party_id` to or from the counters of
// the tags it has now: around a change of its tags.
Status ApplyPartyTagCounts(sql::Connection& c, const std::string& party_id, int64_t sign) {
  return c.Query(
      "INSERT INTO alert_tag_counts (tag, state, n) SELECT t.tag, a.state, $2 * count(*) FROM "
      "party_tags t JOIN alerts a ON a.party_id = t.party_id WHERE t.party_id = $1 GROUP BY "
      "t.tag, a.state ON CONFLICT (tag, state) DO UPDATE SET n = alert_tag_counts.n + "
      "excluded.n",
      {party_id, sign}, nullptr);
}

}  // namespace

// ---- Store ----

Store::Store(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Store::~Store() = default;

Status Store::Open(std::string_view db, const OpenOptions& options, std::unique_ptr<Store>* out) {
  auto rep = std::make_unique<Rep>();
  rep->db = std::string(db);
  rep->options = options;
  if (!rep->options.clock) rep->options.clock = SystemNow;
  std::unique_ptr<sql::Connection> c;
  Status s = sql::Connect(db, &c);
  if (!s.ok()) return s;
  rep->dialect = c->dialect();
  s = Migrate(*c, rep->Now(), &rep->schema);
  if (!s.ok()) return s;
  rep->idle.push_back(std::move(c));
  out->reset(new Store(std::move(rep)));
  return Status::Ok();
}

std::string_view Store::backend() const {
  return rep_->dialect == sql::Dialect::kSqlite ? "sqlite" : "postgresql";
}

int Store::schema_version() const { return rep_->schema; }

// ---- parties ----

Status Store::PutParties(const std::vector<model::Party>& parties, const Actor& by,
                         ImportSummary* summary) {
  const std::string now = rep_->Now();
  ImportSummary local;
  Status s = InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    AuditHead head;
    Status st = LoadAuditHead(c, &head);
    if (!st.ok()) return st;
    sql::Rows rows;
    for (const model::Party& p : parties) {
      if (p.id.empty()) return Status::InvalidArgument("a party without an id");
      const json& record = model::ToJson(p);
      std::string text = Dump(record);
      json screened = model::ScreenedFields(p);
      std::string screened_hash = model::JsonHash(screened);
      st = c.Query("SELECT version, record, screened_hash FROM parties WHERE id = $1", {p.id},
                   &rows);
      if (!st.ok()) return st;
      int64_t version = 1;
      bool retagged = false;  // the tags of a stored party were replaced (alert tag counters)
      if (rows.empty()) {
        st = c.Query(
            "INSERT INTO parties (id, version, record, screened_hash, created_at, updated_at) "
            "VALUES ($1, 1, $2, $3, $4, $4)",
            {p.id, text, screened_hash, now}, nullptr);
        if (!st.ok()) return st;
        st = AppendAudit(c, &head, now, by.principal, "party.import", "party:" + p.id,
                         {{"version", 1}, {"screened_hash", screened_hash}});
        if (!st.ok()) return st;
        ++local.added;
        local.changed_screened.push_back(p.id);
      } else {
        if (rows[0].Text(1) == text) {
          ++local.unchanged;
          continue;
        }
        version = rows[0].Int(0) + 1;
        std::string old_hash = rows[0].Text(2);
        json before = Parse(rows[0].Text(1));
        st = c.Query(
            "UPDATE parties SET version = $2, record = $3, screened_hash = $4, updated_at = $5 "
            "WHERE id = $1",
            {p.id, version, text, screened_hash, now}, nullptr);
        if (!st.ok()) return st;
        st = ApplyPartyTagCounts(c, p.id, -1);
        if (!st.ok()) return st;
        st = c.Query("DELETE FROM party_tags WHERE party_id = $1", {p.id}, nullptr);
        if (!st.ok()) return st;
        retagged = true;
        st = AppendAudit(c, &head, now, by.principal, "party.update", "party:" + p.id,
                         {{"version", version},
                          {"previous_version", version - 1},
                          {"screened_hash", screened_hash},
                          {"changes", model::FieldDiff(before, record)}});
        if (!st.ok()) return st;
        ++local.changed;
        if (old_hash != screened_hash) local.changed_screened.push_back(p.id);
      }
      st = c.Query(
          "INSERT INTO party_versions (party_id, version, recorded_at, recorded_by, record, "
          "screened, screened_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {p.id, version, now, by.principal, text, Dump(screened), screened_hash}, nullptr);
      if (!st.ok()) return st;
      std::vector<std::string> tags = p.tags;
      std::sort(tags.begin(), tags.end());
      tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
      for (const std::string& tag : tags) {
        st =
            c.Query("INSERT INTO party_tags (party_id, tag) VALUES ($1, $2)", {p.id, tag}, nullptr);
        if (!st.ok()) return st;
      }
      if (retagged) {
        st = ApplyPartyTagCounts(c, p.id, 1);
        if (!st.ok()) return st;
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (summary != nullptr) {
    summary->added += local.added;
    summary->changed += local.changed;
    summary->unchanged += local.unchanged;
    summary->changed_screened.insert(summary->changed_screened.end(),
                                     local.changed_screened.begin(), local.changed_screened.end());
  }
  return Status::Ok();
}

namespace {

PartyVersion ReadPartyVersion(const sql::Row& r) {
  PartyVersion v;
  v.version = r.Int(0);
  v.recorded_at = r.Text(1);
  v.recorded_by = r.Text(2);
  v.record = Parse(r.Text(3));
  v.screened_hash = r.Text(4);
  return v;
}

}  // namespace

Status Store::GetParty(std::string_view id, PartyVersion* out) {
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status s = c.Query(
        "SELECT v.version, v.recorded_at, v.recorded_by, v.record, v.screened_hash FROM "
        "parties p JOIN party_versions v ON v.party_id = p.id AND v.version = p.version "
        "WHERE p.id = $1",
        {std::string(id)}, &rows);
    if (!s.ok()) return s;
    if (rows.empty()) return Status::NotFound("party " + std::string(id) + " not found");
    *out = ReadPartyVersion(rows[0]);
    return Status::Ok();
  });
}

Status Store::GetPartyDetail(std::string_view id_view, PartyDetail* out) {
  const std::string id(id_view);
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    PartyDetail d;
    d.id = id;
    sql::Rows rows;
    Status s = c.Query(
        "SELECT version, recorded_at, recorded_by, record, screened_hash FROM party_versions "
        "WHERE party_id = $1 ORDER BY version",
        {id}, &rows);
    if (!s.ok()) return s;
    if (rows.empty()) return Status::NotFound("party " + id + " not found");
    for (const sql::Row& r : rows) d.versions.push_back(ReadPartyVersion(r));
    s = c.Query(
        "SELECT id, party_version, at, by_principal, lists_version, lists, hits FROM screenings "
        "WHERE party_id = $1 ORDER BY id DESC",
        {id}, &rows);
    if (!s.ok()) return s;
    for (const sql::Row& r : rows) {
      Screening sc;
      sc.id = r.Int(0);
      sc.party_id = id;
      sc.party_version = r.Int(1);
      sc.at = r.Text(2);
      sc.by = r.Text(3);
      sc.lists_version = r.Text(4);
      sc.lists = ListsFromJson(Parse(r.Text(5)));
      sc.hits = Parse(r.Text(6));
      if (!sc.hits.is_array()) sc.hits = json::array();
      d.screenings.push_back(std::move(sc));
    }
    s = c.Query("SELECT id FROM alerts WHERE party_id = $1 ORDER BY id DESC", {id}, &rows);
    if (!s.ok()) return s;
    for (const sql::Row& r : rows) {
      Alert a;
      s = ReadFullAlert(c, r.Int(0), &a);
      if (!s.ok()) return s;
      d.alerts.push_back(std::move(a));
    }
    *out = std::move(d);
    return Status::Ok();
  });
}

Status Store::ForEachParty(size_t batch,
                           const std::function<bool(const std::vector<model::Party>&)>& fn) {
  if (batch == 0) batch = 1000;
  std::string after;
  bool first = true;
  while (true) {
    std::vector<model::Party> parties;
    Status s = InRead(rep_.get(), [&](sql::Connection& c) -> Status {
      sql::Rows rows;
      Status st = first ? c.Query("SELECT id, record, version FROM parties ORDER BY id LIMIT $1",
                                  {static_cast<int64_t>(batch)}, &rows)
                        : c.Query(
                              "SELECT id, record, version FROM parties WHERE id > $1 ORDER BY id "
                              "LIMIT $2",
                              {after, static_cast<int64_t>(batch)}, &rows);
      if (!st.ok()) return st;
      parties.reserve(rows.size());
      for (const sql::Row& r : rows) {
        json j = Parse(r.Text(1));
        model::Party p;
        std::vector<std::string> warnings;
        st = model::ParseParty(j, &p, &warnings);
        if (!st.ok()) {
          return Status::Corruption(rep_->db + ": stored party " + r.Text(0) +
                                    " does not read back: " + st.message());
        }
        p.stored_version = r.Int(2);
        parties.push_back(std::move(p));
      }
      if (!rows.empty()) after = rows.back().Text(0);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    first = false;
    if (parties.empty()) return Status::Ok();
    if (!fn(parties)) return Status::Ok();
    if (parties.size() < batch) return Status::Ok();
  }
}

int64_t Store::CountParties() {
  int64_t n = -1;
  Status s = InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status st = c.Query("SELECT count(*) FROM parties", {}, &rows);
    if (st.ok() && !rows.empty()) n = rows[0].Int(0);
    return st;
  });
  return s.ok() ? n : -1;
}

// ---- screenings ----

Status Store::RecordScreenings(const std::vector<ScreeningInput>& inputs, const Actor& by,
                               std::vector<ScreeningResult>* results) {
  const std::string now = rep_->Now();
  std::vector<ScreeningResult> out;
  Status s = InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    out.clear();
    out.reserve(inputs.size());
    AuditHead head;
    Status st = LoadAuditHead(c, &head);
    if (!st.ok()) return st;
    std::map<std::string, int64_t> count_deltas;
    sql::Rows rows;
    for (const ScreeningInput& in : inputs) {
      ScreeningResult res;
      st = c.Query(
          "SELECT screened, screened_hash FROM party_versions WHERE party_id = $1 AND "
          "version = $2",
          {in.party_id, in.party_version}, &rows);
      if (!st.ok()) return st;
      if (rows.empty()) {
        return Status::NotFound("party " + in.party_id + " version " +
                                std::to_string(in.party_version) + " is not in the store");
      }
      const std::string party_fields_text = rows[0].Text(0);
      const std::string party_hash = rows[0].Text(1);
      st = c.Query(
          "INSERT INTO screenings (party_id, party_version, at, by_principal, lists_version, "
          "lists, hits) VALUES ($1, $2, $3, $4, $5, $6, '[]') RETURNING id",
          {in.party_id, in.party_version, now, by.principal, in.lists_version,
           Dump(ListsToJson(in.lists))},
          &rows);
      if (!st.ok()) return st;
      res.screening_id = rows.at(0).Int(0);
      int64_t counts[5] = {0, 0, 0, 0, 0};
      json hits = json::array();
      json party_fields;
      for (const Hit& h : in.hits) {
        const std::string entity_text = Dump(h.entity_record);
        const std::string entity_hash = model::JsonHash(h.entity_record);
        const std::string explanation_text = Dump(h.explanation);
        st = c.Query(
            "SELECT id, state, version, score, explanation, party_hash, entity_hash, "
            "party_fields, entity_record FROM alerts WHERE party_id = $1 AND entity_id = $2 "
            "ORDER BY id DESC LIMIT 1",
            {in.party_id, h.entity_id}, &rows);
        if (!st.ok()) return st;
        HitOutcome outcome = HitOutcome::kNewAlert;
        int64_t alert_id = 0;
        int64_t previous = 0;
        json changes;
        if (!rows.empty()) {
          const sql::Row& prev = rows[0];
          AlertState state = ParseAlertState(prev.Text(1)).value_or(AlertState::kOpen);
          bool same = prev.Text(5) == party_hash && prev.Text(6) == entity_hash;
          if (IsOpen(state)) {
            outcome = HitOutcome::kExisting;
            alert_id = prev.Int(0);
            bool changed = !same || std::fabs(prev.Double(3) - h.score) > 1e-9 ||
                           prev.Text(4) != explanation_text;
            if (changed) {
              st = c.Query(
                  "UPDATE alerts SET score = $2, band = $3, explanation = $4, party_hash = $5, "
                  "entity_hash = $6, party_fields = $7, entity_record = $8, party_version = $9, "
                  "screening_id = $10, lists_version = $11, entity_name = $12, "
                  "version = version + 1, updated_at = $13 WHERE id = $1",
                  {alert_id, h.score, h.band, explanation_text, party_hash, entity_hash,
                   party_fields_text, entity_text, in.party_version, res.screening_id,
                   in.lists_version, h.entity_name, now},
                  nullptr);
              if (!st.ok()) return st;
              st = AppendAudit(c, &head, now, by.principal, "alert.refresh",
                               "alert:" + std::to_string(alert_id),
                               {{"screening_id", res.screening_id},
                                {"before",
                                 {{"score", prev.Double(3)},
                                  {"party_hash", prev.Text(5)},
                                  {"entity_hash", prev.Text(6)}}},
                                {"after",
                                 {{"score", h.score},
                                  {"party_hash", party_hash},
                                  {"entity_hash", entity_hash}}}});
              if (!st.ok()) return st;
            }
          } else if (same && state == AlertState::kFalsePositive) {
            outcome = HitOutcome::kSuppressed;
            alert_id = prev.Int(0);
          } else if (same && state == AlertState::kTrueMatch) {
            outcome = HitOutcome::kConfirmed;
            alert_id = prev.Int(0);
          } else {
            outcome = HitOutcome::kReAlert;
            previous = prev.Int(0);
            if (party_fields.is_null()) party_fields = Parse(party_fields_text);
            changes = {{"party", model::FieldDiff(Parse(prev.Text(7)), party_fields)},
                       {"entity", model::FieldDiff(Parse(prev.Text(8)), h.entity_record)}};
          }
        }
        if (outcome == HitOutcome::kNewAlert || outcome == HitOutcome::kReAlert) {
          st = c.Query(
              "INSERT INTO alerts (party_id, party_version, entity_id, entity_name, list, "
              "score, band, state, is_open, version, created_at, updated_at, screening_id, "
              "lists_version, explanation, party_hash, entity_hash, party_fields, "
              "entity_record, previous_alert_id, changes) VALUES ($1, $2, $3, $4, $5, $6, $7, "
              "'open', 1, 1, $8, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
              {in.party_id, in.party_version, h.entity_id, h.entity_name, h.list, h.score, h.band,
               now, res.screening_id, in.lists_version, explanation_text, party_hash, entity_hash,
               party_fields_text, entity_text, previous != 0 ? sql::Value(previous) : sql::Value(),
               changes.is_null() ? sql::Value() : sql::Value(Dump(changes))},
              &rows);
          if (!st.ok()) return st;
          alert_id = rows.at(0).Int(0);
          ++count_deltas["open"];
          st = ApplyTagCountDelta(c, in.party_id, "open", 1);
          if (!st.ok()) return st;
          ++res.new_alerts;
          json detail = {{"party_id", in.party_id},
                         {"party_version", in.party_version},
                         {"entity_id", h.entity_id},
                         {"list", h.list},
                         {"score", h.score},
                         {"band", h.band},
                         {"outcome", std::string(ToString(outcome))},
                         {"screening_id", res.screening_id}};
          if (previous != 0) {
            detail["previous_alert_id"] = previous;
            detail["changes"] = changes;
          }
          st = AppendAudit(c, &head, now, by.principal, "alert.raise",
                           "alert:" + std::to_string(alert_id), detail);
          if (!st.ok()) return st;
        }
        ++counts[static_cast<int>(outcome)];
        res.outcomes.emplace_back(outcome, alert_id);
        hits.push_back({{"entity_id", h.entity_id},
                        {"entity_name", h.entity_name},
                        {"list", h.list},
                        {"score", h.score},
                        {"band", h.band},
                        {"outcome", std::string(ToString(outcome))},
                        {"alert_id", alert_id != 0 ? json(alert_id) : json(nullptr)}});
      }
      if (!in.hits.empty()) {
        st = c.Query("UPDATE screenings SET hits = $2 WHERE id = $1",
                     {res.screening_id, Dump(hits)}, nullptr);
        if (!st.ok()) return st;
      }
      st = AppendAudit(c, &head, now, by.principal, "screening", "party:" + in.party_id,
                       {{"screening_id", res.screening_id},
                        {"party_version", in.party_version},
                        {"lists_version", in.lists_version},
                        {"hits", in.hits.size()},
                        {"new_alerts", counts[0]},
                        {"re_alerts", counts[1]},
                        {"existing", counts[2]},
                        {"suppressed", counts[3]},
                        {"confirmed", counts[4]}});
      if (!st.ok()) return st;
      out.push_back(std::move(res));
    }
    return ApplyCountDeltas(c, count_deltas);
  });
  if (!s.ok()) return s;
  if (results != nullptr) *results = std::move(out);
  return Status::Ok();
}

// ---- alerts ----

Status Store::GetAlert(int64_t id, Alert* out) {
  return InRead(rep_.get(), [&](sql::Connection& c) { return ReadFullAlert(c, id, out); });
}

Status Store::ListAlerts(const AlertQuery& q, AlertPage* out) {
  std::string where;
  sql::Params params;
  auto add = [&](const std::string& cond, sql::Value v) {
    params.push_back(std::move(v));
    where += (where.empty() ? " WHERE " : " AND ") + cond + " $" + std::to_string(params.size());
    if (cond.ends_with("(SELECT party_id FROM party_tags WHERE tag =")) where += ")";
  };
  bool status_only = true;
  std::vector<std::string> status_states;
  if (q.status == "open" || q.status.empty()) {
    add("is_open =", int64_t{1});
    status_states = {"open", "escalated"};
  } else if (q.status == "decided") {
    add("is_open =", int64_t{0});
    status_states = {"true_match", "false_positive", "closed"};
  } else if (q.status == "all") {
    status_states = {"open", "escalated", "true_match", "false_positive", "closed"};
  } else if (auto st = ParseAlertState(q.status)) {
    add("state =", std::string(ToString(*st)));
    status_states = {std::string(ToString(*st))};
  } else {
    return Status::InvalidArgument(
        "status '" + q.status +
        "' is not one of open, decided, all, escalated, true_match, false_positive, closed");
  }
  if (!q.band.empty()) {
    add("band =", q.band);
    status_only = false;
  }
  if (!q.list.empty()) {
    add("list =", q.list);
    status_only = false;
  }
  if (!q.party_id.empty()) {
    add("party_id =", q.party_id);
    status_only = false;
  }
  const bool tag_only = status_only && !q.tag.empty();
  if (!q.tag.empty()) {
    add("party_id IN (SELECT party_id FROM party_tags WHERE tag =", q.tag);
    status_only = false;
  }
  std::string order;
  if (q.sort == "score" || q.sort.empty()) {
    order = " ORDER BY score DESC, id";
  } else if (q.sort == "age") {
    order = " ORDER BY created_at, id";
  } else {
    return Status::InvalidArgument("sort '" + q.sort + "' is not score or age");
  }
  if (q.limit < 0 || q.offset < 0) {
    return Status::InvalidArgument("limit and offset must not be negative");
  }
  int64_t limit = std::min<int64_t>(q.limit, 500);
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    AlertPage page;
    sql::Rows rows;
    Status s = c.Query("SELECT state, n FROM alert_counts", {}, &rows);
    if (!s.ok()) return s;
    for (const char* st : {"open", "escalated", "true_match", "false_positive", "closed"}) {
      page.counts[st] = 0;
    }
    for (const sql::Row& r : rows) page.counts[r.Text(0)] = r.Int(1);
    if (status_only) {
      for (const std::string& st : status_states) page.total += page.counts[st];
    } else if (tag_only) {
      // The counters per (tag, state), kept with the alerts: a tag shared by a third of
      // 100,000 alerts is not a count of 30,000 joined rows per request.
      s = c.Query("SELECT state, n FROM alert_tag_counts WHERE tag = $1", {q.tag}, &rows);
      if (!s.ok()) return s;
      for (const sql::Row& r : rows) {
        if (std::find(status_states.begin(), status_states.end(), r.Text(0)) !=
            status_states.end()) {
          page.total += r.Int(1);
        }
      }
    } else {
      s = c.Query("SELECT count(*) FROM alerts" + where, params, &rows);
      if (!s.ok()) return s;
      page.total = rows.empty() ? 0 : rows[0].Int(0);
    }
    sql::Params p = params;
    p.push_back(limit);
    p.push_back(q.offset);
    std::string sql = "SELECT " + std::string(kAlertSummaryCols) + " FROM alerts" + where + order +
                      " LIMIT $" + std::to_string(p.size() - 1) + " OFFSET $" +
                      std::to_string(p.size());
    s = c.Query(sql, p, &rows);
    if (!s.ok()) return s;
    std::map<std::string, std::vector<std::string>> tags;
    for (const sql::Row& r : rows) {
      page.alerts.push_back(ReadAlert(r, false));
      tags[page.alerts.back().party_id];
    }
    // The page's parties' tags, kTagBatch parties a query (one round trip for a page of 50
    // on PostgreSQL, instead of one per party). The list is padded to kTagBatch with its
    // last id so that every query has the same text (prepared once per connection).
    constexpr size_t kTagBatch = 50;
    std::vector<std::string> ids;
    for (const auto& [id, unused] : tags) ids.push_back(id);
    std::string tag_sql = "SELECT party_id, tag FROM party_tags WHERE party_id IN (";
    for (size_t i = 0; i < kTagBatch; ++i) tag_sql += (i ? ", $" : "$") + std::to_string(i + 1);
    tag_sql += ") ORDER BY party_id, tag";
    for (size_t from = 0; from < ids.size(); from += kTagBatch) {
      sql::Params tp;
      for (size_t i = 0; i < kTagBatch; ++i) {
        tp.push_back(ids[std::min(from + i, ids.size() - 1)]);
      }
      s = c.Query(tag_sql, tp, &rows);
      if (!s.ok()) return s;
      for (const sql::Row& r : rows) tags[r.Text(0)].push_back(r.Text(1));
    }
    for (Alert& a : page.alerts) a.party_tags = tags[a.party_id];
    *out = std::move(page);
    return Status::Ok();
  });
}

Status Store::Decide(int64_t alert_id, DecisionKind decision, std::string_view reason_view,
                     std::optional<int64_t> expected_version, const Actor& by, Alert* updated) {
  std::string reason(reason_view);
  if (decision == DecisionKind::kFalsePositive &&
      reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::InvalidArgument("a false_positive decision needs a reason");
  }
  AlertState next = AlertState::kEscalated;
  switch (decision) {
    case DecisionKind::kTrueMatch:
      next = AlertState::kTrueMatch;
      break;
    case DecisionKind::kFalsePositive:
      next = AlertState::kFalsePositive;
      break;
    case DecisionKind::kEscalate:
      next = AlertState::kEscalated;
      break;
    case DecisionKind::kClose:
      next = AlertState::kClosed;
      break;
  }
  const std::string now = rep_->Now();
  const std::string object = "alert:" + std::to_string(alert_id);
  Status s = InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status st = c.Query("SELECT state, version, party_id, entity_id FROM alerts WHERE id = $1",
                        {alert_id}, &rows);
    if (!st.ok()) return st;
    if (rows.empty()) return Status::NotFound("alert " + std::to_string(alert_id) + " not found");
    const std::string before = rows[0].Text(0);
    const int64_t version = rows[0].Int(1);
    const std::string party_id = rows[0].Text(2), entity_id = rows[0].Text(3);
    if (expected_version && *expected_version != version) {
      return Status::Conflict(
          "alert " + std::to_string(alert_id) + " is at version " + std::to_string(version) +
          ", not " + std::to_string(*expected_version) + ": it was changed since it was read");
    }
    const std::string after(ToString(next));
    st = c.Query(
        "UPDATE alerts SET state = $3, is_open = $4, version = version + 1, updated_at = $5 "
        "WHERE id = $1 AND version = $2 RETURNING version",
        {alert_id, version, after, int64_t{IsOpen(next) ? 1 : 0}, now}, &rows);
    if (!st.ok()) return st;
    if (rows.empty()) {
      return Status::Conflict("alert " + std::to_string(alert_id) +
                              " was changed since it was read");
    }
    st = c.Query(
        "INSERT INTO decisions (alert_id, decision, reason, by_principal, at, alert_version) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        {alert_id, std::string(ToString(decision)), reason, by.principal, now, version}, nullptr);
    if (!st.ok()) return st;
    if (before != after) {
      st = ApplyCountDeltas(c, {{before, -1}, {after, 1}});
      if (!st.ok()) return st;
      st = ApplyTagCountDelta(c, party_id, before, -1);
      if (!st.ok()) return st;
      st = ApplyTagCountDelta(c, party_id, after, 1);
      if (!st.ok()) return st;
    }
    AuditHead head;
    st = LoadAuditHead(c, &head);
    if (!st.ok()) return st;
    return AppendAudit(c, &head, now, by.principal, "alert.decide", object,
                       {{"decision", std::string(ToString(decision))},
                        {"reason", reason},
                        {"alert_version", version},
                        {"party_id", party_id},
                        {"entity_id", entity_id},
                        {"before", {{"state", before}, {"version", version}}},
                        {"after", {{"state", after}, {"version", version + 1}}}});
  });
  if (!s.ok()) return s;
  if (updated != nullptr) return GetAlert(alert_id, updated);
  return Status::Ok();
}

}  // namespace vigil::store
