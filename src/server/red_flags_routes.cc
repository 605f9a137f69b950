// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The red flags of North Korean IT workers over HTTP (issue 16; src/redflags):
//
//   POST /v1/red-flags            {"parties": [party records]} -> {"results": [...],
//                                 "clusters": [...], "notes": [...], "rules_version"}
//                                 (role screen; the parties are checked as one population)
//   GET  /v1/parties/{id}/red-flags  one stored party, checked among all stored parties:
//                                 {"party_id", "result", "cluster", "members", ...} (analyst)
//   POST /v1/red-flags/run        checks every stored party and opens an alert for each
//                                 party at risk high (store/red_flag_alerts.h) (admin)
//
// The engine (Service::RedFlags) screens names against the lists serving and places login
// IPs with the service's IP data (Service::ip()); what it cannot check is in "notes".
// These routes run off the event loops (Lane::kSlow; the stored party's in kStoreRead): a
// check of many parties takes a while.

#include <fmt/core.h>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "model/party.h"
#include "redflags/red_flags.h"
#include "server/service.h"
#include "store/json.h"
#include "store/red_flag_alerts.h"
#include "store/store.h"

namespace vigil::server {

using nlohmann::json;

// The most parties one POST /v1/red-flags may hold (the body size limit applies too).
constexpr size_t kMaxRedFlagParties = 10000;

Status Service::RedFlags(RedFlagsEngine* out) {
  std::shared_ptr<const Snapshot> snap = Current();
  const uint64_t generation = snap != nullptr ? snap->generation : 0;
  const ip::IpDatabase* ipdb = ip();  // may arrive after the start (loaded in the background)
  std::lock_guard<std::mutex> lock(redflags_mu_);
  if (!redflags_built_ || redflags_generation_ != generation || redflags_ip_ != ipdb) {
    redflags::Options o;
    o.ip = ipdb;
    o.screener = snap != nullptr ? snap->screener.get() : nullptr;
    std::unique_ptr<redflags::Engine> engine;
    if (Status s = redflags::Engine::Create(std::move(o), &engine); !s.ok()) return s;
    redflags_engine_ = std::move(engine);
    redflags_generation_ = generation;
    redflags_ip_ = ipdb;
    redflags_built_ = true;
  }
  out->snapshot = std::move(snap);
  out->engine = redflags_engine_;
  return Status::Ok();
}

namespace {

store::Actor ActorOf(const Principal& who) { return store::Actor{who.name}; }

// The engine, or false after answering 500 (the rules do not parse).
bool EngineOr500(Service& svc, http::Response& res, Service::RedFlagsEngine* e) {
  if (Status s = svc.RedFlags(e); !s.ok()) {
    SendError(res, 500, "red_flags_unavailable",
              "the red-flag rules could not be loaded: " + RedactPaths(s.message()));
    return false;
  }
  return true;
}

json Notes(const redflags::Engine& e) { return e.notes(); }

std::string RulesVersionOf(const redflags::Engine& e) { return store::RulesVersion(e.rules()); }

// POST /v1/red-flags
void CheckParties(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kScreen)) return;
  json body;
  if (!ParseJsonBody(req, res, &body)) return;
  for (const auto& [key, value] : body.items()) {
    if (key != "parties") {
      SendError(res, 400, "invalid_request",
                fmt::format("unknown field {}: send {{\"parties\": [party records]}}",
                            json(key).dump(-1, ' ', false, json::error_handler_t::replace)));
      return;
    }
  }
  auto it = body.find("parties");
  if (it == body.end() || !it->is_array()) {
    SendError(res, 400, "invalid_request",
              "the body must be {\"parties\": [party records]} (the JSONL record of "
              "docs/itworkers.md, one object per party)");
    return;
  }
  if (it->empty()) {
    SendError(res, 400, "invalid_request", "parties is empty: send at least one party record");
    return;
  }
  if (it->size() > kMaxRedFlagParties) {
    SendError(
        res, 413, "batch_too_large",
        fmt::format("{} parties in one request; the limit is {}", it->size(), kMaxRedFlagParties));
    return;
  }
  std::vector<model::Party> parties;
  parties.reserve(it->size());
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < it->size(); ++i) {
    model::Party p;
    std::vector<std::string> warnings;
    if (Status s = model::ParseParty((*it)[i], &p, &warnings); !s.ok()) {
      SendError(res, 400, "invalid_party", fmt::format("parties[{}]: {}", i, s.message()));
      return;
    }
    auto [where, fresh] = seen.emplace(p.id, i);
    if (!fresh) {
      SendError(res, 400, "invalid_party",
                fmt::format("parties[{}]: id {} is given again (first in parties[{}])", i,
                            json(p.id).dump(-1, ' ', false, json::error_handler_t::replace),
                            where->second));
      return;
    }
    parties.push_back(std::move(p));
  }
  Service::RedFlagsEngine e;
  if (!EngineOr500(svc, res, &e)) return;
  redflags::Report report;
  if (Status s = e.engine->Run(parties, &report); !s.ok()) {
    SendError(res, 400, "invalid_request", s.message());
    return;
  }
  json results = json::array();
  for (const redflags::PartyResult& r : report.parties) results.push_back(redflags::ToJson(r));
  json clusters = json::array();
  for (const redflags::Cluster& c : report.clusters) clusters.push_back(redflags::ToJson(c));
  SendJson(res, 200,
           json{{"results", std::move(results)},
                {"clusters", std::move(clusters)},
                {"notes", Notes(*e.engine)},
                {"rules_version", RulesVersionOf(*e.engine)}});
}

// POST /v1/red-flags/run
void RunStored(Service& svc, const http::Request& req, http::Response& res) {
  Principal who;
  if (!svc.Authorize(req, res, Role::kAdmin, &who)) return;
  if (!JsonContentType(req, res, /*empty_body_ok=*/true)) return;
  store::Store* db = WritableStoreOr(svc, res);
  if (db == nullptr) return;
  Service::RedFlagsEngine e;
  if (!EngineOr500(svc, res, &e)) return;
  std::vector<model::Party> parties;
  redflags::Report report;
  if (Status s = store::EvaluateStoredParties(*db, *e.engine, &parties, &report); !s.ok()) {
    return SendStoreError(res, s);
  }
  store::RedFlagRunSummary sum;
  if (Status s = store::OpenRedFlagAlerts(*db, parties, report, *e.engine, ActorOf(who), &sum);
      !s.ok()) {
    return SendStoreError(res, s);
  }
  json j = store::ToJson(sum);
  j["notes"] = Notes(*e.engine);
  SendJson(res, 200, j);
}

}  // namespace

void HandlePartyRedFlags(Service& svc, const http::Request& /*req*/, http::Response& res,
                         const std::string& party_id) {
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  store::PartyVersion latest;
  if (Status s = db->GetParty(party_id, &latest); !s.ok()) return SendStoreError(res, s);
  Service::RedFlagsEngine e;
  if (!EngineOr500(svc, res, &e)) return;
  std::vector<model::Party> parties;
  redflags::Report report;
  if (Status s = store::EvaluateStoredParties(*db, *e.engine, &parties, &report); !s.ok()) {
    return SendStoreError(res, s);
  }
  const redflags::PartyResult* result = nullptr;
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < parties.size() && i < report.parties.size(); ++i) {
    index.emplace(parties[i].id, i);
    if (parties[i].id == party_id) result = &report.parties[i];
  }
  if (result == nullptr) {
    SendError(res, 404, "not_found", "party " + party_id + " is not in the store");
    return;
  }
  json cluster = nullptr;
  json members = json::array();
  if (result->cluster) {
    for (const redflags::Cluster& c : report.clusters) {
      if (c.id != *result->cluster) continue;
      cluster = redflags::ToJson(c);
      for (const std::string& id : c.parties) {
        json m = {{"id", id}};
        if (auto f = index.find(id); f != index.end()) {
          const model::Party& p = parties[f->second];
          const redflags::PartyResult& r = report.parties[f->second];
          m["name"] = p.name;
          m["country"] = p.country;
          m["risk"] = r.risk;
          m["score"] = r.score;
        }
        members.push_back(std::move(m));
      }
    }
  }
  // The party's latest red-flag alert, when it has one.
  json alert = nullptr;
  store::AlertQuery q;
  q.status = "all";
  q.party_id = party_id;
  q.list = std::string(store::kRedFlagList);
  q.sort = "age";
  q.limit = 500;
  store::AlertPage page;
  if (Status s = db->ListAlerts(q, &page); !s.ok()) return SendStoreError(res, s);
  if (!page.alerts.empty()) alert = store::ToJson(page.alerts.back(), /*full=*/false);
  SendJson(res, 200,
           json{{"party_id", party_id},
                {"party_version", latest.version},
                {"result", redflags::ToJson(*result)},
                {"cluster", std::move(cluster)},
                {"members", std::move(members)},
                {"alert", std::move(alert)},
                {"parties_evaluated", parties.size()},
                {"notes", Notes(*e.engine)},
                {"rules_version", RulesVersionOf(*e.engine)}});
}

void RegisterRedFlags(http::Router& router, Service& svc) {
  using http::Lane;
  router.Add(
      "POST", "/v1/red-flags",
      [&svc](const http::Request& q, http::Response& r) { CheckParties(svc, q, r); }, Lane::kSlow);
  router.Add(
      "POST", "/v1/red-flags/run",
      [&svc](const http::Request& q, http::Response& r) { RunStored(svc, q, r); }, Lane::kSlow);
}

}  // namespace vigil::server
