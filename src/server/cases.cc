// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The case store over HTTP (`vigil serve --db DB`): parties (create, update, bulk import,
// get with history, screen), the alert queue, alerts and their decisions, the list versions
// the store has screened against and the re-screen runs (list updates) that brought the
// parties up to date with them, and the audit trail (export, verify). Shapes: docs/api.md and
// src/server/openapi.json; the JSON forms of stored records are src/store/json.h's.
//
// Roles: parties, alerts, decisions, list versions and re-screen runs need `analyst`; the
// audit trail `admin`. Every
// change is recorded under the principal of the key that made it.
//
// The store's calls block (a transaction, perhaps waiting for another writer), so these
// routes run off the event loops: writes in Lane::kStoreWrite, reads and party screening in
// Lane::kStoreRead (http.h), so that a crowd of decisions cannot hold up a screening.

#include <fmt/core.h>

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "model/json.h"
#include "model/party.h"
#include "server/service.h"
#include "store/json.h"
#include "store/screen_parties.h"
#include "store/store.h"
#include "util/file.h"
#include "util/strings.h"

namespace vigil::server {

using nlohmann::json;

void SendStoreError(http::Response& res, const Status& s) {
  const std::string& m = s.message();
  switch (s.code()) {
    case Status::Code::kNotFound:
      return SendError(res, 404, "not_found", m);
    case Status::Code::kConflict:
      return SendError(res, 409, "conflict", m);
    case Status::Code::kUnavailable:
      res.SetHeader("Retry-After", "5");
      return SendError(
          res, 503, "store_unavailable",
          "the case store cannot be written now, nothing was changed: " + RedactPaths(m));
    case Status::Code::kInvalidArgument:
      return SendError(res, 400, "invalid_request", m);
    default:
      return SendError(res, 500, "store_error", "the case store failed: " + RedactPaths(m));
  }
}

// The store, or nullptr after answering 404 no_store.
store::Store* StoreOr404(Service& svc, http::Response& res) {
  store::Store* db = svc.store();
  if (db == nullptr) {
    SendError(res, 404, "no_store",
              "this server has no case store: start vigil serve with --db (a SQLite file or a "
              "postgresql:// URL)");
  }
  return db;
}

// The store for a handler that writes, or nullptr after answering: 404 no_store, or 503
// when the records the service owes the audit trail (its start, when the store could not be
// written then) still cannot be written.
store::Store* WritableStoreOr(Service& svc, http::Response& res) {
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return nullptr;
  if (Status s = svc.FlushPendingAudit(); !s.ok()) {
    SendStoreError(res, s);
    return nullptr;
  }
  return db;
}

namespace {

constexpr size_t kMaxReasonBytes = 10000;
constexpr size_t kMaxAuditExportBytes = 64u << 20;
constexpr long kMaxId = 1L << 53;  // ids stay exact in JSON numbers

std::string Quoted(std::string_view s) {
  return json(std::string(s.substr(0, 200))).dump(-1, ' ', false, json::error_handler_t::replace);
}

// The request path's segments, each percent-decoded on its own, so that an id holding an
// encoded '/' ("A%2FB") stays one segment. The path is the raw target's, before '?'.
std::vector<std::string> Segments(const http::Request& req) {
  std::string_view t = req.target;
  t = t.substr(0, t.find('?'));
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= t.size()) {
    size_t j = t.find('/', i);
    if (j == std::string_view::npos) j = t.size();
    if (j > i) out.push_back(http::Decode(t.substr(i, j - i), false));
    i = j + 1;
  }
  return out;
}

bool ValidPartyId(std::string_view id) { return !id.empty() && id.size() <= 200 && IsUtf8(id); }

// Parses text as JSON, refusing a key given twice in one object. False with *err.
bool ParseStrict(std::string_view text, json* out, std::string* err) {
  std::string duplicate, error;
  if (model::ParseJsonStrict(text, out, &duplicate, &error)) return true;
  *err = duplicate.empty() ? "not valid JSON: " + error
                           : "gives the key " + Quoted(duplicate) + " twice in one object";
  return false;
}

store::Actor ActorOf(const Principal& who) { return store::Actor{who.name}; }

// Screens at once the parties a write added or whose screened fields changed
// (ImportSummary::changed_screened), when lists are serving: an update is screened, and
// audited, as it is made, not at the next list update. {"parties", "new_alerts", ...} of
// the screening; null when nothing was screened (no lists yet, or nothing to screen);
// {"error"} when the screening failed (the write stands, and the party stays marked for
// the next re-screen).
json ScreenChanged(Service& svc, store::Store& db, const store::ImportSummary& imported,
                   const store::Actor& by) {
  std::shared_ptr<const Snapshot> snap = svc.Current();
  if (snap == nullptr || imported.changed_screened.empty()) return nullptr;
  store::ScreenRunOptions o;
  o.screen.min_score = o.screen.review_threshold;  // as /v1/parties/{id}/screen
  store::ScreenRunSummary sum;
  if (Status s = store::ScreenParties(db, *snap->screener, imported.changed_screened, o, by, &sum);
      !s.ok()) {
    return json{{"error", RedactPaths(s.ToString())}};
  }
  svc.metrics().CountQueries(static_cast<size_t>(sum.parties));
  return store::ToJson(sum);
}

// New or changed parties (any field: an address or a website changes their links) have
// their exposure re-evaluated on the background worker (graph/exposure_alerts.h), so the
// request is not held up: "queued", or "not_evaluated" when the service runs no worker.
json QueueExposureOf(Service& svc, const store::ImportSummary& imported, std::string trigger) {
  if (imported.changed_ids.empty()) return nullptr;
  std::vector<std::string> nodes;
  nodes.reserve(imported.changed_ids.size());
  for (const std::string& id : imported.changed_ids) nodes.push_back(graph::PartyNodeId(id));
  return svc.QueueExposure(std::move(nodes), std::move(trigger)) ? "queued" : "not_evaluated";
}

// ---- parties ----

// POST /v1/parties and PUT /v1/parties/{id}: one party record.
void PutParty(Service& svc, const http::Request& req, http::Response& res, bool put) {
  Principal who;
  if (!svc.Authorize(req, res, Role::kAnalyst, &who)) return;
  store::Store* db = WritableStoreOr(svc, res);
  if (db == nullptr) return;
  json body;
  if (!ParseJsonBody(req, res, &body)) return;
  if (put) {
    std::vector<std::string> seg = Segments(req);  // v1 parties ID
    if (seg.size() != 3 || !ValidPartyId(seg[2])) {
      SendError(res, 400, "invalid_request", "the path must be /v1/parties/{id}");
      return;
    }
    const std::string& id = seg[2];
    if (auto it = body.find("id"); it != body.end() && *it != json(id)) {
      SendError(res, 400, "id_mismatch",
                fmt::format("the body's id {} is not the path's {}", it->dump(), Quoted(id)));
      return;
    }
    body["id"] = id;
  }
  model::Party party;
  std::vector<std::string> warnings;
  if (Status s = model::ParseParty(body, &party, &warnings); !s.ok()) {
    SendError(res, 400, "invalid_party", s.message());
    return;
  }
  if (!ValidPartyId(party.id)) {
    SendError(res, 400, "invalid_party", "id must be 1 to 200 bytes of UTF-8");
    return;
  }
  store::ImportSummary summary;
  if (Status s = db->PutParties({party}, ActorOf(who), &summary); !s.ok()) {
    return SendStoreError(res, s);
  }
  json screened = ScreenChanged(svc, *db, summary, ActorOf(who));
  json exposure = QueueExposureOf(svc, summary, "party update " + party.id);
  store::PartyVersion latest;
  if (Status s = db->GetParty(party.id, &latest); !s.ok()) return SendStoreError(res, s);
  bool created = summary.added > 0;
  SendJson(res, created ? 201 : 200,
           json{{"id", party.id},
                {"version", latest.version},
                {"created", created},
                {"changed", summary.added + summary.changed > 0},
                {"screened", std::move(screened)},
                {"exposure", std::move(exposure)},
                {"warnings", warnings}});
}

// POST /v1/parties/import: JSONL (application/x-ndjson) or a JSON array of records.
void ImportParties(Service& svc, const http::Request& req, http::Response& res) {
  Principal who;
  if (!svc.Authorize(req, res, Role::kAnalyst, &who)) return;
  store::Store* db = WritableStoreOr(svc, res);
  if (db == nullptr) return;
  bool strict = false;
  if (!BoolParam(req, res, "strict", &strict)) return;
  std::string_view type = req.Header("Content-Type");
  type = util::Trim(type.substr(0, type.find(';')));
  bool ndjson = util::EqualsIgnoreCase(type, "application/x-ndjson") ||
                util::EqualsIgnoreCase(type, "application/jsonl") ||
                util::EqualsIgnoreCase(type, "application/json-lines");
  bool array = util::EqualsIgnoreCase(type, "application/json");
  if (!ndjson && !array) {
    SendError(res, 415, "unsupported_media_type",
              "send JSONL with Content-Type: application/x-ndjson, or a JSON array with "
              "Content-Type: application/json");
    return;
  }
  if (Status s = util::CheckUtf8(req.body, "body"); !s.ok()) {
    SendError(res, 400, "invalid_utf8", "the request body is not valid UTF-8: " + s.message());
    return;
  }
  json errors = json::array();
  std::vector<model::Party> parties;
  std::unordered_map<std::string, size_t> seen;  // id -> line
  // One record: appended to `parties`, or an error naming its line.
  auto take = [&](size_t line, const Status& parsed, model::Party&& p) {
    if (!parsed.ok()) {
      errors.push_back({{"line", line}, {"message", parsed.message()}});
      return;
    }
    if (!ValidPartyId(p.id)) {
      errors.push_back({{"line", line}, {"message", "id must be 1 to 200 bytes of UTF-8"}});
      return;
    }
    auto [it, fresh] = seen.emplace(p.id, line);
    if (!fresh) {
      errors.push_back({{"line", line},
                        {"message", fmt::format("id {} is given again (first on line {})",
                                                Quoted(p.id), it->second)}});
      return;
    }
    parties.push_back(std::move(p));
  };
  if (array) {
    json records;
    std::string err;
    if (!ParseStrict(req.body, &records, &err)) {
      SendError(res, 400, "invalid_json", "the request body is " + err);
      return;
    }
    if (!records.is_array()) {
      SendError(res, 400, "invalid_request",
                "with Content-Type application/json the body must be an array of party "
                "records (or send JSONL as application/x-ndjson)");
      return;
    }
    for (size_t i = 0; i < records.size(); ++i) {
      model::Party p;
      std::vector<std::string> warnings;
      Status s = model::ParseParty(records[i], &p, &warnings);
      take(i + 1, s, std::move(p));
    }
  } else {
    std::string_view body = req.body;
    size_t line = 0, i = 0;
    while (i < body.size()) {
      size_t end = body.find('\n', i);
      if (end == std::string_view::npos) end = body.size();
      std::string_view text = body.substr(i, end - i);
      ++line;
      i = end + 1;
      if (util::Trim(text).empty()) continue;
      model::Party p;
      std::vector<std::string> warnings;
      Status s = model::ParsePartyLine(text, &p, &warnings);
      take(line, s, std::move(p));
    }
  }
  if (parties.empty() && errors.empty()) {
    SendError(res, 400, "invalid_request", "the request body holds no party record");
    return;
  }
  if (strict && !errors.empty()) {
    json j{{"error",
            {{"status", 422},
             {"code", "invalid_records"},
             {"message", fmt::format("{} record(s) are not valid; with strict=true nothing "
                                     "was imported",
                                     errors.size())}}},
           {"detail", "invalid records; nothing imported"},
           {"errors", errors}};
    SendJson(res, 422, j);
    return;
  }
  store::ImportSummary summary;
  if (!parties.empty()) {
    if (Status s = db->PutParties(parties, ActorOf(who), &summary); !s.ok()) {
      return SendStoreError(res, s);
    }
  }
  json screened = ScreenChanged(svc, *db, summary, ActorOf(who));
  json exposure = QueueExposureOf(svc, summary, "party import");
  SendJson(res, 200,
           json{{"added", summary.added},
                {"changed", summary.changed},
                {"unchanged", summary.unchanged},
                {"screened", std::move(screened)},
                {"exposure", std::move(exposure)},
                {"errors", std::move(errors)}});
}

// GET /v1/parties/{id} (and /v1/parties/{id}/red-flags: red_flags_routes.cc;
// /v1/parties/{id}/exposure: links_routes.cc)
void GetParty(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kAnalyst)) return;
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  std::vector<std::string> seg = Segments(req);
  if (seg.size() == 4 && seg[3] == "red-flags" && ValidPartyId(seg[2])) {
    return HandlePartyRedFlags(svc, req, res, seg[2]);
  }
  if (seg.size() == 4 && seg[3] == "exposure" && ValidPartyId(seg[2])) {
    return HandlePartyExposure(svc, req, res, seg[2]);
  }
  if (seg.size() != 3 || !ValidPartyId(seg[2])) {
    SendError(res, 404, "not_found", "no such route (see /openapi.json)");
    return;
  }
  store::PartyDetail detail;
  if (Status s = db->GetPartyDetail(seg[2], &detail); !s.ok()) return SendStoreError(res, s);
  SendJson(res, 200, store::ToJson(detail));
}

// POST /v1/parties/{id}/screen
void ScreenStoredParty(Service& svc, const http::Request& req, http::Response& res) {
  std::vector<std::string> seg = Segments(req);
  if (seg.size() != 4 || seg[3] != "screen" || !ValidPartyId(seg[2])) {
    SendError(res, 404, "not_found", "no such route (see /openapi.json)");
    return;
  }
  Principal who;
  auto snap = svc.Begin(req, res, Role::kAnalyst, &who);
  if (!snap) return;
  store::Store* db = WritableStoreOr(svc, res);
  if (db == nullptr) return;
  if (!JsonContentType(req, res, /*empty_body_ok=*/true)) return;
  ScreenOptions o;
  o.min_score = o.review_threshold;  // every hit at or above review is an alert
  store::Screening screening;
  store::ScreenRunSummary summary;
  if (Status s = store::ScreenOneParty(*db, *snap->screener, seg[2], o, ActorOf(who), &screening,
                                       &summary);
      !s.ok()) {
    return SendStoreError(res, s);
  }
  svc.metrics().CountQueries(1);
  SendJson(res, 200,
           json{{"screening", store::ToJson(screening)},
                {"summary",
                 {{"parties", summary.parties},
                  {"clean", summary.clean},
                  {"new_alerts", summary.new_alerts},
                  {"re_alerts", summary.re_alerts},
                  {"existing", summary.existing},
                  {"suppressed", summary.suppressed},
                  {"confirmed", summary.confirmed},
                  {"lists_version", summary.lists_version}}}});
}

// ---- alerts ----

// A positive whole number (an alert id or version), else nullopt.
std::optional<int64_t> PositiveInt(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

// GET /v1/alerts
void ListAlerts(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kAnalyst)) return;
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  store::AlertQuery q;
  long limit = 50, offset = 0, run = 0;
  if (!TextParam(req, res, "status", 40, &q.status) || !TextParam(req, res, "band", 40, &q.band) ||
      !TextParam(req, res, "list", 200, &q.list) || !TextParam(req, res, "tag", 200, &q.tag) ||
      !TextParam(req, res, "party", 200, &q.party_id) ||
      !TextParam(req, res, "sort", 40, &q.sort) || !IntParam(req, res, "limit", 1, 500, &limit) ||
      !IntParam(req, res, "offset", 0, 1000000000, &offset) ||
      !IntParam(req, res, "run", 1, kMaxId, &run)) {
    return;
  }
  q.rescreen_run = run;
  if (q.status != "open" && q.status != "decided" && q.status != "all" &&
      !store::ParseAlertState(q.status)) {
    SendError(res, 400, "invalid_parameter",
              "parameter 'status' must be open, decided, all, or a state (open, escalated, "
              "true_match, false_positive, closed)");
    return;
  }
  if (!q.band.empty() && q.band != "match" && q.band != "review" && q.band != "high") {
    SendError(res, 400, "invalid_parameter",
              "parameter 'band' must be match, review or high (red flags)");
    return;
  }
  if (q.sort != "score" && q.sort != "age") {
    SendError(res, 400, "invalid_parameter", "parameter 'sort' must be score or age");
    return;
  }
  q.limit = limit;
  q.offset = offset;
  store::AlertPage page;
  if (Status s = db->ListAlerts(q, &page); !s.ok()) return SendStoreError(res, s);
  json j = store::ToJson(page);
  j["limit"] = limit;
  j["offset"] = offset;
  SendJson(res, 200, j);
}

// The alert id of /v1/alerts/{id}[/decisions], or nullopt after answering 404.
std::optional<int64_t> AlertIdOr404(const http::Request& req, http::Response& res, bool decisions) {
  std::vector<std::string> seg = Segments(req);
  bool shape = decisions ? seg.size() == 4 && seg[3] == "decisions" : seg.size() == 3;
  std::optional<int64_t> id = shape ? PositiveInt(seg[2]) : std::nullopt;
  if (!shape) {
    SendError(res, 404, "not_found", "no such route (see /openapi.json)");
  } else if (!id) {
    SendError(
        res, 404, "not_found",
        fmt::format("no alert with id {}: alert ids are positive whole numbers", Quoted(seg[2])));
  }
  return id;
}

void SetETag(http::Response& res, int64_t version) {
  res.SetHeader("ETag", fmt::format("\"{}\"", version));
}

// GET /v1/alerts/{id} and GET /v1/alerts/{id}/decisions
void GetAlert(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kAnalyst)) return;
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  bool decisions = req.path.ends_with("/decisions");
  std::optional<int64_t> id = AlertIdOr404(req, res, decisions);
  if (!id) return;
  store::Alert alert;
  if (Status s = db->GetAlert(*id, &alert); !s.ok()) return SendStoreError(res, s);
  SetETag(res, alert.version);
  if (!decisions) {
    SendJson(res, 200, store::ToJson(alert, /*full=*/true));
    return;
  }
  json list = json::array();
  for (const store::DecisionRecord& d : alert.history) list.push_back(store::ToJson(d));
  SendJson(res, 200,
           json{{"alert_id", alert.id},
                {"state", std::string(store::ToString(alert.state))},
                {"version", alert.version},
                {"decisions", std::move(list)}});
}

// The version an If-Match header names: "3", W/"3" or 3. False with *err when it names
// none (a list, "*", not a number).
bool ParseIfMatch(std::string_view h, int64_t* version, std::string* err) {
  h = util::Trim(h);
  if (h.starts_with("W/")) h.remove_prefix(2);
  if (h.size() >= 2 && h.front() == '"' && h.back() == '"') h = h.substr(1, h.size() - 2);
  std::optional<int64_t> v = PositiveInt(h);
  if (!v) {
    *err =
        "If-Match must name the alert version the decision is made against, as the alert's "
        "ETag gives it (\"3\")";
    return false;
  }
  *version = *v;
  return true;
}

// POST /v1/alerts/{id}/decisions
void Decide(Service& svc, const http::Request& req, http::Response& res) {
  Principal who;
  if (!svc.Authorize(req, res, Role::kAnalyst, &who)) return;
  store::Store* db = WritableStoreOr(svc, res);
  if (db == nullptr) return;
  std::optional<int64_t> id = AlertIdOr404(req, res, /*decisions=*/true);
  if (!id) return;
  json body;
  if (!ParseJsonBody(req, res, &body)) return;
  for (const auto& [key, value] : body.items()) {
    if (key != "decision" && key != "reason" && key != "version") {
      SendError(res, 400, "invalid_request",
                fmt::format("unknown field {}: a decision has decision, reason and version",
                            Quoted(key)));
      return;
    }
  }
  auto d = body.find("decision");
  std::optional<store::DecisionKind> kind;
  if (d != body.end() && d->is_string()) kind = store::ParseDecisionKind(d->get<std::string>());
  if (!kind || *kind == store::DecisionKind::kClose) {
    SendError(res, 400, "invalid_request",
              "decision must be true_match, false_positive or escalate");
    return;
  }
  std::string reason;
  if (auto r = body.find("reason"); r != body.end() && !r->is_null()) {
    if (!r->is_string()) {
      SendError(res, 400, "invalid_request", "reason must be a string");
      return;
    }
    reason = r->get<std::string>();
  }
  if (reason.size() > kMaxReasonBytes) {
    SendError(res, 400, "too_long", fmt::format("reason is longer than {} bytes", kMaxReasonBytes));
    return;
  }
  if (*kind == store::DecisionKind::kFalsePositive && util::Trim(reason).empty()) {
    SendError(res, 422, "reason_required",
              "a false_positive decision needs a reason (why the listed party is not this one)");
    return;
  }
  std::optional<int64_t> version;
  if (auto v = body.find("version"); v != body.end()) {
    if (!v->is_number_integer() || v->get<int64_t>() <= 0) {
      SendError(res, 400, "invalid_request", "version must be a positive whole number");
      return;
    }
    version = v->get<int64_t>();
  }
  if (req.HasHeader("If-Match")) {
    int64_t header = 0;
    std::string err;
    if (!ParseIfMatch(req.Header("If-Match"), &header, &err)) {
      SendError(res, 400, "invalid_if_match", err);
      return;
    }
    if (version && *version != header) {
      SendError(res, 400, "invalid_request",
                fmt::format("If-Match names version {} and the body version {}", header, *version));
      return;
    }
    version = header;
  }
  if (!version) {
    SendError(res, 428, "precondition_required",
              "say which version of the alert the decision is made against: If-Match: "
              "\"<version>\" (the alert's ETag) or \"version\" in the body");
    return;
  }
  store::Alert updated;
  Status s = db->Decide(*id, *kind, reason, version, ActorOf(who), &updated);
  if (s.code() == Status::Code::kConflict) {
    store::Alert current;
    json j{{"error", {{"status", 409}, {"code", "conflict"}, {"message", s.message()}}},
           {"detail", s.message()}};
    if (db->GetAlert(*id, &current).ok()) {
      j["current_version"] = current.version;
      j["current_state"] = std::string(store::ToString(current.state));
      SetETag(res, current.version);
    }
    SendJson(res, 409, j);
    return;
  }
  if (!s.ok()) return SendStoreError(res, s);
  SetETag(res, updated.version);
  res.SetHeader("Location", fmt::format("/v1/alerts/{}", updated.id));
  SendJson(res, 201, json{{"alert", store::ToJson(updated, /*full=*/true)}});
}

// ---- list versions and re-screen runs ----

// The list versions a run brought the parties to, in short: [{"id","source","published",
// "key","entities"}], by source. `versions`: every recorded version by id.
json RunLists(const store::RescreenRun& run,
              const std::map<int64_t, store::ListVersion>& versions) {
  json out = json::array();
  for (const auto& [source, id] : run.to_versions) {
    json l{{"id", id}, {"source", source}};
    if (auto it = versions.find(id); it != versions.end()) {
      l["published"] = it->second.published;
      l["key"] = it->second.key;
      l["entities"] = it->second.entities;
    }
    out.push_back(std::move(l));
  }
  return out;
}

Status VersionsById(store::Store& db, std::map<int64_t, store::ListVersion>* out) {
  std::vector<store::ListVersion> all;
  if (Status s = db.ListListVersions(&all); !s.ok()) return s;
  for (store::ListVersion& v : all) {
    int64_t id = v.id;
    out->emplace(id, std::move(v));
  }
  return Status::Ok();
}

// GET /v1/rescreens: the runs, newest first.
void ListRescreens(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kAnalyst)) return;
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  long limit = 50;
  if (!IntParam(req, res, "limit", 1, 500, &limit)) return;
  std::vector<store::RescreenRun> runs;
  if (Status s = db->ListRescreenRuns(limit, &runs); !s.ok()) return SendStoreError(res, s);
  std::map<int64_t, store::ListVersion> versions;
  if (Status s = VersionsById(*db, &versions); !s.ok()) return SendStoreError(res, s);
  json list = json::array();
  for (const store::RescreenRun& r : runs) {
    json j = store::ToJson(r);
    j["lists"] = RunLists(r, versions);
    list.push_back(std::move(j));
  }
  SendJson(res, 200, json{{"runs", std::move(list)}, {"limit", limit}});
}

// GET /v1/rescreens/{id}: one run, with the files of each list version it brought.
void GetRescreen(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kAnalyst)) return;
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  std::vector<std::string> seg = Segments(req);  // v1 rescreens ID
  std::optional<int64_t> id = seg.size() == 3 ? PositiveInt(seg[2]) : std::nullopt;
  if (seg.size() != 3) {
    SendError(res, 404, "not_found", "no such route (see /openapi.json)");
    return;
  }
  if (!id) {
    SendError(res, 404, "not_found",
              fmt::format("no re-screen run with id {}: run ids are positive whole numbers",
                          Quoted(seg[2])));
    return;
  }
  store::RescreenRun run;
  if (Status s = db->GetRescreenRun(*id, &run); !s.ok()) return SendStoreError(res, s);
  json j = store::ToJson(run);
  json lists = json::array();
  for (const auto& [source, vid] : run.to_versions) {
    store::ListVersion v;
    Status s = db->GetListVersion(vid, &v);
    if (s.code() == Status::Code::kNotFound) {
      lists.push_back(json{{"id", vid}, {"source", source}});
      continue;
    }
    if (!s.ok()) return SendStoreError(res, s);
    lists.push_back(store::ToJson(v));
  }
  j["lists"] = std::move(lists);
  SendJson(res, 200, j);
}

// GET /v1/list-versions: every list version recorded, newest first.
void ListListVersions(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kAnalyst)) return;
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  std::string source;
  if (!TextParam(req, res, "source", 200, &source)) return;
  std::vector<store::ListVersion> all;
  if (Status s = db->ListListVersions(&all); !s.ok()) return SendStoreError(res, s);
  json list = json::array();
  for (const store::ListVersion& v : all) {
    if (source.empty() || v.source == source) list.push_back(store::ToJson(v));
  }
  SendJson(res, 200, json{{"versions", std::move(list)}});
}

// ---- audit ----

bool AuditTimeParam(const http::Request& req, http::Response& res, const char* name,
                    std::string* value) {
  if (!TextParam(req, res, name, 40, value)) return false;
  if (value->find_first_not_of("0123456789-:.TZ+") != std::string::npos ||
      (!value->empty() && (value->size() < 4 || (*value)[0] < '0' || (*value)[0] > '9'))) {
    SendError(res, 400, "invalid_parameter",
              fmt::format("parameter '{}' must be an ISO 8601 date or time (2026-01-31 or "
                          "2026-01-31T12:00:00Z)",
                          name));
    return false;
  }
  return true;
}

// GET /v1/audit: JSONL.
void ExportAudit(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kAdmin)) return;
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  std::string from, to;
  if (!AuditTimeParam(req, res, "from", &from) || !AuditTimeParam(req, res, "to", &to)) return;
  std::string out;
  bool too_large = false;
  Status s = db->ExportAudit(from, to, [&](const store::AuditRecord& r) {
    if (too_large) return;
    out += store::ToJson(r).dump(-1, ' ', false, json::error_handler_t::replace);
    out += '\n';
    if (out.size() > kMaxAuditExportBytes) {
      too_large = true;
      out.clear();
      out.shrink_to_fit();
    }
  });
  if (!s.ok()) return SendStoreError(res, s);
  if (too_large) {
    SendError(res, 413, "too_large",
              fmt::format("the records asked for are more than {} MiB: ask for less at a time "
                          "with from and to (or use vigil audit export)",
                          kMaxAuditExportBytes >> 20));
    return;
  }
  res.status = 200;
  res.body = std::move(out);
  res.SetHeader("Content-Type", "application/x-ndjson");
}

// GET /v1/audit/verify
void VerifyAudit(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kAdmin)) return;
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  store::AuditVerify v;
  if (Status s = db->VerifyAudit(&v); !s.ok()) return SendStoreError(res, s);
  SendJson(res, 200, store::ToJson(v));
}

}  // namespace

void RegisterCases(http::Router& router, Service& svc) {
  using http::Lane;
  auto add = [&](const char* method, const char* pattern, Lane lane,
                 void (*fn)(Service&, const http::Request&, http::Response&)) {
    router.Add(
        method, pattern, [&svc, fn](const http::Request& q, http::Response& r) { fn(svc, q, r); },
        lane);
  };
  router.Add(
      "POST", "/v1/parties",
      [&svc](const http::Request& q, http::Response& r) { PutParty(svc, q, r, false); },
      Lane::kStoreWrite);
  add("POST", "/v1/parties/import", Lane::kStoreWrite, ImportParties);
  router.Add(
      "PUT", "/v1/parties/{*}",
      [&svc](const http::Request& q, http::Response& r) { PutParty(svc, q, r, true); },
      Lane::kStoreWrite);
  add("GET", "/v1/parties/{*}", Lane::kStoreRead, GetParty);
  add("POST", "/v1/parties/{*}", Lane::kStoreRead, ScreenStoredParty);
  add("GET", "/v1/alerts", Lane::kStoreRead, ListAlerts);
  add("GET", "/v1/alerts/{*}", Lane::kStoreRead, GetAlert);
  add("POST", "/v1/alerts/{*}", Lane::kStoreWrite, Decide);
  add("GET", "/v1/audit", Lane::kStoreRead, ExportAudit);
  add("GET", "/v1/audit/verify", Lane::kStoreRead, VerifyAudit);
  add("GET", "/v1/rescreens", Lane::kStoreRead, ListRescreens);
  add("GET", "/v1/rescreens/{*}", Lane::kStoreRead, GetRescreen);
  add("GET", "/v1/list-versions", Lane::kStoreRead, ListListVersions);
}

}  // namespace vigil::server
