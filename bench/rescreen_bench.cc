// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Ongoing screening (store/rescreen.h) in one run: a store of N parties screened against an
// old version of a list, then brought to a new version three ways on copies of that store:
//
//   full          every party screened again (`vigil rescreen --full`)
//   delta, warm   what the change touches, with a PartyIndex built beforehand (the service)
//   delta, cold   the same, building the PartyIndex in the run (`vigil rescreen`)
//
//   build/vigil_rescreen_bench                      # 100,000 parties, OFAC 2021-07 -> 2024-05
//   build/vigil_rescreen_bench --parties 20000 --old A --new B
//
// The parties are ../shared/bench/names-100k.csv (id,type,name,country), plus parties named
// after some entities added, changed and removed between the versions (so the delta has
// alerts to raise, re-raise and close). Prints milliseconds per run and the ratio.
#include <fmt/core.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "model/diff.h"
#include "model/party.h"
#include "store/rescreen.h"
#include "store/store.h"
#include "util/csv.h"
#include "util/file.h"
#include "vigil/list.h"
#include "vigil/screen.h"

namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

double Ms(SteadyClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

[[noreturn]] void Die(const std::string& message) {
  fmt::print(stderr, "vigil_rescreen_bench: {}\n", message);
  std::exit(1);
}

void Check(const vigil::Status& s, const char* what) {
  if (!s.ok()) Die(fmt::format("{}: {}", what, s.ToString()));
}

std::unique_ptr<vigil::Screener> Load(const std::string& dir, double* ms) {
  auto t0 = SteadyClock::now();
  vigil::LoadedList l;
  Check(vigil::LoadList(dir, &l), dir.c_str());
  std::vector<vigil::LoadedList> lists;
  lists.push_back(std::move(l));
  std::unique_ptr<vigil::Screener> s;
  Check(vigil::Screener::Create(std::move(lists), &s), "screener");
  *ms = Ms(SteadyClock::now() - t0);
  return s;
}

std::unique_ptr<vigil::store::Store> Open(const std::string& path) {
  std::unique_ptr<vigil::store::Store> db;
  Check(vigil::store::Store::Open(path, {}, &db), "open");
  return db;
}

void Copy(const fs::path& from, const fs::path& to) {
  fs::remove(to);
  fs::copy_file(from, to);
}

void PrintRun(const char* what, double ms, const vigil::store::RescreenSummary& s) {
  fmt::print(
      "{:<14} {:9.1f} ms  screened {:6} parties (changed {}, paired {}, near {}, reverse {}, "
      "one-word {}, of {} proposed); new alerts {} (re-alerts {}), suppressed {}, delisted closed "
      "{}\n",
      what, ms, s.screened.parties, s.parties_changed, s.parties_paired, s.parties_near,
      s.parties_reverse, s.parties_one_word, s.reverse_candidates, s.screened.new_alerts,
      s.screened.re_alerts, s.screened.suppressed, s.delisted_closed);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Vigil ongoing screening benchmark: full vs delta re-screen"};
  size_t n = 100000;
  int threads = 0;
  std::string names_path = std::string(VIGIL_SHARED_LISTS) + "/../bench/names-100k.csv";
  std::string old_dir = std::string(VIGIL_SHARED_LISTS) + "/us_ofac_sdn/2021-07";
  std::string new_dir = std::string(VIGIL_SHARED_LISTS) + "/us_ofac_sdn/2024-05";
  std::string dir_arg;
  std::string runs = "full,warm,cold";
  bool keep_base = false;
  app.add_option("--parties", n, "parties from the names file")->capture_default_str();
  app.add_option("--threads", threads, "threads (0: all cores)");
  app.add_option("--names", names_path, "names CSV (id,type,name,country)");
  app.add_option("--old", old_dir, "the list version the parties are screened against first");
  app.add_option("--new", new_dir, "the new list version");
  app.add_option("--dir", dir_arg, "folder for the SQLite files (default: a temporary one)");
  app.add_option("--runs", runs, "which runs, comma separated: full, warm, cold")
      ->capture_default_str();
  app.add_flag("--keep-base", keep_base,
               "with --dir: reuse base.db from an earlier run with the same arguments");
  CLI11_PARSE(app, argc, argv);
  auto wanted = [&](const char* run) {
    return ("," + runs + ",").find(std::string(",") + run + ",") != std::string::npos;
  };

  const fs::path dir = dir_arg.empty()
                           ? fs::temp_directory_path() / fmt::format("vigil-rescreen-{}", getpid())
                           : fs::path(dir_arg);
  fs::create_directories(dir);
  double old_ms = 0, new_ms = 0;
  std::unique_ptr<vigil::Screener> old_s = Load(old_dir, &old_ms);
  std::unique_ptr<vigil::Screener> new_s = Load(new_dir, &new_ms);
  const vigil::model::ListDiff diff = vigil::model::Diff(old_s->lists()[0], new_s->lists()[0]);
  fmt::print("lists: {} ({} entities, loaded in {:.0f} ms) -> {} ({} entities, {:.0f} ms)\n",
             old_dir, old_s->lists()[0].entities.size(), old_ms, new_dir,
             new_s->lists()[0].entities.size(), new_ms);
  fmt::print("change: {} added, {} changed, {} removed\ncores: {}\n", diff.added.size(),
             diff.changed.size(), diff.removed.size(), std::thread::hardware_concurrency());

  // The parties.
  std::vector<vigil::model::Party> parties;
  {
    std::string text;
    Check(vigil::util::ReadFile(names_path, &text), "names");
    vigil::util::CsvReader csv(text, ',', names_path);
    vigil::util::CsvRecord rec;
    bool header = true;
    while (parties.size() < n && csv.Next(&rec)) {
      if (header) {
        header = false;
        continue;
      }
      if (rec.fields.size() < 4) continue;
      nlohmann::json j = {{"id", "N-" + rec.fields[0]},
                          {"kind", rec.fields[1]},
                          {"name", rec.fields[2]},
                          {"country", rec.fields[3]}};
      vigil::model::Party p;
      std::vector<std::string> w;
      if (vigil::model::ParseParty(j, &p, &w).ok()) parties.push_back(std::move(p));
    }
  }
  auto plant = [&](const std::string& what, const std::vector<std::string>& ids,
                   const vigil::Screener& s) {
    for (size_t i = 0; i < ids.size(); i += 40) {
      const vigil::Entity* e = s.Find(ids[i]);
      if (e == nullptr) continue;
      if (e->kind != vigil::EntityKind::kPerson && e->kind != vigil::EntityKind::kOrganization) {
        continue;
      }
      nlohmann::json j = {
          {"id", "X-" + what + "-" + e->source_id},
          {"kind", e->kind == vigil::EntityKind::kPerson ? "person" : "organization"},
          {"name", e->primary_name()}};
      vigil::model::Party p;
      std::vector<std::string> w;
      if (vigil::model::ParseParty(j, &p, &w).ok()) parties.push_back(std::move(p));
    }
  };
  std::vector<std::string> changed;
  for (const auto& c : diff.changed) changed.push_back(c.id);
  plant("added", diff.added, *new_s);
  plant("changed", changed, *old_s);
  plant("removed", diff.removed, *old_s);

  const vigil::store::Actor by{"bench"};
  const fs::path base = dir / "base.db";
  vigil::store::RescreenOptions o;
  o.threads = threads;
  o.screen.min_score = vigil::kReviewThreshold;
  if (!keep_base || dir_arg.empty() || !fs::exists(base)) {
    fs::remove(base);
    auto db = Open(base.string());
    auto t0 = SteadyClock::now();
    for (size_t i = 0; i < parties.size(); i += 10000) {
      std::vector<vigil::model::Party> batch(
          parties.begin() + static_cast<std::ptrdiff_t>(i),
          parties.begin() + static_cast<std::ptrdiff_t>(std::min(parties.size(), i + 10000)));
      vigil::store::ImportSummary is;
      Check(db->PutParties(batch, by, &is), "import");
    }
    fmt::print("parties: {} imported in {:.0f} ms\n", parties.size(), Ms(SteadyClock::now() - t0));
    vigil::store::RescreenOptions first = o;
    first.full = true;
    vigil::store::RescreenSummary s;
    t0 = SteadyClock::now();
    Check(vigil::store::Rescreen(*db, *old_s, first, by, &s), "first screening");
    PrintRun("first (old)", Ms(SteadyClock::now() - t0), s);
  }
  // WAL checkpointed by the close above: the file alone is the store.
  const fs::path full_db = dir / "full.db", warm_db = dir / "warm.db", cold_db = dir / "cold.db";
  Copy(base, full_db);
  Copy(base, warm_db);
  Copy(base, cold_db);

  double full_ms = 0, warm_ms = 0, cold_ms = 0, index_ms = 0;
  if (wanted("full")) {
    auto db = Open(full_db.string());
    vigil::store::RescreenOptions f = o;
    f.full = true;
    vigil::store::RescreenSummary s;
    auto t0 = SteadyClock::now();
    Check(vigil::store::Rescreen(*db, *new_s, f, by, &s), "full");
    full_ms = Ms(SteadyClock::now() - t0);
    PrintRun("full", full_ms, s);
  }
  if (wanted("warm")) {
    auto db = Open(warm_db.string());
    std::unique_ptr<vigil::screen::PartyIndex> index;
    auto t0 = SteadyClock::now();
    Check(vigil::store::BuildPartyIndex(*db, &index), "index");
    index_ms = Ms(SteadyClock::now() - t0);
    fmt::print("{:<14} {:9.1f} ms  ({} parties)\n", "index build", index_ms, index->size());
    vigil::store::RescreenOptions d = o;
    d.index = index.get();
    std::vector<std::pair<std::string, double>> stages;
    d.progress = [&](std::string_view stage, int64_t done, int64_t total) {
      if (done == total) stages.emplace_back(std::string(stage), Ms(SteadyClock::now() - t0));
    };
    vigil::store::RescreenSummary s;
    t0 = SteadyClock::now();
    Check(vigil::store::Rescreen(*db, *new_s, d, by, &s), "delta (warm)");
    warm_ms = Ms(SteadyClock::now() - t0);
    PrintRun("delta, warm", warm_ms, s);
    std::string st;
    for (const auto& [name, at] : stages) st += fmt::format(" {} {:.1f} ms;", name, at);
    fmt::print("               stages done at:{}\n", st);
  }
  if (wanted("cold")) {
    auto db = Open(cold_db.string());
    vigil::store::RescreenSummary s;
    auto t0 = SteadyClock::now();
    Check(vigil::store::Rescreen(*db, *new_s, o, by, &s), "delta (cold)");
    cold_ms = Ms(SteadyClock::now() - t0);
    PrintRun("delta, cold", cold_ms, s);
  }
  fmt::print("full / delta (warm index): {:.1f}x\nfull / delta (cold index): {:.1f}x\n",
             full_ms / warm_ms, full_ms / cold_ms);
  if (dir_arg.empty()) fs::remove_all(dir);
  return 0;
}
