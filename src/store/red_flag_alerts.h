// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Red flags over the case store's parties (issue 16): evaluates every stored party with a
// redflags::Engine and opens an alert for each party at risk "high"
// (Store::RecordRedFlagAlerts: entity_id "redflags:it-worker", list "red-flags", band
// "high"). Used by `vigil red-flags --db DB` and the service (POST /v1/red-flags/run,
// GET /v1/parties/{id}/red-flags?alert=1).
//
//   std::vector<model::Party> parties;
//   redflags::Report report;
//   Status s = store::EvaluateStoredParties(*db, engine, &parties, &report);
//   store::RedFlagRunSummary sum;
//   s = store::OpenRedFlagAlerts(*db, parties, report, engine, {"alice"}, &sum);
//
// An alert's explanation is redflags::AlertExplanation() (the flags with their evidence,
// advisory source and quote, and the party's cluster with its links) plus "kind":
// "red_flags". Its entity_record is the flags' signature (RedFlagSignature): a decided
// alert stays decided while the signature is the same.
//
// Thread safety: as Store and Engine (both thread-safe).

#ifndef VIGIL_STORE_RED_FLAG_ALERTS_H_
#define VIGIL_STORE_RED_FLAG_ALERTS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/party.h"
#include "redflags/red_flags.h"
#include "store/store.h"
#include "vigil/status.h"

namespace vigil::store {

// What a run did: the parties per risk, the clusters and the alerts.
struct RedFlagRunSummary {
  int64_t parties = 0;
  int64_t high = 0, medium = 0, low = 0, none = 0;
  int64_t clusters = 0;
  std::string rules_version;  // RulesVersion(engine.rules())
  RedFlagAlertResult alerts;
  std::vector<std::string> alert_parties;  // the party of each alerts.outcomes entry
};

// {"parties", "risk": {"high", "medium", "low", "none"}, "clusters", "rules_version",
//  "new_alerts", "re_alerts", "existing", "suppressed", "confirmed",
//  "alerts": [{"party_id", "outcome", "alert_id"}]}
nlohmann::json ToJson(const RedFlagRunSummary& s);

// "rules-" and the first 12 hex digits of the SHA-256 of the rules (ids, checks, weights,
// parameters): the red-flag alerts' lists_version.
std::string RulesVersion(const std::vector<redflags::Rule>& rules);

// What a decision on a red-flag alert is made against: {"id": "redflags:it-worker",
// "rules": [rule ids, sorted], "flags": ["rule: what it is about", ...] sorted}. "What it
// is about" is the flag's shared values, addresses, IPs, accounts, tools and countries
// (the strings of its detail, and the keys of its count maps), not the parties that share
// them, nor counts or strengths: another party joining a shared value, or one more login
// from the same country, is not a new flag; a new rule, value, IP or country is.
nlohmann::json RedFlagSignature(const redflags::PartyResult& r);

// Every stored party (latest versions, stored_version set, in id order) into *parties, and
// engine.Run() over them as one population into *report.
Status EvaluateStoredParties(Store& db, const redflags::Engine& engine,
                             std::vector<model::Party>* parties, redflags::Report* report);

// Opens (or refreshes) an alert for every party at risk "high" of `report` (a Run over
// `parties`, which must be stored parties: stored_version set), in one transaction with one
// "redflags.run" audit record (the counts and engine.notes()).
Status OpenRedFlagAlerts(Store& db, const std::vector<model::Party>& parties,
                         const redflags::Report& report, const redflags::Engine& engine,
                         const Actor& by, RedFlagRunSummary* out);

}  // namespace vigil::store

#endif  // VIGIL_STORE_RED_FLAG_ALERTS_H_
