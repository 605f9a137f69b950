// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Ongoing screening for batch users without a service or cron:
//
//   vigil watch --db DB [--lists FOLDER...] [--every 6h] [--once | --rounds N]
//               [--fetch-base-url URL]
//               [--webhook URL --webhook-secret-file FILE] [--json]
//
// Each round fetches the official files of every list (sources/fetch.h: into the folder it
// is loaded from, validated before anything is replaced), and when a list changed (or on
// the first round) brings the stored parties up to date with a delta re-screen
// (store/rescreen.h), sending the new alerts to the webhook. A failed download keeps the
// list as it was, re-screens nothing against it, and is audited ("lists.refresh" with the
// error and the age of the data in use). --once: one round, exit 1 when it failed;
// --rounds N: N rounds, exit 1 when the last failed. The reverse index of the parties that
// a delta run builds is kept from round to round (rebuilt once many parties changed), so
// later rounds cost what the list change touches, not what indexing every party costs.
//
// Also here: the webhook options `vigil serve` shares, and ParseDuration.

#ifndef VIGIL_CLI_WATCH_H_
#define VIGIL_CLI_WATCH_H_

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "notify/webhook.h"
#include "vigil/status.h"

namespace vigil::cli {

// "90s", "30m", "6h", "1d", "250ms" (a whole number and a unit) into *out; InvalidArgument
// naming the text otherwise (zero is refused).
Status ParseDuration(std::string_view text, std::chrono::milliseconds* out);

struct WebhookArgs {
  std::string url;
  std::string secret_file;  // else $VIGIL_WEBHOOK_SECRET
  int attempts = 5;
  std::string backoff = "2s";
};

// --webhook, --webhook-secret-file, --webhook-attempts, --webhook-backoff.
void AddWebhookOptions(CLI::App* cmd, WebhookArgs* a);
// The webhook the options describe (url empty: none), secret read and checked.
Status MakeWebhook(const WebhookArgs& a, notify::WebhookOptions* out);

struct WatchArgs {
  std::string db;
  std::string every = "6h";
  bool once = false;
  int rounds = 0;  // 0: until killed
  std::string fetch_base_url;
  std::string by;  // the audit trail's principal (default: "system")
  // After each re-screen: exposure re-evaluated around what changed (graph/exposure_alerts.h).
  double exposure_level = 0.5;
  bool no_exposure = false;
  WebhookArgs webhook;
};

CLI::App* AddWatchCommand(CLI::App* app, WatchArgs* a);

// Runs rounds until killed (or one with --once). `lists`: the global --lists (empty: the
// data folder's lists).
int RunWatch(const WatchArgs& a, const std::vector<std::string>& lists, bool json,
             bool accept_truncated, double max_entity_drop);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_WATCH_H_
