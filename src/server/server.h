// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The screening service behind `vigil serve`: a JSON API under /v1, a yente-compatible
// API (/match, /search, /entities), operations endpoints (/healthz, /readyz, /metrics,
// /openapi.json) and the analysts' web page, over HTTP/1.1 with keep-alive (transport.h:
// Boost.Beast on one event loop per thread).
//
//   vigil::server::ServerOptions o;  // 127.0.0.1:8000 unless o.host / o.port say otherwise
//   o.list_paths = [](std::vector<std::string>* p) {
//     *p = {"lists/us_ofac_sdn"};
//     return Status::Ok();
//   };
//   vigil::server::Server server(o);
//   int port = 0;
//   Status s = server.Bind(&port);
//   s = server.Reload(nullptr);  // loads the lists; /readyz answers 200 from then on
//   server.Run();                // serves until Stop(), called from any thread
//
// Lists live in an immutable snapshot (the Screener plus what the API shows about it).
// Every request takes a reference to the current snapshot and keeps it until it has
// answered; Reload() builds a new snapshot beside the old one and swaps it in atomically,
// so no request sees a half-loaded list, and a reload that fails leaves the old snapshot
// serving. One reload runs at a time.
//
// Thread safety: Bind() and Run() are called once each, by one thread; Stop() and Reload()
// may be called from any thread at any time.

#ifndef VIGIL_SERVER_SERVER_H_
#define VIGIL_SERVER_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "notify/webhook.h"
#include "vigil/status.h"

namespace vigil::ip {
class IpDatabase;
}  // namespace vigil::ip

namespace vigil::server {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 8000;                 // 0: any free port (Bind() says which)

  // Where the lists are, asked at every (re)load: the command line's --lists, or the config
  // file's `lists` read again, so that editing the config and reloading switches versions.
  std::function<Status(std::vector<std::string>*)> list_paths;
  bool strict = false;  // a list that loads with warnings fails the load
  // Load a list that shows signs of truncation instead of refusing it (LoadOptions); the
  // signs are logged and shown in /readyz and /v1/lists.
  bool accept_truncated = false;
  // A reload whose list has fewer entities than the same list serving by more than this
  // share shows a sign of truncation (refused unless accept_truncated).
  double max_entity_drop = 0.2;
  // A list published more than this many days ago is a warning in every answer (0: no
  // limit; model/list_status.h).
  long max_list_age_days = 45;
  // The bundled sample's folder: lists loaded from it are marked as the sample, and every
  // answer says that the sample, not the official lists, was screened.
  std::string sample_path;

  size_t threads = 0;               // event loops, each serving many connections; 0: one per core
  size_t max_connections = 4096;    // open at once; more get 503
  size_t max_body_bytes = 1 << 20;  // larger request bodies get 413
  size_t max_batch = 100;           // queries in one POST /v1/screen or /match
  size_t max_results = 100;         // the most matches one query may ask for
  int keep_alive_seconds = 5;       // an idle keep-alive connection is closed after this

  // API keys as "role:sha256hex" or "role:sha256hex:principal" with role `screen` (read
  // and screen), `analyst` (also the case store's parties, alerts and decisions) or `admin`
  // (also reloads and the audit trail); server/auth.h. With none, every route is open as
  // the admin "anonymous" (fine on loopback; see docs/api.md).
  std::vector<std::string> api_keys;

  // The case store (store::Store::Open: a SQLite file path or a postgresql:// URL), opened
  // by Bind(); empty: no store, and its routes (/v1/parties, /v1/alerts, /v1/audit) answer
  // 404 no_store. With a store, Bind() appends "service.start" (and "config.change" when
  // the configuration differs from the one last recorded) and every reload "lists.reload".
  std::string db;

  bool access_log = true;  // one JSON line per request on standard error

  // Ongoing screening (with a case store): after every successful reload, a delta
  // re-screen of the stored parties (store/rescreen.h) runs in the background, one at a
  // time, against a reverse index of the parties kept warm (rebuilt in the background once
  // more than `index_rebuild_after` parties changed since it was built).
  bool rescreen = true;
  int64_t index_rebuild_after = 2000;  // store::kPartyIndexRebuildAfter
  // Threads of a re-screen (0: half the cores, leaving the rest to screening requests).
  int rescreen_threads = 0;
  // After each re-screen, on the same background thread: the exposure of the parties near
  // what the lists changed, re-evaluated (graph/exposure_alerts.h); alerts open at or
  // above `exposure_level`. false: not re-evaluated.
  bool exposure = true;
  double exposure_level = 0.5;
  // `vigil serve --refresh`: every this many seconds (0: never), fetch the official files of
  // every loaded list that `vigil fetch` knows into the folder it was loaded from
  // (sources/fetch.h: validated before anything is replaced), and reload when any file
  // changed. A failure keeps the lists serving and is reported (/metrics, /readyz, the audit
  // trail's "lists.refresh").
  int64_t refresh_seconds = 0;
  // Replaces the official addresses: list L is fetched from fetch_base_url/L/ (mirrors,
  // tests).
  std::string fetch_base_url;
  // Where the alerts a re-screen raises are sent (url empty: nowhere).
  notify::WebhookOptions webhook;

  // Host names served besides localhost, 127.0.0.1, [::1] and `host` (unless a wildcard):
  // a request naming another Host gets 421, so that a page whose name was rebound to this
  // address cannot read the API. "*" serves any Host.
  std::vector<std::string> allowed_hosts;
  // /metrics without a key even when API keys are configured (by default it then needs one).
  bool metrics_public = false;

  // IP screening (/v1/ip, ip/ip_database.h). The IP data: `ip_database` when set (already
  // open, shared); else the @ip-location-db folder `ip_data` and the MaxMind databases
  // `ip_db`, opened by Bind() (which fails when they do not load); else, when
  // `ip_data_background` names a folder, that one, opened on a thread of its own after Bind()
  // (a failure is logged; /v1/ip answers 503 until it is loaded). None: /v1/ip answers 503.
  std::shared_ptr<const ip::IpDatabase> ip_database;
  std::string ip_data;
  std::vector<std::string> ip_db;
  std::string ip_data_background;

  // Called on the reloading thread after each reload RequestReload() ran, with its outcome
  // and (on success) the summary Reload() gives. May be empty.
  // `truncated` has one line per sign of truncation accepted (accept_truncated).
  std::function<void(const Status&, const std::string& summary,
                     const std::vector<std::string>& truncated)>
      reload_done;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Checks the options (API keys, limits), opens the case store when ServerOptions::db
  // names one (and records the start in its audit trail), and binds host:port. With port 0
  // the system picks a free port; *port receives the one bound.
  Status Bind(int* port);

  // Serves until Stop(), on this thread and threads - 1 more. Returns false when Bind() did
  // not succeed.
  bool Run();

  // Stops serving: Run() returns once the answers in progress have been written (idle
  // keep-alive connections are closed).
  void Stop();

  // Loads the lists (ServerOptions::list_paths) into a new snapshot and swaps it in. On
  // failure the current snapshot keeps serving and the Status says why. *summary (may be
  // null) receives a one-line description of what is now serving; *truncated (may be
  // null) one line per sign of truncation accepted (accept_truncated). Never throws: any
  // failure while loading is a non-OK Status.
  // With a case store, the reload is audited ("lists.reload", principal "system", `via`
  // saying what asked for it).
  Status Reload(std::string* summary, std::vector<std::string>* truncated = nullptr,
                std::string_view via = "start");

  // Asks for a reload and returns at once (for SIGHUP): it runs on a thread of the server's
  // own as soon as no other reload runs, and ServerOptions::reload_done hears how it went.
  // Asks that come while a reload is waiting or running make one more reload after it
  // (many asks, one reload), so none is lost and none fails for being concurrent.
  void RequestReload();

  // True once a snapshot is serving.
  bool ready() const;

  // The warnings about the lists serving, in words (the sample, a list over the age limit,
  // a missing companion file), as every answer carries them; empty when none or not ready.
  std::vector<std::string> ListWarnings() const;

  // The event loops serving (ServerOptions::threads, or one per core when that is 0).
  size_t threads() const;

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace vigil::server

#endif  // VIGIL_SERVER_SERVER_H_
