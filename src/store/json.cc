// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "store/json.h"

namespace vigil::store {

using nlohmann::json;

json ToJson(const ListFile& f) {
  return {{"source", f.source},
          {"file", f.file},
          {"sha256", f.sha256},
          {"published", f.published},
          {"entities", f.entities}};
}

json ToJson(const PartyVersion& v) {
  return {{"version", v.version},
          {"recorded_at", v.recorded_at},
          {"recorded_by", v.recorded_by},
          {"record", v.record},
          {"screened_hash", v.screened_hash}};
}

json ToJson(const Screening& s) {
  json lists = json::array();
  for (const ListFile& f : s.lists) lists.push_back(ToJson(f));
  return {{"id", s.id},
          {"party_id", s.party_id},
          {"party_version", s.party_version},
          {"at", s.at},
          {"by", s.by},
          {"lists_version", s.lists_version},
          {"lists", std::move(lists)},
          {"hits", s.hits.is_array() ? s.hits : json::array()}};
}

json ToJson(const DecisionRecord& d) {
  return {{"id", d.id},
          {"alert_id", d.alert_id},
          {"decision", std::string(ToString(d.decision))},
          {"reason", d.reason},
          {"by", d.by},
          {"at", d.at},
          {"alert_version", d.alert_version}};
}

json ToJson(const Alert& a, bool full) {
  json j = {{"id", a.id},
            {"party_id", a.party_id},
            {"party_version", a.party_version},
            {"entity_id", a.entity_id},
            {"entity_name", a.entity_name},
            {"list", a.list},
            {"score", a.score},
            {"band", a.band},
            {"state", std::string(ToString(a.state))},
            {"version", a.version},
            {"created_at", a.created_at},
            {"updated_at", a.updated_at},
            {"lists_version", a.lists_version},
            {"party_tags", a.party_tags},
            {"changed", !a.changes.is_null()}};
  if (a.previous_alert_id != 0) j["previous_alert_id"] = a.previous_alert_id;
  j["rescreen_run"] = a.rescreen_run != 0 ? json(a.rescreen_run) : json(nullptr);
  j["delisted"] = a.delisted.empty() ? json(nullptr) : json(a.delisted);
  if (full) {
    j["screening_id"] = a.screening_id;
    j["explanation"] = a.explanation;
    j["party_hash"] = a.party_hash;
    j["entity_hash"] = a.entity_hash;
    j["party_fields"] = a.party_fields;
    j["entity_record"] = a.entity_record;
    j["changes"] = a.changes;
    json history = json::array();
    for (const DecisionRecord& d : a.history) history.push_back(ToJson(d));
    j["history"] = std::move(history);
  }
  return j;
}

json ToJson(const AlertPage& p) {
  json alerts = json::array();
  for (const Alert& a : p.alerts) alerts.push_back(ToJson(a, false));
  json counts = json::object();
  for (std::string_view s : {"open", "escalated", "true_match", "false_positive", "closed"}) {
    auto it = p.counts.find(std::string(s));
    counts[std::string(s)] = it == p.counts.end() ? 0 : it->second;
  }
  return {{"alerts", std::move(alerts)}, {"total", p.total}, {"counts", std::move(counts)}};
}

json ToJson(const PartyDetail& d) {
  json versions = json::array();
  for (const PartyVersion& v : d.versions) versions.push_back(ToJson(v));
  json screenings = json::array();
  for (const Screening& s : d.screenings) screenings.push_back(ToJson(s));
  json alerts = json::array();
  for (const Alert& a : d.alerts) alerts.push_back(ToJson(a, true));
  return {{"id", d.id},
          {"current", d.versions.empty() ? json(nullptr) : ToJson(d.versions.back())},
          {"versions", std::move(versions)},
          {"screenings", std::move(screenings)},
          {"alerts", std::move(alerts)}};
}

json ToJson(const ListVersion& v) {
  json files = json::array();
  for (const ListFile& f : v.files) files.push_back(ToJson(f));
  return {{"id", v.id},
          {"source", v.source},
          {"key", v.key},
          {"files", std::move(files)},
          {"published", v.published},
          {"entities", v.entities},
          {"loaded_at", v.loaded_at},
          {"loaded_by", v.loaded_by}};
}

json ToJson(const RescreenRun& r) {
  json versions = json::object();
  for (const auto& [source, id] : r.to_versions) versions[source] = id;
  return {{"id", r.id},
          {"kind", r.kind},
          {"status", r.status},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at.empty() ? json(nullptr) : json(r.finished_at)},
          {"by", r.by},
          {"from_lists_version", r.from_lists_version},
          {"to_lists_version", r.to_lists_version},
          {"to_versions", std::move(versions)},
          {"counts", r.counts.is_object() ? r.counts : json::object()},
          {"error", r.error.empty() ? json(nullptr) : json(r.error)}};
}

json ToJson(const WebhookDelivery& d) {
  return {{"id", d.id},
          {"event_id", d.event_id},
          {"url", d.url},
          {"rescreen_run", d.rescreen_run != 0 ? json(d.rescreen_run) : json(nullptr)},
          {"alerts", d.alerts},
          {"status", d.status},
          {"attempts", d.attempts},
          {"http_status", d.http_status},
          {"error", d.error.empty() ? json(nullptr) : json(d.error)},
          {"first_attempt_at", d.first_attempt_at},
          {"last_attempt_at", d.last_attempt_at}};
}

json ToJson(const AuditRecord& r) {
  return {
      {"seq", r.seq},       {"at", r.at},         {"principal", r.principal}, {"action", r.action},
      {"object", r.object}, {"detail", r.detail}, {"prev_hash", r.prev_hash}, {"hash", r.hash}};
}

json ToJson(const AuditVerify& v) {
  return {{"ok", v.ok},
          {"records", v.records},
          {"first_bad_seq", v.first_bad_seq},
          {"problem", v.problem},
          {"head", {{"seq", v.head_seq}, {"hash", v.head_hash}}}};
}

json ToJson(const ScreenRunSummary& s) {
  return json{{"parties", s.parties},
              {"clean", s.clean},
              {"new_alerts", s.new_alerts},
              {"re_alerts", s.re_alerts},
              {"existing", s.existing},
              {"suppressed", s.suppressed},
              {"confirmed", s.confirmed},
              {"lists_version", s.lists_version},
              {"new_alert_ids", s.new_alert_ids}};
}

json ToJson(const OwnershipEnd& e) {
  json j = {{"given", e.given}, {"node", e.node}, {"how", e.how}};
  if (!e.matched_id.empty()) {
    j["score"] = e.score;
    j["matched_id"] = e.matched_id;
    j["matched_name"] = e.matched_name;
  }
  if (!e.review.empty()) j["review"] = e.review;
  return j;
}

json ToJson(const OwnershipEdgeRecord& e) {
  json j = {{"id", e.id},
            {"owner", ToJson(e.owner)},
            {"owned", ToJson(e.owned)},
            {"percentage", e.percentage},
            {"low", e.low},
            {"high", e.high},
            {"kind", e.kind},
            {"source", e.source},
            {"as_of", e.as_of},
            {"file", e.file},
            {"line", e.line},
            {"imported_at", e.imported_at},
            {"by", e.by},
            {"review", e.review}};
  if (!e.reviewed_at.empty()) {
    j["reviewed_by"] = e.reviewed_by;
    j["reviewed_at"] = e.reviewed_at;
    j["review_note"] = e.review_note;
  }
  return j;
}

}  // namespace vigil::store
