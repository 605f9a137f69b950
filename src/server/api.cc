// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The JSON API under /v1: screen (one query or a batch), search, entities, lists, reload.
// Shapes: docs/api.md and src/server/openapi.json.

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "model/country.h"
#include "model/date.h"
#include "model/json.h"
#include "model/list_status.h"
#include "screen/query.h"
#include "server/log.h"
#include "server/service.h"
#include "util/strings.h"

namespace vigil::server {
namespace {

using nlohmann::json;

using screen::kMaxFieldBytes;
using screen::kMaxNameBytes;
constexpr size_t kDefaultTop = 10;

const char* TypeName(const json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  return "an object";
}

struct Options {
  ScreenOptions screen;
  bool explain = true;
};

// Reads top / min_score / explain from `j` into *o. False with *err on a bad value.
bool ParseOptions(const json& j, size_t max_results, Options* o, std::string* err) {
  if (auto it = j.find("top"); it != j.end()) {
    if (!it->is_number_integer() || it->get<long long>() < 1 ||
        it->get<long long>() > static_cast<long long>(max_results)) {
      *err = fmt::format("top must be a whole number from 1 to {}", max_results);
      return false;
    }
    o->screen.top = it->get<size_t>();
  }
  if (auto it = j.find("min_score"); it != j.end()) {
    if (!it->is_number() || !(it->get<double>() >= 0 && it->get<double>() <= 1)) {
      *err = "min_score must be a number from 0 to 1";
      return false;
    }
    o->screen.min_score = it->get<double>();
  }
  if (auto it = j.find("explain"); it != j.end()) {
    if (!it->is_boolean()) {
      *err = "explain must be true or false";
      return false;
    }
    o->explain = it->get<bool>();
  }
  o->screen.explain = o->explain;
  return true;
}

// One query object: {name, kind (or type), dob, country, identifiers, id}, checked as the
// CLI and batch files check theirs (screen/query.h). `allow_options`: the options of a
// single-query request may stand beside the fields.
bool ParseQuery(const json& j, std::string_view where, bool allow_options, Query* q,
                std::string* qid, std::string* err) {
  screen::JsonQueryRules rules;
  rules.where = where;
  if (allow_options) {
    rules.also_allowed = {"top", "min_score", "explain"};
    rules.also_allowed_note = " (and the options top, min_score, explain)";
  }
  std::vector<screen::QueryProblem> problems;
  if (screen::ReadJsonQuery(j, rules, q, qid, &problems)) return true;
  *err = problems.front().message;
  return false;
}

json MatchesJson(const std::vector<Match>& matches, bool explain, bool with_entity) {
  json arr = json::array();
  for (const Match& m : matches) {
    json j = model::ToJson(m, explain);
    if (with_entity) {
      const Entity& e = *m.entity;
      if (!e.programs.empty()) j["programs"] = e.programs;
      json dates = json::array();
      for (const BirthDate& b : e.birth_dates)
        dates.push_back(b.text.empty() ? b.from.ToString() : b.text);
      if (!dates.empty()) j["birth_dates"] = std::move(dates);
      json countries = json::array();
      for (const CountryLink& c : e.countries) {
        if (!c.code.empty() &&
            std::find(countries.begin(), countries.end(), c.code) == countries.end()) {
          countries.push_back(c.code);
        }
      }
      if (!countries.empty()) j["countries"] = std::move(countries);
    }
    arr.push_back(std::move(j));
  }
  return arr;
}

void AppendMatches(const std::vector<Match>& matches, bool explain, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < matches.size(); ++i) {
    if (i > 0) out->push_back(',');
    model::AppendJson(matches[i], explain, out);
  }
  out->push_back(']');
}

void Screen(Service& svc, const http::Request& req, http::Response& res) {
  auto snap = svc.Begin(req, res, Role::kScreen);
  if (!snap) return;
  json body;
  if (!ParseJsonBody(req, res, &body)) return;
  const ServerOptions& opt = svc.options();
  Options o;
  o.screen.top = std::min(kDefaultTop, opt.max_results);
  o.screen.min_score = vigil::kDefaultMinScore;
  std::string err;
  if (!ParseOptions(body, opt.max_results, &o, &err)) {
    SendError(res, 400, "invalid_request", err);
    return;
  }
  auto queries = body.find("queries");
  if (queries == body.end()) {  // one query
    Query q;
    std::string qid;
    if (!ParseQuery(body, "", true, &q, &qid, &err)) {
      SendError(res, 400, "invalid_request", err);
      return;
    }
    auto matches = snap->screener->Screen(q, o.screen);
    svc.metrics().CountQueries(1);
    // Written straight out (model::AppendJson): the keys in the order nlohmann::json sorts
    // them.
    std::string out = "{";
    if (!qid.empty()) {
      out += "\"id\":";
      model::AppendJsonString(qid, &out);
      out += ',';
    }
    auto status = ListsStatusText(*snap, opt.max_list_age_days);
    out += "\"lists\":" + status->lists + ",\"lists_version\":";
    model::AppendJsonString(snap->version, &out);
    out += ",\"matches\":";
    AppendMatches(matches, o.explain, &out);
    out += ",\"sample\":" + status->sample + ",\"warnings\":" + status->warnings + '}';
    SendJsonText(res, 200, std::move(out));
    return;
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "queries" && key != "top" && key != "min_score" && key != "explain") {
      SendError(res, 400, "invalid_request",
                fmt::format("unknown field {} beside queries: a batch has queries and the "
                            "options top, min_score, explain",
                            json(key).dump(-1, ' ', false, json::error_handler_t::replace)));
      return;
    }
  }
  if (!queries->is_array()) {
    SendError(res, 400, "invalid_request",
              fmt::format("queries must be an array of query objects, not {}", TypeName(*queries)));
    return;
  }
  if (queries->empty()) {
    SendError(res, 400, "invalid_request", "queries is empty");
    return;
  }
  if (queries->size() > opt.max_batch) {
    SendError(
        res, 413, "batch_too_large",
        fmt::format("{} queries in one request; the limit is {}", queries->size(), opt.max_batch));
    return;
  }
  std::vector<Query> qs(queries->size());
  std::vector<std::string> ids(queries->size());
  for (size_t i = 0; i < queries->size(); ++i) {
    if (!ParseQuery((*queries)[i], fmt::format("queries[{}]", i), false, &qs[i], &ids[i], &err)) {
      SendError(res, 400, "invalid_request", err);
      return;
    }
  }
  auto status = ListsStatusText(*snap, opt.max_list_age_days);
  std::string out = "{\"lists\":" + status->lists + ",\"lists_version\":";
  model::AppendJsonString(snap->version, &out);
  out += ",\"results\":[";
  for (size_t i = 0; i < qs.size(); ++i) {
    if (i > 0) out += ',';
    out += '{';
    if (!ids[i].empty()) {
      out += "\"id\":";
      model::AppendJsonString(ids[i], &out);
      out += ',';
    }
    out += "\"matches\":";
    AppendMatches(snap->screener->Screen(qs[i], o.screen), o.explain, &out);
    out += '}';
  }
  out += "],\"sample\":" + status->sample + ",\"warnings\":" + status->warnings + '}';
  svc.metrics().CountQueries(qs.size());
  SendJsonText(res, 200, std::move(out));
}

void Search(Service& svc, const http::Request& req, http::Response& res) {
  auto snap = svc.Begin(req, res, Role::kScreen);
  if (!snap) return;
  const ServerOptions& opt = svc.options();
  Query q;
  std::string kind, dob, country;
  long limit = static_cast<long>(std::min(kDefaultTop, opt.max_results));
  double min_score = vigil::kDefaultMinScore;
  if (!TextParam(req, res, "q", kMaxNameBytes, &q.name) ||
      !TextParam(req, res, "kind", kMaxFieldBytes, &kind) ||
      !TextParam(req, res, "dob", kMaxFieldBytes, &dob) ||
      !TextParam(req, res, "country", kMaxFieldBytes, &country) ||
      !IntParam(req, res, "limit", 1, static_cast<long>(opt.max_results), &limit) ||
      !DoubleParam(req, res, "min_score", 0, 1, &min_score)) {
    return;
  }
  if (util::Trim(q.name).empty()) {
    SendError(res, 400, "invalid_parameter", "parameter 'q' (the name to search for) is required");
    return;
  }
  // Checked as every query is (screen/query.h).
  std::string err;
  if (!screen::SetQueryKind(kind, "parameter 'kind'", &q, &err) ||
      !screen::SetQueryDob(dob, "parameter 'dob'", &q, &err) ||
      !screen::SetQueryCountry(country, "parameter 'country'", &q, &err)) {
    SendError(res, 400, "invalid_parameter", err);
    return;
  }
  ScreenOptions so;
  so.top = static_cast<size_t>(limit);
  so.min_score = min_score;
  auto matches = snap->screener->Screen(q, so);
  svc.metrics().CountQueries(1);
  json j{{"query", q.name},
         {"lists_version", snap->version},
         {"matches", MatchesJson(matches, true, true)}};
  AddListsStatus(*snap, opt.max_list_age_days, &j);
  SendJson(res, 200, j);
}

json ListJson(const Snapshot& snap, const LoadedList& l, const model::ListStatus& status) {
  json j = model::ToJson(l.info);
  j["version"] = ListVersion(l.info);
  // The status besides the load warnings ("warnings", objects naming file and line): age,
  // sample, stale, incomplete, and this list's warnings in words ("list_warnings").
  json st = model::ToJson(status);
  st["list_warnings"] = std::move(st["warnings"]);
  st.erase("warnings");
  st.erase("version");
  for (auto& [key, v] : st.items()) j[key] = v;
  j["entities"] = l.entities.size();
  j["by_kind"] = CountByKind(l);
  size_t warnings = l.info.warnings.size();
  if (warnings > 20) j["warnings"].get_ref<json::array_t&>().resize(20);
  j["warning_count"] = warnings;
  // Where the files are on the server is not the client's business: names only.
  for (json& f : j["files"]) f["path"] = ShowPath(f["path"].get<std::string>());
  for (const char* key : {"warnings", "truncation"}) {
    if (!j.contains(key)) continue;
    for (json& w : j[key]) {
      w["file"] = ShowPath(w["file"].get<std::string>());
      w["message"] = RedactPaths(w["message"].get<std::string>());
    }
  }
  (void)snap;
  return j;
}

void Lists(Service& svc, const http::Request& req, http::Response& res) {
  auto snap = svc.Begin(req, res, Role::kScreen);
  if (!snap) return;
  model::ListsStatus status = ListsStatusNow(*snap, svc.options().max_list_age_days);
  json lists = json::array();
  for (size_t i = 0; i < status.lists.size(); ++i) {
    lists.push_back(ListJson(*snap, snap->screener->lists()[i], status.lists[i]));
  }
  json warnings = json::array();
  for (const std::string& w : status.warnings) warnings.push_back(RedactPaths(w));
  SendJson(res, 200,
           json{{"lists_version", snap->version},
                {"generation", snap->generation},
                {"loaded_at", model::IsoTime(snap->loaded_at)},
                {"load_seconds", std::round(snap->load_seconds * 1000) / 1000},
                {"entities", snap->entities},
                {"lists", std::move(lists)},
                {"max_list_age_days", status.max_age_days},
                {"sample", status.sample},
                {"warnings", std::move(warnings)}});
}

void EntityRoute(Service& svc, const http::Request& req, http::Response& res) {
  auto snap = svc.Begin(req, res, Role::kScreen);
  if (!snap) return;
  std::string id = req.capture;
  const Entity* e = IsUtf8(id) ? snap->screener->Find(id) : nullptr;
  // GET /v1/entities/{id}/links (links_routes.cc), unless an entity's id ends so.
  if (e == nullptr && id.ends_with("/links") && id.size() > 6) {
    return HandleEntityLinks(svc, req, res, snap, id.substr(0, id.size() - 6));
  }
  if (e == nullptr) {
    SendError(res, 404, "not_found",
              fmt::format("no entity with id {} in the loaded lists",
                          json(id).dump(-1, ' ', false, json::error_handler_t::replace)));
    return;
  }
  json related = json::array();
  for (const Relationship& r : e->relationships) {
    json x{{"direction", "outgoing"}, {"relation", r.relation}, {"name", r.target_name}};
    if (const Entity* t = r.target_id.empty() ? nullptr : snap->screener->Find(r.target_id)) {
      x["id"] = t->id;
      x["name"] = t->primary_name();
      x["kind"] = std::string(ToString(t->kind));
    }
    related.push_back(std::move(x));
  }
  if (auto it = snap->referenced_by.find(e->id); it != snap->referenced_by.end()) {
    for (const Entity* from : it->second) {
      for (const Relationship& r : from->relationships) {
        if (r.target_id != e->id) continue;
        related.push_back({{"direction", "incoming"},
                           {"relation", r.relation},
                           {"id", from->id},
                           {"name", from->primary_name()},
                           {"kind", std::string(ToString(from->kind))}});
      }
    }
  }
  // The entity's list with its status (publication date, age, what it lacks), and every
  // warning about the lists serving.
  json answer{{"lists_version", snap->version},
              {"entity", model::ToJson(*e)},
              {"related", std::move(related)}};
  AddListsStatus(*snap, svc.options().max_list_age_days, &answer);
  json list = json::object();
  for (const json& l : answer["lists"]) {
    if (l["source"] == e->source) list = l;
  }
  answer["list"] = std::move(list);
  answer.erase("lists");
  SendJson(res, 200, answer);
}

// A line on standard error for a reload asked over HTTP, as `vigil serve` writes for SIGHUP.
void LogReload(const http::Request& req, const char* level, std::string_view msg, json extra) {
  extra["via"] = "POST /v1/lists/reload";
  extra["remote"] = req.remote_addr;
  LogLine(level, msg, std::move(extra));
}

}  // namespace

void HandleReload(Service& svc, const http::Request& req, http::Response& res) {
  Principal who;
  if (!svc.Authorize(req, res, Role::kAdmin, &who)) return;
  if (!JsonContentType(req, res, /*empty_body_ok=*/true)) return;
  std::string summary;
  bool busy = false;
  auto start = std::chrono::steady_clock::now();
  Status audit_error;
  Status s = svc.Reload(&summary, &busy, nullptr, who.name, "POST /v1/lists/reload", &audit_error);
  if (!audit_error.ok()) {
    LogReload(req, "error",
              "the reload could not be recorded in the case store's audit trail: " +
                  audit_error.ToString(),
              json::object());
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (busy) {
    SendError(res, 409, "reload_running", "a reload is already running; try again when it ends");
    return;
  }
  auto snap = svc.Current();
  if (!s.ok()) {
    std::string why = RedactPaths(s.ToString());
    json j{{"error",
            {{"status", 500},
             {"code", "reload_failed"},
             {"message", "the reload failed and the lists serving before it still serve: " + why}}},
           {"detail", "reload failed: " + why}};
    if (snap) j["serving"] = {{"lists_version", snap->version}, {"generation", snap->generation}};
    LogReload(req, "error", "reload failed; the previous lists still serve: " + s.ToString(),
              json::object());
    SendJson(res, 500, j);
    return;
  }
  LogReload(req, "info", "reloaded", {{"lists", summary}});
  json lists = json::array();
  for (const LoadedList& l : snap->screener->lists()) {
    lists.push_back({{"source", l.info.source},
                     {"version", ListVersion(l.info)},
                     {"entities", l.entities.size()}});
  }
  // Lists accepted despite signs of truncation (accept_truncated): said in the answer and
  // logged, one line per sign (SIGHUP and start-up reloads are logged by the program).
  json truncated = TruncatedJson(*snap);
  for (const json& t : truncated) {
    for (const json& sign : t["truncation"]) {
      LogReload(req, "warning", "list accepted despite a sign of truncation (accept_truncated)",
                {{"source", t["source"]},
                 {"file", sign["file"]},
                 {"line", sign["line"]},
                 {"detail", sign["message"]}});
    }
  }
  SendJson(res, 200,
           json{{"reloaded", true},
                {"lists_version", snap->version},
                {"generation", snap->generation},
                {"seconds", std::round(seconds * 1000) / 1000},
                {"summary", summary},
                {"lists", std::move(lists)},
                {"truncated", std::move(truncated)}});
}

void RegisterApi(http::Router& router, Service& svc) {
  router.Add("POST", "/v1/screen",
             [&svc](const http::Request& q, http::Response& r) { Screen(svc, q, r); });
  router.Add("GET", "/v1/search",
             [&svc](const http::Request& q, http::Response& r) { Search(svc, q, r); });
  router.Add("GET", "/v1/lists",
             [&svc](const http::Request& q, http::Response& r) { Lists(svc, q, r); });
  router.Add(
      "POST", "/v1/lists/reload",
      [&svc](const http::Request& q, http::Response& r) { HandleReload(svc, q, r); },
      /*blocking=*/true);
  router.Add("GET", "/v1/entities/{*}",
             [&svc](const http::Request& q, http::Response& r) { EntityRoute(svc, q, r); });
}

}  // namespace vigil::server
