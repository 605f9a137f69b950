// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "server/metrics.h"

#include <fmt/core.h>

#include <algorithm>

#include "model/list_status.h"
#include "server/service.h"

namespace vigil::server {
namespace {

struct RouteInfo {
  Route route;
  const char* label;
  const char* method;
};

constexpr RouteInfo kRouteInfo[] = {
    {Route::kScreen, "/v1/screen", "POST"},
    {Route::kSearch, "/v1/search", "GET"},
    {Route::kEntity, "/v1/entities/{id}", "GET"},
    {Route::kLists, "/v1/lists", "GET"},
    {Route::kReload, "/v1/lists/reload", "POST"},
    {Route::kYenteMatch, "/match/{dataset}", "POST"},
    {Route::kYenteSearch, "/search/{dataset}", "GET"},
    {Route::kYenteEntity, "/entities/{id}", "GET"},
    {Route::kYenteCatalog, "/catalog", "GET"},
    {Route::kHealthz, "/healthz", "GET"},
    {Route::kReadyz, "/readyz", "GET"},
    {Route::kMetrics, "/metrics", "GET"},
    {Route::kOpenApi, "/openapi.json", "GET"},
    {Route::kWeb, "/ (web page)", "GET"},
    {Route::kPartyCreate, "/v1/parties", "POST"},
    {Route::kPartyImport, "/v1/parties/import", "POST"},
    {Route::kPartyGet, "/v1/parties/{id}", "GET"},
    {Route::kPartyPut, "/v1/parties/{id} (PUT)", "PUT"},
    {Route::kPartyScreen, "/v1/parties/{id}/screen", "POST"},
    {Route::kAlerts, "/v1/alerts", "GET"},
    {Route::kAlert, "/v1/alerts/{id}", "GET"},
    {Route::kDecisions, "/v1/alerts/{id}/decisions", "GET"},
    {Route::kDecide, "/v1/alerts/{id}/decisions (POST)", "POST"},
    {Route::kAudit, "/v1/audit", "GET"},
    {Route::kAuditVerify, "/v1/audit/verify", "GET"},
    {Route::kRescreens, "/v1/rescreens", "GET"},
    {Route::kRescreen, "/v1/rescreens/{id}", "GET"},
    {Route::kListVersions, "/v1/list-versions", "GET"},
    {Route::kIp, "/v1/ip", "GET"},
    {Route::kIpBatch, "/v1/ip (POST)", "POST"},
    {Route::kRedFlags, "/v1/red-flags", "POST"},
    {Route::kRedFlagsRun, "/v1/red-flags/run", "POST"},
    {Route::kPartyRedFlags, "/v1/parties/{id}/red-flags", "GET"},
    {Route::kEntityLinks, "/v1/entities/{id}/links", "GET"},
    {Route::kPartyExposure, "/v1/parties/{id}/exposure", "GET"},
    {Route::kOwnership, "/v1/ownership", "GET"},
    {Route::kOwnershipReview, "/v1/ownership/{id}/review", "POST"},
    {Route::kOther, "other", ""},
};

bool HasSegmentAfter(std::string_view path, std::string_view prefix) {
  return path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix;
}

// Escapes a label value (backslash, double quote, line feed).
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

double UnixSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

void Family(std::string* out, const char* name, const char* type, const char* help) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

Route ClassifyRoute(std::string_view path, std::string_view method) {
  if (path == "/v1/parties") return Route::kPartyCreate;
  if (path == "/v1/parties/import") return Route::kPartyImport;
  if (HasSegmentAfter(path, "/v1/parties/")) {
    std::string_view rest = path.substr(12);
    if (rest.find('/') == std::string_view::npos) {
      return method == "PUT" ? Route::kPartyPut : Route::kPartyGet;
    }
    if (rest.ends_with("/screen") && rest.size() > 7 && rest.find('/') == rest.size() - 7) {
      return Route::kPartyScreen;
    }
    if (rest.ends_with("/red-flags") && rest.size() > 10 && rest.find('/') == rest.size() - 10) {
      return Route::kPartyRedFlags;
    }
    if (rest.ends_with("/exposure") && rest.size() > 9 && rest.find('/') == rest.size() - 9) {
      return Route::kPartyExposure;
    }
    return Route::kOther;
  }
  if (path == "/v1/alerts") return Route::kAlerts;
  if (HasSegmentAfter(path, "/v1/alerts/")) {
    std::string_view rest = path.substr(11);
    if (rest.find('/') == std::string_view::npos) return Route::kAlert;
    if (rest.ends_with("/decisions") && rest.size() > 10 && rest.find('/') == rest.size() - 10) {
      return method == "POST" ? Route::kDecide : Route::kDecisions;
    }
    return Route::kOther;
  }
  if (path == "/v1/audit") return Route::kAudit;
  if (path == "/v1/audit/verify") return Route::kAuditVerify;
  if (path == "/v1/rescreens") return Route::kRescreens;
  if (HasSegmentAfter(path, "/v1/rescreens/")) {
    return path.find('/', 14) == std::string_view::npos ? Route::kRescreen : Route::kOther;
  }
  if (path == "/v1/list-versions") return Route::kListVersions;
  if (path == "/v1/ownership") return Route::kOwnership;
  if (HasSegmentAfter(path, "/v1/ownership/")) {
    std::string_view rest = path.substr(14);
    return rest.ends_with("/review") && rest.size() > 7 && rest.find('/') == rest.size() - 7
               ? Route::kOwnershipReview
               : Route::kOther;
  }
  if (path == "/v1/red-flags") return Route::kRedFlags;
  if (path == "/v1/red-flags/run") return Route::kRedFlagsRun;
  if (path == "/v1/ip") return method == "POST" ? Route::kIpBatch : Route::kIp;
  if (path == "/v1/screen") return Route::kScreen;
  if (path == "/v1/search") return Route::kSearch;
  if (path == "/v1/lists") return Route::kLists;
  if (path == "/v1/lists/reload") return Route::kReload;
  if (HasSegmentAfter(path, "/v1/entities/")) {
    return path.ends_with("/links") && path.size() > 19 ? Route::kEntityLinks : Route::kEntity;
  }
  if (HasSegmentAfter(path, "/match/")) return Route::kYenteMatch;
  if (HasSegmentAfter(path, "/search/")) return Route::kYenteSearch;
  if (HasSegmentAfter(path, "/entities/")) return Route::kYenteEntity;
  if (path == "/catalog") return Route::kYenteCatalog;
  if (path == "/healthz") return Route::kHealthz;
  if (path == "/readyz") return Route::kReadyz;
  if (path == "/metrics") return Route::kMetrics;
  if (path == "/openapi.json") return Route::kOpenApi;
  if (path == "/" || path == "/app.js" || path == "/style.css") return Route::kWeb;
  return Route::kOther;
}

std::string_view RouteLabel(Route route) { return kRouteInfo[static_cast<size_t>(route)].label; }
std::string_view RouteMethod(Route route) { return kRouteInfo[static_cast<size_t>(route)].method; }

Metrics::Metrics() = default;

size_t Metrics::StatusIndex(int status) {
  for (size_t i = 0; i + 1 < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) return i;
  }
  return kStatuses.size() - 1;
}

void Metrics::Observe(Route route, int status, double seconds) {
  auto r = static_cast<size_t>(route);
  requests_[r][StatusIndex(status)].fetch_add(1, std::memory_order_relaxed);
  Histogram& h = latency_[r];
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  h.buckets[b].fetch_add(1, std::memory_order_relaxed);
  h.sum_ns.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  h.count.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::CountReload(bool ok, double seconds) {
  (ok ? reloads_ok_ : reloads_failed_).fetch_add(1, std::memory_order_relaxed);
  last_reload_ns_.store(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  last_reload_unix_ms_.store(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count(),
                             std::memory_order_relaxed);
}

namespace {
int64_t UnixMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
}  // namespace

void Metrics::CountRescreen(bool ok, double seconds, int64_t new_alerts) {
  (ok ? rescreens_ok_ : rescreens_failed_).fetch_add(1, std::memory_order_relaxed);
  if (new_alerts > 0) {
    rescreen_alerts_.fetch_add(static_cast<uint64_t>(new_alerts), std::memory_order_relaxed);
  }
  last_rescreen_ns_.store(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  last_rescreen_unix_ms_.store(UnixMs(std::chrono::system_clock::now()), std::memory_order_relaxed);
}

void Metrics::CountRefresh(bool ok) {
  (ok ? refreshes_ok_ : refreshes_failed_).fetch_add(1, std::memory_order_relaxed);
  (ok ? last_refresh_ok_unix_ms_ : last_refresh_failed_unix_ms_)
      .store(UnixMs(std::chrono::system_clock::now()), std::memory_order_relaxed);
}

void Metrics::CountWebhook(int64_t delivered, int64_t failed, int64_t alerts_delivered,
                           int64_t alerts_failed) {
  auto add = [](std::atomic<uint64_t>& c, int64_t n) {
    if (n > 0) c.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
  };
  add(webhooks_delivered_, delivered);
  add(webhooks_failed_, failed);
  add(webhook_alerts_delivered_, alerts_delivered);
  add(webhook_alerts_failed_, alerts_failed);
}

void Metrics::SetDataChecked(std::chrono::system_clock::time_point at) {
  data_checked_unix_ms_.store(UnixMs(at), std::memory_order_relaxed);
}

std::string Metrics::Render(const Snapshot* snap, std::chrono::system_clock::time_point started,
                            size_t open_connections) const {
  auto now = std::chrono::system_clock::now();
  std::string out;
  out.reserve(16384);
  Family(&out, "vigil_http_connections_open", "gauge", "HTTP connections open now.");
  out += fmt::format("vigil_http_connections_open {}\n", open_connections);
  Family(&out, "vigil_http_requests_total", "counter",
         "HTTP requests answered, by route and status.");
  for (size_t r = 0; r < kRoutes; ++r) {
    for (size_t s = 0; s < kStatuses.size(); ++s) {
      uint64_t n = requests_[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::string code = kStatuses[s] == 0 ? "other" : std::to_string(kStatuses[s]);
      out += fmt::format("vigil_http_requests_total{{route=\"{}\",code=\"{}\"}} {}\n",
                         Label(kRouteInfo[r].label), code, n);
    }
  }
  Family(&out, "vigil_http_request_duration_seconds", "histogram",
         "Time from routing a request to its answer, by route.");
  for (size_t r = 0; r < kRoutes; ++r) {
    const Histogram& h = latency_[r];
    if (h.count.load(std::memory_order_relaxed) == 0) continue;
    std::string label = Label(kRouteInfo[r].label);
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += h.buckets[b].load(std::memory_order_relaxed);
      out +=
          fmt::format("vigil_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                      label, kBuckets[b], cumulative);
    }
    cumulative += h.buckets[kBuckets.size()].load(std::memory_order_relaxed);
    out +=
        fmt::format("vigil_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                    label, cumulative);
    out += fmt::format("vigil_http_request_duration_seconds_sum{{route=\"{}\"}} {:.9f}\n", label,
                       static_cast<double>(h.sum_ns.load(std::memory_order_relaxed)) / 1e9);
    out += fmt::format("vigil_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label,
                       cumulative);
  }
  Family(&out, "vigil_screen_queries_total", "counter",
         "Queries screened (each query of a batch counts).");
  out += fmt::format("vigil_screen_queries_total {}\n", queries_.load(std::memory_order_relaxed));
  Family(&out, "vigil_reloads_total", "counter", "List reloads, by result.");
  out += fmt::format("vigil_reloads_total{{result=\"success\"}} {}\n",
                     reloads_ok_.load(std::memory_order_relaxed));
  out += fmt::format("vigil_reloads_total{{result=\"failure\"}} {}\n",
                     reloads_failed_.load(std::memory_order_relaxed));
  Family(&out, "vigil_last_reload_seconds", "gauge",
         "How long the last reload (successful or not) took.");
  out += fmt::format("vigil_last_reload_seconds {:.6f}\n",
                     static_cast<double>(last_reload_ns_.load(std::memory_order_relaxed)) / 1e9);
  Family(&out, "vigil_last_reload_timestamp_seconds", "gauge",
         "When the last reload ended (0: never).");
  out +=
      fmt::format("vigil_last_reload_timestamp_seconds {:.3f}\n",
                  static_cast<double>(last_reload_unix_ms_.load(std::memory_order_relaxed)) / 1e3);
  auto ms = [](const std::atomic<int64_t>& v) {
    return static_cast<double>(v.load(std::memory_order_relaxed)) / 1e3;
  };
  auto n = [](const std::atomic<uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  Family(&out, "vigil_rescreens_total", "counter",
         "Re-screens of the stored parties after a reload, by result.");
  out += fmt::format("vigil_rescreens_total{{result=\"success\"}} {}\n", n(rescreens_ok_));
  out += fmt::format("vigil_rescreens_total{{result=\"failure\"}} {}\n", n(rescreens_failed_));
  Family(&out, "vigil_rescreen_alerts_total", "counter",
         "Alerts raised by re-screens (re-alerts included).");
  out += fmt::format("vigil_rescreen_alerts_total {}\n", n(rescreen_alerts_));
  Family(&out, "vigil_last_rescreen_seconds", "gauge", "How long the last re-screen took.");
  out += fmt::format("vigil_last_rescreen_seconds {:.6f}\n",
                     static_cast<double>(n(last_rescreen_ns_)) / 1e9);
  Family(&out, "vigil_last_rescreen_timestamp_seconds", "gauge",
         "When the last re-screen ended (0: never).");
  out += fmt::format("vigil_last_rescreen_timestamp_seconds {:.3f}\n", ms(last_rescreen_unix_ms_));
  Family(&out, "vigil_refreshes_total", "counter",
         "Scheduled refreshes (fetch, validate, reload when changed), by result.");
  out += fmt::format("vigil_refreshes_total{{result=\"success\"}} {}\n", n(refreshes_ok_));
  out += fmt::format("vigil_refreshes_total{{result=\"failure\"}} {}\n", n(refreshes_failed_));
  Family(&out, "vigil_last_refresh_success_timestamp_seconds", "gauge",
         "When the last refresh succeeded (0: never).");
  out += fmt::format("vigil_last_refresh_success_timestamp_seconds {:.3f}\n",
                     ms(last_refresh_ok_unix_ms_));
  Family(&out, "vigil_last_refresh_failure_timestamp_seconds", "gauge",
         "When the last refresh failed (0: never); the lists serving stayed.");
  out += fmt::format("vigil_last_refresh_failure_timestamp_seconds {:.3f}\n",
                     ms(last_refresh_failed_unix_ms_));
  Family(&out, "vigil_webhook_messages_total", "counter",
         "Webhook messages about new alerts, by result (after retries).");
  out += fmt::format("vigil_webhook_messages_total{{result=\"delivered\"}} {}\n",
                     n(webhooks_delivered_));
  out += fmt::format("vigil_webhook_messages_total{{result=\"failed\"}} {}\n", n(webhooks_failed_));
  Family(&out, "vigil_webhook_alerts_total", "counter",
         "Alerts carried by webhook messages, by result.");
  out += fmt::format("vigil_webhook_alerts_total{{result=\"delivered\"}} {}\n",
                     n(webhook_alerts_delivered_));
  out += fmt::format("vigil_webhook_alerts_total{{result=\"failed\"}} {}\n",
                     n(webhook_alerts_failed_));
  Family(&out, "vigil_start_time_seconds", "gauge", "When the server started.");
  out += fmt::format("vigil_start_time_seconds {:.3f}\n", UnixSeconds(started));
  Family(&out, "vigil_ready", "gauge", "1 once lists are loaded and serving.");
  out += fmt::format("vigil_ready {}\n", snap != nullptr ? 1 : 0);
  if (snap == nullptr) return out;
  Family(&out, "vigil_lists_generation", "gauge",
         "Generation of the serving lists (1 + successful reloads), labelled with their version.");
  out += fmt::format("vigil_lists_generation{{version=\"{}\"}} {}\n", Label(snap->version),
                     snap->generation);
  Family(&out, "vigil_lists_loaded_timestamp_seconds", "gauge",
         "When the serving lists were loaded.");
  out += fmt::format("vigil_lists_loaded_timestamp_seconds {:.3f}\n", UnixSeconds(snap->loaded_at));
  Family(&out, "vigil_lists_age_seconds", "gauge", "Seconds since the serving lists were loaded.");
  out += fmt::format("vigil_lists_age_seconds {:.3f}\n",
                     std::chrono::duration<double>(now - snap->loaded_at).count());
  {
    double checked = std::max(UnixSeconds(snap->loaded_at), ms(data_checked_unix_ms_));
    Family(&out, "vigil_lists_data_age_seconds", "gauge",
           "Seconds since the serving lists were last known current: loaded, or found "
           "unchanged by a refresh. Grows while refreshes fail.");
    out += fmt::format("vigil_lists_data_age_seconds {:.3f}\n",
                       std::chrono::duration<double>(now.time_since_epoch()).count() - checked);
  }
  Family(&out, "vigil_list_info", "gauge",
         "One per loaded list: its version, publication date and main file hash.");
  for (const LoadedList& l : snap->screener->lists()) {
    std::string version;
    if (auto it = snap->list_versions.find(l.info.source); it != snap->list_versions.end()) {
      version = it->second;
    }
    std::string sha = l.info.files.empty() ? "" : l.info.files.front().sha256;
    out += fmt::format(
        "vigil_list_info{{source=\"{}\",version=\"{}\",published=\"{}\",sha256=\"{}\"}} 1\n",
        Label(l.info.source), Label(version), Label(l.info.published), sha);
  }
  Family(&out, "vigil_list_entities", "gauge", "Entities in each loaded list.");
  for (const LoadedList& l : snap->screener->lists()) {
    out += fmt::format("vigil_list_entities{{source=\"{}\"}} {}\n", Label(l.info.source),
                       l.entities.size());
  }
  Family(&out, "vigil_list_truncation_signs", "gauge",
         "Signs of truncation each serving list was accepted despite (accept_truncated); 0 "
         "normally.");
  for (const LoadedList& l : snap->screener->lists()) {
    out += fmt::format("vigil_list_truncation_signs{{source=\"{}\"}} {}\n", Label(l.info.source),
                       l.info.truncation.size());
  }
  Family(&out, "vigil_list_publication_age_days", "gauge",
         "Whole days since each serving list was published (the date the file states, else "
         "its modification time; -1: unknown). Alert on it beside max_list_age.");
  for (const LoadedList& l : snap->screener->lists()) {
    out += fmt::format(
        "vigil_list_publication_age_days{{source=\"{}\",published_source=\"{}\"}} "
        "{}\n",
        Label(l.info.source), Label(l.info.published_source),
        model::AgeDays(l.info.published, now));
  }
  return out;
}

}  // namespace vigil::server
