// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// A yente-compatible API, so that clients written for the OpenSanctions match-making API work
// unchanged: POST /match/{dataset} (query by example, FollowTheMoney-style), GET
// /search/{dataset}, GET /entities/{id}, GET /catalog. Entities are shown as FollowTheMoney
// entities (schema, properties as lists of strings, nested Sanction entities). Where Vigil
// differs from yente: docs/api.md, "Differences from yente".

#include <fmt/core.h>

#include <algorithm>
#include <unordered_map>

#include "model/country.h"
#include "model/date.h"
#include "server/service.h"
#include "util/strings.h"

namespace vigil::server {
namespace {

using nlohmann::json;

constexpr long kDefaultLimit = 5;       // yente's MATCH_PAGE
constexpr double kDefaultCutoff = 0.5;  // below this a candidate is not returned at all
constexpr size_t kMaxNamesPerQuery = 10;
constexpr size_t kMaxValueBytes = 1000;

std::string Schema(EntityKind kind) {
  switch (kind) {
    case EntityKind::kPerson:
      return "Person";
    case EntityKind::kOrganization:
      return "Organization";
    case EntityKind::kVessel:
      return "Vessel";
    case EntityKind::kAircraft:
      return "Airplane";
    case EntityKind::kUnknown:
      break;
  }
  return "LegalEntity";
}

// The kind a FollowTheMoney schema asks for; false for a schema we cannot screen.
bool KindOfSchema(std::string_view schema, EntityKind* kind) {
  if (schema == "Person") {
    *kind = EntityKind::kPerson;
  } else if (schema == "Organization" || schema == "Company" || schema == "PublicBody") {
    *kind = EntityKind::kOrganization;
  } else if (schema == "Vessel") {
    *kind = EntityKind::kVessel;
  } else if (schema == "Airplane") {
    *kind = EntityKind::kAircraft;
  } else if (schema == "LegalEntity" || schema == "Thing") {
    *kind = EntityKind::kUnknown;
  } else {
    return false;
  }
  return true;
}

const char* IdProperty(const Identifier& id, EntityKind kind) {
  switch (id.kind) {
    case IdKind::kPassport:
      return "passportNumber";
    case IdKind::kTaxId:
      return "taxNumber";
    case IdKind::kRegistration:
      return "registrationNumber";
    case IdKind::kSwiftBic:
      return "swiftBic";
    case IdKind::kImo:
      return "imoNumber";
    case IdKind::kMmsi:
      return "mmsi";
    case IdKind::kCallSign:
      return "callSign";
    case IdKind::kAircraftSerial:
      return "serialNumber";
    case IdKind::kAircraftTail:
      return "registrationNumber";
    case IdKind::kEmail:
      return "email";
    case IdKind::kWebsite:
      return "website";
    case IdKind::kPhone:
      return "phone";
    case IdKind::kNationalId:
    case IdKind::kDigitalCurrency:
    case IdKind::kOther:
      break;
  }
  return kind == EntityKind::kPerson ? "idNumber" : "registrationNumber";
}

void Add(json& props, const char* key, const std::string& value) {
  if (value.empty()) return;
  json& arr = props[key];
  if (!arr.is_array()) arr = json::array();
  if (std::find(arr.begin(), arr.end(), value) == arr.end()) arr.push_back(value);
}

std::string Lower(std::string s) { return util::AsciiLower(s); }

// The entity as a FollowTheMoney entity, the shape yente returns.
json FtmEntity(const Entity& e, const Snapshot& snap) {
  json props = json::object();
  for (const Name& n : e.names) {
    switch (n.kind) {
      case NameKind::kPrimary:
        Add(props, "name", n.full);
        break;
      case NameKind::kWeakAlias:
        Add(props, "weakAlias", n.full);
        break;
      case NameKind::kFormerName:
        Add(props, "previousName", n.full);
        break;
      case NameKind::kStrongAlias:
      case NameKind::kNewName:
      case NameKind::kOriginalScript:
        Add(props, "alias", n.full);
        break;
    }
  }
  bool person = e.kind == EntityKind::kPerson;
  for (const BirthDate& b : e.birth_dates) {
    Add(props, person ? "birthDate" : "incorporationDate", b.from.ToString());
  }
  for (const std::string& p : e.birth_places) Add(props, "birthPlace", p);
  for (const CountryLink& c : e.countries) {
    std::string code = Lower(c.code);
    if (code.empty()) continue;
    switch (c.role) {
      case CountryRole::kNationality:
        Add(props, person ? "nationality" : "country", code);
        break;
      case CountryRole::kCitizenship:
        Add(props, person ? "citizenship" : "country", code);
        break;
      case CountryRole::kJurisdiction:
        Add(props, "jurisdiction", code);
        break;
      case CountryRole::kFlag:
        Add(props, "flag", code);
        break;
      case CountryRole::kResidence:
      case CountryRole::kOther:
        Add(props, "country", code);
        break;
    }
  }
  for (const Address& a : e.addresses) {
    std::string full;
    for (const std::string* s : {&a.street, &a.city, &a.region, &a.postal_code, &a.country_name}) {
      if (s->empty()) continue;
      if (!full.empty()) full += ", ";
      full += *s;
    }
    Add(props, "address", full);
    Add(props, "country", Lower(a.country));
  }
  if (!e.gender.empty()) Add(props, "gender", e.gender);
  for (const std::string& t : e.titles) Add(props, "title", t);
  for (const Identifier& id : e.identifiers) Add(props, IdProperty(id, e.kind), id.value);
  if (!e.remarks.empty()) Add(props, "notes", e.remarks);
  Add(props, "topics", "sanction");
  if (!e.programs.empty() || !e.listed_on.empty()) {
    json sp = json::object();
    for (const std::string& p : e.programs) Add(sp, "program", p);
    Add(sp, "listingDate", e.listed_on);
    for (const LoadedList& l : snap.screener->lists()) {
      if (l.info.source == e.source) Add(sp, "authority", l.info.title);
    }
    props["sanctions"] =
        json::array({json{{"id", e.id + "-sanction"},
                          {"caption", e.programs.empty() ? "Sanction" : e.programs[0]},
                          {"schema", "Sanction"},
                          {"properties", std::move(sp)},
                          {"datasets", {e.source}},
                          {"referents", json::array()},
                          {"target", false}}});
  }
  json last_change = e.updated_on.empty() ? json(nullptr) : json(e.updated_on);
  return json{{"id", e.id},
              {"caption", e.primary_name()},
              {"schema", Schema(e.kind)},
              {"properties", std::move(props)},
              {"datasets", {e.source}},
              {"referents", json::array()},
              {"target", true},
              {"first_seen", e.listed_on.empty() ? json(nullptr) : json(e.listed_on)},
              {"last_seen", nullptr},
              {"last_change", std::move(last_change)}};
}

// Which sources a dataset name covers: "default" and "sanctions" cover every loaded list,
// a list's own name ("us_ofac_sdn") that list. False when the name is unknown.
bool DatasetSources(const Snapshot& snap, const std::string& dataset,
                    std::vector<std::string>* sources) {
  sources->clear();
  if (dataset == "default" || dataset == "sanctions") return true;  // all
  for (const LoadedList& l : snap.screener->lists()) {
    if (l.info.source == dataset) {
      sources->push_back(dataset);
      return true;
    }
  }
  return false;
}

bool InSources(const std::vector<std::string>& sources, const std::string& source) {
  return sources.empty() || std::find(sources.begin(), sources.end(), source) != sources.end();
}

std::string DatasetParam(const http::Request& req) { return req.capture; }

void NoDataset(http::Response& res, const std::string& dataset) {
  SendError(res, 404, "not_found",
            fmt::format("No such dataset: {}. Use default, sanctions, or a loaded list's name "
                        "(see /catalog).",
                        json(dataset).dump(-1, ' ', false, json::error_handler_t::replace)));
}

// The values of a property: a string or a list of strings. False with *err otherwise.
bool Values(const json& v, const std::string& where, std::vector<std::string>* out,
            std::string* err) {
  out->clear();
  auto take = [&](const json& x) {
    if (x.is_number()) {
      out->push_back(x.dump());
      return true;
    }
    if (!x.is_string() || x.get_ref<const std::string&>().size() > kMaxValueBytes) {
      *err = fmt::format("{} must hold strings of at most {} bytes", where, kMaxValueBytes);
      return false;
    }
    if (!util::Trim(x.get_ref<const std::string&>()).empty()) out->push_back(x.get<std::string>());
    return true;
  };
  if (v.is_array()) {
    if (v.size() > 50) {
      *err = fmt::format("{} has more than 50 values", where);
      return false;
    }
    for (const json& x : v) {
      if (!take(x)) return false;
    }
    return true;
  }
  if (v.is_null()) return true;
  return take(v);
}

struct Example {
  std::string schema;
  EntityKind kind = EntityKind::kUnknown;
  std::vector<std::string> names;
  std::string dob;
  std::string country;
  std::vector<std::string> identifiers;
  json echo;  // the query as yente echoes it: id, schema, properties (lists)
};

bool ParseExample(const std::string& key, const json& j, Example* ex, std::string* err) {
  std::string where = fmt::format("queries.{}", key);
  if (!j.is_object()) {
    *err = fmt::format("Cannot parse example entity: {} must be an object", where);
    return false;
  }
  auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_string()) {
    *err = fmt::format(
        "Cannot parse example entity: {}.schema must be a string (Person, "
        "Organization, Company, LegalEntity, Vessel, Airplane)",
        where);
    return false;
  }
  ex->schema = schema->get<std::string>();
  if (!KindOfSchema(ex->schema, &ex->kind)) {
    *err = fmt::format(
        "Cannot parse example entity: {}.schema '{}' is not one Vigil screens "
        "(Person, Organization, Company, PublicBody, LegalEntity, Thing, Vessel, "
        "Airplane)",
        where, ex->schema.substr(0, 64));
    return false;
  }
  auto props = j.find("properties");
  if (props == j.end() || !props->is_object()) {
    *err = fmt::format("Cannot parse example entity: {}.properties must be an object", where);
    return false;
  }
  static const std::vector<std::string> kNameProps = {"name",      "alias",     "previousName",
                                                      "weakAlias", "firstName", "lastName"};
  static const std::vector<std::string> kCountryProps = {"nationality",  "citizenship", "country",
                                                         "jurisdiction", "mainCountry", "flag"};
  static const std::vector<std::string> kIdProps = {
      "idNumber",     "passportNumber", "registrationNumber",
      "taxNumber",    "innCode",        "ogrnCode",
      "leiCode",      "vatCode",        "swiftBic",
      "imoNumber",    "mmsi",           "callSign",
      "serialNumber", "email",          "website",
      "phone",        "okpoCode",       "bikCode",
      "dunsCode",     "uniqueEntityId", "publicKey",
      "npiCode",      "permId",         "ricCode",
      "isin"};
  json echo_props = json::object();
  std::vector<std::string> first, last;
  for (const auto& [prop, value] : props->items()) {
    std::vector<std::string> vals;
    if (!Values(value, where + ".properties." + prop, &vals, err)) {
      *err = "Cannot parse example entity: " + *err;
      return false;
    }
    if (vals.empty()) continue;
    echo_props[prop] = vals;
    auto has = [&p = prop](const std::vector<std::string>& set) {  // clang 14: no binding capture
      return std::find(set.begin(), set.end(), p) != set.end();
    };
    if (prop == "firstName") {
      first = vals;
    } else if (prop == "lastName") {
      last = vals;
    } else if (has(kNameProps)) {
      for (const std::string& v : vals) ex->names.push_back(v);
    } else if (prop == "birthDate" || prop == "incorporationDate") {
      for (const std::string& v : vals) {
        PartialDate d;
        if (ex->dob.empty() && model::ParseDate(v, &d)) ex->dob = v.substr(0, 10);
      }
    } else if (has(kCountryProps)) {
      for (const std::string& v : vals) {
        if (ex->country.empty()) ex->country = model::CountryCode(v);
      }
    } else if (has(kIdProps)) {
      for (const std::string& v : vals) ex->identifiers.push_back(v);
    }
  }
  if (!first.empty() && !last.empty()) ex->names.push_back(first[0] + " " + last[0]);
  if (ex->names.size() > kMaxNamesPerQuery) ex->names.resize(kMaxNamesPerQuery);
  if (ex->names.empty() && ex->identifiers.empty()) {
    *err = fmt::format(
        "Cannot parse example entity: {} has no name (properties.name) and no "
        "identifier to match on",
        where);
    return false;
  }
  ex->echo = json{{"schema", ex->schema}, {"properties", std::move(echo_props)}};
  if (auto id = j.find("id"); id != j.end() && id->is_string()) ex->echo["id"] = *id;
  return true;
}

json MatcherDocs() {
  auto doc = [](const char* d) {
    return json{{"description", d}, {"coefficient", 1.0}, {"url", "docs/architecture.md"}};
  };
  return json{
      {"name_score", doc("Similarity of the best-matching list name, token by token (Jaro-Winkler "
                         "within an edit budget, weighted by token rarity; Korean names by "
                         "syllable)")},
      {"birth_date", doc("Change to the score from the date of birth (same date raises it, years "
                         "apart lower it)")},
      {"country", doc("Change to the score from the country (on the entry raises it, a "
                      "conflicting one lowers it)")},
      {"identifier", doc("An identifier equal to a listed one (scores 0.97 on its own)")}};
}

json Features(const Match& m) {
  json f{{"name_score", std::round(m.name_score * 1e6) / 1e6}};
  for (const Evidence& e : m.evidence) {
    f[e.attribute] = std::round(e.effect * 1e6) / 1e6;
  }
  return f;
}

void MatchRoute(Service& svc, const http::Request& req, http::Response& res) {
  auto snap = svc.Begin(req, res, Role::kScreen);
  if (!snap) return;
  const ServerOptions& opt = svc.options();
  std::string dataset = DatasetParam(req);
  std::vector<std::string> sources;
  if (!DatasetSources(*snap, dataset, &sources)) return NoDataset(res, dataset);
  long limit = kDefaultLimit;
  double threshold = kMatchThreshold, cutoff = kDefaultCutoff;
  if (!IntParam(req, res, "limit", 1, static_cast<long>(opt.max_results), &limit) ||
      !DoubleParam(req, res, "threshold", 0, 1, &threshold) ||
      !DoubleParam(req, res, "cutoff", 0, 1, &cutoff)) {
    return;
  }
  cutoff = std::min(cutoff, threshold);
  auto multi = [&](const char* name) {
    std::vector<std::string> v;
    for (size_t i = 0, n = req.ParamCount(name); i < n; ++i) {
      v.push_back(req.Param(name, i));
    }
    return v;
  };
  std::vector<std::string> include = multi("include_dataset"), exclude = multi("exclude_dataset"),
                           exclude_schema = multi("exclude_schema"),
                           exclude_ids = multi("exclude_entity_ids");
  json body;
  if (!ParseJsonBody(req, res, &body)) return;
  auto queries = body.find("queries");
  if (queries == body.end() || !queries->is_object()) {
    SendError(res, 400, "invalid_request",
              "the body must be {\"queries\": {\"q1\": {\"schema\": \"Person\", \"properties\": "
              "{\"name\": [\"...\"]}}}}");
    return;
  }
  if (queries->empty()) {
    SendError(res, 400, "invalid_request", "No queries provided.");
    return;
  }
  if (queries->size() > opt.max_batch) {
    SendError(res, 400, "batch_too_large",
              fmt::format("Too many queries in one batch (limit: {})", opt.max_batch));
    return;
  }
  std::vector<std::pair<std::string, Example>> examples;
  for (const auto& [key, value] : queries->items()) {
    Example ex;
    std::string err;
    if (!ParseExample(key, value, &ex, &err)) {
      SendError(res, 400, "invalid_request", err);
      return;
    }
    examples.emplace_back(key, std::move(ex));
  }
  auto keep = [&](const Entity& e) {
    if (!InSources(sources, e.source)) return false;
    if (!include.empty() && !InSources(include, e.source)) return false;
    if (std::find(exclude.begin(), exclude.end(), e.source) != exclude.end()) return false;
    if (std::find(exclude_schema.begin(), exclude_schema.end(), Schema(e.kind)) !=
        exclude_schema.end()) {
      return false;
    }
    return std::find(exclude_ids.begin(), exclude_ids.end(), e.id) == exclude_ids.end();
  };
  bool filtered = !sources.empty() || !include.empty() || !exclude.empty() ||
                  !exclude_schema.empty() || !exclude_ids.empty();
  ScreenOptions so;
  so.top = static_cast<size_t>(limit) * (filtered ? 4 : 1) + 1;
  so.min_score = cutoff;
  so.explain = false;
  json responses = json::object();
  size_t screened = 0;
  for (auto& [key, ex] : examples) {
    std::unordered_map<const Entity*, Match> best;
    std::vector<std::string> names = ex.names;
    if (names.empty()) names.push_back("");  // identifiers only
    for (const std::string& name : names) {
      Query q;
      q.name = name;
      q.kind = ex.kind;
      q.dob = ex.dob;
      q.country = ex.country;
      q.identifiers = ex.identifiers;
      ++screened;
      for (Match& m : snap->screener->Screen(q, so)) {
        if (!keep(*m.entity)) continue;
        auto it = best.find(m.entity);
        if (it == best.end() || m.score > it->second.score) best[m.entity] = std::move(m);
      }
    }
    std::vector<Match*> ranked;
    for (auto& [e, m] : best) ranked.push_back(&m);
    std::sort(ranked.begin(), ranked.end(), [](const Match* a, const Match* b) {
      return a->score != b->score ? a->score > b->score : a->entity->id < b->entity->id;
    });
    size_t total = ranked.size();
    if (ranked.size() > static_cast<size_t>(limit)) ranked.resize(static_cast<size_t>(limit));
    json results = json::array();
    for (const Match* m : ranked) {
      json r = FtmEntity(*m->entity, *snap);
      r["score"] = std::round(m->score * 1e6) / 1e6;
      r["features"] = Features(*m);
      r["match"] = m->score >= threshold;
      r["decision"] = std::string(ToString(m->decision));
      r["matched_name"] = m->matched_name;
      results.push_back(std::move(r));
    }
    responses[key] = json{{"status", 200},
                          {"results", std::move(results)},
                          {"total", {{"value", total}, {"relation", "eq"}}},
                          {"query", ex.echo}};
  }
  svc.metrics().CountQueries(screened);
  res.SetHeader("x-batch-size", std::to_string(examples.size()));
  // Beyond yente's answer: the lists' status ("lists", "sample", "warnings").
  json answer{{"responses", std::move(responses)},
              {"matcher", MatcherDocs()},
              {"limit", limit},
              {"lists_version", snap->version}};
  AddListsStatus(*snap, opt.max_list_age_days, &answer);
  SendJson(res, 200, answer);
}

void SearchRoute(Service& svc, const http::Request& req, http::Response& res) {
  auto snap = svc.Begin(req, res, Role::kScreen);
  if (!snap) return;
  const ServerOptions& opt = svc.options();
  std::string dataset = DatasetParam(req);
  std::vector<std::string> sources;
  if (!DatasetSources(*snap, dataset, &sources)) return NoDataset(res, dataset);
  std::string q, schema = "Thing";
  long limit = 10, offset = 0;
  if (!TextParam(req, res, "q", kMaxValueBytes, &q) ||
      !TextParam(req, res, "schema", 64, &schema) ||
      !IntParam(req, res, "limit", 1, static_cast<long>(opt.max_results), &limit) ||
      !IntParam(req, res, "offset", 0, 10000, &offset)) {
    return;
  }
  EntityKind kind = EntityKind::kUnknown;
  if (!KindOfSchema(schema, &kind)) {
    SendError(res, 400, "invalid_parameter", "Invalid schema");
    return;
  }
  std::vector<const Entity*> hits;
  size_t total = 0;
  if (util::Trim(q).empty()) {  // yente lists everything when there is no query text
    for (const LoadedList& l : snap->screener->lists()) {
      if (!InSources(sources, l.info.source)) continue;
      for (const Entity& e : l.entities) {
        if (kind != EntityKind::kUnknown && e.kind != kind) continue;
        if (total >= static_cast<size_t>(offset) && hits.size() < static_cast<size_t>(limit)) {
          hits.push_back(&e);
        }
        ++total;
      }
    }
  } else {
    Query query;
    query.name = q;
    query.kind = kind;
    ScreenOptions so;
    so.top = static_cast<size_t>(offset + limit) * (sources.empty() ? 1 : 4);
    so.min_score = kDefaultCutoff;
    so.explain = false;
    std::vector<Match> matches = snap->screener->Screen(query, so);
    svc.metrics().CountQueries(1);
    for (const Match& m : matches) {
      if (!InSources(sources, m.entity->source)) continue;
      if (total >= static_cast<size_t>(offset) && hits.size() < static_cast<size_t>(limit)) {
        hits.push_back(m.entity);
      }
      ++total;
    }
  }
  json results = json::array();
  for (const Entity* e : hits) results.push_back(FtmEntity(*e, *snap));
  SendJson(res, 200,
           json{{"results", std::move(results)},
                {"facets", json::object()},
                {"total", {{"value", total}, {"relation", "eq"}}},
                {"limit", limit},
                {"offset", offset}});
}

void EntityRoute(Service& svc, const http::Request& req, http::Response& res) {
  auto snap = svc.Begin(req, res, Role::kScreen);
  if (!snap) return;
  std::string id = DatasetParam(req);
  const Entity* e = IsUtf8(id) ? snap->screener->Find(id) : nullptr;
  if (e == nullptr) {
    SendError(res, 404, "not_found", "No such entity!");
    return;
  }
  SendJson(res, 200, FtmEntity(*e, *snap));
}

void CatalogRoute(Service& svc, const http::Request& req, http::Response& res) {
  auto snap = svc.Begin(req, res, Role::kScreen);
  if (!snap) return;
  json datasets = json::array();
  json children = json::array();
  for (const LoadedList& l : snap->screener->lists()) {
    children.push_back(l.info.source);
    datasets.push_back({{"name", l.info.source},
                        {"title", l.info.title},
                        {"version", ListVersion(l.info)},
                        {"load", true},
                        {"index_current", true},
                        {"children", json::array()},
                        {"entity_count", l.entities.size()}});
  }
  for (const char* name : {"default", "sanctions"}) {
    datasets.push_back({{"name", name},
                        {"title", "All lists loaded in Vigil"},
                        {"version", snap->version},
                        {"load", true},
                        {"index_current", true},
                        {"children", children},
                        {"entity_count", snap->entities}});
  }
  json current = json::array();
  for (const json& d : datasets) current.push_back(d["name"]);
  SendJson(res, 200,
           json{{"datasets", std::move(datasets)},
                {"current", std::move(current)},
                {"outdated", json::array()},
                {"index_stale", false}});
}

}  // namespace

void RegisterYente(http::Router& router, Service& svc) {
  router.Add("POST", "/match/{}",
             [&svc](const http::Request& q, http::Response& r) { MatchRoute(svc, q, r); });
  router.Add("GET", "/search/{}",
             [&svc](const http::Request& q, http::Response& r) { SearchRoute(svc, q, r); });
  router.Add("GET", "/entities/{*}",
             [&svc](const http::Request& q, http::Response& r) { EntityRoute(svc, q, r); });
  router.Add("GET", "/catalog",
             [&svc](const http::Request& q, http::Response& r) { CatalogRoute(svc, q, r); });
}

}  // namespace vigil::server
