// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Exposure alerts (issue 15): exposure at or above a configured level opens an alert in the
// case store with the path as its explanation, and whatever changes the graph (a list
// update, an ownership import or review) re-evaluates the parties it can affect.
//
//   graph::ExposureAlertOptions o;            // alert_level 0.5, 3 hops
//   graph::ExposureRunSummary sum;
//   Status s = graph::ReevaluateExposure(*db, screener->lists(), run.changed_entity_ids,
//                                        /*all_parties=*/false, o, {"system"},
//                                        "rescreen run 12", &sum);
//
// The graph evaluated is the service's whole graph (src/server/links_routes.cc): every
// listed entity, every stored party, every ownership edge, every party's shared-attribute
// links (AddAllSharedLinks); so `vigil exposure`, the re-screen and /v1/parties/{id}/exposure
// see the same paths, and a decided alert is judged against the same signature whoever
// evaluates it.
//
// One alert per (party, listed entity reached): entity_id "exposure:<entity id>", list
// "links" (store::kExposureList); its score the exposure of that entity (the 50% rule's
// level when the party is (possibly) blocked through it, else the best path's score); its
// explanation {"kind": "exposure", "status", "explanation", "path", ...}; its signature the
// path's edges (ends, type, share) and the 50% status, so an alert decided false_positive
// re-opens only when the path changed.
//
// Thread safety: the functions only read the lists; the Store is thread-safe.

#ifndef VIGIL_GRAPH_EXPOSURE_ALERTS_H_
#define VIGIL_GRAPH_EXPOSURE_ALERTS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "graph/exposure.h"
#include "graph/graph.h"
#include "store/rescreen.h"
#include "store/store.h"
#include "vigil/list.h"
#include "vigil/status.h"

namespace vigil::graph {

struct ExposureAlertOptions {
  double alert_level = 0.5;  // exposure level (0..1) at or above which an alert opens
  int hops = 3;              // 1..6
  size_t max_paths = 20;
  int threads = 0;  // 0: all cores
  // false: evaluate and report only (`vigil exposure --no-alerts`): nothing is written,
  // no alert opened or closed, no audit record.
  bool open_alerts = true;
};

struct ExposureRunSummary {
  int64_t parties_evaluated = 0, new_alerts = 0, re_alerts = 0, existing = 0, suppressed = 0,
          closed = 0;     // closed: open exposure alerts that no longer hold
  int64_t confirmed = 0;  // decided true_match, same path: no new alert
  int64_t alerts = 0;     // (party, entity) pairs at or above the level
  // How the run went: "nothing changed" (no node given), "no party near the change" (the
  // graph of the lists and ownership edges alone showed no party within reach: the parties
  // were not loaded), "evaluated".
  std::string path;
  std::string trigger;
  double seconds = 0;
  // {"trigger", "path", "parties_evaluated", "alerts", "new_alerts", "re_alerts",
  //  "existing", "suppressed", "confirmed", "closed", "seconds"}
  nlohmann::json ToJson() const;
};

// The alerts one party's exposure calls for: one per listed entity reached at or above
// `alert_level` (the 50% rule's paths at the party's level when it is (possibly) blocked,
// and the ranked paths at their score; the best per entity), with explanation and
// signature. In entity id order.
std::vector<store::ExposureAlertInput> ExposureAlertInputs(const Exposure& x,
                                                           std::string_view party_id,
                                                           int64_t party_version,
                                                           double alert_level);

// The whole graph of the case store: the lists' entities and relationships, every stored
// party (*parties, in id order, stored_version set; may be null), every ownership edge and
// every party's shared-attribute links. `lists` must outlive the graph.
Status BuildStoreGraph(store::Store& db, const std::vector<LoadedList>& lists, Graph* g,
                       std::vector<model::Party>* parties);

// Re-evaluates the exposure of the stored parties that `changed` can affect: the parties
// within o.hops of any of the graph node ids in `changed` (listed entity ids added,
// changed or removed by a list update; "party:<id>" / "name:<x>" / entity ids at the ends
// of ownership edges imported or reviewed) in the new graph, plus the parties holding an
// exposure alert on any of those entity ids. all_parties=true: every stored party.
// Opens/refreshes alerts at or above the level (Store::RecordExposureAlerts: dedup,
// false positive re-alerts only when the path signature changed) and closes open
// exposure alerts of evaluated parties that no longer hold (a system decision "close"
// with reason "exposure no longer holds: ...", audited; nothing deleted). One
// "exposure.run" audit record with `trigger` ("rescreen run 12", "ownership import F",
// "ownership review 7", "cli") and the counts.
//
// Cost: with `changed` empty (and all_parties false) nothing is read or written. Else the
// graph of the lists and the ownership edges is built first; when no party and no listed
// entity holding a shareable value (address, phone, ...) is within reach of `changed`, and
// no party holds an exposure alert on them, no party is loaded and only the audit record
// is written.
Status ReevaluateExposure(store::Store& db, const std::vector<LoadedList>& lists,
                          const std::vector<std::string>& changed, bool all_parties,
                          const ExposureAlertOptions& o, const store::Actor& by,
                          std::string_view trigger, ExposureRunSummary* out);

// After a successful store::Rescreen `rs` (src/store/rescreen.h): ReevaluateExposure around
// rs.changed_entity_ids, every party when rs.kind is "full"; trigger "rescreen run <id>".
// What `vigil rescreen`, `vigil watch` and the service's background re-screen call.
Status ReevaluateAfterRescreen(store::Store& db, const std::vector<LoadedList>& lists,
                               const store::RescreenSummary& rs, const ExposureAlertOptions& o,
                               const store::Actor& by, ExposureRunSummary* out);

// The same for exactly the parties `party_ids` (`vigil exposure PARTY_ID`): NotFound for
// an unknown party. *exposures (may be null): each party's Exposure, in the order given.
Status EvaluatePartiesExposure(store::Store& db, const std::vector<LoadedList>& lists,
                               const std::vector<std::string>& party_ids,
                               const ExposureAlertOptions& o, const store::Actor& by,
                               std::string_view trigger, ExposureRunSummary* out,
                               std::vector<Exposure>* exposures);

}  // namespace vigil::graph

#endif  // VIGIL_GRAPH_EXPOSURE_ALERTS_H_
