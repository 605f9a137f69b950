// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The case store's logic, written once over sql::Connection (both backends).

#include "store/store.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>

#include "model/list_status.h"
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

std::string SystemNow() { return model::IsoTimeMillis(std::chrono::system_clock::now()); }

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
    "created_at, updated_at, screening_id, lists_version, previous_alert_id, changes, "
    "rescreen_run, delisted";
constexpr std::string_view kAlertFullCols =
    "id, party_id, party_version, entity_id, entity_name, list, score, band, state, version, "
    "created_at, updated_at, screening_id, lists_version, previous_alert_id, changes, "
    "rescreen_run, delisted, explanation, party_hash, entity_hash, party_fields, entity_record";

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
  a.rescreen_run = r.Int(16);
  a.delisted = r.Text(17);
  if (full) {
    a.explanation = Parse(r.Text(18));
    a.party_hash = r.Text(19);
    a.entity_hash = r.Text(20);
    a.party_fields = Parse(r.Text(21));
    a.entity_record = Parse(r.Text(22));
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

// Marks a party to be screened again whatever the lists do (party_rescreen).
Status FlagRescreen(sql::Connection& c, const std::string& party_id) {
  return c.Query(
      "INSERT INTO party_rescreen (party_id) VALUES ($1) ON CONFLICT (party_id) DO NOTHING",
      {party_id}, nullptr);
}

// Replaces the pairs of a party's latest screening (party_pairs) with its hits and near
// misses; a pair listed twice keeps its best score.
Status ReplacePairs(sql::Connection& c, const ScreeningInput& in) {
  Status s = c.Query("DELETE FROM party_pairs WHERE party_id = $1", {in.party_id}, nullptr);
  if (!s.ok()) return s;
  auto put = [&](const std::string& entity_id, double score) {
    return c.Query(
        "INSERT INTO party_pairs (party_id, entity_id, score) VALUES ($1, $2, $3) ON CONFLICT "
        "(party_id, entity_id) DO UPDATE SET score = CASE WHEN excluded.score > "
        "party_pairs.score THEN excluded.score ELSE party_pairs.score END",
        {in.party_id, entity_id, score}, nullptr);
  };
  for (const Hit& h : in.hits) {
    s = put(h.entity_id, h.score);
    if (!s.ok()) return s;
  }
  for (const auto& [entity_id, score] : in.near) {
    s = put(entity_id, score);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// What RaiseAlert needs to know of the party side of a hit.
struct AlertContext {
  const std::string& party_id;
  int64_t party_version;
  const std::string& party_hash;         // the alert's party_hash
  const std::string& party_fields_text;  // the alert's party_fields (stored JSON)
  int64_t screening_id;                  // 0: raised outside a screening (red flags)
  const std::string& lists_version;
  int64_t rescreen_run;
  // A decided pair stays decided while the entity side (entity_hash) is unchanged, whatever
  // the party side did (red flags: the flags are the entity side); else both must be.
  bool same_entity_only;
};

// One hit of a party: a new alert, a re-alert of a decided pair that changed, the open
// alert refreshed, or the decided pair left alone (HitOutcome). Appends "alert.raise" or
// "alert.refresh" after *head and counts new alerts in *count_deltas. *party_fields: the
// parsed party_fields_text, filled when first needed.
Status RaiseAlert(sql::Connection& c, AuditHead* head, const std::string& now, const Actor& by,
                  const AlertContext& in, const Hit& h, json* party_fields,
                  std::map<std::string, int64_t>* count_deltas, HitOutcome* outcome_out,
                  int64_t* alert_id_out) {
  const std::string& party_hash = in.party_hash;
  const std::string& party_fields_text = in.party_fields_text;
  sql::Rows rows;
  Status st;
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
    bool same = (in.same_entity_only || prev.Text(5) == party_hash) && prev.Text(6) == entity_hash;
    if (IsOpen(state)) {
      outcome = HitOutcome::kExisting;
      alert_id = prev.Int(0);
      bool changed = prev.Text(5) != party_hash || prev.Text(6) != entity_hash ||
                     std::fabs(prev.Double(3) - h.score) > 1e-9 || prev.Text(4) != explanation_text;
      if (changed) {
        st = c.Query(
            "UPDATE alerts SET score = $2, band = $3, explanation = $4, party_hash = $5, "
            "entity_hash = $6, party_fields = $7, entity_record = $8, party_version = $9, "
            "screening_id = $10, lists_version = $11, entity_name = $12, "
            "version = version + 1, updated_at = $13 WHERE id = $1",
            {alert_id, h.score, h.band, explanation_text, party_hash, entity_hash,
             party_fields_text, entity_text, in.party_version, in.screening_id, in.lists_version,
             h.entity_name, now},
            nullptr);
        if (!st.ok()) return st;
        json detail = {
            {"before",
             {{"score", prev.Double(3)},
              {"party_hash", prev.Text(5)},
              {"entity_hash", prev.Text(6)}}},
            {"after",
             {{"score", h.score}, {"party_hash", party_hash}, {"entity_hash", entity_hash}}}};
        if (in.screening_id != 0) detail["screening_id"] = in.screening_id;
        st = AppendAudit(c, head, now, by.principal, "alert.refresh",
                         "alert:" + std::to_string(alert_id), detail);
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
      if (party_fields->is_null()) *party_fields = Parse(party_fields_text);
      changes = {{"party", model::FieldDiff(Parse(prev.Text(7)), *party_fields)},
                 {"entity", model::FieldDiff(Parse(prev.Text(8)), h.entity_record)}};
    }
  }
  if (outcome == HitOutcome::kNewAlert || outcome == HitOutcome::kReAlert) {
    st = c.Query(
        "INSERT INTO alerts (party_id, party_version, entity_id, entity_name, list, "
        "score, band, state, is_open, version, created_at, updated_at, screening_id, "
        "lists_version, explanation, party_hash, entity_hash, party_fields, "
        "entity_record, previous_alert_id, changes, rescreen_run) VALUES ($1, $2, $3, $4, "
        "$5, $6, $7, 'open', 1, 1, $8, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
        "$18) RETURNING id",
        {in.party_id, in.party_version, h.entity_id, h.entity_name, h.list, h.score, h.band, now,
         in.screening_id, in.lists_version, explanation_text, party_hash, entity_hash,
         party_fields_text, entity_text, previous != 0 ? sql::Value(previous) : sql::Value(),
         changes.is_null() ? sql::Value() : sql::Value(Dump(changes)),
         in.rescreen_run != 0 ? sql::Value(in.rescreen_run) : sql::Value()},
        &rows);
    if (!st.ok()) return st;
    alert_id = rows.at(0).Int(0);
    ++(*count_deltas)["open"];
    st = ApplyTagCountDelta(c, in.party_id, "open", 1);
    if (!st.ok()) return st;
    json detail = {{"party_id", in.party_id},
                   {"party_version", in.party_version},
                   {"entity_id", h.entity_id},
                   {"list", h.list},
                   {"score", h.score},
                   {"band", h.band},
                   {"outcome", std::string(ToString(outcome))}};
    if (in.screening_id != 0) detail["screening_id"] = in.screening_id;
    if (in.rescreen_run != 0) detail["rescreen_run"] = in.rescreen_run;
    if (previous != 0) {
      detail["previous_alert_id"] = previous;
      detail["changes"] = changes;
    }
    st = AppendAudit(c, head, now, by.principal, "alert.raise", "alert:" + std::to_string(alert_id),
                     detail);
    if (!st.ok()) return st;
  }
  *outcome_out = outcome;
  *alert_id_out = alert_id;
  return Status::Ok();
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
    // change_seq: one number per party added or whose screened fields changed.
    st = c.Query("SELECT seq FROM party_change_counter WHERE id = 1", {}, &rows);
    if (!st.ok()) return st;
    const int64_t first_seq = rows.empty() ? 0 : rows[0].Int(0);
    int64_t seq = first_seq;
    for (const model::Party& p : parties) {
      if (p.id.empty()) return Status::InvalidArgument("a party without an id");
      const json& record = model::ToJson(p);
      // The record is what every later reader parses (model::ParseParty): a party built
      // field by field without it would be stored but could never be read back.
      if (!record.is_object() || record.value("id", json()) != json(p.id)) {
        return Status::InvalidArgument("party " + p.id +
                                       ": its record (Party::record) is not the party's: read "
                                       "parties with model::ParseParty");
      }
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
            "INSERT INTO parties (id, version, record, screened_hash, created_at, updated_at, "
            "change_seq) VALUES ($1, 1, $2, $3, $4, $4, $5)",
            {p.id, text, screened_hash, now, ++seq}, nullptr);
        if (!st.ok()) return st;
        st = FlagRescreen(c, p.id);
        if (!st.ok()) return st;
        st = AppendAudit(c, &head, now, by.principal, "party.import", "party:" + p.id,
                         {{"version", 1}, {"screened_hash", screened_hash}});
        if (!st.ok()) return st;
        ++local.added;
        local.changed_screened.push_back(p.id);
        local.changed_ids.push_back(p.id);
      } else {
        if (rows[0].Text(1) == text) {
          ++local.unchanged;
          continue;
        }
        version = rows[0].Int(0) + 1;
        std::string old_hash = rows[0].Text(2);
        json before = Parse(rows[0].Text(1));
        if (old_hash != screened_hash) {
          st = c.Query(
              "UPDATE parties SET version = $2, record = $3, screened_hash = $4, updated_at = $5, "
              "change_seq = $6 WHERE id = $1",
              {p.id, version, text, screened_hash, now, ++seq}, nullptr);
          if (st.ok()) st = FlagRescreen(c, p.id);
        } else {
          st = c.Query(
              "UPDATE parties SET version = $2, record = $3, screened_hash = $4, updated_at = $5 "
              "WHERE id = $1",
              {p.id, version, text, screened_hash, now}, nullptr);
        }
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
        local.changed_ids.push_back(p.id);
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
    if (seq != first_seq) {
      st = c.Query("UPDATE party_change_counter SET seq = $1 WHERE id = 1", {seq}, nullptr);
      if (!st.ok()) return st;
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
    summary->changed_ids.insert(summary->changed_ids.end(), local.changed_ids.begin(),
                                local.changed_ids.end());
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
          "SELECT v.screened, v.screened_hash, p.screened_hash FROM party_versions v JOIN "
          "parties p ON p.id = v.party_id WHERE v.party_id = $1 AND v.version = $2",
          {in.party_id, in.party_version}, &rows);
      if (!st.ok()) return st;
      if (rows.empty()) {
        return Status::NotFound("party " + in.party_id + " version " +
                                std::to_string(in.party_version) + " is not in the store");
      }
      const std::string party_fields_text = rows[0].Text(0);
      const std::string party_hash = rows[0].Text(1);
      const bool screens_current = rows[0].Text(2) == party_hash;
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
      const AlertContext ctx{in.party_id,       in.party_version,          party_hash,
                             party_fields_text, res.screening_id,          in.lists_version,
                             in.rescreen_run,   /*same_entity_only=*/false};
      for (const Hit& h : in.hits) {
        HitOutcome outcome = HitOutcome::kNewAlert;
        int64_t alert_id = 0;
        st = RaiseAlert(c, &head, now, by, ctx, h, &party_fields, &count_deltas, &outcome,
                        &alert_id);
        if (!st.ok()) return st;
        if (outcome == HitOutcome::kNewAlert || outcome == HitOutcome::kReAlert) {
          ++res.new_alerts;
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
      st = ReplacePairs(c, in);
      if (!st.ok()) return st;
      // Screened as it is now: nothing left for a re-screen to do for the party itself.
      if (screens_current) {
        st = c.Query("DELETE FROM party_rescreen WHERE party_id = $1", {in.party_id}, nullptr);
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

// ---- alerts raised outside a list screening: red flags, exposure ----

namespace {

// One such alert: the party version it is about and its pseudo-hit.
struct DerivedAlert {
  std::string party_id;
  int64_t party_version = 0;
  Hit hit;
};

// Raises `alerts` in one transaction through the screenings' alert path (RaiseAlert: an open
// alert of the pair is refreshed, not duplicated; a decided pair re-opens only when the
// hit's entity_record, the signature, changed), then appends one audit record `action` on
// `object` with `run`, the lists version and the counts (the number of inputs named
// `inputs_key`).
Status RecordDerivedAlerts(StoreState* rep, const std::vector<DerivedAlert>& alerts,
                           const std::string& lists_version, const json& run, const Actor& by,
                           std::string_view action, std::string_view object,
                           std::string_view inputs_key, RedFlagAlertResult* result) {
  const std::string now = rep->Now();
  RedFlagAlertResult out;
  Status s = InWrite(rep, [&](sql::Connection& c) -> Status {
    out = RedFlagAlertResult{};
    AuditHead head;
    Status st = LoadAuditHead(c, &head);
    if (!st.ok()) return st;
    std::map<std::string, int64_t> count_deltas;
    sql::Rows rows;
    for (const DerivedAlert& in : alerts) {
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
      const AlertContext ctx{in.party_id,        in.party_version,
                             party_hash,         party_fields_text,
                             /*screening_id=*/0, lists_version,
                             /*rescreen_run=*/0, /*same_entity_only=*/true};
      json party_fields;
      HitOutcome outcome = HitOutcome::kNewAlert;
      int64_t alert_id = 0;
      st = RaiseAlert(c, &head, now, by, ctx, in.hit, &party_fields, &count_deltas, &outcome,
                      &alert_id);
      if (!st.ok()) return st;
      switch (outcome) {
        case HitOutcome::kNewAlert:
          ++out.new_alerts;
          break;
        case HitOutcome::kReAlert:
          ++out.new_alerts;
          ++out.re_alerts;
          break;
        case HitOutcome::kExisting:
          ++out.existing;
          break;
        case HitOutcome::kSuppressed:
          ++out.suppressed;
          break;
        case HitOutcome::kConfirmed:
          ++out.confirmed;
          break;
      }
      out.outcomes.emplace_back(outcome, alert_id);
    }
    json detail = run.is_object() ? run : json::object();
    detail["lists_version"] = lists_version;
    detail["alerts"] = {{std::string(inputs_key), alerts.size()},
                        {"new_alerts", out.new_alerts},
                        {"re_alerts", out.re_alerts},
                        {"existing", out.existing},
                        {"suppressed", out.suppressed},
                        {"confirmed", out.confirmed}};
    st = AppendAudit(c, &head, now, by.principal, std::string(action), std::string(object), detail);
    if (!st.ok()) return st;
    return ApplyCountDeltas(c, count_deltas);
  });
  if (!s.ok()) return s;
  if (result != nullptr) *result = std::move(out);
  return Status::Ok();
}

}  // namespace

Status Store::RecordRedFlagAlerts(const std::vector<RedFlagAlertInput>& inputs,
                                  std::string_view lists_version, const json& run, const Actor& by,
                                  RedFlagAlertResult* result) {
  std::vector<DerivedAlert> alerts;
  alerts.reserve(inputs.size());
  for (const RedFlagAlertInput& in : inputs) {
    DerivedAlert d{in.party_id, in.party_version, {}};
    d.hit.entity_id = std::string(kRedFlagEntityId);
    d.hit.list = std::string(kRedFlagList);
    d.hit.entity_name = std::string(kRedFlagEntityName);
    d.hit.score = in.score;
    d.hit.band = in.band;
    d.hit.explanation = in.explanation;
    d.hit.entity_record = in.signature;
    alerts.push_back(std::move(d));
  }
  return RecordDerivedAlerts(rep_.get(), alerts, std::string(lists_version), run, by,
                             "redflags.run", kRedFlagEntityId, "high", result);
}

Status Store::RecordExposureAlerts(const std::vector<ExposureAlertInput>& inputs,
                                   std::string_view lists_version, const json& run, const Actor& by,
                                   RedFlagAlertResult* result) {
  std::vector<DerivedAlert> alerts;
  alerts.reserve(inputs.size());
  for (const ExposureAlertInput& in : inputs) {
    DerivedAlert d{in.party_id, in.party_version, {}};
    d.hit.entity_id = std::string(kExposureEntityPrefix) + in.entity_id;
    d.hit.list = std::string(kExposureList);
    d.hit.entity_name = in.entity_name;
    d.hit.score = in.score;
    d.hit.band = in.band;
    d.hit.explanation = in.explanation;
    d.hit.entity_record = in.signature;
    alerts.push_back(std::move(d));
  }
  return RecordDerivedAlerts(rep_.get(), alerts, std::string(lists_version), run, by,
                             "exposure.run", kExposureList, "inputs", result);
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
  if (q.rescreen_run != 0) {
    add("rescreen_run =", q.rescreen_run);
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

// ---- list versions and ongoing screening ----

namespace {

// Entity digests as stored: one line per entity, "id \t record_hash \t screened_hash \t
// names" with the names joined by \x1f. Backslash, tab, newline, carriage return, \x1f and
// NUL inside a field are written as \\, \t, \n, \r, \u, \0.
void AppendEscaped(std::string* out, std::string_view field) {
  for (char ch : field) {
    switch (ch) {
      case '\\':
        out->append("\\\\");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\x1f':
        out->append("\\u");
        break;
      case '\0':
        out->append("\\0");
        break;
      default:
        out->push_back(ch);
    }
  }
}

std::string EncodeDigests(const std::vector<EntityDigest>& digests) {
  std::string out;
  size_t size = 0;
  for (const EntityDigest& d : digests) {
    size += d.id.size() + d.record_hash.size() + d.screened_hash.size() + 4;
    for (const std::string& n : d.names) size += n.size() + 1;
  }
  out.reserve(size);
  for (const EntityDigest& d : digests) {
    AppendEscaped(&out, d.id);
    out.push_back('\t');
    AppendEscaped(&out, d.record_hash);
    out.push_back('\t');
    AppendEscaped(&out, d.screened_hash);
    out.push_back('\t');
    for (size_t i = 0; i < d.names.size(); ++i) {
      if (i > 0) out.push_back('\x1f');
      AppendEscaped(&out, d.names[i]);
    }
    out.push_back('\n');
  }
  return out;
}

Status DecodeDigests(std::string_view text, int64_t version_id, std::vector<EntityDigest>* out) {
  out->clear();
  size_t line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++line;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view row = text.substr(pos, end - pos);
    pos = end + 1;
    EntityDigest d;
    std::string field;
    int column = 0;
    auto finish_field = [&] {
      switch (column) {
        case 0:
          d.id = std::move(field);
          break;
        case 1:
          d.record_hash = std::move(field);
          break;
        case 2:
          d.screened_hash = std::move(field);
          break;
        default:
          d.names.push_back(std::move(field));
      }
      field.clear();
    };
    bool bad = false;
    for (size_t i = 0; i < row.size(); ++i) {
      char ch = row[i];
      if (ch == '\\') {
        if (++i >= row.size()) {
          bad = true;
          break;
        }
        switch (row[i]) {
          case '\\':
            field.push_back('\\');
            break;
          case 't':
            field.push_back('\t');
            break;
          case 'n':
            field.push_back('\n');
            break;
          case 'r':
            field.push_back('\r');
            break;
          case 'u':
            field.push_back('\x1f');
            break;
          case '0':
            field.push_back('\0');
            break;
          default:
            bad = true;
        }
      } else if (ch == '\t') {
        if (column >= 3) {
          bad = true;
          break;
        }
        finish_field();
        ++column;
      } else if (ch == '\x1f' && column == 3) {
        finish_field();
      } else {
        field.push_back(ch);
      }
      if (bad) break;
    }
    if (bad || column != 3) {
      return Status::Corruption("the digests of list version " + std::to_string(version_id) +
                                " do not read back (entity " + std::to_string(line) + ")");
    }
    // The last name (or none: an entity without names has an empty fourth field).
    if (!field.empty() || !d.names.empty()) d.names.push_back(std::move(field));
    out->push_back(std::move(d));
  }
  return Status::Ok();
}

constexpr std::string_view kListVersionCols =
    "id, source, key, files, published, entities, loaded_at, loaded_by";

ListVersion ReadListVersion(const sql::Row& r) {
  ListVersion v;
  v.id = r.Int(0);
  v.source = r.Text(1);
  v.key = r.Text(2);
  v.files = ListsFromJson(Parse(r.Text(3)));
  v.published = r.Text(4);
  v.entities = r.Int(5);
  v.loaded_at = r.Text(6);
  v.loaded_by = r.Text(7);
  return v;
}

constexpr std::string_view kRunCols =
    "id, kind, status, started_at, finished_at, by_principal, from_lists_version, "
    "to_lists_version, to_versions, counts, error";

RescreenRun ReadRun(const sql::Row& r) {
  RescreenRun run;
  run.id = r.Int(0);
  run.kind = r.Text(1);
  run.status = r.Text(2);
  run.started_at = r.Text(3);
  run.finished_at = r.Text(4);
  run.by = r.Text(5);
  run.from_lists_version = r.Text(6);
  run.to_lists_version = r.Text(7);
  json versions = Parse(r.Text(8));
  if (versions.is_object()) {
    for (const auto& [source, id] : versions.items()) {
      if (id.is_number_integer()) run.to_versions[source] = id.get<int64_t>();
    }
  }
  run.counts = Parse(r.Text(9));
  if (!run.counts.is_object()) run.counts = json::object();
  run.error = r.Text(10);
  return run;
}

json VersionsToJson(const std::map<std::string, int64_t>& versions) {
  json j = json::object();
  for (const auto& [source, id] : versions) j[source] = id;
  return j;
}

// Values per query of an IN list: the list is padded to this size with its last value, so
// that every query has the same text (prepared once per connection).
constexpr size_t kInBatch = 500;

// Runs `head` + "(" + kInBatch placeholders + ")" + `tail` for each kInBatch of `values`
// (after the parameters `fixed`, which take $1..$n) and hands each result to `fn`.
Status QueryIn(sql::Connection& c, std::string_view head, std::string_view tail,
               const sql::Params& fixed, const std::vector<std::string>& values,
               const std::function<void(const sql::Rows&)>& fn) {
  if (values.empty()) return Status::Ok();
  std::string text(head);
  text += " (";
  for (size_t i = 0; i < kInBatch; ++i) {
    if (i > 0) text += ", ";
    text += "$" + std::to_string(fixed.size() + i + 1);
  }
  text += ")";
  text += tail;
  sql::Rows rows;
  for (size_t from = 0; from < values.size(); from += kInBatch) {
    sql::Params p = fixed;
    p.reserve(fixed.size() + kInBatch);
    for (size_t i = 0; i < kInBatch; ++i)
      p.push_back(values[std::min(from + i, values.size() - 1)]);
    Status s = c.Query(text, p, &rows);
    if (!s.ok()) return s;
    fn(rows);
  }
  return Status::Ok();
}

void SortUnique(std::vector<std::string>* ids) {
  std::sort(ids->begin(), ids->end());
  ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
}

Status ReadIds(sql::Connection& c, std::string_view sql, const sql::Params& params,
               std::vector<std::string>* ids) {
  sql::Rows rows;
  Status s = c.Query(sql, params, &rows);
  if (!s.ok()) return s;
  ids->clear();
  ids->reserve(rows.size());
  for (const sql::Row& r : rows) ids->push_back(r.Text(0));
  return Status::Ok();
}

}  // namespace

Status Store::RecordListVersions(const std::string& lists_version,
                                 const std::vector<ListVersionInput>& lists, const Actor& by,
                                 std::vector<int64_t>* ids) {
  for (const ListVersionInput& l : lists) {
    if (l.source.empty() || l.key.empty()) {
      return Status::InvalidArgument("a list version without a source or key");
    }
  }
  const std::string now = rep_->Now();
  std::vector<int64_t> out;
  Status s = InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    out.clear();
    AuditHead head;
    bool head_loaded = false;
    sql::Rows rows;
    for (const ListVersionInput& l : lists) {
      Status st = c.Query("SELECT id FROM list_versions WHERE source = $1 AND key = $2",
                          {l.source, l.key}, &rows);
      if (!st.ok()) return st;
      if (!rows.empty()) {
        out.push_back(rows[0].Int(0));
        continue;
      }
      const json files = ListsToJson(l.files);
      const auto entities = static_cast<int64_t>(l.digests.size());
      st = c.Query(
          "INSERT INTO list_versions (source, key, files, published, entities, loaded_at, "
          "loaded_by, digests) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
          {l.source, l.key, Dump(files), l.published, entities, now, by.principal,
           EncodeDigests(l.digests)},
          &rows);
      if (!st.ok()) return st;
      const int64_t id = rows.at(0).Int(0);
      out.push_back(id);
      if (!head_loaded) {
        st = LoadAuditHead(c, &head);
        if (!st.ok()) return st;
        head_loaded = true;
      }
      st = AppendAudit(c, &head, now, by.principal, "lists.version",
                       "list_version:" + std::to_string(id),
                       {{"source", l.source},
                        {"key", l.key},
                        {"published", l.published},
                        {"files", files},
                        {"entities", entities}});
      if (!st.ok()) return st;
    }
    if (!lists_version.empty()) {
      Status st = c.Query(
          "INSERT INTO lists_versions (lists_version, members, recorded_at) VALUES ($1, $2, $3) "
          "ON CONFLICT (lists_version) DO NOTHING",
          {lists_version, Dump(json(out)), now}, nullptr);
      if (!st.ok()) return st;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (ids != nullptr) *ids = std::move(out);
  return Status::Ok();
}

Status Store::ListListVersions(std::vector<ListVersion>* out) {
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status s =
        c.Query("SELECT " + std::string(kListVersionCols) + " FROM list_versions ORDER BY id DESC",
                {}, &rows);
    if (!s.ok()) return s;
    out->clear();
    for (const sql::Row& r : rows) out->push_back(ReadListVersion(r));
    return Status::Ok();
  });
}

namespace {

Status ReadListVersionById(sql::Connection& c, int64_t id, ListVersion* out) {
  sql::Rows rows;
  Status s = c.Query(
      "SELECT " + std::string(kListVersionCols) + " FROM list_versions WHERE id = $1", {id}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::NotFound("list version " + std::to_string(id) + " not found");
  *out = ReadListVersion(rows[0]);
  return Status::Ok();
}

}  // namespace

Status Store::GetListVersion(int64_t id, ListVersion* out) {
  return InRead(rep_.get(), [&](sql::Connection& c) { return ReadListVersionById(c, id, out); });
}

Status Store::GetListDigests(int64_t list_version_id, std::vector<EntityDigest>* out) {
  std::string text;
  Status s = InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status st =
        c.Query("SELECT digests FROM list_versions WHERE id = $1", {list_version_id}, &rows);
    if (!st.ok()) return st;
    if (rows.empty()) {
      return Status::NotFound("list version " + std::to_string(list_version_id) + " not found");
    }
    text = rows[0].Text(0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return DecodeDigests(text, list_version_id, out);
}

Status Store::GetBaseline(std::string_view source, ListVersion* out, bool* found) {
  *found = false;
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status s = c.Query(
        "SELECT to_versions FROM rescreen_runs WHERE status = 'done' ORDER BY id DESC", {}, &rows);
    if (!s.ok()) return s;
    for (const sql::Row& r : rows) {
      json versions = Parse(r.Text(0));
      if (!versions.is_object()) continue;
      auto it = versions.find(std::string(source));
      if (it == versions.end() || !it->is_number_integer()) continue;
      s = ReadListVersionById(c, it->get<int64_t>(), out);
      if (!s.ok()) return s;
      *found = true;
      return Status::Ok();
    }
    return Status::Ok();
  });
}

Status Store::BeginRescreenRun(std::string_view kind, std::string_view from_lists_version,
                               std::string_view to_lists_version,
                               const std::map<std::string, int64_t>& to_versions, const Actor& by,
                               int64_t* id) {
  if (kind != "delta" && kind != "full") {
    return Status::InvalidArgument("re-screen kind '" + std::string(kind) +
                                   "' is not delta or full");
  }
  const std::string now = rep_->Now();
  return InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status s = c.Query(
        "INSERT INTO rescreen_runs (kind, status, started_at, finished_at, by_principal, "
        "from_lists_version, to_lists_version, to_versions, counts, error) VALUES ($1, "
        "'running', $2, '', $3, $4, $5, $6, '{}', '') RETURNING id",
        {std::string(kind), now, by.principal, std::string(from_lists_version),
         std::string(to_lists_version), Dump(VersionsToJson(to_versions))},
        &rows);
    if (!s.ok()) return s;
    *id = rows.at(0).Int(0);
    return Status::Ok();
  });
}

Status Store::FinishRescreenRun(int64_t id, bool ok, const json& counts, std::string_view error,
                                const Actor& by) {
  const std::string now = rep_->Now();
  const std::string status = ok ? "done" : "failed";
  return InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status s = c.Query("SELECT " + std::string(kRunCols) + " FROM rescreen_runs WHERE id = $1",
                       {id}, &rows);
    if (!s.ok()) return s;
    if (rows.empty()) return Status::NotFound("re-screen run " + std::to_string(id) + " not found");
    RescreenRun run = ReadRun(rows[0]);
    if (run.status != "running") {
      return Status::InvalidArgument("re-screen run " + std::to_string(id) + " already ended (" +
                                     run.status + ")");
    }
    const json counts_json = counts.is_object() ? counts : json::object();
    s = c.Query(
        "UPDATE rescreen_runs SET status = $2, finished_at = $3, counts = $4, error = $5 WHERE "
        "id = $1",
        {id, status, now, Dump(counts_json), std::string(error)}, nullptr);
    if (!s.ok()) return s;
    AuditHead head;
    s = LoadAuditHead(c, &head);
    if (!s.ok()) return s;
    json detail = {{"kind", run.kind},
                   {"status", status},
                   {"started_at", run.started_at},
                   {"from_lists_version", run.from_lists_version},
                   {"to_lists_version", run.to_lists_version},
                   {"to_versions", VersionsToJson(run.to_versions)},
                   {"counts", counts_json}};
    if (!ok) detail["error"] = std::string(error);
    return AppendAudit(c, &head, now, by.principal, "rescreen", "rescreen:" + std::to_string(id),
                       detail);
  });
}

Status Store::GetRescreenRun(int64_t id, RescreenRun* out) {
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status s = c.Query("SELECT " + std::string(kRunCols) + " FROM rescreen_runs WHERE id = $1",
                       {id}, &rows);
    if (!s.ok()) return s;
    if (rows.empty()) return Status::NotFound("re-screen run " + std::to_string(id) + " not found");
    *out = ReadRun(rows[0]);
    return Status::Ok();
  });
}

Status Store::ListRescreenRuns(int64_t limit, std::vector<RescreenRun>* out) {
  if (limit <= 0) limit = 50;
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status s =
        c.Query("SELECT " + std::string(kRunCols) + " FROM rescreen_runs ORDER BY id DESC LIMIT $1",
                {limit}, &rows);
    if (!s.ok()) return s;
    out->clear();
    for (const sql::Row& r : rows) out->push_back(ReadRun(r));
    return Status::Ok();
  });
}

Status Store::PartiesToRescreen(std::vector<std::string>* ids) {
  return InRead(rep_.get(), [&](sql::Connection& c) {
    return ReadIds(c, "SELECT party_id FROM party_rescreen ORDER BY party_id", {}, ids);
  });
}

Status Store::PartiesWithPairs(const std::vector<std::string>& entity_ids, double min_score,
                               std::vector<std::string>* ids) {
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    if (entity_ids.empty()) {
      return ReadIds(c,
                     "SELECT DISTINCT party_id FROM party_pairs WHERE score >= $1 ORDER BY "
                     "party_id",
                     {min_score}, ids);
    }
    std::vector<std::string> found;
    Status s = QueryIn(c, "SELECT party_id FROM party_pairs WHERE score >= $1 AND entity_id IN", "",
                       {min_score}, entity_ids, [&](const sql::Rows& rows) {
                         for (const sql::Row& r : rows) found.push_back(r.Text(0));
                       });
    if (!s.ok()) return s;
    SortUnique(&found);
    *ids = std::move(found);
    return Status::Ok();
  });
}

Status Store::PairsAbove(double min_score, std::vector<PartyPair>* pairs) {
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status s = c.Query(
        "SELECT party_id, entity_id, score FROM party_pairs WHERE score >= $1 ORDER BY "
        "party_id, entity_id",
        {min_score}, &rows);
    if (!s.ok()) return s;
    pairs->clear();
    pairs->reserve(rows.size());
    for (const sql::Row& r : rows) pairs->push_back(PartyPair{r.Text(0), r.Text(1), r.Double(2)});
    return Status::Ok();
  });
}

Status Store::PartyChangeSeq(int64_t* seq) {
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status s = c.Query("SELECT seq FROM party_change_counter WHERE id = 1", {}, &rows);
    if (!s.ok()) return s;
    *seq = rows.empty() ? 0 : rows[0].Int(0);
    return Status::Ok();
  });
}

Status Store::PartiesChangedSince(int64_t seq, std::vector<std::string>* ids) {
  return InRead(rep_.get(), [&](sql::Connection& c) {
    // Sorted here: with ORDER BY id, SQLite walks the whole table in id order instead of
    // the few rows of the change_seq index.
    Status s = ReadIds(c, "SELECT id FROM parties WHERE change_seq > $1", {seq}, ids);
    std::sort(ids->begin(), ids->end());
    return s;
  });
}

Status Store::GetParties(const std::vector<std::string>& ids, std::vector<model::Party>* out) {
  std::vector<std::string> wanted = ids;
  SortUnique(&wanted);
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    std::vector<model::Party> parties;
    parties.reserve(wanted.size());
    Status bad;
    Status s = QueryIn(c, "SELECT id, record, version FROM parties WHERE id IN", "", {}, wanted,
                       [&](const sql::Rows& rows) {
                         for (const sql::Row& r : rows) {
                           model::Party p;
                           std::vector<std::string> warnings;
                           Status st = model::ParseParty(Parse(r.Text(1)), &p, &warnings);
                           if (!st.ok()) {
                             if (bad.ok()) {
                               bad = Status::Corruption(rep_->db + ": stored party " + r.Text(0) +
                                                        " does not read back: " + st.message());
                             }
                             continue;
                           }
                           p.stored_version = r.Int(2);
                           parties.push_back(std::move(p));
                         }
                       });
    if (!s.ok()) return s;
    if (!bad.ok()) return bad;
    std::sort(parties.begin(), parties.end(),
              [](const model::Party& a, const model::Party& b) { return a.id < b.id; });
    *out = std::move(parties);
    return Status::Ok();
  });
}

Status Store::CloseDelisted(const std::vector<std::string>& entity_ids, std::string_view label,
                            int64_t rescreen_run, const Actor& by, int64_t* annotated,
                            int64_t* closed) {
  if (label.empty()) return Status::InvalidArgument("a delisting without a label");
  const std::string now = rep_->Now();
  const std::string text = "delisted in " + std::string(label);
  int64_t n_annotated = 0, n_closed = 0;
  std::vector<std::string> wanted = entity_ids;
  SortUnique(&wanted);
  Status s = InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    n_annotated = n_closed = 0;
    struct Target {
      int64_t id, version;
      std::string state, party_id, entity_id;
    };
    std::vector<Target> targets;
    Status st =
        QueryIn(c,
                "SELECT id, state, version, party_id, entity_id FROM alerts WHERE "
                "delisted IS NULL AND entity_id IN",
                "", {}, wanted, [&](const sql::Rows& rows) {
                  for (const sql::Row& r : rows) {
                    targets.push_back({r.Int(0), r.Int(2), r.Text(1), r.Text(3), r.Text(4)});
                  }
                });
    if (!st.ok()) return st;
    std::sort(targets.begin(), targets.end(),
              [](const Target& a, const Target& b) { return a.id < b.id; });
    if (targets.empty()) return Status::Ok();
    AuditHead head;
    st = LoadAuditHead(c, &head);
    if (!st.ok()) return st;
    std::map<std::string, int64_t> count_deltas;
    for (const Target& t : targets) {
      const std::string object = "alert:" + std::to_string(t.id);
      const bool open = IsOpen(ParseAlertState(t.state).value_or(AlertState::kOpen));
      ++n_annotated;
      if (!open) {
        st = c.Query("UPDATE alerts SET delisted = $2, updated_at = $3 WHERE id = $1",
                     {t.id, text, now}, nullptr);
        if (!st.ok()) return st;
        json detail = {{"delisted", text},
                       {"party_id", t.party_id},
                       {"entity_id", t.entity_id},
                       {"state", t.state}};
        if (rescreen_run != 0) detail["rescreen_run"] = rescreen_run;
        st = AppendAudit(c, &head, now, by.principal, "alert.delisted", object, detail);
        if (!st.ok()) return st;
        continue;
      }
      ++n_closed;
      const std::string after(ToString(AlertState::kClosed));
      st = c.Query(
          "UPDATE alerts SET delisted = $2, state = $3, is_open = 0, version = version + 1, "
          "updated_at = $4 WHERE id = $1",
          {t.id, text, after, now}, nullptr);
      if (!st.ok()) return st;
      st = c.Query(
          "INSERT INTO decisions (alert_id, decision, reason, by_principal, at, alert_version) "
          "VALUES ($1, $2, $3, $4, $5, $6)",
          {t.id, std::string(ToString(DecisionKind::kClose)), text, by.principal, now, t.version},
          nullptr);
      if (!st.ok()) return st;
      --count_deltas[t.state];
      ++count_deltas[after];
      st = ApplyTagCountDelta(c, t.party_id, t.state, -1);
      if (!st.ok()) return st;
      st = ApplyTagCountDelta(c, t.party_id, after, 1);
      if (!st.ok()) return st;
      json detail = {{"decision", std::string(ToString(DecisionKind::kClose))},
                     {"reason", text},
                     {"alert_version", t.version},
                     {"party_id", t.party_id},
                     {"entity_id", t.entity_id},
                     {"delisted", text},
                     {"before", {{"state", t.state}, {"version", t.version}}},
                     {"after", {{"state", after}, {"version", t.version + 1}}}};
      if (rescreen_run != 0) detail["rescreen_run"] = rescreen_run;
      st = AppendAudit(c, &head, now, by.principal, "alert.decide", object, detail);
      if (!st.ok()) return st;
    }
    return ApplyCountDeltas(c, count_deltas);
  });
  if (!s.ok()) return s;
  if (annotated != nullptr) *annotated = n_annotated;
  if (closed != nullptr) *closed = n_closed;
  return Status::Ok();
}

Status Store::RecordWebhookDelivery(const WebhookDelivery& d, const Actor& by, int64_t* id) {
  if (d.status != "delivered" && d.status != "failed") {
    return Status::InvalidArgument("webhook delivery status '" + d.status +
                                   "' is not delivered or failed");
  }
  const std::string now = rep_->Now();
  int64_t new_id = 0;
  Status s = InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    const std::string first = d.first_attempt_at.empty() ? now : d.first_attempt_at;
    const std::string last = d.last_attempt_at.empty() ? now : d.last_attempt_at;
    Status st = c.Query(
        "INSERT INTO webhook_deliveries (event_id, url, rescreen_run, alerts, status, attempts, "
        "http_status, error, first_attempt_at, last_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7, $8, $9, $10) RETURNING id",
        {d.event_id, d.url, d.rescreen_run != 0 ? sql::Value(d.rescreen_run) : sql::Value(),
         d.alerts, d.status, int64_t{d.attempts}, int64_t{d.http_status}, d.error, first, last},
        &rows);
    if (!st.ok()) return st;
    new_id = rows.at(0).Int(0);
    AuditHead head;
    st = LoadAuditHead(c, &head);
    if (!st.ok()) return st;
    json detail = {{"event_id", d.event_id},
                   {"url", d.url},
                   {"rescreen_run", d.rescreen_run != 0 ? json(d.rescreen_run) : json(nullptr)},
                   {"alerts", d.alerts},
                   {"status", d.status},
                   {"attempts", d.attempts},
                   {"http_status", d.http_status}};
    if (!d.error.empty()) detail["error"] = d.error;
    return AppendAudit(c, &head, now, by.principal, "webhook.delivery",
                       "webhook:" + std::to_string(new_id), detail);
  });
  if (!s.ok()) return s;
  if (id != nullptr) *id = new_id;
  return Status::Ok();
}

Status Store::ListWebhookDeliveries(int64_t limit, std::vector<WebhookDelivery>* out) {
  if (limit <= 0) limit = 50;
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status s = c.Query(
        "SELECT id, event_id, url, rescreen_run, alerts, status, attempts, http_status, error, "
        "first_attempt_at, last_attempt_at FROM webhook_deliveries ORDER BY id DESC LIMIT $1",
        {limit}, &rows);
    if (!s.ok()) return s;
    out->clear();
    for (const sql::Row& r : rows) {
      WebhookDelivery d;
      d.id = r.Int(0);
      d.event_id = r.Text(1);
      d.url = r.Text(2);
      d.rescreen_run = r.Int(3);
      d.alerts = r.Int(4);
      d.status = r.Text(5);
      d.attempts = static_cast<int>(r.Int(6));
      d.http_status = static_cast<int>(r.Int(7));
      d.error = r.Text(8);
      d.first_attempt_at = r.Text(9);
      d.last_attempt_at = r.Text(10);
      out->push_back(std::move(d));
    }
    return Status::Ok();
  });
}

// ---- ownership edges ----

namespace {

json EndDetail(const OwnershipEnd& e) {
  json j = {{"given", e.given}, {"node", e.node}, {"how", e.how}};
  if (!e.matched_id.empty()) {
    j["score"] = e.score;
    j["matched_id"] = e.matched_id;
  }
  if (!e.review.empty()) j["review"] = e.review;
  return j;
}

// The review an end gets when stored: a name match is to review until someone does.
std::string EndReview(const OwnershipEnd& e) {
  if (!e.review.empty()) return e.review;
  return e.how == "name_match" ? "to_review" : "";
}

void ReadEnd(const sql::Row& r, int first, OwnershipEnd* e) {
  e->given = r.Text(first);
  e->node = r.Text(first + 1);
  e->how = r.Text(first + 2);
  e->score = r.Double(first + 3);
  e->matched_id = r.Text(first + 4);
  e->matched_name = r.Text(first + 5);
}

constexpr const char* kEdgeColumns =
    "id, owner_given, owner_node, owner_how, owner_score, owner_matched_id, "
    "owner_matched_name, owned_given, owned_node, owned_how, owned_score, owned_matched_id, "
    "owned_matched_name, percentage, low, high, kind, source, as_of, file, line, "
    "imported_at, by_principal, review, owner_review, owned_review, reviewed_by, reviewed_at, "
    "review_note";

OwnershipEdgeRecord ReadEdge(const sql::Row& r) {
  OwnershipEdgeRecord e;
  e.id = r.Int(0);
  ReadEnd(r, 1, &e.owner);
  ReadEnd(r, 7, &e.owned);
  e.percentage = r.Text(13);
  e.low = r.Double(14);
  e.high = r.Double(15);
  e.kind = r.Text(16);
  e.source = r.Text(17);
  e.as_of = r.Text(18);
  e.file = r.Text(19);
  e.line = r.Int(20);
  e.imported_at = r.Text(21);
  e.by = r.Text(22);
  e.review = r.Text(23);
  e.owner.review = r.Text(24);
  e.owned.review = r.Text(25);
  e.reviewed_by = r.Text(26);
  e.reviewed_at = r.Text(27);
  e.review_note = r.Text(28);
  return e;
}

json EdgeDetail(const OwnershipEdgeRecord& e) {
  return {{"owner", EndDetail(e.owner)}, {"owned", EndDetail(e.owned)}, {"review", e.review}};
}

Status ReadEdgeById(sql::Connection& c, int64_t id, OwnershipEdgeRecord* out) {
  sql::Rows rows;
  Status s = c.Query(std::string("SELECT ") + kEdgeColumns + " FROM ownership_edges WHERE id = $1",
                     {id}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) {
    return Status::NotFound("no ownership edge with id " + std::to_string(id));
  }
  *out = ReadEdge(rows[0]);
  return Status::Ok();
}

}  // namespace

Status Store::PutOwnershipEdges(const std::vector<OwnershipEdgeRecord>& edges, const Actor& by,
                                OwnershipImportSummary* summary) {
  OwnershipImportSummary sum;
  std::vector<std::string> files;
  for (const OwnershipEdgeRecord& e : edges) {
    const std::string where = e.file + ":" + std::to_string(e.line) + ": ";
    if (e.owner.node.empty() || e.owned.node.empty()) {
      return Status::InvalidArgument(where + "an ownership edge needs an owner and an owned");
    }
    if (!(e.low >= 0 && e.low <= e.high && e.high <= 100)) {
      return Status::InvalidArgument(where + "share bounds must satisfy 0 <= low <= high <= 100");
    }
    if (e.kind.empty()) return Status::InvalidArgument(where + "an ownership edge needs a kind");
    ++sum.edges;
    for (const OwnershipEnd* end : {&e.owner, &e.owned}) {
      if (end->how == "name_match") ++sum.name_matches;
      if (end->how == "unresolved") ++sum.unresolved;
    }
    if (std::find(files.begin(), files.end(), e.file) == files.end()) files.push_back(e.file);
  }
  const std::string now = rep_->Now();
  Status s = InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    AuditHead head;
    Status st = LoadAuditHead(c, &head);
    if (!st.ok()) return st;
    for (const OwnershipEdgeRecord& e : edges) {
      st = c.Query(
          "INSERT INTO ownership_edges (owner_given, owner_node, owner_how, owner_score, "
          "owner_matched_id, owner_matched_name, owned_given, owned_node, owned_how, "
          "owned_score, owned_matched_id, owned_matched_name, percentage, low, high, kind, "
          "source, as_of, file, line, imported_at, by_principal, review, owner_review, "
          "owned_review) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
          "$15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)",
          {e.owner.given,
           e.owner.node,
           e.owner.how,
           e.owner.score,
           e.owner.matched_id,
           e.owner.matched_name,
           e.owned.given,
           e.owned.node,
           e.owned.how,
           e.owned.score,
           e.owned.matched_id,
           e.owned.matched_name,
           e.percentage,
           e.low,
           e.high,
           e.kind,
           e.source,
           e.as_of,
           e.file,
           e.line,
           now,
           by.principal,
           e.review,
           EndReview(e.owner),
           EndReview(e.owned)},
          nullptr);
      if (!st.ok()) return st;
    }
    json name_matches = json::array();
    for (const OwnershipEdgeRecord& e : edges) {
      for (const OwnershipEnd* end : {&e.owner, &e.owned}) {
        if (end->how == "name_match" && name_matches.size() < 100) {
          json m = EndDetail(*end);
          m["line"] = e.line;
          name_matches.push_back(std::move(m));
        }
      }
    }
    json detail = {{"files", files},
                   {"edges", sum.edges},
                   {"name_matches", sum.name_matches},
                   {"unresolved", sum.unresolved},
                   {"matches", std::move(name_matches)}};
    return AppendAudit(c, &head, now, by.principal, "ownership.import",
                       "ownership:" + (files.empty() ? std::string() : files.front()), detail);
  });
  if (!s.ok()) return s;
  if (summary != nullptr) {
    summary->edges += sum.edges;
    summary->name_matches += sum.name_matches;
    summary->unresolved += sum.unresolved;
  }
  return Status::Ok();
}

Status Store::ListOwnershipEdges(std::vector<OwnershipEdgeRecord>* out, bool to_review_only) {
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    Status s = c.Query(std::string("SELECT ") + kEdgeColumns + " FROM ownership_edges" +
                           (to_review_only ? " WHERE review = 'to_review'" : "") + " ORDER BY id",
                       {}, &rows);
    if (!s.ok()) return s;
    out->clear();
    for (const sql::Row& r : rows) out->push_back(ReadEdge(r));
    return Status::Ok();
  });
}

Status Store::GetOwnershipEdge(int64_t id, OwnershipEdgeRecord* out) {
  return InRead(rep_.get(), [&](sql::Connection& c) { return ReadEdgeById(c, id, out); });
}

Status Store::ReviewOwnershipEdge(int64_t edge_id, const OwnershipReview& r, const Actor& by,
                                  OwnershipEdgeRecord* updated) {
  if (r.decision != "accept" && r.decision != "reject") {
    return Status::InvalidArgument("review decision '" + r.decision + "' is not accept or reject");
  }
  if (!r.end.empty() && r.end != "owner" && r.end != "owned") {
    return Status::InvalidArgument("review end '" + r.end + "' is not owner or owned");
  }
  if (r.decision == "accept" && !r.node.empty()) {
    return Status::InvalidArgument(
        "a node is given only with reject (it re-points the end to that node)");
  }
  const std::string now = rep_->Now();
  OwnershipEdgeRecord after;
  Status s = InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    OwnershipEdgeRecord e;
    Status st = ReadEdgeById(c, edge_id, &e);
    if (!st.ok()) return st;
    const std::string edge = "ownership edge " + std::to_string(edge_id);
    if (e.review != "to_review") {
      return Status::InvalidArgument(edge + " is not to review (review: " + e.review + ")");
    }
    std::vector<OwnershipEnd*> ends;
    for (auto [name, end] : {std::pair<const char*, OwnershipEnd*>{"owner", &e.owner},
                             std::pair<const char*, OwnershipEnd*>{"owned", &e.owned}}) {
      if (!r.end.empty() && r.end != name) continue;
      if (end->review != "to_review") {
        if (!r.end.empty()) {
          return Status::InvalidArgument(edge + ": its " + name + " is not a name match to review" +
                                         (end->review.empty() ? "" : " (" + end->review + ")"));
        }
        continue;
      }
      ends.push_back(end);
    }
    if (ends.empty()) return Status::InvalidArgument(edge + " has no end to review");
    if (!r.node.empty() && ends.size() > 1) {
      return Status::InvalidArgument(edge + ": both ends are name matches; say which one --node " +
                                     "re-points (end owner or owned)");
    }
    const OwnershipEdgeRecord before = e;
    for (OwnershipEnd* end : ends) {
      if (r.decision == "accept") {
        end->review = "accepted";
        continue;
      }
      end->review = "rejected";
      if (r.node.empty() || r.node == "name:" + end->given) {
        end->node = "name:" + end->given;
        end->how = "rejected_match";
      } else if (r.node.rfind("party:", 0) == 0) {
        sql::Rows rows;
        st = c.Query("SELECT id FROM parties WHERE id = $1", {r.node.substr(6)}, &rows);
        if (!st.ok()) return st;
        if (rows.empty()) {
          return Status::InvalidArgument("node " + r.node + ": no such party in the store");
        }
        end->node = r.node;
        end->how = "party";
      } else if (r.node.rfind("name:", 0) == 0 || r.node.rfind("exposure:", 0) == 0 ||
                 r.node.find(':') == std::string::npos) {
        return Status::InvalidArgument(
            "node '" + r.node +
            "' is not a party (party:ID), a listed entity id (source:id) or empty (keep the "
            "name as an outside node)");
      } else {
        if (r.node == end->matched_id) {
          return Status::InvalidArgument("node " + r.node +
                                         " is the match being rejected (accept it instead)");
        }
        end->node = r.node;
        end->how = "entity";
      }
    }
    if (e.owner.node == e.owned.node) {
      return Status::InvalidArgument(edge + ": owner and owned would be the same node (" +
                                     e.owner.node + ")");
    }
    e.review =
        e.owner.review == "to_review" || e.owned.review == "to_review" ? "to_review" : "accepted";
    e.reviewed_by = by.principal;
    e.reviewed_at = now;
    e.review_note = r.note;
    st = c.Query(
        "UPDATE ownership_edges SET owner_node = $1, owner_how = $2, owner_review = $3, "
        "owned_node = $4, owned_how = $5, owned_review = $6, review = $7, reviewed_by = $8, "
        "reviewed_at = $9, review_note = $10 WHERE id = $11",
        {e.owner.node, e.owner.how, e.owner.review, e.owned.node, e.owned.how, e.owned.review,
         e.review, e.reviewed_by, e.reviewed_at, e.review_note, edge_id},
        nullptr);
    if (!st.ok()) return st;
    AuditHead head;
    st = LoadAuditHead(c, &head);
    if (!st.ok()) return st;
    json detail = {{"edge", edge_id},       {"decision", r.decision},
                   {"end", r.end},          {"node", r.node},
                   {"note", r.note},        {"before", EdgeDetail(before)},
                   {"after", EdgeDetail(e)}};
    st = AppendAudit(c, &head, now, by.principal, "ownership.review",
                     "ownership_edge:" + std::to_string(edge_id), detail);
    if (!st.ok()) return st;
    after = std::move(e);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (updated != nullptr) *updated = std::move(after);
  return Status::Ok();
}

}  // namespace vigil::store
