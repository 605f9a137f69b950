// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "redflags/alerts.h"

#include <unordered_map>

namespace vigil::redflags {

std::vector<AlertInput> AlertsToOpen(const std::vector<model::Party>& parties,
                                     const Report& report) {
  std::unordered_map<std::string_view, const Cluster*> clusters;
  for (const Cluster& c : report.clusters) clusters.emplace(c.id, &c);
  std::vector<AlertInput> out;
  for (size_t i = 0; i < report.parties.size() && i < parties.size(); ++i) {
    const PartyResult& r = report.parties[i];
    if (r.risk != "high") continue;
    AlertInput in;
    in.party = &parties[i];
    in.result = &r;
    if (r.cluster) {
      auto it = clusters.find(*r.cluster);
      if (it != clusters.end()) in.cluster = it->second;
    }
    out.push_back(in);
  }
  return out;
}

nlohmann::json AlertExplanation(const PartyResult& result, const Cluster* cluster) {
  nlohmann::json j = ToJson(result);
  return {{"risk", result.risk},
          {"score", j["score"]},
          {"flags", j["flags"]},
          {"cluster", cluster != nullptr ? ToJson(*cluster) : nlohmann::json(nullptr)}};
}

}  // namespace vigil::redflags
