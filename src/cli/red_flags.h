// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// `vigil red-flags`: the published red flags of North Korean IT workers over party records
// (src/redflags/red_flags.h).
//
//   vigil red-flags --parties FILE.jsonl [--lists PATH...] --output OUT.jsonl
//                   [--clusters OUT.json] [--rules FILE] [--ip-data DIR] [--ip-db FILE.mmdb]
//                   [--threads N] [--skip-bad-lines]
//   vigil red-flags --db DB [--by WHO] [--no-alerts] ...
//                   the case store's parties instead of --parties; each party at risk high
//                   gets an alert in the store (store/red_flag_alerts.h), one audit record
//                   per run
//
// One output line per party (redflags::ToJson). A summary (counts per risk, clusters, what
// was skipped) goes to standard error. A party file with bad lines is refused (each bad
// line reported as FILE:LINE: message) unless --skip-bad-lines is given.

#ifndef VIGIL_CLI_RED_FLAGS_H_
#define VIGIL_CLI_RED_FLAGS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vigil/screen.h"
#include "vigil/status.h"

namespace vigil::cli {

struct RedFlagsArgs {
  std::string parties;             // --parties FILE.jsonl (or .csv)
  std::string db;                  // --db DB: the case store's parties
  std::string output;              // --output OUT.jsonl (default: standard output)
  std::string clusters;            // --clusters OUT.json
  std::string rules;               // --rules FILE
  std::string ip_data;             // --ip-data DIR
  std::vector<std::string> ip_db;  // --ip-db FILE.mmdb
  size_t threads = 0;
  bool skip_bad_lines = false;
  bool no_lists = false;   // --no-lists: skip name screening
  bool no_alerts = false;  // --no-alerts: with --db, only report (open no alert)
  std::string by;          // --by: the principal of the audit records (default: login name)
};

struct RedFlagsContext {
  bool json = false;
  // Builds the screener from --lists (or the config / data folder); empty: no lists.
  std::function<Status(std::unique_ptr<Screener>*)> make_screener;
  // Whether lists are named (not the bundled sample alone).
  std::function<bool()> lists_available;
};

CLI::App* AddRedFlagsCommand(CLI::App* app, RedFlagsArgs* args);
int RunRedFlags(const RedFlagsArgs& args, const RedFlagsContext& ctx);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_RED_FLAGS_H_
