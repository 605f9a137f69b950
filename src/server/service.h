// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// What the request handlers share (internal to src/server): the serving snapshot of the
// lists, the options, API keys, metrics, and the helpers that turn every failure into a
// JSON error with a clear message.
//
// A Snapshot is immutable once built. Handlers call Service::Begin(), which checks the API
// key and returns a shared_ptr to the current snapshot; they hold it until they have
// written their answer, so a reload swapping in a new snapshot never changes data under a
// request (matches point into the Screener the snapshot owns).

#ifndef VIGIL_SERVER_SERVICE_H_
#define VIGIL_SERVER_SERVICE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ip/ip_database.h"
#include "model/list_status.h"
#include "server/auth.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/server.h"
#include "store/store.h"
#include "vigil/screen.h"

namespace vigil::redflags {
class Engine;
}
namespace vigil::graph {
class Graph;
class Evaluation;
}  // namespace vigil::graph

namespace vigil::server {

// Gives the memory of a snapshot back to the system once it is gone: declared first in
// Snapshot, so destroyed last, after everything the snapshot held was freed (on whichever
// thread dropped the last reference). Without it RSS grew by hundreds of MB over reloads.
struct ReleaseMemoryWhenDestroyed {
  ~ReleaseMemoryWhenDestroyed();
};

struct Snapshot {
  ReleaseMemoryWhenDestroyed release_memory;  // first: runs after the members below are freed
  std::unique_ptr<Screener> screener;
  uint64_t generation = 0;  // 1 for the first load, +1 per successful reload
  // A short name for exactly these files: the first 12 hex digits of SHA-256 over every
  // list's source and file hashes. Every answer carries it, for audit.
  std::string version;
  std::chrono::system_clock::time_point loaded_at;
  double load_seconds = 0;
  std::vector<std::string> paths;
  size_t entities = 0;
  // Entities that name this id in their relationships (the reverse of Relationship).
  std::unordered_map<std::string, std::vector<const Entity*>> referenced_by;
  // Per list: source -> "version" shown to people (publication date, else file hash prefix).
  std::unordered_map<std::string, std::string> list_versions;

  // The status of the lists (model::ListsStatus) as JSON member values, for answers to
  // carry; ages are counted when asked, the text is kept while they stay the same.
  struct StatusText {
    std::vector<long> ages;
    std::string lists;     // [{"source", "version", "published", ...}, ...]
    std::string sample;    // true / false
    std::string warnings;  // ["...", ...]
    nlohmann::json json;   // {"lists", "sample", "warnings"}: the same, for answers built as JSON
  };
  mutable std::mutex status_mu;
  mutable std::shared_ptr<const StatusText> status_text;  // guarded by status_mu
};

// The status of the lists of `snap` now (ages against `max_age_days`).
model::ListsStatus ListsStatusNow(const Snapshot& snap, long max_age_days);
// The same as JSON text (cached in the snapshot while the ages stay the same).
std::shared_ptr<const Snapshot::StatusText> ListsStatusText(const Snapshot& snap,
                                                            long max_age_days);
// Adds "lists", "sample" and "warnings" (the status now) to the object `j`.
void AddListsStatus(const Snapshot& snap, long max_age_days, nlohmann::json* j);

// Loads `paths` (vigil::LoadLists: in parallel, all or nothing) and prepares a Screener.
Status LoadSnapshot(const std::vector<std::string>& paths, const LoadOptions& options,
                    uint64_t generation, std::shared_ptr<const Snapshot>* out);

// The lists serving that were accepted despite signs of truncation:
// [{"source", "truncation": [{"file", "line", "message"}]}]; empty when none.
nlohmann::json TruncatedJson(const Snapshot& snap);

// The version shown for one list: its publication date (stated in the file, else the file's
// date), else the first 12 hex digits of its main file's SHA-256.
std::string ListVersion(const ListInfo& info);

class Service {
 public:
  explicit Service(ServerOptions options);
  ~Service();

  const ServerOptions& options() const { return options_; }
  Metrics& metrics() { return metrics_; }
  const ApiKeys& keys() const { return keys_; }
  // Parses the API keys; with options().db opens the case store and appends
  // "service.start" (and "config.change" when the configuration differs from the last one
  // recorded) to its audit trail.
  Status Init();

  // The case store; null without --db.
  store::Store* store() const { return store_.get(); }

  // The IP data (/v1/ip, ServerOptions::ip_*); null while there is none (not configured,
  // failed, or still loading in the background). Once set it is never replaced: the pointer
  // stays valid for the life of the Service.
  const ip::IpDatabase* ip() const { return ip_.load(std::memory_order_acquire).get(); }
  // Why ip() is null, for the 503 answer.
  std::string IpUnavailableReason() const;
  // Sets up the IP data as the options say (called by Init(); ip_routes.cc). Not OK when
  // ip_data or ip_db name data that does not load.
  Status InitIp();

  // Appends the audit records the service could not write when it started (the store was
  // read-only or full then: the service starts anyway, its writes answering 503 until the
  // store takes them). Handlers that write call it first; not OK: the store still cannot
  // be written, and the write must not go ahead (the start is recorded before anything
  // done after it).
  Status FlushPendingAudit();

  // The configuration as recorded in the audit trail: what the options say, the keys'
  // roles and principals (never their hashes), and the store's backend.
  nlohmann::json ConfigJson() const;

  std::shared_ptr<const Snapshot> Current() const {
    return snapshot_.load(std::memory_order_acquire);
  }

  // The guard at the top of every data handler: checks that the request's API key has at
  // least `role` (401/403 otherwise) and that lists are loaded (503 otherwise). Returns the
  // snapshot to answer from, or nullptr after writing the error.
  // *who (may be null) receives the request's principal.
  std::shared_ptr<const Snapshot> Begin(const http::Request& req, http::Response& res, Role role,
                                        Principal* who = nullptr);
  // Only the API key check (for routes that need no lists). False after writing the error.
  bool Authorize(const http::Request& req, http::Response& res, Role role,
                 Principal* who = nullptr);

  // See Server::Reload. Fails with kInvalidArgument ("busy") while another reload runs.
  // Compares each list's entity count with the same source serving (max_entity_drop).
  // Never throws: an exception while loading is a failed reload, counted as one.
  // With a case store, a reload that ran (not a busy one) appends "lists.reload" naming
  // `principal` and `via` ("start", "SIGHUP", "POST /v1/lists/reload"), with the lists
  // serving before and after, or the error; *audit_error (may be null) receives why that
  // record could not be written (the reload itself stands).
  Status Reload(std::string* summary, bool* busy, std::vector<std::string>* truncated = nullptr,
                std::string_view principal = "system", std::string_view via = "start",
                Status* audit_error = nullptr);

  std::chrono::system_clock::time_point started() const { return started_; }

  // ---- Red flags (red_flags_routes.cc) ----

  // The red-flag engine for the lists serving now (name screening) and the IP data of ip()
  // (the login checks), with the snapshot it screens against: hold both while using the
  // engine. Built on first use, and again after a reload swapped the snapshot or the IP
  // data arrived (the cache keeps no old snapshot alive). Not OK when the rules do not parse.
  struct RedFlagsEngine {
    std::shared_ptr<const Snapshot> snapshot;  // null: no lists loaded (name checks skipped)
    std::shared_ptr<const redflags::Engine> engine;
  };
  Status RedFlags(RedFlagsEngine* out);

  // ---- The relationship graph (links_routes.cc) ----

  // The graph of the lists serving now (src/graph: entities and their list relationships)
  // with, when there is a case store, its parties, imported ownership edges and shared
  // attributes (parties to listed entities and to linked parties), and the 50%
  // rule evaluated over it. Built on first use and again when the snapshot, the parties
  // (Store::PartyChangeSeq, and the last "party.import" or "party.update" audit record:
  // an address or phone changes no screening) or the ownership edges (the last
  // "ownership.import" audit record) changed. Hold `snapshot` while using the graph (it
  // points into its entities).
  struct LinksGraph {
    std::shared_ptr<const Snapshot> snapshot;
    std::shared_ptr<const graph::Graph> graph;
    std::shared_ptr<const graph::Evaluation> fifty;
  };
  // Not OK when the store cannot be read. Needs lists loaded (Begin() checked).
  Status Links(LinksGraph* out);

  // ---- Ongoing screening (background.cc) ----

  // Starts the background threads: the re-screen worker (with a case store and
  // options().rescreen) and the refresh timer (options().refresh_seconds > 0). Once.
  void StartBackground();
  // Stops them and waits for them (a re-screen in progress ends first; a webhook waiting
  // to retry gives up). Called by ~Server; idempotent.
  void StopBackground();
  // Asks for a delta re-screen against the lists serving (after a successful reload): it
  // runs on the worker as soon as the one running (if any) ends; asks during a run make
  // one more run after it.
  void QueueRescreen();
  // Fetches the loaded lists again (ServerOptions::refresh_seconds) and reloads ("refresh")
  // when a file changed. Not OK when a fetch or the reload failed: the lists serving stay.
  // Counted in /metrics and audited ("lists.refresh": the lists fetched, the errors, the
  // age of the data in use). *summary (may be null): one line saying what happened.
  Status Refresh(std::string* summary);
  // What /readyz shows of the refresh and the re-screens: {"refresh": {...} (with
  // --refresh), "rescreen": {...} (with a store)}.
  nlohmann::json BackgroundJson() const;
  // The data in use and its age: {"lists_version", "loaded_at", "checked_at",
  // "age_seconds", "lists": [{"source", "version", "published", "age_days"}]}; null before
  // the first load. checked_at: the last time the lists were loaded or a refresh found
  // them unchanged; age_seconds counts from it.
  nlohmann::json DataInUseJson() const;
  // Asks the background worker to re-evaluate the exposure of the parties near `nodes`
  // (graph::ReevaluateExposure, audited with `trigger`), after any re-screen queued: an
  // ownership review does not wait for it. False (nothing queued) when the worker does not
  // run (no store, --no-rescreen, --no-exposure, or stopping).
  bool QueueExposure(std::vector<std::string> nodes, std::string trigger);
  // For tests and benchmarks: waits until no re-screen or exposure re-evaluation is queued
  // or running; false when `limit` passed first.
  bool WaitRescreenIdle(std::chrono::milliseconds limit);

 private:
  struct Background;
  void RescreenLoop();
  void RefreshLoop();
  void RunRescreen();
  void RunExposureJob(const std::vector<std::string>& nodes, const std::string& trigger);
  bool BackgroundSleep(std::chrono::milliseconds ms);  // false: stopping

  ServerOptions options_;
  ApiKeys keys_;
  Metrics metrics_;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  std::mutex reload_mu_;
  uint64_t generation_ = 0;  // guarded by reload_mu_
  std::chrono::system_clock::time_point started_;
  std::unique_ptr<store::Store> store_;
  std::mutex pending_mu_;
  std::vector<std::pair<std::string, nlohmann::json>> pending_audit_;  // guarded by pending_mu_
  std::atomic<bool> has_pending_audit_{false};
  std::unique_ptr<Background> bg_;  // background.cc
  std::mutex redflags_mu_;
  bool redflags_built_ = false;        // guarded by redflags_mu_
  uint64_t redflags_generation_ = 0;   // the snapshot generation it was built for (0: none)
  const void* redflags_ip_ = nullptr;  // the ip() it was built with
  std::shared_ptr<const redflags::Engine> redflags_engine_;  // guarded by redflags_mu_
  std::mutex links_mu_;
  LinksGraph links_;               // guarded by links_mu_
  uint64_t links_generation_ = 0;  // what links_ was built from
  int64_t links_party_seq_ = -1;
  int64_t links_ownership_seq_ = -1;
  std::atomic<std::shared_ptr<const ip::IpDatabase>> ip_;
  std::atomic<int> ip_state_{0};  // 0 none, 1 loading, 2 loaded, 3 failed
  std::thread ip_loader_;         // opens ServerOptions::ip_data_background
};

// The lists of a snapshot as the audit trail records them: [{"source", "version",
// "entities", "files": [{"file", "sha256"}]}].
nlohmann::json SnapshotListsJson(const Snapshot& snap);

// ---- answers ----

// Serializes `j` (invalid UTF-8, which no handler should produce, is replaced rather than
// throwing) into the body with Content-Type application/json.
void SendJson(http::Response& res, int status, const nlohmann::json& j);
void SendJsonText(http::Response& res, int status, std::string body);  // JSON already written

// The one error shape of every route:
//   {"error": {"status": 400, "code": "invalid_json", "message": "..."}, "detail": "..."}
// ("detail" carries the message again: it is where yente clients look).
void SendError(http::Response& res, int status, std::string_view code, std::string_view message);

// True when the request says its body is JSON: Content-Type application/json (parameters
// such as charset allowed), or, with `empty_body_ok`, no Content-Type and no body. Else
// writes 415 and returns false: a browser sends text/plain and form bodies cross-site
// without asking first, JSON it does not.
bool JsonContentType(const http::Request& req, http::Response& res, bool empty_body_ok);

// Parses the request body as JSON (after JsonContentType). On failure writes 415 or 400
// (empty body, malformed JSON, invalid UTF-8) and returns false.
bool ParseJsonBody(const http::Request& req, http::Response& res, nlohmann::json* out);

// Query-string parameters, validated; on a bad value write 400 and return false.
bool IntParam(const http::Request& req, http::Response& res, const char* name, long lo, long hi,
              long* value);
bool DoubleParam(const http::Request& req, http::Response& res, const char* name, double lo,
                 double hi, double* value);
bool BoolParam(const http::Request& req, http::Response& res, const char* name, bool* value);
// A text parameter: must be valid UTF-8 without NUL and at most `max_bytes` long.
bool TextParam(const http::Request& req, http::Response& res, const char* name, size_t max_bytes,
               std::string* value);

bool IsUtf8(std::string_view s);

// Paths as answers show them: the file name and its folder's name ("2024-05/sdn.csv"),
// never where on the server they are. RedactPaths does that to every path in a message
// that starts with '/', "./", "../" or "~/" (a path is cut at a space, quote or colon).
std::string ShowPath(std::string_view path);
std::string RedactPaths(std::string_view message);

// ---- routes (one file each) ----
// POST /v1/lists/reload (api.cc); also called before routing when the POST has no body.
void HandleReload(Service& svc, const http::Request& req, http::Response& res);
void RegisterApi(http::Router& router, Service& svc);    // api.cc: /v1/...
void RegisterYente(http::Router& router, Service& svc);  // yente.cc: /match, /search, ...
void RegisterWeb(http::Router& router, Service& svc);    // web.cc: /, /app.js, ...
// cases.cc: the case store, /v1/parties, /v1/alerts, /v1/audit.
void RegisterCases(http::Router& router, Service& svc);
// red_flags_routes.cc: POST /v1/red-flags, POST /v1/red-flags/run.
void RegisterRedFlags(http::Router& router, Service& svc);
// GET /v1/parties/{id}/red-flags (cases.cc routes it here).
void HandlePartyRedFlags(Service& svc, const http::Request& req, http::Response& res,
                         const std::string& party_id);
// links_routes.cc: GET /v1/entities/{id}/links (api.cc routes it here, with the snapshot
// Begin() returned) and GET /v1/parties/{id}/exposure (cases.cc routes it here, after the
// analyst role and the store were checked).
void HandleEntityLinks(Service& svc, const http::Request& req, http::Response& res,
                       const std::shared_ptr<const Snapshot>& snap, const std::string& id);
void HandlePartyExposure(Service& svc, const http::Request& req, http::Response& res,
                         const std::string& party_id);
// links_routes.cc: GET /v1/ownership[?review=to_review], POST /v1/ownership/{id}/review.
void RegisterOwnership(http::Router& router, Service& svc);
// ip_routes.cc: GET /v1/ip?ip=ADDR and POST /v1/ip {"ips": [...]} (IP screening).
void RegisterIp(http::Router& router, Service& svc);
// The answer for a store error: NotFound 404, Conflict 409, Unavailable 503
// (store_unavailable), InvalidArgument 400, anything else 500.
void SendStoreError(http::Response& res, const Status& s);
// The case store, or nullptr after answering 404 no_store (the server has no --db).
store::Store* StoreOr404(Service& svc, http::Response& res);
// The store for a handler that writes, or nullptr after answering: 404 no_store, or 503
// when the records the service owes the audit trail (its start, when the store could not be
// written then) still cannot be written.
store::Store* WritableStoreOr(Service& svc, http::Response& res);

}  // namespace vigil::server

#endif  // VIGIL_SERVER_SERVICE_H_
