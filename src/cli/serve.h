// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// `vigil serve`: the screening service (src/server) as a command. Options come from the
// command line or the config file's [serve] section (TOML, the same file as --config):
//
//   lists = ["../shared/lists/us_ofac_sdn/2024-05"]
//   max_list_age = 45
//   [serve]
//   host = "127.0.0.1"
//   port = 8000
//   api_keys = ["screen:<sha256 hex of the key>", "analyst:<sha256 hex>:alice",
//               "admin:<sha256 hex>"]
//   db = "vigil.db"   # the case store: a SQLite file or a postgresql:// URL
//   allowed_hosts = ["vigil.internal"]
//   metrics_public = true
//
// With --db, every successful reload is followed by a delta re-screen of the stored parties
// in the background (store/rescreen.h); --refresh 6h fetches the lists' official files
// every six hours and reloads when they changed; --webhook sends the new alerts.
//
// SIGHUP or POST /v1/lists/reload reloads the lists (reading the config file's `lists`
// again when the lists came from it; with neither --lists nor a config file, looking in the
// data folder again, so that a reload after `vigil fetch` serves the fetched lists); SIGINT
// or SIGTERM stops the server.

#ifndef VIGIL_CLI_SERVE_H_
#define VIGIL_CLI_SERVE_H_

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "cli/ip.h"
#include "cli/watch.h"

namespace vigil::cli {

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 8000;
  size_t threads = 0;  // 0: one per core
  size_t max_connections = 4096;
  size_t max_body_bytes = 1 << 20;
  size_t max_batch = 100;
  size_t max_results = 100;
  std::vector<std::string> api_keys;
  bool no_access_log = false;
  std::vector<std::string> allowed_hosts;  // Host names served besides the localhost names
  bool metrics_public = false;             // /metrics without a key even with keys
  // The case store (a SQLite file or a postgresql:// URL); empty: none.
  std::string db;
  // Ongoing screening: fetch the lists this often ("6h"; empty: never), from here instead
  // of the official addresses, and where to send the alerts re-screens raise.
  std::string refresh;
  std::string fetch_base_url;
  WebhookArgs webhook;
  // After each re-screen: exposure re-evaluated around what changed (--exposure-level,
  // --no-exposure; graph/exposure_alerts.h).
  double exposure_level = 0.5;
  bool no_exposure = false;
  // IP screening (/v1/ip): --ip-data, --ip-db. Neither: the installed tables
  // (ip::DefaultDataDir()) when there are any, loaded in the background after the start.
  IpDataArgs ip;
};

// Adds the serve options to `serve`.
void AddServeOptions(CLI::App* serve, ServeArgs* args);

// Runs the server until SIGINT/SIGTERM. `app` is the parsed top-level app (for --config);
// `lists`, `strict`, `accept_truncated` and `max_entity_drop` are the global options;
// `argc`/`argv` tell whether --lists was given on the command line (then reloads read those
// paths again, not the config file). `max_list_age`: days after publication from which a
// list is a warning in every answer (0: no limit).
int RunServe(const CLI::App& app, const ServeArgs& args, const std::vector<std::string>& lists,
             bool strict, int argc, char** argv, bool accept_truncated = false,
             double max_entity_drop = 0.2, long max_list_age = 45);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_SERVE_H_
