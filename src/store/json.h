// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// JSON forms of the case store's records, shared by the CLI (--json), the HTTP API and the
// web page. Field names are snake_case and stable:
//
//   PartyVersion  {"version","recorded_at","recorded_by","record","screened_hash"}
//   Screening     {"id","party_id","party_version","at","by","lists_version",
//                  "lists":[{"source","file","sha256","published","entities"}],
//                  "hits":[{"entity_id","entity_name","list","score","band","outcome",
//                           "alert_id"}]}
//   DecisionRecord {"id","alert_id","decision","reason","by","at","alert_version"}
//   Alert (summary) {"id","party_id","party_version","entity_id","entity_name","list","score",
//                  "band","state","version","created_at","updated_at","lists_version",
//                  "party_tags","previous_alert_id" (when there is one),"changed",
//                  "rescreen_run" (the re-screen run that raised it; null: a screening of
//                  the party),"delisted" (null unless its entity was delisted)}
//         (full) adds "screening_id","explanation","party_hash","entity_hash",
//                  "party_fields","entity_record","changes","history":[decision...]
//   AlertPage     {"alerts":[summary...],"total","counts":{"open":n,"escalated":n,...}}
//   PartyDetail   {"id","current":PartyVersion,"versions":[...],"screenings":[...],
//                  "alerts":[full...]}
//   ListVersion   {"id","source","key","files":[ListFile...],"published","entities",
//                  "loaded_at","loaded_by"}
//   RescreenRun   {"id","kind","status","started_at","finished_at" (null while running),"by",
//                  "from_lists_version","to_lists_version","to_versions":{source:id},
//                  "counts":{...},"error" (null unless failed)}
//   WebhookDelivery {"id","event_id","url","rescreen_run","alerts","status","attempts",
//                  "http_status","error","first_attempt_at","last_attempt_at"}
//   OwnershipEdgeRecord {"id","owner":End,"owned":End,"percentage","low","high","kind",
//                  "source","as_of","file","line","imported_at","by","review",
//                  "reviewed_by","reviewed_at","review_note" (once reviewed)}
//     End         {"given","node","how","score","matched_id","matched_name" (when a name
//                  matched, kept when rejected),"review" (name matches: to_review,
//                  accepted, rejected)}
//   AuditRecord   {"seq","at","principal","action","object","detail","prev_hash","hash"}
//   AuditVerify   {"ok","records","first_bad_seq","problem"}

#ifndef VIGIL_STORE_JSON_H_
#define VIGIL_STORE_JSON_H_

#include <nlohmann/json.hpp>

#include "store/screen_parties.h"
#include "store/store.h"

namespace vigil::store {

nlohmann::json ToJson(const ListFile& f);
nlohmann::json ToJson(const PartyVersion& v);
nlohmann::json ToJson(const Screening& s);
nlohmann::json ToJson(const DecisionRecord& d);
nlohmann::json ToJson(const Alert& a, bool full);
nlohmann::json ToJson(const AlertPage& p);
nlohmann::json ToJson(const PartyDetail& d);
nlohmann::json ToJson(const ListVersion& v);
nlohmann::json ToJson(const RescreenRun& r);
nlohmann::json ToJson(const WebhookDelivery& d);
// {"parties", "clean", "new_alerts", "re_alerts", "existing", "suppressed", "confirmed",
//  "lists_version", "new_alert_ids"}
nlohmann::json ToJson(const ScreenRunSummary& s);
nlohmann::json ToJson(const OwnershipEnd& e);
nlohmann::json ToJson(const OwnershipEdgeRecord& e);
nlohmann::json ToJson(const AuditRecord& r);
nlohmann::json ToJson(const AuditVerify& v);

}  // namespace vigil::store

#endif  // VIGIL_STORE_JSON_H_
