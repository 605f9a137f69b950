// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "cli/red_flags.h"

#include <fmt/core.h>

#include <chrono>
#include <iostream>
#include <map>
#include <unordered_map>

#include "cli/cases.h"
#include "ip/ip_database.h"
#include "model/party.h"
#include "redflags/red_flags.h"
#include "store/red_flag_alerts.h"
#include "store/store.h"
#include "util/file.h"
#include "util/output_file.h"
#include "util/strings.h"

namespace vigil::cli {
namespace {

// Reads the party file: every bad line reported as FILE:LINE; refused when there is one
// unless `skip_bad` (then the bad lines are left out). A party id given twice is a bad line.
Status ReadParties(const std::string& file, bool skip_bad, std::vector<model::Party>* out) {
  std::vector<model::PartyLine> lines;
  size_t bad = 0, warnings = 0;
  if (Status s = ReadPartyFile(file, &lines, &bad, &warnings); !s.ok()) return s;
  if (bad > 0 && !skip_bad) {
    return Status::InvalidArgument(
        fmt::format("{} bad {} in {}: nothing checked (--skip-bad-lines checks the others)", bad,
                    bad == 1 ? "line" : "lines", file));
  }
  out->clear();
  out->reserve(lines.size() - bad);
  for (model::PartyLine& l : lines) {
    if (l.status.ok()) out->push_back(std::move(l.party));
  }
  if (bad > 0) fmt::print(stderr, "vigil: {} bad lines skipped\n", bad);
  return Status::Ok();
}

}  // namespace

CLI::App* AddRedFlagsCommand(CLI::App* app, RedFlagsArgs* a) {
  auto* c = app->add_subcommand(
      "red-flags",
      "the published red flags of North Korean IT workers over party records (logins, shared "
      "accounts, laptop farms, payments), with networks of linked parties");
  auto* parties = c->add_option("--parties", a->parties, "party records: .jsonl (or .csv)");
  auto* db = c->add_option("--db", a->db,
                           "check the case store's parties instead (a SQLite file or a "
                           "postgresql:// URL)");
  parties->excludes(db);
  c->add_option("--output", a->output,
                "one JSON line per party (default: standard output); replaced only when the "
                "run succeeds");
  c->add_option("--clusters", a->clusters, "write the networks found (JSON) to this file");
  c->add_option("--rules", a->rules,
                "a rules file replacing the built-in data/redflags/it_workers.json");
  c->add_option("--ip-data", a->ip_data,
                "folder holding the @ip-location-db packages (default: $VIGIL_IP_DATA, else "
                "where tools/deps.sh installs them)");
  c->add_option("--ip-db", a->ip_db, "a MaxMind-format database (.mmdb), repeatable");
  c->add_option("--threads", a->threads, "threads (default: all cores)");
  c->add_flag("--skip-bad-lines", a->skip_bad_lines,
              "check the good records of a party file that has bad lines (default: refuse it)");
  c->add_flag("--no-lists", a->no_lists, "skip name screening even when lists are named");
  c->add_flag("--no-alerts", a->no_alerts,
              "with --db: report only, open no alert for the parties at risk high");
  c->add_option("--by", a->by,
                "with --db: who is acting, for the audit trail (default: the login name)");
  return c;
}

int RunRedFlags(const RedFlagsArgs& a, const RedFlagsContext& ctx) {
  if (a.parties.empty() && a.db.empty()) {
    return Fail(Status::InvalidArgument("red-flags: give --parties FILE or --db DB"));
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<model::Party> parties;
  std::unique_ptr<store::Store> db;
  if (!a.parties.empty()) {
    if (Status s = ReadParties(a.parties, a.skip_bad_lines, &parties); !s.ok()) return Fail(s);
  } else if (Status s = store::Store::Open(a.db, {}, &db); !s.ok()) {
    return Fail(s);
  }

  redflags::Options opt;
  opt.threads = a.threads;
  if (!a.rules.empty()) {
    if (Status s = util::ReadFile(a.rules, &opt.rules_text); !s.ok()) return Fail(s);
    opt.rules_file_name = a.rules;
  }
  std::unique_ptr<ip::IpDatabase> ipdb;
  {
    ip::OpenOptions io;
    io.data_dir = a.ip_data;
    for (const std::string& f : a.ip_db) io.mmdb_files.emplace_back(f);
    Status s = ip::IpDatabase::Open(io, &ipdb);
    if (!s.ok()) {
      // Asked for explicitly: an error. Otherwise the login checks are skipped (noted).
      if (!a.ip_data.empty() || !a.ip_db.empty()) return Fail(s);
      fmt::print(stderr, "vigil: warning: no IP data: {}\n", s.message());
      ipdb.reset();
    }
  }
  opt.ip = ipdb.get();
  std::unique_ptr<Screener> screener;
  if (!a.no_lists && ctx.make_screener && ctx.lists_available && ctx.lists_available()) {
    if (Status s = ctx.make_screener(&screener); !s.ok()) return Fail(s);
    opt.screener = screener.get();
  }
  std::unique_ptr<redflags::Engine> engine;
  if (Status s = redflags::Engine::Create(std::move(opt), &engine); !s.ok()) return Fail(s);
  redflags::Report report;
  const auto run_start = std::chrono::steady_clock::now();
  if (db != nullptr) {
    // Every stored party, as one population.
    if (Status s = store::EvaluateStoredParties(*db, *engine, &parties, &report); !s.ok()) {
      return Fail(s);
    }
  } else if (Status s = engine->Run(parties, &report); !s.ok()) {
    return Fail(s);
  }
  const double run_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();

  util::OutputFile out;
  if (Status s = out.Open(a.output.empty() ? "/dev/stdout" : a.output); !s.ok()) return Fail(s);
  for (const redflags::PartyResult& r : report.parties) {
    out.stream() << redflags::ToJson(r).dump(-1, ' ', false,
                                             nlohmann::json::error_handler_t::replace)
                 << "\n";
  }
  if (Status s = out.Commit(); !s.ok()) return Fail(s);
  if (!a.clusters.empty()) {
    nlohmann::json cj = {{"clusters", nlohmann::json::array()}, {"notes", engine->notes()}};
    for (const redflags::Cluster& c : report.clusters) cj["clusters"].push_back(ToJson(c));
    util::OutputFile cf;
    if (Status s = cf.Open(a.clusters); !s.ok()) return Fail(s);
    cf.stream() << cj.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    if (Status s = cf.Commit(); !s.ok()) return Fail(s);
  }

  std::map<std::string, size_t> counts;
  for (const redflags::PartyResult& r : report.parties) ++counts[r.risk];
  for (const std::string& n : engine->notes()) fmt::print(stderr, "vigil: note: {}\n", n);
  fmt::print(stderr,
             "vigil: {} parties: {} high, {} medium, {} low, {} none; {} clusters; checked in "
             "{:.2f} s ({:.2f} s in all)\n",
             parties.size(), counts["high"], counts["medium"], counts["low"], counts["none"],
             report.clusters.size(), run_seconds,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (db != nullptr && !a.no_alerts) {
    store::RedFlagRunSummary sum;
    const store::Actor by{a.by.empty() ? LoginName() : a.by};
    if (Status s = store::OpenRedFlagAlerts(*db, parties, report, *engine, by, &sum); !s.ok()) {
      return Fail(s);
    }
    fmt::print(stderr,
               "vigil: case store: {} parties at risk high: {} new alerts ({} re-alerts), {} "
               "already open, {} suppressed (false positive, same flags), {} confirmed\n",
               sum.high, sum.alerts.new_alerts, sum.alerts.re_alerts, sum.alerts.existing,
               sum.alerts.suppressed, sum.alerts.confirmed);
  }
  return 0;
}

}  // namespace vigil::cli
