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
//   build/vigil_rescreen_bench --scenario monthly   # a small update derived from 2024-05
//   build/vigil_rescreen_bench --parties 20000 --old A --new B
//
// Scenarios:
//   2021-2024  (default) --old -> --new as loaded: most of the list changes.
//   monthly    a realistic monthly update, derived in memory from --new (2024-05) and --old
//              (2021-07): NEW is --new as loaded; OLD is NEW without 40 entities (the
//              update's additions, DPRK/RUSSIA programs), with 20 entities given one extra
//              alias or another date of birth (changed), plus 10 entities of --old that are
//              not in --new (the update's removals).
//
// The parties are ../shared/bench/names-100k.csv (id,type,name,country), plus parties named
// after some entities added, changed and removed between the versions (so the delta has
// alerts to raise, re-raise and close). After the first screening against OLD some alerts
// are decided false positive. Prints milliseconds per run and the ratio, and checks that
// the (party, entity, state) alerts after each delta run equal those after the full run
// (prints MISMATCH and exits 1 otherwise).
#include <fmt/core.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <tuple>

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

vigil::LoadedList LoadOne(const std::string& dir, double* ms) {
  auto t0 = SteadyClock::now();
  vigil::LoadedList l;
  Check(vigil::LoadList(dir, &l), dir.c_str());
  *ms = Ms(SteadyClock::now() - t0);
  return l;
}

std::unique_ptr<vigil::Screener> MakeScreener(vigil::LoadedList l) {
  std::vector<vigil::LoadedList> lists;
  lists.push_back(std::move(l));
  std::unique_ptr<vigil::Screener> s;
  Check(vigil::Screener::Create(std::move(lists), &s), "screener");
  return s;
}

bool PersonOrOrganization(const vigil::Entity& e) {
  return e.kind == vigil::EntityKind::kPerson || e.kind == vigil::EntityKind::kOrganization;
}

bool DprkOrRussia(const vigil::Entity& e) {
  for (const std::string& p : e.programs) {
    if (p.rfind("DPRK", 0) == 0 || p.rfind("RUSSIA", 0) == 0) return true;
  }
  return false;
}

// `k` of `candidates`, spread evenly over them (deterministic).
std::vector<size_t> Spread(const std::vector<size_t>& candidates, size_t k) {
  std::vector<size_t> out;
  k = std::min(k, candidates.size());
  for (size_t i = 0; i < k; ++i) out.push_back(candidates[i * candidates.size() / k]);
  return out;
}

// A spelling variant of a name: the last letter of its first word doubled ("KIM, Jong Un"
// -> "KIMM, Jong Un").
std::string Variant(const std::string& name) {
  size_t end = name.find_first_of(" ,");
  if (end == std::string::npos) end = name.size();
  if (end == 0) return name + " " + name;
  return name.substr(0, end) + name[end - 1] + name.substr(end);
}

// The OLD list of the monthly scenario (see the top of this file), derived from `now` (NEW)
// and `older` (an earlier version, for the removals). Appends to *extra parties that hit
// the changed entities on what changed (the extra alias; the old date of birth).
vigil::LoadedList DeriveMonthly(const vigil::LoadedList& older, const vigil::LoadedList& now,
                                std::vector<nlohmann::json>* extra) {
  vigil::LoadedList out;
  out.info = now.info;
  // A list version of its own: store::ListVersionKey hashes the files' names and sha256,
  // and a derived list with NEW's sha256 would be taken for NEW (nothing to re-screen). Its
  // files' sha256 are therefore sha256("derived:" + the original sha256).
  for (vigil::SourceFile& f : out.info.files) {
    f.sha256 = vigil::util::Sha256Hex("derived:" + f.sha256);
  }
  out.info.title += " (derived: monthly update bench)";

  std::vector<size_t> added_candidates;
  for (size_t i = 0; i < now.entities.size(); ++i) {
    if (PersonOrOrganization(now.entities[i]) && DprkOrRussia(now.entities[i])) {
      added_candidates.push_back(i);
    }
  }
  const std::vector<size_t> added_v = Spread(added_candidates, 40);
  const std::set<size_t> added(added_v.begin(), added_v.end());
  std::vector<size_t> changed_candidates;
  for (size_t i = 0; i < now.entities.size(); ++i) {
    if (PersonOrOrganization(now.entities[i]) && added.count(i) == 0) {
      changed_candidates.push_back(i);
    }
  }
  const std::vector<size_t> changed_v = Spread(changed_candidates, 20);
  std::map<size_t, size_t> changed;  // entity index -> rank among the changed
  for (size_t k = 0; k < changed_v.size(); ++k) changed[changed_v[k]] = k;

  for (size_t i = 0; i < now.entities.size(); ++i) {
    if (added.count(i) != 0) continue;  // not yet listed in OLD
    vigil::Entity e = now.entities[i];
    auto c = changed.find(i);
    if (c != changed.end()) {
      const bool person = e.kind == vigil::EntityKind::kPerson;
      const char* kind = person ? "person" : "organization";
      if (c->second % 2 == 1 && person && !e.birth_dates.empty()) {
        // Another date of birth in OLD: a year earlier.
        vigil::BirthDate& b = e.birth_dates[0];
        b.from.year -= 1;
        if (!b.to.empty()) b.to.year -= 1;
        b.text = b.from.ToString();
        extra->push_back({{"id", "X-dob-" + e.source_id},
                          {"kind", kind},
                          {"name", e.primary_name()},
                          {"dob", b.from.ToString()}});
      } else {
        // One alias more in OLD (NEW drops it).
        vigil::Name alias;
        alias.full = Variant(e.primary_name());
        alias.kind = vigil::NameKind::kStrongAlias;
        extra->push_back({{"id", "X-alias-" + e.source_id}, {"kind", kind}, {"name", alias.full}});
        e.names.push_back(std::move(alias));
      }
    }
    out.entities.push_back(std::move(e));
  }

  // Removals: entities of `older` that `now` no longer lists.
  std::set<std::string> in_now;
  for (const vigil::Entity& e : now.entities) in_now.insert(e.id);
  std::vector<size_t> removed_candidates;
  for (size_t i = 0; i < older.entities.size(); ++i) {
    if (PersonOrOrganization(older.entities[i]) && in_now.count(older.entities[i].id) == 0) {
      removed_candidates.push_back(i);
    }
  }
  for (size_t i : Spread(removed_candidates, 10)) out.entities.push_back(older.entities[i]);
  return out;
}

using AlertKey = std::tuple<std::string, std::string, std::string>;  // party, entity, state

std::set<AlertKey> Alerts(vigil::store::Store& db) {
  std::set<AlertKey> out;
  vigil::store::AlertQuery q;
  q.status = "all";
  q.limit = 500;
  for (q.offset = 0;; q.offset += q.limit) {
    vigil::store::AlertPage page;
    Check(db.ListAlerts(q, &page), "alerts");
    if (page.alerts.empty()) break;
    for (const vigil::store::Alert& a : page.alerts) {
      out.emplace(a.party_id, a.entity_id, std::string(vigil::store::ToString(a.state)));
    }
  }
  return out;
}

// Prints what only one of the two sets holds; true when they are equal.
bool SameAlerts(const char* what, const std::set<AlertKey>& full, const std::set<AlertKey>& delta) {
  std::vector<AlertKey> only_full, only_delta;
  std::set_difference(full.begin(), full.end(), delta.begin(), delta.end(),
                      std::back_inserter(only_full));
  std::set_difference(delta.begin(), delta.end(), full.begin(), full.end(),
                      std::back_inserter(only_delta));
  if (only_full.empty() && only_delta.empty()) {
    fmt::print("alerts {}: equal to the full run's ({} (party, entity, state))\n", what,
               full.size());
    return true;
  }
  fmt::print("MISMATCH alerts {}: {} only after the full run, {} only after the delta run\n", what,
             only_full.size(), only_delta.size());
  for (size_t i = 0; i < only_full.size() && i < 20; ++i) {
    const auto& [p, e, st] = only_full[i];
    fmt::print("  only full:  {} {} {}\n", p, e, st);
  }
  for (size_t i = 0; i < only_delta.size() && i < 20; ++i) {
    const auto& [p, e, st] = only_delta[i];
    fmt::print("  only delta: {} {} {}\n", p, e, st);
  }
  return false;
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
  for (const vigil::store::SourceChange& c : s.sources) {
    if (c.from_version == 0) continue;
    fmt::print(
        "               {}: added {}, changed {} ({} for screening), removed {}, unchanged {}\n",
        c.source, c.added, c.changed, c.changed_screened, c.removed, c.unchanged);
  }
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
  std::string scenario = "2021-2024";
  app.add_option("--parties", n, "parties from the names file")->capture_default_str();
  app.add_option("--threads", threads, "threads (0: all cores)");
  app.add_option("--names", names_path, "names CSV (id,type,name,country)");
  app.add_option("--old", old_dir, "the list version the parties are screened against first");
  app.add_option("--new", new_dir, "the new list version");
  app.add_option("--dir", dir_arg, "folder for the SQLite files (default: a temporary one)");
  app.add_option("--runs", runs, "which runs, comma separated: full, warm, cold")
      ->capture_default_str();
  app.add_option("--scenario", scenario,
                 "2021-2024: --old -> --new as loaded; monthly: a small update derived from "
                 "--new (with removals from --old)")
      ->check(CLI::IsMember({"2021-2024", "monthly"}))
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
  const bool monthly = scenario == "monthly";
  double old_ms = 0, new_ms = 0;
  vigil::LoadedList old_list = LoadOne(old_dir, &old_ms);
  vigil::LoadedList new_list = LoadOne(new_dir, &new_ms);
  std::vector<nlohmann::json> extra_parties;
  std::string old_name = old_dir;
  if (monthly) {
    old_list = DeriveMonthly(old_list, new_list, &extra_parties);
    old_name = new_dir + " minus the monthly update";
  }
  std::unique_ptr<vigil::Screener> old_s = MakeScreener(std::move(old_list));
  std::unique_ptr<vigil::Screener> new_s = MakeScreener(std::move(new_list));
  const vigil::model::ListDiff diff = vigil::model::Diff(old_s->lists()[0], new_s->lists()[0]);
  fmt::print("scenario: {}\n", scenario);
  fmt::print("lists: {} ({} entities, loaded in {:.0f} ms) -> {} ({} entities, {:.0f} ms)\n",
             old_name, old_s->lists()[0].entities.size(), old_ms, new_dir,
             new_s->lists()[0].entities.size(), new_ms);
  if (monthly) {
    fmt::print("list versions: {} -> {}\n",
               vigil::store::ListVersionKey(old_s->lists()[0]).substr(0, 12),
               vigil::store::ListVersionKey(new_s->lists()[0]).substr(0, 12));
    if (diff.added.size() != 40 || diff.changed.size() != 20 || diff.removed.size() != 10) {
      Die(fmt::format("monthly: expected 40 added, 20 changed, 10 removed; derived {}, {}, {}",
                      diff.added.size(), diff.changed.size(), diff.removed.size()));
    }
  }
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
  // One party per 40 entities of the big change; one per entity of a monthly update.
  const size_t stride = monthly ? 1 : 40;
  auto plant = [&](const std::string& what, const std::vector<std::string>& ids,
                   const vigil::Screener& s) {
    for (size_t i = 0; i < ids.size(); i += stride) {
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
  for (const nlohmann::json& j : extra_parties) {
    vigil::model::Party p;
    std::vector<std::string> w;
    if (vigil::model::ParseParty(j, &p, &w).ok()) parties.push_back(std::move(p));
  }

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
    // Decisions: every other alert of a planted party false positive, every 50th other one.
    vigil::store::AlertQuery q;
    q.status = "open";
    q.sort = "age";
    q.limit = 500;
    std::vector<vigil::store::Alert> open;
    for (q.offset = 0;; q.offset += q.limit) {
      vigil::store::AlertPage page;
      Check(db->ListAlerts(q, &page), "alerts");
      if (page.alerts.empty()) break;
      open.insert(open.end(), page.alerts.begin(), page.alerts.end());
    }
    size_t fp = 0, planted_fp = 0;
    for (size_t i = 0; i < open.size(); ++i) {
      const bool planted = open[i].party_id.rfind("X-", 0) == 0;
      if (planted ? i % 2 == 0 : i % 50 == 0) {
        Check(db->Decide(open[i].id, vigil::store::DecisionKind::kFalsePositive, "another party",
                         std::nullopt, {"analyst"}, nullptr),
              "decide");
        ++fp;
        if (planted) ++planted_fp;
      }
    }
    fmt::print("decided: {} of {} open alerts false positive ({} of planted parties)\n", fp,
               open.size(), planted_fp);
  }
  // WAL checkpointed by the close above: the file alone is the store.
  const fs::path full_db = dir / "full.db", warm_db = dir / "warm.db", cold_db = dir / "cold.db";
  Copy(base, full_db);
  Copy(base, warm_db);
  Copy(base, cold_db);

  double full_ms = 0, warm_ms = 0, cold_ms = 0, index_ms = 0;
  std::set<AlertKey> full_alerts, warm_alerts, cold_alerts;
  if (wanted("full")) {
    auto db = Open(full_db.string());
    vigil::store::RescreenOptions f = o;
    f.full = true;
    vigil::store::RescreenSummary s;
    auto t0 = SteadyClock::now();
    Check(vigil::store::Rescreen(*db, *new_s, f, by, &s), "full");
    full_ms = Ms(SteadyClock::now() - t0);
    PrintRun("full", full_ms, s);
    full_alerts = Alerts(*db);
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
    warm_alerts = Alerts(*db);
  }
  if (wanted("cold")) {
    auto db = Open(cold_db.string());
    vigil::store::RescreenSummary s;
    auto t0 = SteadyClock::now();
    Check(vigil::store::Rescreen(*db, *new_s, o, by, &s), "delta (cold)");
    cold_ms = Ms(SteadyClock::now() - t0);
    PrintRun("delta, cold", cold_ms, s);
    cold_alerts = Alerts(*db);
  }
  fmt::print("full / delta (warm index): {:.1f}x\nfull / delta (cold index): {:.1f}x\n",
             full_ms / warm_ms, full_ms / cold_ms);
  bool same = true;
  if (wanted("full") && wanted("warm"))
    same &= SameAlerts("delta (warm)", full_alerts, warm_alerts);
  if (wanted("full") && wanted("cold"))
    same &= SameAlerts("delta (cold)", full_alerts, cold_alerts);
  if (dir_arg.empty()) fs::remove_all(dir);
  return same ? 0 : 1;
}
