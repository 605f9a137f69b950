// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "cli/cases.h"

#include <fmt/core.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "graph/exposure_alerts.h"
#include "model/list_status.h"
#include "model/party.h"
#include "store/json.h"
#include "store/rescreen.h"
#include "store/screen_parties.h"
#include "store/store.h"
#include "util/file.h"
#include "util/output_file.h"
#include "util/strings.h"

namespace vigil::cli {

struct CaseArgs {
  std::string db;
  std::string by;
  // parties
  CLI::App* import = nullptr;
  CLI::App* party_show = nullptr;
  CLI::App* screen = nullptr;
  std::string file;
  std::string party_id;
  int threads = 0;
  size_t batch = 1000;
  bool no_screen = false;  // parties import --no-screen
  // rescreen
  CLI::App* rescreen = nullptr;
  bool full = false;
  double exposure_level = 0.5;  // --exposure-level (graph/exposure_alerts.h)
  bool no_exposure = false;     // --no-exposure
  // alerts
  CLI::App* alerts_list = nullptr;
  CLI::App* alert_show = nullptr;
  CLI::App* decide = nullptr;
  store::AlertQuery query;
  int64_t alert_id = 0;
  std::string decision, reason;
  std::optional<int64_t> version;
  // audit
  CLI::App* verify = nullptr;
  CLI::App* audit_export = nullptr;
  CLI::App* purge = nullptr;
  std::string from, to, output, before;
  std::string head;  // audit verify --head SEQ:SHA256
};

int Fail(const Status& s) {
  std::cerr << "vigil: " << s.ToString() << "\n";
  return 1;
}

std::string LoginName() {
  if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') return u;
  if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  return "uid-" + std::to_string(getuid());
}

namespace {

using nlohmann::json;

store::Actor By(const CaseArgs& a) { return store::Actor{a.by.empty() ? LoginName() : a.by}; }

Status OpenStore(const CaseArgs& a, std::unique_ptr<store::Store>* db) {
  return store::Store::Open(a.db, {}, db);
}

// 3000 -> "3,000".
std::string Thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

// At most `width` code points of `s` (UTF-8), "…" marking a cut.
std::string Fit(std::string_view s, size_t width) {
  size_t points = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (points == width) break;
      ++points;
    }
  }
  if (i >= s.size()) return std::string(s);
  // Cut one code point earlier to make room for the ellipsis.
  size_t j = i;
  do {
    --j;
  } while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80);
  return std::string(s.substr(0, j)) + "…";
}

size_t Width(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Pad(std::string_view s, size_t width) {
  std::string out(s);
  for (size_t w = Width(s); w < width; ++w) out.push_back(' ');
  return out;
}

// "3d", "5h", "12m", "now" from an ISO 8601 UTC time to now.
std::string Age(const std::string& at) {
  const int64_t secs = model::AgeSeconds(at, std::chrono::system_clock::now());
  if (secs < 0) return "?";
  if (secs < 60) return "now";
  if (secs < 3600) return fmt::format("{}m", secs / 60);
  if (secs < 86400) return fmt::format("{}h", secs / 3600);
  return fmt::format("{}d", secs / 86400);
}

std::string Compact(const json& j) {
  return j.is_string() ? j.get<std::string>()
                       : j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---- parties import ----

bool IsCsv(const std::string& path) {
  return util::EqualsIgnoreCase(std::filesystem::path(path).extension().string(), ".csv");
}

}  // namespace

Status ReadPartyFile(const std::string& file, std::vector<model::PartyLine>* lines, size_t* bad,
                     size_t* warnings) {
  *bad = *warnings = 0;
  std::string text;
  if (Status s = util::ReadFile(file, &text); !s.ok()) return s;
  lines->clear();
  if (IsCsv(file)) {
    if (Status s = model::ReadPartiesCsv(text, file, lines); !s.ok()) return s;
  } else {
    model::ReadPartiesJsonl(text, lines);
  }
  std::unordered_map<std::string, size_t> first_line;
  for (model::PartyLine& l : *lines) {
    if (l.status.ok()) {
      auto [it, inserted] = first_line.emplace(l.party.id, l.line);
      if (!inserted) {
        l.status = Status::InvalidArgument(
            fmt::format("id '{}' was already given on line {}", l.party.id, it->second));
      }
    }
    for (const std::string& w : l.warnings) {
      ++*warnings;
      std::cerr << util::Where(file, l.line, "warning: " + w) << "\n";
    }
    if (!l.status.ok()) {
      ++*bad;
      std::cerr << util::Where(file, l.line, l.status.message()) << "\n";
    }
  }
  return Status::Ok();
}

namespace {

int CmdImport(const CaseArgs& a, const CaseContext& ctx) {
  std::vector<model::PartyLine> lines;
  size_t bad = 0, warnings = 0;
  if (Status s = ReadPartyFile(a.file, &lines, &bad, &warnings); !s.ok()) return Fail(s);
  if (bad > 0 && ctx.strict) {
    fmt::print(stderr, "vigil: {} bad {} in {}: nothing imported (--strict)\n", Thousands(bad),
               bad == 1 ? "line" : "lines", a.file);
    return 1;
  }
  std::unique_ptr<store::Store> db;
  if (Status s = OpenStore(a, &db); !s.ok()) return Fail(s);
  const store::Actor by = By(a);
  store::ImportSummary total;
  constexpr size_t kChunk = 5000;  // parties per transaction
  std::vector<model::Party> chunk;
  auto flush = [&]() -> Status {
    if (chunk.empty()) return Status::Ok();
    store::ImportSummary sum;
    Status s = db->PutParties(chunk, by, &sum);
    chunk.clear();
    if (!s.ok()) return s;
    total.added += sum.added;
    total.changed += sum.changed;
    total.unchanged += sum.unchanged;
    total.changed_screened.insert(total.changed_screened.end(), sum.changed_screened.begin(),
                                  sum.changed_screened.end());
    total.changed_ids.insert(total.changed_ids.end(), sum.changed_ids.begin(),
                             sum.changed_ids.end());
    return Status::Ok();
  };
  for (model::PartyLine& l : lines) {
    if (!l.status.ok()) continue;
    chunk.push_back(std::move(l.party));
    if (chunk.size() >= kChunk) {
      if (Status s = flush(); !s.ok()) {
        Fail(s);
        fmt::print(stderr, "vigil: {} parties were imported before the failure\n",
                   Thousands(total.added + total.changed + total.unchanged));
        return 1;
      }
    }
  }
  if (Status s = flush(); !s.ok()) {
    Fail(s);
    fmt::print(stderr, "vigil: {} parties were imported before the failure\n",
               Thousands(total.added + total.changed + total.unchanged));
    return 1;
  }
  // The parties that are new or whose screened fields changed are screened at once, against
  // the lists named (--lists, a config file, the data folder), so that a changed name or date
  // of birth is not left unscreened until the next list update.
  const size_t to_screen = total.changed_screened.size();
  std::string not_screened;  // why they were not, when they were not
  store::ScreenRunSummary screened;
  bool did_screen = false;
  std::unique_ptr<Screener> screener;  // loaded once, for the screening and the exposure
  if (to_screen == 0) {
    not_screened = "no party is new or changed in its screened fields";
  } else if (a.no_screen) {
    not_screened = "--no-screen";
  } else if (!ctx.lists_available || !ctx.lists_available()) {
    not_screened =
        "no lists: give --lists, or run vigil fetch (the bundled sample is not used for the case "
        "store)";
  } else {
    Status s = ctx.make_screener(&screener);
    if (s.ok()) {
      store::ScreenRunOptions o;
      o.threads = a.threads;
      o.screen.min_score = kReviewThreshold;
      s = store::RecordVersions(*db, *screener, by, a.threads);
      if (s.ok()) {
        s = store::ScreenParties(*db, *screener, total.changed_screened, o, by, &screened);
      }
    }
    if (!s.ok()) {
      Fail(s);
      fmt::print(stderr,
                 "vigil: {} imported ({} added, {} changed); {} of the {} parties to screen were "
                 "screened before the failure (vigil parties screen screens the rest)\n",
                 a.file, Thousands(total.added), Thousands(total.changed),
                 Thousands(screened.parties), Thousands(static_cast<int64_t>(to_screen)));
      return 1;
    }
    did_screen = true;
  }
  // New or changed parties (any field: an address, a phone or a website changes their links)
  // have their exposure evaluated at once (graph/exposure_alerts.h), as a list update or an
  // ownership import would, unless there are no lists to evaluate against.
  graph::ExposureRunSummary ex;
  const bool do_exposure = !a.no_exposure && !a.no_screen && !total.changed_ids.empty() &&
                           ctx.lists_available && ctx.lists_available();
  if (do_exposure) {
    Status s = screener != nullptr ? Status::Ok() : ctx.make_screener(&screener);
    if (s.ok()) {
      graph::ExposureAlertOptions eo;
      eo.alert_level = a.exposure_level;
      eo.threads = a.threads;
      std::vector<std::string> nodes;
      nodes.reserve(total.changed_ids.size());
      for (const std::string& id : total.changed_ids) nodes.push_back(graph::PartyNodeId(id));
      s = graph::ReevaluateExposure(*db, screener->lists(), nodes, false, eo, by,
                                    "party import " + a.file, &ex);
    }
    if (!s.ok()) {
      Fail(s);
      fmt::print(stderr, "vigil: {} imported and screened; the exposure evaluation failed\n",
                 a.file);
      return 1;
    }
  }
  if (ctx.json) {
    json j{{"added", total.added}, {"changed", total.changed}, {"unchanged", total.unchanged},
           {"bad_lines", bad},     {"warnings", warnings},     {"to_screen", to_screen}};
    if (do_exposure) j["exposure"] = ex.ToJson();
    if (did_screen) {
      j["screened"] = store::ToJson(screened);
    } else {
      j["screened"] = nullptr;
      j["not_screened"] = not_screened;
    }
    std::cout << j.dump(2) << "\n";
  } else {
    fmt::print("imported {}: {} added, {} changed, {} unchanged", a.file, Thousands(total.added),
               Thousands(total.changed), Thousands(total.unchanged));
    if (bad > 0) fmt::print("; {} bad {} skipped", Thousands(bad), bad == 1 ? "line" : "lines");
    if (warnings > 0) fmt::print("; {} warnings", Thousands(warnings));
    fmt::print("\n");
    if (did_screen) {
      fmt::print(
          "screened {} new or changed {} (lists version {}): {} new {} ({} re-{}), {} already "
          "open, {} suppressed by false-positive decisions, {} confirmed earlier, {} clean\n",
          Thousands(screened.parties), screened.parties == 1 ? "party" : "parties",
          screened.lists_version, Thousands(screened.new_alerts),
          screened.new_alerts == 1 ? "alert" : "alerts", Thousands(screened.re_alerts),
          screened.re_alerts == 1 ? "alert" : "alerts", Thousands(screened.existing),
          Thousands(screened.suppressed), Thousands(screened.confirmed), Thousands(screened.clean));
    } else if (to_screen > 0) {
      fmt::print(
          "not screened ({}): {} new or changed {} (vigil parties screen, or the next list "
          "update, screens {})\n",
          not_screened, Thousands(static_cast<int64_t>(to_screen)),
          to_screen == 1 ? "party" : "parties", to_screen == 1 ? "it" : "them");
    }
    if (do_exposure) {
      fmt::print(
          "exposure: {} parties evaluated ({}): {} alerts at or above {:.2f}, {} new ({} "
          "re-alerts), {} already open, {} suppressed, {} closed as no longer holding\n",
          Thousands(ex.parties_evaluated), ex.path, Thousands(ex.alerts), a.exposure_level,
          Thousands(ex.new_alerts), Thousands(ex.re_alerts), Thousands(ex.existing),
          Thousands(ex.suppressed), Thousands(ex.closed));
    }
  }
  return 0;
}

// ---- parties show ----

void PrintScreening(const store::Screening& sc) {
  fmt::print("  screening {}  {}  by {}  version {}  lists {}: ", sc.id, sc.at, sc.by,
             sc.party_version, sc.lists_version);
  if (sc.hits.empty()) {
    fmt::print("clean\n");
    return;
  }
  fmt::print("{} {}\n", sc.hits.size(), sc.hits.size() == 1 ? "hit" : "hits");
  for (const json& h : sc.hits) {
    fmt::print("    {:.3f} {:<6} {} {}  {}{}\n", h.value("score", 0.0), h.value("band", ""),
               h.value("entity_id", ""), h.value("entity_name", ""), h.value("outcome", ""),
               h.contains("alert_id") && !h["alert_id"].is_null() && h["alert_id"] != 0
                   ? fmt::format(" (alert {})", Compact(h["alert_id"]))
                   : "");
  }
}

int CmdPartyShow(const CaseArgs& a, const CaseContext& ctx) {
  std::unique_ptr<store::Store> db;
  if (Status s = OpenStore(a, &db); !s.ok()) return Fail(s);
  store::PartyDetail d;
  if (Status s = db->GetPartyDetail(a.party_id, &d); !s.ok()) return Fail(s);
  if (ctx.json) {
    std::cout << store::ToJson(d).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }
  fmt::print("party {}\n", d.id);
  if (!d.versions.empty()) {
    const store::PartyVersion& cur = d.versions.back();
    fmt::print("current version {} ({} by {})\n", cur.version, cur.recorded_at, cur.recorded_by);
    std::cout << cur.record.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  }
  fmt::print("\nversions:\n");
  for (size_t i = 0; i < d.versions.size(); ++i) {
    const store::PartyVersion& v = d.versions[i];
    fmt::print("  {}  {}  by {}  screened fields {}\n", v.version, v.recorded_at, v.recorded_by,
               v.screened_hash.substr(0, 12));
    if (i > 0) {
      for (const json& c : model::FieldDiff(d.versions[i - 1].record, v.record)) {
        if (c.contains("added")) {
          fmt::print("     {}: added {} removed {}\n", Compact(c["field"]), Compact(c["added"]),
                     Compact(c["removed"]));
        } else {
          fmt::print("     {}: {} -> {}\n", Compact(c["field"]), Compact(c["before"]),
                     Compact(c["after"]));
        }
      }
    }
  }
  fmt::print("\nscreenings ({}):\n", d.screenings.size());
  for (const store::Screening& sc : d.screenings) PrintScreening(sc);
  fmt::print("\nalerts ({}):\n", d.alerts.size());
  for (const store::Alert& al : d.alerts) {
    fmt::print("  alert {}  {}  {:.3f} {}  {} {}  raised {}\n", al.id, store::ToString(al.state),
               al.score, al.band, al.entity_id, al.entity_name, al.created_at);
    for (const store::DecisionRecord& dr : al.history) {
      fmt::print("    {}  {}  {}{}\n", dr.at, dr.by, store::ToString(dr.decision),
                 dr.reason.empty() ? "" : ": " + dr.reason);
    }
  }
  return 0;
}

// A progress bar on standard error for the screening stage of a re-screen.
std::function<void(std::string_view, int64_t, int64_t)> ScreenProgress(
    std::chrono::steady_clock::time_point start) {
  return [start](std::string_view stage, int64_t done, int64_t total) {
    if (stage != "screen") return;
    double frac = total > 0 ? std::min(1.0, static_cast<double>(done) / total) : 1.0;
    int filled = static_cast<int>(frac * 30);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print(stderr, "\r[{:<30}] {:3.0f}%  {} of {} parties  {:.0f}/s",
               std::string(static_cast<size_t>(filled), '#'), frac * 100, Thousands(done),
               Thousands(total), secs > 0 ? static_cast<double>(done) / secs : 0.0);
  };
}

// ---- parties screen ----

int CmdScreen(const CaseArgs& a, const CaseContext& ctx) {
  std::unique_ptr<store::Store> db;
  if (Status s = OpenStore(a, &db); !s.ok()) return Fail(s);
  std::unique_ptr<Screener> screener;
  if (Status s = ctx.make_screener(&screener); !s.ok()) return Fail(s);
  const store::Actor by = By(a);
  ScreenOptions so;
  so.min_score = kReviewThreshold;
  const auto start = std::chrono::steady_clock::now();
  store::ScreenRunSummary sum;
  if (!a.party_id.empty()) {
    store::Screening sc;
    if (Status s = store::RecordVersions(*db, *screener, by); !s.ok()) return Fail(s);
    if (Status s = store::ScreenOneParty(*db, *screener, a.party_id, so, by, &sc, &sum); !s.ok()) {
      return Fail(s);
    }
    if (ctx.json) {
      std::cout << store::ToJson(sc).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
      return 0;
    }
    PrintScreening(sc);
  } else {
    // Every party, through a full re-screen: the list versions are recorded and become the
    // baseline of the next `vigil rescreen`.
    store::RescreenOptions o;
    o.full = true;
    o.threads = a.threads;
    o.batch = a.batch;
    o.screen = so;
    const bool tty = isatty(STDERR_FILENO) != 0;
    if (tty && !ctx.json) o.progress = ScreenProgress(start);
    store::RescreenSummary rs;
    Status s = store::Rescreen(*db, *screener, o, by, &rs);
    sum = rs.screened;
    if (tty && !ctx.json) fmt::print(stderr, "\n");
    if (!s.ok()) {
      Fail(s);
      fmt::print(stderr, "vigil: {} parties were screened and recorded before the failure\n",
                 Thousands(sum.parties));
      return 1;
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (ctx.json && a.party_id.empty()) {
    std::cout << json{{"parties", sum.parties},
                      {"lists", screener->lists().size()},
                      {"lists_version", sum.lists_version},
                      {"new_alerts", sum.new_alerts},
                      {"re_alerts", sum.re_alerts},
                      {"existing", sum.existing},
                      {"suppressed", sum.suppressed},
                      {"confirmed", sum.confirmed},
                      {"clean", sum.clean},
                      {"seconds", secs}}
                     .dump(2)
              << "\n";
    return 0;
  }
  const size_t nl = screener->lists().size();
  fmt::print(
      "screened {} {} against {} {} (lists version {}): {} new {} ({} re-{}), {} already open, "
      "{} suppressed by false-positive decisions, {} confirmed earlier, {} clean ({:.1f} s)\n",
      Thousands(sum.parties), sum.parties == 1 ? "party" : "parties", nl,
      nl == 1 ? "list" : "lists", sum.lists_version, Thousands(sum.new_alerts),
      sum.new_alerts == 1 ? "alert" : "alerts", Thousands(sum.re_alerts),
      sum.re_alerts == 1 ? "alert" : "alerts", Thousands(sum.existing), Thousands(sum.suppressed),
      Thousands(sum.confirmed), Thousands(sum.clean), secs);
  return 0;
}

// ---- rescreen ----

int CmdRescreen(const CaseArgs& a, const CaseContext& ctx) {
  std::unique_ptr<store::Store> db;
  if (Status s = OpenStore(a, &db); !s.ok()) return Fail(s);
  const store::Actor by = By(a);
  std::unique_ptr<Screener> screener;
  if (Status s = ctx.make_screener(&screener); !s.ok()) {
    // Nothing is re-screened: the parties stay screened against the versions they were.
    Status audited = db->Audit("rescreen.lists_failed", "rescreen",
                               json{{"error", s.ToString()}, {"command", "vigil rescreen"}}, by);
    Fail(s);
    if (!audited.ok()) Fail(audited);
    fmt::print(stderr, "vigil: the lists did not load: nothing was re-screened\n");
    return 1;
  }
  store::RescreenOptions o;
  o.full = a.full;
  o.threads = a.threads;
  o.batch = a.batch;
  o.screen.min_score = kReviewThreshold;
  const auto start = std::chrono::steady_clock::now();
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty && !ctx.json) o.progress = ScreenProgress(start);
  store::RescreenSummary sum;
  Status s = store::Rescreen(*db, *screener, o, by, &sum);
  if (tty && !ctx.json) fmt::print(stderr, "\n");
  if (!s.ok()) {
    Fail(s);
    if (sum.run_id != 0) {
      fmt::print(stderr, "vigil: re-screen run {} failed; {} parties were screened before\n",
                 sum.run_id, Thousands(sum.screened.parties));
    }
    return 1;
  }
  // Exposure (issue 15): the parties near what the lists changed, re-evaluated.
  graph::ExposureRunSummary ex;
  if (!a.no_exposure) {
    graph::ExposureAlertOptions eo;
    eo.alert_level = a.exposure_level;
    eo.threads = a.threads;
    if (Status es = graph::ReevaluateAfterRescreen(*db, screener->lists(), sum, eo, by, &ex);
        !es.ok()) {
      Fail(es);
      fmt::print(stderr, "vigil: re-screen run {} is done; the exposure re-evaluation failed\n",
                 sum.run_id);
      return 1;
    }
  }
  if (ctx.json) {
    json j = sum.ToJson();
    if (!a.no_exposure) j["exposure"] = ex.ToJson();
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  fmt::print("re-screen run {} ({}): lists version {} -> {}\n", sum.run_id, sum.kind,
             sum.from_lists_version.empty() ? "(no earlier run)" : sum.from_lists_version,
             sum.to_lists_version);
  for (const store::SourceChange& c : sum.sources) {
    if (c.from_key.empty()) {
      fmt::print("  {}: first version {} ({} entities)\n", c.source, c.to_key.substr(0, 12),
                 Thousands(c.added));
    } else if (c.from_key == c.to_key) {
      fmt::print("  {}: unchanged ({} entities)\n", c.source, Thousands(c.unchanged));
    } else {
      fmt::print("  {}: {} -> {}: {} added, {} changed ({} in screened fields), {} removed\n",
                 c.source, c.from_key.substr(0, 12), c.to_key.substr(0, 12), Thousands(c.added),
                 Thousands(c.changed), Thousands(c.changed_screened), Thousands(c.removed));
    }
  }
  if (sum.kind == "delta") {
    fmt::print(
        "parties: {} stored; screened {}: {} changed themselves, {} paired with a changed or "
        "removed entity, {} with a near miss, {} found by the reverse index, {} with a "
        "one-word name\n",
        Thousands(sum.parties_total), Thousands(sum.screened.parties),
        Thousands(sum.parties_changed), Thousands(sum.parties_paired), Thousands(sum.parties_near),
        Thousands(sum.parties_reverse), Thousands(sum.parties_one_word));
  } else {
    fmt::print("parties: {} stored, all screened\n", Thousands(sum.screened.parties));
  }
  fmt::print(
      "alerts: {} new ({} re-alerts), {} already open, {} suppressed by false-positive "
      "decisions, {} confirmed earlier; delisted: {} alerts marked, {} closed ({:.2f} s)\n",
      Thousands(sum.screened.new_alerts), Thousands(sum.screened.re_alerts),
      Thousands(sum.screened.existing), Thousands(sum.screened.suppressed),
      Thousands(sum.screened.confirmed), Thousands(sum.delisted_annotated),
      Thousands(sum.delisted_closed), sum.seconds);
  if (!a.no_exposure) {
    fmt::print(
        "exposure: {} parties re-evaluated ({}): {} alerts at or above {:.2f}, {} new ({} "
        "re-alerts), {} already open, {} suppressed, {} closed as no longer holding ({:.2f} s)\n",
        Thousands(ex.parties_evaluated), ex.path, Thousands(ex.alerts), a.exposure_level,
        Thousands(ex.new_alerts), Thousands(ex.re_alerts), Thousands(ex.existing),
        Thousands(ex.suppressed), Thousands(ex.closed), ex.seconds);
  }
  return 0;
}

// ---- alerts ----

int CmdAlertsList(const CaseArgs& a, const CaseContext& ctx) {
  if (a.query.status != "open" && a.query.status != "decided" && a.query.status != "all" &&
      !store::ParseAlertState(a.query.status)) {
    return Fail(Status::InvalidArgument(
        "--status must be open, decided, all, escalated, true_match, false_positive or closed, "
        "not '" +
        a.query.status + "'"));
  }
  std::unique_ptr<store::Store> db;
  if (Status s = OpenStore(a, &db); !s.ok()) return Fail(s);
  store::AlertPage page;
  if (Status s = db->ListAlerts(a.query, &page); !s.ok()) return Fail(s);
  if (ctx.json) {
    json j = store::ToJson(page);
    j["limit"] = a.query.limit;
    j["offset"] = a.query.offset;
    std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }
  fmt::print("{:>6}  {:<14}  {:>5}  {:<6}  {:<16}  {:<34}  {:<11}  {:>4}  {:>5}\n", "id", "state",
             "score", "band", "party", "entity", "list", "age", "run");
  int64_t delisted = 0;
  for (const store::Alert& al : page.alerts) {
    std::string entity = Fit(al.entity_name + " (" + al.entity_id + ")", 34);
    delisted += al.delisted.empty() ? 0 : 1;
    fmt::print("{:>6}  {:<14}  {:>5.3f}  {:<6}  {}  {}  {:<11}  {:>4}  {:>5}{}\n", al.id,
               store::ToString(al.state), al.score, al.band, Pad(Fit(al.party_id, 16), 16),
               Pad(entity, 34), al.list, Age(al.created_at),
               al.rescreen_run == 0 ? std::string("-") : fmt::format("#{}", al.rescreen_run),
               al.delisted.empty() ? "" : "  delisted");
  }
  std::string counts;
  for (const auto& [state, n] : page.counts) {
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", Thousands(n), state);
  }
  fmt::print("{} of {} {} (status {}{}); in the store: {}\n", page.alerts.size(),
             Thousands(page.total), page.total == 1 ? "alert" : "alerts", a.query.status,
             a.query.rescreen_run == 0
                 ? ""
                 : fmt::format(", raised by list update #{}", a.query.rescreen_run),
             counts.empty() ? "no alerts" : counts);
  if (delisted > 0) {
    fmt::print(
        "run: the list update (re-screen run) that raised the alert; delisted: its entity "
        "was removed from the list (vigil alerts show ID says in which version)\n");
  }
  return 0;
}

void PrintDiff(const char* side, const json& diff) {
  if (!diff.is_array() || diff.empty()) {
    fmt::print("  {}: unchanged\n", side);
    return;
  }
  for (const json& c : diff) {
    if (c.contains("added")) {
      fmt::print("  {} {}: added {}, removed {}\n", side, Compact(c["field"]), Compact(c["added"]),
                 Compact(c["removed"]));
    } else {
      fmt::print("  {} {}: {} -> {}\n", side, Compact(c["field"]), Compact(c["before"]),
                 Compact(c["after"]));
    }
  }
}

int CmdAlertShow(const CaseArgs& a, const CaseContext& ctx) {
  std::unique_ptr<store::Store> db;
  if (Status s = OpenStore(a, &db); !s.ok()) return Fail(s);
  store::Alert al;
  if (Status s = db->GetAlert(a.alert_id, &al); !s.ok()) return Fail(s);
  if (ctx.json) {
    std::cout << store::ToJson(al, true).dump(2, ' ', false, json::error_handler_t::replace)
              << "\n";
    return 0;
  }
  fmt::print("alert {}: {} (version {})\n", al.id, store::ToString(al.state), al.version);
  fmt::print("party    {} (version {}){}\n", al.party_id, al.party_version,
             al.party_tags.empty() ? "" : "  tags: " + Compact(json(al.party_tags)));
  fmt::print("entity   {} {} [{}]\n", al.entity_id, al.entity_name, al.list);
  fmt::print("score    {:.3f} ({})\n", al.score, al.band);
  const json& ex = al.explanation;
  const bool red_flags = ex.is_object() && ex.value("kind", "") == "red_flags";
  if (red_flags) {
    fmt::print("raised   {} by the red flags (rules version {}); updated {}\n", al.created_at,
               al.lists_version, al.updated_at);
  } else {
    fmt::print("raised   {} by {}screening {} (lists version {}); updated {}\n", al.created_at,
               al.rescreen_run == 0 ? "" : fmt::format("list update #{}, ", al.rescreen_run),
               al.screening_id, al.lists_version, al.updated_at);
  }
  if (!al.delisted.empty()) fmt::print("delisted {}\n", al.delisted);
  fmt::print("hashes   party {}  entity {}\n", al.party_hash.substr(0, 16),
             al.entity_hash.substr(0, 16));
  if (al.previous_alert_id != 0 || !al.changes.is_null()) {
    fmt::print("\nre-alert of alert {}: what changed since it was decided\n", al.previous_alert_id);
    if (al.changes.is_object()) {
      PrintDiff("party", al.changes.value("party", json::array()));
      PrintDiff("entity", al.changes.value("entity", json::array()));
    }
  }
  if (red_flags) {
    fmt::print("\nred flags (risk {}, score {})\n", ex.value("risk", ""), Compact(ex["score"]));
    for (const json& f : ex.value("flags", json::array())) {
      fmt::print("  {}: {}\n    source: {}\n", f.value("rule", ""), f.value("evidence", ""),
                 f.value("source", ""));
    }
    if (const json& c = ex["cluster"]; c.is_object()) {
      fmt::print("  cluster {}: {}\n", c.value("id", ""), Compact(c.value("parties", json())));
      for (const json& l : c.value("links", json::array())) {
        fmt::print("    {} - {}: same {} {}\n", l.value("a", ""), l.value("b", ""),
                   l.value("kind", ""), l.value("value", ""));
      }
    }
  } else if (ex.is_object()) {
    fmt::print("\nexplanation\n");
    fmt::print("  party name \"{}\" matched \"{}\" ({}), name score {}\n",
               ex.value("party_name", ""), ex.value("matched_name", ""),
               ex.value("matched_name_kind", ""), Compact(ex.value("name_score", ex["score"])));
    if (auto t = ex.find("explanation"); t != ex.end() && t->contains("tokens")) {
      for (const json& tok : (*t)["tokens"]) {
        fmt::print("    {:<20} ~ {:<20} {:.2f}{}\n", tok.value("query", ""), tok.value("list", ""),
                   tok.value("similarity", 0.0),
                   tok.value("rule", "").empty() ? "" : "  (" + tok.value("rule", "") + ")");
      }
    }
    if (auto w = ex.find("one_word_name"); w != ex.end() && w->is_string()) {
      fmt::print("  review: {}\n", w->get<std::string>());
    }
    if (auto e = ex.find("evidence"); e != ex.end()) {
      for (const json& ev : *e) {
        fmt::print("  {} {:+.3f}: {} (party {}, list {})\n", ev.value("attribute", ""),
                   ev.value("effect", 0.0), ev.value("note", ""), ev.value("query", ""),
                   ev.value("list", ""));
      }
    }
  }
  fmt::print("\nparty (screened fields)\n");
  if (al.party_fields.is_object()) {
    for (const auto& [k, v] : al.party_fields.items()) fmt::print("  {}: {}\n", k, Compact(v));
  }
  fmt::print("\n{}\n", red_flags ? "flags decided against (signature)" : "listed entity");
  if (al.entity_record.is_object()) {
    for (const auto& [k, v] : al.entity_record.items()) {
      if (k == "remarks" || k == "unparsed_remarks") continue;
      std::string text = k == "names" && v.is_array() ? "" : Compact(v);
      if (k == "names" && v.is_array()) {
        for (const json& n : v) text += (text.empty() ? "" : "; ") + n.value("name", "");
      }
      fmt::print("  {}: {}\n", k, Fit(text, 300));
    }
  }
  fmt::print("\nhistory\n");
  fmt::print("  {}  raised ({} {:.3f})\n", al.created_at, al.band, al.score);
  for (const store::DecisionRecord& d : al.history) {
    fmt::print("  {}  {} by {} (against version {}){}\n", d.at, store::ToString(d.decision), d.by,
               d.alert_version, d.reason.empty() ? "" : ": " + d.reason);
  }
  return 0;
}

int CmdDecide(const CaseArgs& a, const CaseContext& ctx) {
  std::optional<store::DecisionKind> kind = store::ParseDecisionKind(a.decision);
  if (!kind || *kind == store::DecisionKind::kClose) {
    return Fail(Status::InvalidArgument(
        "--decision must be true_match, false_positive or escalate, not '" + a.decision + "'"));
  }
  if (*kind == store::DecisionKind::kFalsePositive && util::Trim(a.reason).empty()) {
    return Fail(Status::InvalidArgument(
        "--reason is required for a false_positive decision (why is it not this party?)"));
  }
  std::unique_ptr<store::Store> db;
  if (Status s = OpenStore(a, &db); !s.ok()) return Fail(s);
  store::Alert updated;
  Status s = db->Decide(a.alert_id, *kind, a.reason, a.version, By(a), &updated);
  if (!s.ok()) return Fail(s);
  if (ctx.json) {
    std::cout << store::ToJson(updated, true).dump(2, ' ', false, json::error_handler_t::replace)
              << "\n";
    return 0;
  }
  fmt::print("alert {}: {} (version {}) by {}\n", updated.id, store::ToString(updated.state),
             updated.version, By(a).principal);
  return 0;
}

// ---- audit ----

int CmdVerify(const CaseArgs& a, const CaseContext& ctx) {
  std::unique_ptr<store::Store> db;
  if (Status s = OpenStore(a, &db); !s.ok()) return Fail(s);
  store::AuditCheckpoint known;
  if (!a.head.empty()) {
    size_t colon = a.head.find(':');
    char* end = nullptr;
    known.seq = colon == std::string::npos ? 0 : std::strtoll(a.head.c_str(), &end, 10);
    known.hash = colon == std::string::npos ? "" : a.head.substr(colon + 1);
    if (known.seq <= 0 || end != a.head.c_str() + colon || known.hash.size() != 64) {
      return Fail(
          Status::InvalidArgument("--head must be SEQ:SHA256 as `vigil audit verify` "
                                  "printed it, not '" +
                                  a.head + "'"));
    }
  }
  store::AuditVerify v;
  if (Status s = db->VerifyAudit(known, &v); !s.ok()) return Fail(s);
  if (ctx.json) {
    std::cout << store::ToJson(v).dump(2) << "\n";
  } else if (v.ok) {
    fmt::print("audit trail verified: {} records, chain intact\n", Thousands(v.records));
    if (v.head_seq != 0) {
      fmt::print("head: {}:{} (keep it outside the database; --head checks it later)\n", v.head_seq,
                 v.head_hash);
    }
  } else {
    fmt::print("audit trail BROKEN at record {}: {} ({} records checked)\n", v.first_bad_seq,
               v.problem, Thousands(v.records));
  }
  return v.ok ? 0 : 1;
}

int CmdExport(const CaseArgs& a, const CaseContext&) {
  std::unique_ptr<store::Store> db;
  if (Status s = OpenStore(a, &db); !s.ok()) return Fail(s);
  std::string out;
  int64_t n = 0;
  Status s = db->ExportAudit(a.from, a.to, [&](const store::AuditRecord& r) {
    out += store::ToJson(r).dump(-1, ' ', false, json::error_handler_t::replace);
    out.push_back('\n');
    ++n;
    if (a.output.empty() && out.size() > (1 << 20)) {
      std::cout << out;
      out.clear();
    }
  });
  if (!s.ok()) return Fail(s);
  if (a.output.empty()) {
    std::cout << out;
    return 0;
  }
  util::OutputFile file;
  if (Status st = file.Open(a.output); !st.ok()) return Fail(st);
  file.stream() << out;
  if (Status st = file.Commit(); !st.ok()) return Fail(st);
  fmt::print(stderr, "vigil: {} audit records written to {}\n", Thousands(n), a.output);
  return 0;
}

int CmdPurge(const CaseArgs& a, const CaseContext&) {
  std::unique_ptr<store::Store> db;
  if (Status s = OpenStore(a, &db); !s.ok()) return Fail(s);
  int64_t removed = 0;
  if (Status s = db->PurgeAudit(a.before, By(a), &removed); !s.ok()) return Fail(s);
  fmt::print("purged {} audit records older than {} (the purge itself is recorded)\n",
             Thousands(removed), a.before);
  return 0;
}

void AddDb(CLI::App* cmd, CaseArgs* a) {
  cmd->add_option("--db", a->db,
                  "the case store: a SQLite file (created when absent) or a postgresql:// URL")
      ->envname("VIGIL_DB")
      ->required();
}

void AddBy(CLI::App* cmd, CaseArgs* a) {
  cmd->add_option("--by", a->by, "who is acting, for the audit trail (default: the login name)");
}

}  // namespace

std::shared_ptr<CaseArgs> AddCaseCommands(CLI::App* app) {
  auto a = std::make_shared<CaseArgs>();
  CaseArgs* p = a.get();

  auto* parties = app->add_subcommand("parties", "the parties the case store screens");
  parties->require_subcommand(1);
  p->import = parties->add_subcommand(
      "import",
      "add or update parties from JSONL or CSV (.csv); a changed record is a new "
      "version");
  p->import->add_option("FILE", p->file, "the parties (.jsonl, or .csv with a header row)")
      ->required();
  p->import->add_flag("--no-screen", p->no_screen,
                      "do not screen the new and changed parties now, nor evaluate their "
                      "exposure (by default both are done, when --lists, a config file or the "
                      "data folder names lists)");
  p->import->add_option("--threads", p->threads, "screening threads (default: all cores)")
      ->check(CLI::Range(0, 1024));
  AddDb(p->import, p);
  AddBy(p->import, p);
  p->party_show = parties->add_subcommand("show", "a party's versions, screenings and alerts");
  p->party_show->add_option("ID", p->party_id, "the party's id")->required();
  AddDb(p->party_show, p);
  p->screen = parties->add_subcommand(
      "screen", "screen every stored party (or --party ID) and record the results and alerts");
  AddDb(p->screen, p);
  AddBy(p->screen, p);
  p->screen->add_option("--party", p->party_id, "screen only this party");
  p->screen->add_option("--threads", p->threads, "threads (default: all cores)")
      ->check(CLI::Range(0, 1024));
  p->screen->add_option("--batch", p->batch, "parties per transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));

  p->rescreen = app->add_subcommand(
      "rescreen",
      "bring the stored parties up to date with new versions of the lists (--lists): screen "
      "what the change touches, close the alerts of delisted entities");
  AddDb(p->rescreen, p);
  AddBy(p->rescreen, p);
  p->rescreen->add_flag("--full", p->full, "screen every party instead of what the change touches");
  p->rescreen->add_option("--threads", p->threads, "threads (default: all cores)")
      ->check(CLI::Range(0, 1024));
  p->rescreen->add_option("--batch", p->batch, "parties per transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  for (CLI::App* sub : {p->rescreen, p->import}) {
    sub->add_option("--exposure-level", p->exposure_level,
                    "re-evaluate the exposure of the parties near what changed and open an "
                    "alert at or above this level (0..1)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    sub->add_flag("--no-exposure", p->no_exposure, "do not re-evaluate exposure");
  }

  auto* alerts = app->add_subcommand("alerts", "the alert queue and analysts' decisions");
  alerts->require_subcommand(1);
  p->alerts_list = alerts->add_subcommand("list", "alerts, best score first (or oldest first)");
  AddDb(p->alerts_list, p);
  p->alerts_list
      ->add_option("--status", p->query.status,
                   "open (open and escalated), decided, all, or one state: escalated, "
                   "true_match, false_positive, closed")
      ->capture_default_str();
  p->alerts_list->add_option("--band", p->query.band, "match or review")
      ->check(CLI::IsMember({"", "match", "review"}));
  p->alerts_list->add_option("--list", p->query.list, "one list's alerts, e.g. us_ofac_sdn");
  p->alerts_list->add_option("--tag", p->query.tag, "parties with this tag");
  p->alerts_list->add_option("--party", p->query.party_id, "one party's alerts");
  p->alerts_list
      ->add_option("--run", p->query.rescreen_run,
                   "the alerts raised by this list update (re-screen run; vigil rescreen prints "
                   "its number)")
      ->check(CLI::Range(int64_t{1}, INT64_MAX));
  p->alerts_list->add_option("--sort", p->query.sort, "score or age")
      ->capture_default_str()
      ->check(CLI::IsMember({"score", "age"}));
  p->alerts_list->add_option("--limit", p->query.limit, "at most this many")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{500}));
  p->alerts_list->add_option("--offset", p->query.offset, "skip this many")
      ->check(CLI::Range(int64_t{0}, INT64_MAX));
  p->alert_show =
      alerts->add_subcommand("show", "one alert: explanation, both sides, what changed, decisions");
  p->alert_show->add_option("ID", p->alert_id, "the alert's id")->required();
  AddDb(p->alert_show, p);
  p->decide = alerts->add_subcommand("decide", "record an analyst's decision on an alert");
  p->decide->add_option("ALERT_ID", p->alert_id, "the alert's id")->required();
  p->decide->add_option("--decision", p->decision, "true_match, false_positive or escalate")
      ->required()
      ->check(CLI::IsMember({"true_match", "false_positive", "escalate"}));
  p->decide->add_option("--reason", p->reason, "why (required for false_positive)");
  p->decide->add_option("--version", p->version,
                        "the alert version the decision was made on: refused if it changed");
  AddDb(p->decide, p);
  AddBy(p->decide, p);

  auto* audit = app->add_subcommand("audit", "the hash-chained audit trail");
  audit->require_subcommand(1);
  p->verify = audit->add_subcommand(
      "verify",
      "check the whole chain; exit 1 naming the first record altered, removed or "
      "reordered");
  AddDb(p->verify, p);
  p->verify->add_option("--head", p->head,
                        "SEQ:SHA256, a head printed by an earlier verify: it must still be in "
                        "the chain (detects records removed from the end)");
  p->audit_export = audit->add_subcommand("export", "audit records as JSONL");
  AddDb(p->audit_export, p);
  p->audit_export->add_option("--from", p->from, "from this date or time (inclusive)");
  p->audit_export->add_option("--to", p->to, "up to this date or time (exclusive)");
  p->audit_export->add_option("--output", p->output,
                              "write to this file (default: standard output)");
  p->purge = audit->add_subcommand(
      "purge",
      "delete records older than DATE (at least ten years ago); the chain stays "
      "verifiable and the purge is recorded");
  p->purge->add_option("--before", p->before, "YYYY-MM-DD")->required();
  AddDb(p->purge, p);
  AddBy(p->purge, p);
  return a;
}

bool RunCaseCommand(const CaseArgs& a, const CaseContext& ctx, int* rc) {
  struct Cmd {
    CLI::App* app;
    int (*run)(const CaseArgs&, const CaseContext&);
  };
  const Cmd cmds[] = {{a.import, CmdImport},        {a.party_show, CmdPartyShow},
                      {a.screen, CmdScreen},        {a.alerts_list, CmdAlertsList},
                      {a.alert_show, CmdAlertShow}, {a.decide, CmdDecide},
                      {a.verify, CmdVerify},        {a.audit_export, CmdExport},
                      {a.purge, CmdPurge},          {a.rescreen, CmdRescreen}};
  for (const Cmd& c : cmds) {
    if (c.app != nullptr && c.app->parsed()) {
      *rc = c.run(a, ctx);
      return true;
    }
  }
  return false;
}

}  // namespace vigil::cli
