// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The `vigil` command line: lists, show, screen (one name or a batch file), diff, fetch,
// serve (src/cli/serve.cc), ip (src/cli/ip.cc), and the case store's parties, alerts and audit
// (src/cli/cases.cc).
// Every command loads its lists from --lists PATH... or a config file (--config, TOML:
// lists = ["path", ...]); with neither, from the data folder `vigil fetch` fills
// (sources/fetch.h: DefaultDataDir()), and only when that holds no list, the bundled
// sample, which every answer then names as such (model/list_status.h).

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <set>

#include "cli/cases.h"
#include "cli/ip.h"
#include "cli/links.h"
#include "cli/red_flags.h"
#include "cli/serve.h"
#include "cli/watch.h"
#include "graph/graph.h"
#include "model/country.h"
#include "model/date.h"
#include "model/diff.h"
#include "model/json.h"
#include "model/list_status.h"
#include "screen/batch.h"
#include "screen/query.h"
#include "sources/fetch.h"
#include "util/memory.h"
#include "util/output_file.h"
#include "util/strings.h"
#include "vigil/list.h"
#include "vigil/screen.h"

namespace {

using vigil::Status;

struct Options {
  std::vector<std::string> lists;
  bool json = false;
  bool strict = false;            // a list that loads with warnings is an error
  bool accept_truncated = false;  // load a list that shows signs of truncation
  double max_entity_drop = 0.2;   // fetch: a new version this much smaller is refused
  long max_list_age = vigil::model::kDefaultMaxListAgeDays;  // older lists are a warning
};

std::string SampleDir() {
  if (const char* env = std::getenv("VIGIL_SAMPLE_DIR"); env != nullptr && *env != '\0') return env;
  return VIGIL_SAMPLE_DIR;
}

using vigil::cli::Fail;

// The lists to use when neither --lists nor a config file names any: the data folder's
// (vigil fetch), else the bundled sample. A data folder that holds lists never falls back
// to the sample, even when they fail to load.
Status DefaultLists(std::vector<std::string>* paths) {
  paths->clear();
  std::filesystem::path dir = vigil::sources::DefaultDataDir();
  if (!dir.empty()) {
    if (Status s = vigil::sources::ListsInDataDir(dir, paths); !s.ok()) return s;
  }
  if (paths->empty()) paths->push_back(SampleDir());
  return Status::Ok();
}

// Loads every list (vigil::LoadLists: in parallel, all or nothing, strict and truncation
// checks as the options say); `paths` empty: DefaultLists().
Status LoadAll(const Options& o, const std::vector<std::string>& paths,
               std::vector<vigil::LoadedList>* out) {
  std::vector<std::string> use = paths;
  if (use.empty()) {
    if (Status s = DefaultLists(&use); !s.ok()) return s;
  }
  vigil::LoadOptions opt;
  opt.strict = o.strict;
  opt.accept_truncated = o.accept_truncated;
  opt.sample_path = SampleDir();
  return vigil::LoadLists(use, opt, out);
}

// The status of the lists now (versions, ages, what is missing), with every warning in it
// written on standard error: the sample, a list over the age limit, a missing companion.
vigil::model::ListsStatus ReportLists(const Options& o, const std::vector<vigil::LoadedList>& l) {
  vigil::model::ListsStatus st =
      vigil::model::GetListsStatus(l, o.max_list_age, std::chrono::system_clock::now());
  for (const std::string& w : st.warnings) fmt::print(stderr, "vigil: warning: {}\n", w);
  return st;
}

// The warnings at the top of a text answer, and the lists at its foot.
void PrintWarnings(const vigil::model::ListsStatus& st) {
  for (const std::string& w : st.warnings) fmt::print("WARNING: {}\n", w);
}
void PrintListsFooter(const vigil::model::ListsStatus& st) {
  for (const auto& l : st.lists) fmt::print("list: {}\n", vigil::model::DescribeList(l));
}

// `j` (an object) with the lists' status: "lists", "sample", "warnings".
void AddStatus(const vigil::model::ListsStatus& st, nlohmann::json* j) {
  nlohmann::json status = vigil::model::ToJson(st);
  for (auto& [k, v] : status.items()) (*j)[k] = v;
}

Status MakeScreener(const Options& o, std::unique_ptr<vigil::Screener>* out) {
  std::vector<vigil::LoadedList> lists;
  if (Status s = LoadAll(o, o.lists, &lists); !s.ok()) return s;
  return vigil::Screener::Create(std::move(lists), out);
}

int CmdLists(const Options& o) {
  std::vector<vigil::LoadedList> lists;
  if (Status s = LoadAll(o, o.lists, &lists); !s.ok()) return Fail(s);
  vigil::model::ListsStatus st = ReportLists(o, lists);
  if (o.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (size_t k = 0; k < lists.size(); ++k) {
      const auto& l = lists[k];
      nlohmann::json j = vigil::model::ToJson(l.info);
      // The status keys besides the load warnings ("warnings", objects naming file and line):
      // version, age_days, sample, stale, incomplete, and its warnings in words.
      nlohmann::json status = vigil::model::ToJson(st.lists[k]);
      status["list_warnings"] = std::move(status["warnings"]);
      status.erase("warnings");
      for (auto& [key, v] : status.items()) j[key] = v;
      if (l.info.sample) j["sample_warning"] = st.warnings.front();
      j["entities"] = l.entities.size();
      j["by_kind"] = vigil::CountByKind(l);
      j["by_program"] = vigil::CountByProgram(l);
      arr.push_back(std::move(j));
    }
    std::cout << arr.dump(2) << "\n";
    return 0;
  }
  PrintWarnings(st);
  for (size_t k = 0; k < lists.size(); ++k) {
    const auto& l = lists[k];
    const vigil::ListInfo& i = l.info;
    const vigil::model::ListStatus& ls = st.lists[k];
    fmt::print("{} — {}{}\n", i.source, i.title,
               i.sample ? " — the bundled SAMPLE, not the official list" : "");
    fmt::print("  format      {}\n", i.format);
    if (ls.age_days >= 0) {
      fmt::print("  version     {}\n", ls.version);
      fmt::print(
          "  published   {} ({}), {} days old{}\n", i.published,
          i.published_source == "file" ? "stated in the file"
                                       : "the file's date: the file states none",
          ls.age_days,
          ls.stale ? fmt::format(": STALE, over the limit of {} days", st.max_age_days) : "");
    } else {
      fmt::print("  published   unknown\n");
    }
    if (!ls.newest_entry.empty()) {
      fmt::print("  newest entry {} (the latest listing or update date in the list)\n",
                 ls.newest_entry);
    }
    for (const auto& m : i.incomplete) fmt::print("  INCOMPLETE  {}\n", m);
    for (const auto& f : i.files) {
      fmt::print("  file        {} ({} bytes)\n              sha256 {}\n", f.path, f.bytes,
                 f.sha256);
    }
    fmt::print("  entities    {} (from {} records)\n", l.entities.size(), i.rows_read);
    std::vector<std::string> kinds;
    for (const auto& [k, n] : vigil::CountByKind(l)) kinds.push_back(fmt::format("{} {}", k, n));
    fmt::print("  by kind     {}\n", fmt::join(kinds, ", "));
    auto programs = vigil::CountByProgram(l);
    std::vector<std::pair<size_t, std::string>> top;
    for (const auto& [p, n] : programs) top.emplace_back(n, p);
    std::sort(top.rbegin(), top.rend());
    std::vector<std::string> shown;
    for (size_t k = 0; k < top.size() && k < 12; ++k) {
      shown.push_back(fmt::format("{} {}", top[k].second, top[k].first));
    }
    fmt::print("  programs    {} in all; most entries: {}\n", programs.size(),
               fmt::join(shown, ", "));
    if (i.unparsed_remarks > 0) {
      fmt::print("  remarks     {} segments kept as text (not understood by the parser)\n",
                 i.unparsed_remarks);
    }
    fmt::print("  load        {:.3f} s\n", i.load_seconds);
    if (!i.truncation.empty()) {
      fmt::print("  TRUNCATED   accepted with --accept-truncated despite {} sign(s):\n",
                 i.truncation.size());
      for (const auto& t : i.truncation) {
        fmt::print("    {}\n", vigil::util::Where(t.file, t.line, t.message));
      }
    }
    fmt::print("  warnings    {}\n", i.warnings.size());
    for (size_t k = 0; k < i.warnings.size() && k < 20; ++k) {
      const auto& w = i.warnings[k];
      fmt::print("    {}\n", vigil::util::Where(w.file, w.line, w.message));
    }
    if (i.warnings.size() > 20)
      fmt::print("    ... {} more (use --json)\n", i.warnings.size() - 20);
    fmt::print("\n");
  }
  return 0;
}

void PrintEntity(const vigil::Entity& e) {
  fmt::print("{}  {}\n", e.id, e.primary_name());
  fmt::print("  kind          {}\n", vigil::ToString(e.kind));
  if (!e.programs.empty()) fmt::print("  programs      {}\n", fmt::join(e.programs, ", "));
  for (size_t i = 1; i < e.names.size(); ++i) {
    fmt::print("  {:<13} {}\n", vigil::ToString(e.names[i].kind), e.names[i].full);
  }
  for (const auto& t : e.titles) fmt::print("  title         {}\n", t);
  if (!e.gender.empty()) fmt::print("  gender        {}\n", e.gender);
  for (const auto& b : e.birth_dates) {
    fmt::print("  birth date    {}{}{}\n", b.circa ? "circa " : "", b.from.ToString(),
               b.to.empty() ? "" : " to " + b.to.ToString());
  }
  for (const auto& p : e.birth_places) fmt::print("  birth place   {}\n", p);
  for (const auto& c : e.countries) {
    fmt::print("  {:<13} {}{}\n", vigil::ToString(c.role), c.name,
               c.code.empty() ? "" : " (" + c.code + ")");
  }
  for (const auto& i : e.identifiers) {
    std::string extra;
    if (!i.currency.empty()) extra += " [" + i.currency + "]";
    if (!i.country.empty()) extra += " (" + i.country + ")";
    if (!i.note.empty()) extra += " " + i.note;
    fmt::print("  identifier    {}: {}{}  <{}>\n", i.type, i.value, extra, vigil::ToString(i.kind));
  }
  for (const auto& a : e.addresses) {
    std::vector<std::string> parts;
    for (const std::string* s : {&a.street, &a.city, &a.region, &a.postal_code, &a.country_name}) {
      if (!s->empty()) parts.push_back(*s);
    }
    fmt::print("  address       {}{}\n", fmt::join(parts, ", "),
               a.country.empty() ? "" : " (" + a.country + ")");
  }
  for (const auto& r : e.relationships) {
    fmt::print("  {:<13} {}{}\n", r.relation, r.target_name,
               r.target_id.empty() ? "" : " [" + r.target_id + "]");
  }
  if (!e.listed_on.empty()) fmt::print("  listed on     {}\n", e.listed_on);
  if (!e.updated_on.empty()) fmt::print("  updated on    {}\n", e.updated_on);
  for (const auto& p : e.properties) fmt::print("  {}: {}\n", p.key, p.value);
  if (!e.remarks.empty()) fmt::print("  remarks       {}\n", e.remarks);
  for (const auto& u : e.unparsed_remarks) fmt::print("  (unparsed)    {}\n", u);
}

int CmdShow(const Options& o, const std::string& id) {
  std::vector<vigil::LoadedList> lists;
  if (Status s = LoadAll(o, o.lists, &lists); !s.ok()) return Fail(s);
  vigil::model::ListsStatus st = ReportLists(o, lists);
  vigil::graph::Graph g;
  g.AddLists(lists);
  for (size_t k = 0; k < lists.size(); ++k) {
    for (const auto& e : lists[k].entities) {
      // A CSL row is also found under its former id, "us_csl:<the file's _id>".
      bool former = std::any_of(e.properties.begin(), e.properties.end(), [&](const auto& p) {
        return p.key == "csl_id" && e.source + ":" + p.value == id;
      });
      if (e.id != id && !former) continue;
      const vigil::model::ListStatus& ls = st.lists[k];
      if (o.json) {
        // The entity, with its list's status ("list") and every warning ("sample",
        // "warnings").
        nlohmann::json j = vigil::model::ToJson(e);
        j["list"] = vigil::model::ToJson(ls);
        // Its links both ways: what it names and what names it (src/graph).
        j["links"] = vigil::graph::LinksJson(g, e.id);
        j["sample"] = st.sample;
        j["warnings"] = st.warnings;
        std::cout << j.dump(2) << "\n";
      } else {
        PrintWarnings(st);
        PrintEntity(e);
        vigil::cli::PrintLinks(g, e.id);
        // What this entry may lack because its list was loaded without a companion file.
        for (const auto& m : ls.incomplete) {
          fmt::print("  NOT LOADED    {}\n", m);
        }
        fmt::print("list: {}\n", vigil::model::DescribeList(ls));
      }
      return 0;
    }
  }
  return Fail(Status::NotFound("no entity with id '" + id + "' in the loaded lists"));
}

struct ScreenArgs {
  std::string name, type, dob, country, input, output;
  std::vector<std::string> identifiers;
  size_t top = 10;
  double min_score = vigil::kDefaultMinScore;
  bool explain = false;
  bool exhaustive = false;
  size_t threads = 0;
  bool all = false;    // batch CSV: also matches under the review threshold
  bool excel = false;  // batch CSV: byte order mark and CRLF for Excel
};

// The query of `vigil screen NAME --type --dob --country --id`, checked as the API and
// batch files check theirs (screen/query.h).
Status BuildQuery(const ScreenArgs& a, vigil::Query* q) {
  namespace sq = vigil::screen;
  std::string err;
  bool ok = sq::SetQueryKind(a.type, "--type", q, &err) &&
            sq::SetQueryDob(a.dob, "--dob", q, &err) &&
            sq::SetQueryCountry(a.country, "--country", q, &err);
  for (size_t i = 0; ok && i < a.identifiers.size(); ++i) {
    ok = sq::AddQueryIdentifier(a.identifiers[i], "--id", q, &err);
  }
  if (ok && !a.input.empty()) return Status::Ok();  // a batch: the file holds the queries
  ok = ok && sq::SetQueryName(a.name, "NAME", q, &err);
  if (ok && !sq::CheckQueryHasName(*q, "NAME", &err)) {
    err = "give a NAME to screen, or --input FILE";
    ok = false;
  }
  return ok ? Status::Ok() : Status::InvalidArgument(err);
}

// True when `a` and `b` name the same file (through a link, another path or a hard link).
bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec) && !ec;
}

int CmdScreenBatch(const Options& o, const ScreenArgs& a) {
  const bool to_file = !a.output.empty() && a.output != "-";
  // Before anything is opened for writing: the output would replace the input.
  if (to_file && (SameFile(a.input, a.output) || SameFile(a.input, a.output + ".partial"))) {
    return Fail(Status::InvalidArgument(
        fmt::format("--output {} is the input file {}: writing the results would destroy the "
                    "queries; choose another output file",
                    a.output, a.input)));
  }
  if (a.excel && vigil::screen::FormatFromPath(a.output) != vigil::screen::Format::kCsv) {
    return Fail(Status::InvalidArgument("--excel writes CSV: give --output FILE.csv"));
  }
  std::error_code ec;
  if (std::filesystem::is_directory(a.input, ec)) {
    return Fail(Status::InvalidArgument(a.input + ": is a folder, not a batch file"));
  }
  std::ifstream in(a.input, std::ios::binary);
  if (!in) return Fail(Status::NotFound(a.input + ": cannot open input file"));
  in.seekg(0, std::ios::end);
  auto total = static_cast<uint64_t>(std::max<std::streamoff>(0, in.tellg()));
  in.seekg(0);
  std::unique_ptr<vigil::Screener> screener;
  if (Status s = MakeScreener(o, &screener); !s.ok()) return Fail(s);
  vigil::model::ListsStatus st = ReportLists(o, screener->lists());
  // A file is written whole or not at all (util/output_file.h); standard output streams.
  vigil::util::OutputFile file_out;
  std::ostream* out = &std::cout;
  if (to_file) {
    if (Status s = file_out.Open(a.output); !s.ok()) return Fail(s);
    out = &file_out.stream();
  }
  vigil::screen::BatchOptions opt;
  opt.screen.top = a.top;
  opt.screen.min_score = a.min_score;
  opt.screen.exhaustive = a.exhaustive;
  opt.screen.explain = a.explain;
  opt.explain = a.explain;
  opt.strict = o.strict;
  opt.all = a.all;
  opt.excel = a.excel;
  // The lists' dates and markers (SAMPLE, STALE, INCOMPLETE) and, in brackets, the version
  // the API calls lists_version.
  opt.lists_version = vigil::model::ListsVersionString(st);
  if (st.sample) opt.sample_warning = st.warnings.front();
  opt.threads = a.threads > 0 ? a.threads : std::max(1u, std::thread::hardware_concurrency());
  auto start = std::chrono::steady_clock::now();
  bool tty = isatty(STDERR_FILENO) != 0;
  if (tty) {
    opt.progress = [&](uint64_t bytes, uint64_t queries) {
      double frac =
          total > 0 ? std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total)) : 0;
      int filled = static_cast<int>(frac * 30);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      fmt::print(stderr, "\r[{:<30}] {:3.0f}%  {} queries  {:.0f}/s",
                 std::string(static_cast<size_t>(filled), '#'), frac * 100, queries,
                 secs > 0 ? static_cast<double>(queries) / secs : 0.0);
    };
  }
  // Each warning names the line; past the first kShown they are only counted.
  constexpr uint64_t kShown = 100;
  uint64_t warned = 0;
  opt.warning = [&](const std::string& w) {
    if (++warned > kShown) {
      if (warned == kShown + 1)
        fmt::print(stderr, "vigil: further warnings are counted, not shown\n");
      return;
    }
    fmt::print(stderr, "{}vigil: warning: {}\n", tty ? "\r\033[K" : "", w);
  };
  vigil::screen::BatchStats stats;
  Status s =
      vigil::screen::ScreenBatch(*screener, in, a.input, vigil::screen::FormatFromPath(a.input),
                                 *out, vigil::screen::FormatFromPath(a.output), opt, &stats);
  if (s.ok() && to_file) s = file_out.Commit();
  if (tty) fmt::print(stderr, "\n");
  if (!s.ok()) {
    Fail(s);
    if (to_file) {
      // What was screened before the failure is kept, clearly named; nothing is kept when
      // nothing was screened.
      std::filesystem::path kept;
      if (stats.queries > 0) {
        if (Status k = file_out.KeepPartial(&kept); !k.ok()) Fail(k);
      }
      fmt::print(stderr, "vigil: {} is unchanged{}\n", a.output,
                 kept.empty() ? ""
                              : fmt::format("; the results of the {} queries screened before the "
                                            "failure are in {} (incomplete)",
                                            stats.queries, kept.string()));
    }
    return 1;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(stderr, "vigil: screened {} queries ({} with matches) in {:.2f} s on {} threads",
             stats.queries, stats.with_matches, secs, opt.threads);
  if (stats.warnings > 0 || stats.skipped > 0) {
    fmt::print(stderr, "; {} records skipped (not screened), {} warnings", stats.skipped,
               stats.warnings);
  }
  fmt::print(stderr, "\n");
  // Said again at the end, where a user looks once the run is over.
  for (const std::string& w : st.warnings) fmt::print(stderr, "vigil: warning: {}\n", w);
  return 0;
}

int CmdScreen(const Options& o, const ScreenArgs& a) {
  vigil::Query q;
  if (Status s = BuildQuery(a, &q); !s.ok()) return Fail(s);
  if (!a.input.empty()) return CmdScreenBatch(o, a);
  std::unique_ptr<vigil::Screener> screener;
  if (Status s = MakeScreener(o, &screener); !s.ok()) return Fail(s);
  vigil::ScreenOptions so;
  so.top = a.top;
  so.min_score = a.min_score;
  so.exhaustive = a.exhaustive;
  auto matches = screener->Screen(q, so);
  vigil::model::ListsStatus st = ReportLists(o, screener->lists());
  if (o.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& m : matches) arr.push_back(vigil::model::ToJson(m, a.explain));
    nlohmann::json j{{"query", a.name}, {"matches", arr}};
    AddStatus(st, &j);
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  PrintWarnings(st);
  if (matches.empty()) {
    fmt::print("no matches for '{}'{}\n", a.name,
               st.sample ? " in the bundled SAMPLE list (not the official lists)" : "");
    PrintListsFooter(st);
    return 0;
  }
  fmt::print("{:>4}  {:>6}  {:<8} {:<22} {:<13} {}\n", "rank", "score", "decision", "id", "kind",
             "name");
  for (size_t r = 0; r < matches.size(); ++r) {
    const auto& m = matches[r];
    fmt::print("{:>4}  {:>6.3f}  {:<8} {:<22} {:<13} {}\n", r + 1, m.score,
               m.decision == vigil::Decision::kNone ? "" : vigil::ToString(m.decision),
               m.entity->id, vigil::ToString(m.entity->kind), m.entity->primary_name());
    for (const auto& ev : m.evidence) {
      fmt::print("{:>50}{} {:+.3f}: {} (query {}, list {})\n", "", ev.attribute, ev.effect, ev.note,
                 ev.query_value, ev.list_value);
    }
    if (m.matched_name != m.entity->primary_name()) {
      fmt::print("{:>50}matched {} '{}'\n", "", vigil::ToString(m.matched_kind), m.matched_name);
    }
    for (const auto& l : m.also_on) {
      fmt::print("{:>50}also on {}: {}\n", "", l.list_name, l.entity->id);
    }
    if (a.explain) {
      // In the words as written; the rule says what related words not written alike.
      for (const auto& t : m.tokens) {
        fmt::print("{:>50}{:<16} ~ {:<16} similarity {:.3f}  weight {:.2f}{}{}\n", "",
                   t.query_token, t.list_token.empty() ? "(no partner)" : t.list_token,
                   t.similarity, t.weight, t.rule.empty() ? "" : "  ", t.rule);
      }
    }
  }
  PrintListsFooter(st);
  return 0;
}

int CmdDiff(const Options& o, const std::string& old_path, const std::string& new_path,
            bool details) {
  std::vector<vigil::LoadedList> lists;
  if (Status s = LoadAll(o, {old_path, new_path}, &lists); !s.ok()) return Fail(s);
  if (lists[0].info.source != lists[1].info.source) {
    return Fail(Status::InvalidArgument("cannot diff " + lists[0].info.source + " against " +
                                        lists[1].info.source + ": not versions of the same list"));
  }
  vigil::model::ListDiff d = vigil::model::Diff(lists[0], lists[1]);
  if (o.json) {
    nlohmann::json changed = nlohmann::json::array();
    for (const auto& c : d.changed) changed.push_back({{"id", c.id}, {"fields", c.fields}});
    std::cout << nlohmann::json{{"old",
                                 {{"path", old_path},
                                  {"entities", lists[0].entities.size()},
                                  {"published", lists[0].info.published},
                                  {"published_source", lists[0].info.published_source}}},
                                {"new",
                                 {{"path", new_path},
                                  {"entities", lists[1].entities.size()},
                                  {"published", lists[1].info.published},
                                  {"published_source", lists[1].info.published_source}}},
                                {"added", d.added},
                                {"removed", d.removed},
                                {"changed", changed},
                                {"unchanged", d.unchanged},
                                {"changed_by_field", d.changed_by_field}}
                     .dump(2)
              << "\n";
    return 0;
  }
  fmt::print("{} -> {}\n", old_path, new_path);
  // A companion file present in one version only (the 2024-05 OFAC snapshot has sdn.csv
  // alone) makes its fields look changed everywhere: say so.
  auto file_names = [](const vigil::LoadedList& l) {
    std::set<std::string> names;
    for (const auto& f : l.info.files)
      names.insert(std::filesystem::path(f.path).filename().string());
    return names;
  };
  auto old_files = file_names(lists[0]), new_files = file_names(lists[1]);
  for (const auto& f : old_files) {
    if (new_files.count(f) == 0) {
      fmt::print("  note: {} is in the old version only; fields it carries show as changed\n", f);
    }
  }
  for (const auto& f : new_files) {
    if (old_files.count(f) == 0) {
      fmt::print("  note: {} is in the new version only; fields it carries show as changed\n", f);
    }
  }
  // Which version is which: the dates each states (or its file's).
  for (const auto* l : {&lists[0], &lists[1]}) {
    fmt::print("  {} published {} ({})\n", l == &lists[0] ? "old" : "new",
               l->info.published.empty() ? "unknown" : l->info.published,
               l->info.published_source == "file" ? "stated in the file" : "file date");
  }
  fmt::print("  old entities  {}\n  new entities  {}\n", lists[0].entities.size(),
             lists[1].entities.size());
  fmt::print("  added         {}\n  removed       {}\n  changed       {}\n  unchanged     {}\n",
             d.added.size(), d.removed.size(), d.changed.size(), d.unchanged);
  if (!d.changed_by_field.empty()) {
    fmt::print("  changed fields:\n");
    for (const auto& [f, n] : d.changed_by_field) fmt::print("    {:<14} {}\n", f, n);
  }
  if (details) {
    for (const auto& id : d.added) fmt::print("+ {}\n", id);
    for (const auto& id : d.removed) fmt::print("- {}\n", id);
    for (const auto& c : d.changed) fmt::print("~ {} ({})\n", c.id, fmt::join(c.fields, ", "));
  }
  return 0;
}

// Downloads a list's official files into `dest` (see sources/fetch.h); with no `list`,
// every list Vigil can fetch, each into its folder in the data folder. One that fails is
// reported and the others go on (exit 1 when any failed).
int CmdFetch(const Options& o, const std::string& list, const std::string& dest,
             const std::string& base_url) {
  namespace fs = std::filesystem;
  std::vector<std::string> wanted = {list};
  if (list.empty()) {
    if (!dest.empty() || !base_url.empty()) {
      return Fail(Status::InvalidArgument(
          "--dest and --base-url name one list's folder and address: give the LIST too"));
    }
    wanted = vigil::sources::FetchableLists();
  }
  const fs::path data_dir = vigil::sources::DefaultDataDir();
  if (dest.empty() && data_dir.empty()) {
    return Fail(
        Status::InvalidArgument("no data folder: set VIGIL_DATA_DIR (or HOME), or give --dest"));
  }
  vigil::sources::FetchOptions fo;
  fo.accept_truncated = o.accept_truncated;
  fo.max_entity_drop = o.max_entity_drop;
  nlohmann::json reports = nlohmann::json::array();
  int rc = 0;
  for (const std::string& name : wanted) {
    vigil::sources::FetchReport rep;
    fs::path to = dest.empty() ? data_dir / name : fs::path(dest);
    if (Status s = vigil::sources::FetchList(name, base_url, to, &rep, fo); !s.ok()) {
      rc = Fail(s);
      continue;
    }
    if (o.json) {
      nlohmann::json files = nlohmann::json::array();
      for (const auto& f : rep.files) {
        files.push_back(
            {{"name", f.name}, {"url", f.url}, {"bytes", f.bytes}, {"sha256", f.sha256}});
      }
      reports.push_back(nlohmann::json{{"list", rep.list},
                                       {"dest", rep.dest.string()},
                                       {"entities", rep.entities},
                                       {"files", files}});
      continue;
    }
    for (const auto& f : rep.files) {
      fmt::print("{} ({} bytes)\n  from   {}\n  sha256 {}\n", (rep.dest / f.name).string(), f.bytes,
                 f.url, f.sha256);
    }
    fmt::print("fetched {}: {} files, {} entities, into {}\n", rep.list, rep.files.size(),
               rep.entities, rep.dest.string());
  }
  if (o.json) {
    if (!list.empty() && reports.size() == 1) {
      std::cout << reports[0].dump(2) << "\n";
    } else if (list.empty()) {
      std::cout << reports.dump(2) << "\n";
    }
  } else if (dest.empty() && rc == 0) {
    fmt::print("every command now uses the lists in {} when no --lists or --config is given\n",
               data_dir.string());
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  vigil::util::PreferHeapForLargeAllocations();
  CLI::App app{"vigil: sanctions and export-control screening"};
  app.set_version_flag("--version", std::string("vigil ") + VIGIL_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.set_config("--config", "", "TOML config file (lists = [\"path\", ...])");
  Options o;
  app.add_option("--lists", o.lists,
                 "list folders or files (OFAC CSV set, UN XML, CSL CSV, DPL text); default: the "
                 "lists `vigil fetch` put in the data folder, else the bundled sample (every "
                 "answer then says so)")
      ->expected(1, -1);
  app.add_flag("--json", o.json, "machine-readable output");
  app.add_flag("--strict", o.strict,
               "fail when a list loads with warnings, or at the first problem with a batch "
               "record");
  app.add_flag("--accept-truncated,--accept_truncated", o.accept_truncated,
               "load a list that shows signs of truncation (a missing end-of-file line, a "
               "last record cut inside quotes, far fewer entities than before) instead of "
               "refusing it; the signs are reported");
  app.add_option("--max-entity-drop,--max_entity_drop", o.max_entity_drop,
                 "a new version with fewer entities than the one it replaces by more than "
                 "this share is refused (serve reloads, fetch); 1 turns the check off")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--max-list-age,--max_list_age", o.max_list_age,
                 "a list published more than DAYS days ago is a warning in every answer (0: "
                 "no limit)")
      ->type_name("DAYS")
      ->capture_default_str()
      ->check(CLI::Range(0L, 100000L));

  auto* lists = app.add_subcommand("lists", "what is loaded: files, sha256, counts, warnings");

  std::string id;
  auto* show = app.add_subcommand("show", "everything known about one entity");
  show->add_option("ID", id, "entity id, e.g. us_ofac_sdn:22323")->required();

  ScreenArgs sa;
  auto* screen = app.add_subcommand("screen", "screen a name, or a batch file with --input");
  screen->add_option("NAME", sa.name, "the name to screen");
  screen->add_option("--type", sa.type, "person, organization, vessel, aircraft or any");
  screen->add_option("--dob", sa.dob, "date of birth, YYYY-MM-DD or YYYY");
  screen->add_option("--country", sa.country, "country, ISO code or name");
  screen->add_option("--id", sa.identifiers,
                     "an identifier (passport, IMO, wallet, registration ...); repeatable");
  screen->add_option("--top", sa.top, "at most this many matches")->check(CLI::Range(1, 1000));
  screen->add_option("--min-score", sa.min_score, "drop matches below this score")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  screen->add_flag("--explain", sa.explain, "show how each match lined up");
  screen->add_flag("--exhaustive", sa.exhaustive,
                   "score every list name instead of using the candidate index (slow; the "
                   "results are the same)");
  screen->add_option("--input", sa.input,
                     "batch input: .jsonl or .csv (header: name,type,dob,country,id,identifiers; "
                     "docs/batch.md)");
  screen->add_option("--output", sa.output,
                     "batch output: .jsonl or .csv, replaced only when the whole batch succeeds "
                     "(default: standard output)");
  screen->add_option("--threads", sa.threads, "batch threads (default: all cores)");
  screen->add_flag("--all", sa.all,
                   "batch CSV: also write matches under the review threshold (default: only "
                   "match and review rows, and a 'none' row for a query without them)");
  screen->add_flag("--excel", sa.excel,
                   "batch CSV for Excel: UTF-8 byte order mark and CRLF line ends");

  std::string old_path, new_path;
  bool details = false;
  auto* diff =
      app.add_subcommand("diff", "entities added, removed and changed between two versions");
  diff->add_option("OLD", old_path, "the older list")->required();
  diff->add_option("NEW", new_path, "the newer list")->required();
  diff->add_flag("--details", details, "list every added, removed and changed id");

  std::string fetch_list, fetch_dest, fetch_base;
  auto* fetch = app.add_subcommand(
      "fetch", "download a list's official files; a failed download changes nothing");
  fetch
      ->add_option("LIST", fetch_list,
                   "us_ofac_sdn, us_ofac_cons, un_sc or us_csl (default: all of them)")
      ->check(CLI::IsMember(vigil::sources::FetchableLists()));
  fetch->add_option("--dest", fetch_dest,
                    "folder to put the files in (default: LIST's folder in the data folder: "
                    "$VIGIL_DATA_DIR, else $XDG_DATA_HOME/vigil/lists, else "
                    "~/.local/share/vigil/lists)");
  fetch->add_option("--base-url", fetch_base,
                    "fetch from here instead (a mirror): the file names are appended to it");

  vigil::cli::ServeArgs serve_args;
  auto* serve = app.add_subcommand("serve",
                                   "the screening service: JSON API, yente-compatible "
                                   "API and web page over HTTP");
  vigil::cli::AddServeOptions(serve, &serve_args);

  vigil::cli::WatchArgs watch_args;
  auto* watch = vigil::cli::AddWatchCommand(&app, &watch_args);

  vigil::cli::IpArgs ip_args;
  auto* ip = vigil::cli::AddIpCommand(&app, &ip_args);

  vigil::cli::RedFlagsArgs red_flags_args;
  auto* red_flags = vigil::cli::AddRedFlagsCommand(&app, &red_flags_args);

  // ownership, exposure: links (src/cli/links.cc).
  std::shared_ptr<vigil::cli::LinksArgs> links_args = vigil::cli::AddLinksCommands(&app);

  // parties, alerts, audit: the case store (src/cli/cases.cc).
  std::shared_ptr<vigil::cli::CaseArgs> case_args = vigil::cli::AddCaseCommands(&app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // A config file that cannot be read (missing, a folder) or whose values do not fit
    // (lists = []) fails like a bad list: 1.
    const CLI::Option* config = app.get_config_ptr();
    bool from_config = config != nullptr && config->count() > 0 &&
                       dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr;
    return dynamic_cast<const CLI::FileError*>(&e) != nullptr || from_config ? 1 : rc;
  }
  try {
    if (lists->parsed()) return CmdLists(o);
    if (show->parsed()) return CmdShow(o, id);
    if (screen->parsed()) return CmdScreen(o, sa);
    if (diff->parsed()) return CmdDiff(o, old_path, new_path, details);
    if (fetch->parsed()) return CmdFetch(o, fetch_list, fetch_dest, fetch_base);
    if (ip->parsed()) return vigil::cli::RunIp(ip_args, o.json);
    if (watch->parsed()) {
      return vigil::cli::RunWatch(watch_args, o.lists, o.json, o.accept_truncated,
                                  o.max_entity_drop);
    }
    vigil::cli::CaseContext case_ctx;
    case_ctx.json = o.json;
    case_ctx.strict = o.strict;
    case_ctx.make_screener = [&](std::unique_ptr<vigil::Screener>* out) {
      std::vector<vigil::LoadedList> loaded;
      if (Status s = LoadAll(o, o.lists, &loaded); !s.ok()) return s;
      ReportLists(o, loaded);
      return vigil::Screener::Create(std::move(loaded), out);
    };
    case_ctx.lists_available = [&]() {
      if (!o.lists.empty()) return true;
      std::vector<std::string> paths;
      return DefaultLists(&paths).ok() && !paths.empty() &&
             !(paths.size() == 1 && paths[0] == SampleDir());
    };
    if (red_flags->parsed()) {
      vigil::cli::RedFlagsContext rf_ctx;
      rf_ctx.json = o.json;
      rf_ctx.make_screener = case_ctx.make_screener;
      rf_ctx.lists_available = case_ctx.lists_available;
      return vigil::cli::RunRedFlags(red_flags_args, rf_ctx);
    }
    if (int rc = 0; vigil::cli::RunCaseCommand(*case_args, case_ctx, &rc)) return rc;
    vigil::cli::LinksContext links_ctx;
    links_ctx.json = o.json;
    links_ctx.make_screener = case_ctx.make_screener;
    if (int rc = 0; vigil::cli::RunLinksCommand(*links_args, links_ctx, &rc)) return rc;
    if (serve->parsed())
      return vigil::cli::RunServe(app, serve_args, o.lists, o.strict, argc, argv,
                                  o.accept_truncated, o.max_entity_drop, o.max_list_age);
  } catch (const std::exception& e) {
    std::cerr << "vigil: internal error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
