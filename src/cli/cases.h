// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The case store's commands (src/store): parties, alerts and audit.
//
//   vigil parties import FILE --db DB [--strict] [--by NAME] [--no-screen] [--lists PATH...]
//                                     (JSONL, or CSV by .csv; screens the new and changed
//                                     parties at once when lists are named)
//   vigil parties show ID --db DB [--json]
//   vigil parties screen --db DB [--lists PATH...] [--threads N] [--party ID] [--by NAME]
//   vigil alerts list --db DB [--status S] [--band B] [--list L] [--tag T] [--party ID] [--run N]
//                     [--sort score|age] [--limit N] [--offset N] [--json]
//   vigil alerts show ID --db DB [--json]
//   vigil alerts decide ID --decision D --reason TEXT --db DB [--by NAME] [--version N]
//   vigil audit verify --db DB            (exit 1 when the chain is broken)
//   vigil audit export --db DB [--from DATE] [--to DATE] [--output FILE]
//   vigil audit purge --db DB --before DATE [--by NAME]
//
// --db is a SQLite file or a postgresql:// URL (default: $VIGIL_DB). --by defaults to the
// login name ($USER, else the password database's).

#ifndef VIGIL_CLI_CASES_H_
#define VIGIL_CLI_CASES_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/party.h"
#include "vigil/screen.h"
#include "vigil/status.h"

namespace vigil::cli {

struct CaseArgs;  // the parsed options (cases.cc)

// What the case commands take from the top-level options.
struct CaseContext {
  bool json = false;    // --json
  bool strict = false;  // --strict: an import with a bad line imports nothing
  // Loads the lists (--lists, config, data folder), reporting their warnings, and builds
  // the screener. `parties screen` calls it, and `parties import` when lists_available().
  std::function<Status(std::unique_ptr<Screener>*)> make_screener;
  // Whether lists are named for the case store: --lists, a config file, or lists in the data
  // folder (vigil fetch); not the bundled sample alone. May be empty: no lists.
  std::function<bool()> lists_available;
};

// Adds the parties, alerts and audit commands to `app`. The returned object holds their
// options; it must outlive the parse.
std::shared_ptr<CaseArgs> AddCaseCommands(CLI::App* app);

// Runs the case command that was parsed. Returns false (and leaves *rc alone) when none was.
bool RunCaseCommand(const CaseArgs& args, const CaseContext& ctx, int* rc);

// Who runs the program, for the audit trail when --by is not given: $USER, else the
// password entry's name, else "uid-N".
std::string LoginName();

// Prints "vigil: <status>" to standard error and returns exit code 1: how every command
// reports a failure.
int Fail(const Status& s);

// Reads a party file (CSV when its name ends in .csv, else JSONL) into *lines, one per
// record. A party id given twice is a bad line (the later one: which is meant?). Every
// warning and every bad line is written to standard error as FILE:LINE: message; *bad and
// *warnings receive their counts. Fails only when the file cannot be read or a CSV file is
// unusable (no header, ...).
Status ReadPartyFile(const std::string& file, std::vector<model::PartyLine>* lines, size_t* bad,
                     size_t* warnings);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_CASES_H_
