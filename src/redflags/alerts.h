// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// From red-flag results to case-store alerts: which parties an alert is opened for (risk
// high) and what the alert keeps as its explanation. The store call that opens or
// refreshes the alert (an alert with entity_id "redflags:it-worker", list "red-flags") is
// the case store's (src/store); `vigil red-flags --db` and the service hand it these.

#ifndef VIGIL_REDFLAGS_ALERTS_H_
#define VIGIL_REDFLAGS_ALERTS_H_

#include <nlohmann/json.hpp>
#include <vector>

#include "model/party.h"
#include "redflags/red_flags.h"

namespace vigil::redflags {

struct AlertInput {
  const model::Party* party = nullptr;
  const PartyResult* result = nullptr;
  const Cluster* cluster = nullptr;  // null when the party is in none
};

// The parties at risk "high", in input order. `parties` and `report` are those of one
// Engine::Run (report.parties[i] is parties[i]); the pointers live as long as they do.
std::vector<AlertInput> AlertsToOpen(const std::vector<model::Party>& parties,
                                     const Report& report);

// What an alert keeps: {"risk", "score", "flags": [ToJson(flag)...], "cluster":
// ToJson(cluster)|null}.
nlohmann::json AlertExplanation(const PartyResult& result, const Cluster* cluster);

}  // namespace vigil::redflags

#endif  // VIGIL_REDFLAGS_ALERTS_H_
