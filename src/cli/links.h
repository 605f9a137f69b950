// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// `vigil ownership import FILE --db DB`, `vigil ownership list --db DB [--to-review]`,
// `vigil ownership review EDGE_ID --db DB --accept|--reject [--end E] [--node N]` and
// `vigil exposure PARTY_ID --db DB` (issue 15: src/graph), and the links of `vigil show`.

#ifndef VIGIL_CLI_LINKS_H_
#define VIGIL_CLI_LINKS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "vigil/screen.h"
#include "vigil/status.h"

namespace vigil::cli {

struct LinksArgs {
  CLI::App* import = nullptr;
  CLI::App* list = nullptr;
  CLI::App* exposure = nullptr;
  CLI::App* review = nullptr;  // ownership review EDGE_ID
  bool to_review = false;      // ownership list --to-review
  int64_t edge_id = 0;
  bool accept = false, reject = false;
  std::string end, node, note;  // ownership review --end, --node, --note
  std::string file;             // ownership import FILE
  std::string db;               // --db
  std::string by;               // --by
  std::string party_id;         // exposure PARTY_ID
  int hops = 3;
  size_t max_paths = 20;
  double alert_level = 0.5;  // as graph::ExposureAlertOptions (the re-screen's default)
  bool no_alerts = false;
};

struct LinksContext {
  bool json = false;
  // Loads the lists (--lists, ...) and builds the screener.
  std::function<Status(std::unique_ptr<Screener>*)> make_screener;
};

// Adds `ownership` (import, list) and `exposure` to `app`.
std::shared_ptr<LinksArgs> AddLinksCommands(CLI::App* app);
// Runs the one parsed, if any (*rc its exit code); false when none was.
bool RunLinksCommand(const LinksArgs& a, const LinksContext& ctx, int* rc);

// The links of a listed entity, both ways, as `vigil show` prints them: "  links to  ..."
// and "  linked from ...", one line each (nothing when it has none).
void PrintLinks(const graph::Graph& g, const std::string& id);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_LINKS_H_
