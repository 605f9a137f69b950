// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Request counters and latency histograms, rendered in the Prometheus text format
// (version 0.0.4) at /metrics. Every counter is a relaxed atomic in a fixed table indexed by
// route and status, so counting costs a few atomic increments and no lock or allocation.
//
// Thread safety: all methods may be called from any number of threads.

#ifndef VIGIL_SERVER_METRICS_H_
#define VIGIL_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::server {

struct Snapshot;

// The routes the server answers, as metric labels (the OpenAPI test checks them against
// the description).
enum class Route : int {
  kScreen,           // POST /v1/screen
  kSearch,           // GET /v1/search
  kEntity,           // GET /v1/entities/{id}
  kLists,            // GET /v1/lists
  kReload,           // POST /v1/lists/reload
  kYenteMatch,       // POST /match/{dataset}
  kYenteSearch,      // GET /search/{dataset}
  kYenteEntity,      // GET /entities/{id}
  kYenteCatalog,     // GET /catalog
  kHealthz,          // GET /healthz
  kReadyz,           // GET /readyz
  kMetrics,          // GET /metrics
  kOpenApi,          // GET /openapi.json
  kWeb,              // GET /, /app.js, /style.css
  kPartyCreate,      // POST /v1/parties
  kPartyImport,      // POST /v1/parties/import
  kPartyGet,         // GET /v1/parties/{id}
  kPartyPut,         // PUT /v1/parties/{id}
  kPartyScreen,      // POST /v1/parties/{id}/screen
  kAlerts,           // GET /v1/alerts
  kAlert,            // GET /v1/alerts/{id}
  kDecisions,        // GET /v1/alerts/{id}/decisions
  kDecide,           // POST /v1/alerts/{id}/decisions
  kAudit,            // GET /v1/audit
  kAuditVerify,      // GET /v1/audit/verify
  kRescreens,        // GET /v1/rescreens
  kRescreen,         // GET /v1/rescreens/{id}
  kListVersions,     // GET /v1/list-versions
  kIp,               // GET /v1/ip
  kIpBatch,          // POST /v1/ip
  kRedFlags,         // POST /v1/red-flags
  kRedFlagsRun,      // POST /v1/red-flags/run
  kPartyRedFlags,    // GET /v1/parties/{id}/red-flags
  kEntityLinks,      // GET /v1/entities/{id}/links
  kPartyExposure,    // GET /v1/parties/{id}/exposure
  kOwnership,        // GET /v1/ownership
  kOwnershipReview,  // POST /v1/ownership/{id}/review
  kOther,            // anything else (answered 404 or 405)
  kCount,
};

// The route a path belongs to; kOther when none. `method` tells apart the routes that
// share a path (GET and PUT /v1/parties/{id}); when empty, the path's first route.
Route ClassifyRoute(std::string_view path, std::string_view method = "");
// "/v1/screen", "/match/{dataset}", ...; a second method on a path is named after it:
// "/v1/parties/{id} (PUT)". The path is the label up to " (".
std::string_view RouteLabel(Route route);
std::string_view RouteMethod(Route route);  // the method the route answers: "GET" or "POST"

class Metrics {
 public:
  Metrics();

  // One answered request: its route, status code and time from the start of routing.
  void Observe(Route route, int status, double seconds);
  void CountQueries(size_t n) { queries_.fetch_add(n, std::memory_order_relaxed); }
  void CountReload(bool ok, double seconds);
  // A re-screen run after a reload: its outcome, time, and the alerts it raised.
  void CountRescreen(bool ok, double seconds, int64_t new_alerts);
  // A refresh (fetch, validate, reload when changed): its outcome.
  void CountRefresh(bool ok);
  // Webhook messages delivered and failed (after retries), and the alerts they carried.
  void CountWebhook(int64_t delivered, int64_t failed, int64_t alerts_delivered,
                    int64_t alerts_failed);
  // When the lists serving were last known current (loaded, or a refresh found them
  // unchanged); the data's age is counted from it.
  void SetDataChecked(std::chrono::system_clock::time_point at);

  // The whole exposition: requests, latency histograms, queries, reloads, the connections
  // open now, and the lists of `snap` (may be null before the first load) with their
  // versions and ages.
  std::string Render(const Snapshot* snap, std::chrono::system_clock::time_point started,
                     size_t open_connections) const;

 private:
  static constexpr std::array<int, 19> kStatuses = {
      200, 201, 400, 401, 403, 404, 405, 409, 413, 414, 415, 421, 422, 428, 429, 431, 500, 503, 0};
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  static constexpr size_t kRoutes = static_cast<size_t>(Route::kCount);
  static size_t StatusIndex(int status);

  struct Histogram {
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<uint64_t> sum_ns{0};
    std::atomic<uint64_t> count{0};
  };

  std::array<std::array<std::atomic<uint64_t>, kStatuses.size()>, kRoutes> requests_{};
  std::array<Histogram, kRoutes> latency_{};
  std::atomic<uint64_t> queries_{0};
  std::atomic<uint64_t> reloads_ok_{0};
  std::atomic<uint64_t> reloads_failed_{0};
  std::atomic<uint64_t> last_reload_ns_{0};      // duration of the last reload
  std::atomic<int64_t> last_reload_unix_ms_{0};  // when it ended
  std::atomic<uint64_t> rescreens_ok_{0}, rescreens_failed_{0}, rescreen_alerts_{0};
  std::atomic<uint64_t> last_rescreen_ns_{0};
  std::atomic<int64_t> last_rescreen_unix_ms_{0};
  std::atomic<uint64_t> refreshes_ok_{0}, refreshes_failed_{0};
  std::atomic<int64_t> last_refresh_ok_unix_ms_{0}, last_refresh_failed_unix_ms_{0};
  std::atomic<uint64_t> webhooks_delivered_{0}, webhooks_failed_{0};
  std::atomic<uint64_t> webhook_alerts_delivered_{0}, webhook_alerts_failed_{0};
  std::atomic<int64_t> data_checked_unix_ms_{0};
};

}  // namespace vigil::server

#endif  // VIGIL_SERVER_METRICS_H_
