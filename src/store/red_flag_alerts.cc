// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "store/red_flag_alerts.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

#include "redflags/alerts.h"

namespace vigil::store {

using nlohmann::json;

namespace {

// The strings of a flag's detail that say what it is about (RedFlagSignature).
void CollectAtoms(const json& j, std::set<std::string>* out) {
  if (j.is_string()) {
    out->insert(j.get<std::string>());
  } else if (j.is_array()) {
    for (const json& e : j) CollectAtoms(e, out);
  } else if (j.is_object()) {
    bool count_map = !j.empty();
    for (const auto& [k, v] : j.items()) count_map = count_map && v.is_number();
    for (const auto& [k, v] : j.items()) {
      if (count_map) {
        out->insert(k);
      } else if (k != "parties") {
        CollectAtoms(v, out);
      }
    }
  }
}

}  // namespace

json ToJson(const RedFlagRunSummary& s) {
  json alerts = json::array();
  for (size_t i = 0; i < s.alerts.outcomes.size(); ++i) {
    const auto& [outcome, id] = s.alerts.outcomes[i];
    alerts.push_back({{"party_id", i < s.alert_parties.size() ? s.alert_parties[i] : ""},
                      {"outcome", std::string(ToString(outcome))},
                      {"alert_id", id != 0 ? json(id) : json(nullptr)}});
  }
  return {{"parties", s.parties},
          {"risk", {{"high", s.high}, {"medium", s.medium}, {"low", s.low}, {"none", s.none}}},
          {"clusters", s.clusters},
          {"rules_version", s.rules_version},
          {"new_alerts", s.alerts.new_alerts},
          {"re_alerts", s.alerts.re_alerts},
          {"existing", s.alerts.existing},
          {"suppressed", s.alerts.suppressed},
          {"confirmed", s.alerts.confirmed},
          {"alerts", std::move(alerts)}};
}

std::string RulesVersion(const std::vector<redflags::Rule>& rules) {
  json j = json::array();
  for (const redflags::Rule& r : rules) {
    j.push_back({{"id", r.id}, {"check", r.check}, {"weight", r.weight}, {"params", r.params}});
  }
  return "rules-" + model::JsonHash(j).substr(0, 12);
}

json RedFlagSignature(const redflags::PartyResult& r) {
  std::set<std::string> rules, flags;
  for (const redflags::Flag& f : r.flags) {
    rules.insert(f.rule);
    std::set<std::string> atoms;
    CollectAtoms(f.detail, &atoms);
    std::string line = f.rule;
    const char* sep = ": ";
    for (const std::string& a : atoms) {
      line += sep;
      line += a;
      sep = ", ";
    }
    flags.insert(std::move(line));
  }
  return {{"id", std::string(kRedFlagEntityId)}, {"rules", rules}, {"flags", flags}};
}

Status EvaluateStoredParties(Store& db, const redflags::Engine& engine,
                             std::vector<model::Party>* parties, redflags::Report* report) {
  parties->clear();
  Status s = db.ForEachParty(1000, [&](const std::vector<model::Party>& batch) {
    parties->insert(parties->end(), batch.begin(), batch.end());
    return true;
  });
  if (!s.ok()) return s;
  return engine.Run(*parties, report);
}

Status OpenRedFlagAlerts(Store& db, const std::vector<model::Party>& parties,
                         const redflags::Report& report, const redflags::Engine& engine,
                         const Actor& by, RedFlagRunSummary* out) {
  RedFlagRunSummary sum;
  sum.parties = static_cast<int64_t>(report.parties.size());
  sum.clusters = static_cast<int64_t>(report.clusters.size());
  sum.rules_version = RulesVersion(engine.rules());
  for (const redflags::PartyResult& r : report.parties) {
    if (r.risk == "high") ++sum.high;
    if (r.risk == "medium") ++sum.medium;
    if (r.risk == "low") ++sum.low;
    if (r.risk == "none") ++sum.none;
  }
  std::vector<RedFlagAlertInput> inputs;
  for (const redflags::AlertInput& a : redflags::AlertsToOpen(parties, report)) {
    if (a.party->stored_version <= 0) {
      return Status::InvalidArgument("red flags: party " + a.party->id +
                                     " was not read from the case store (no stored version)");
    }
    RedFlagAlertInput in;
    in.party_id = a.party->id;
    in.party_version = a.party->stored_version;
    in.score = a.result->score;
    in.band = "high";
    in.explanation = redflags::AlertExplanation(*a.result, a.cluster);
    in.explanation["kind"] = "red_flags";
    in.signature = RedFlagSignature(*a.result);
    sum.alert_parties.push_back(in.party_id);
    inputs.push_back(std::move(in));
  }
  json run = {
      {"parties", sum.parties},
      {"risk", {{"high", sum.high}, {"medium", sum.medium}, {"low", sum.low}, {"none", sum.none}}},
      {"clusters", sum.clusters},
      {"rules_version", sum.rules_version},
      {"notes", engine.notes()}};
  Status s = db.RecordRedFlagAlerts(inputs, sum.rules_version, run, by, &sum.alerts);
  if (!s.ok()) return s;
  *out = std::move(sum);
  return Status::Ok();
}

}  // namespace vigil::store
