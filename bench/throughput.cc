// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// End-to-end screening benchmark: one command, one run, every figure of docs/performance.md.
//
//   build/vigil_throughput                       # newest snapshot of every list in ../shared/lists
//   build/vigil_throughput --synthetic 10000,100000,1000000 [--check-synthetic 200]
//
// Prints: load + index time; for names-100k.csv and the development queries, queries per
// second on 1 and 2 threads and p50/p99/max latency per query; the speed of
// ../shared/eval/baseline_jw.py on a sample of the same queries, run in the same process
// tree, as a ratio; with --synthetic, the same on synthetic lists of each size; and the
// peak resident memory. --check compares indexed and exhaustive top-10 on the dev queries.
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "shared_lists.h"
#include "synthetic.h"
#include "util/csv.h"
#include "util/file.h"
#include "util/memory.h"
#include "vigil/list.h"
#include "vigil/screen.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

double CurrentRssMb() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

[[noreturn]] void Die(const std::string& message) {
  fmt::print(stderr, "vigil_throughput: {}\n", message);
  std::exit(1);
}

std::vector<vigil::Query> ReadNamesCsv(const std::string& path) {
  std::string text;
  if (vigil::Status s = vigil::util::ReadFile(path, &text); !s.ok()) Die(s.ToString());
  vigil::util::CsvReader csv(text, ',', path);
  vigil::util::CsvRecord rec;
  std::vector<vigil::Query> out;
  std::vector<std::string> header;
  while (csv.Next(&rec)) {
    if (header.empty()) {
      header = rec.fields;
      continue;
    }
    vigil::Query q;
    for (size_t k = 0; k < header.size() && k < rec.fields.size(); ++k) {
      if (header[k] == "name") q.name = rec.fields[k];
      if (header[k] == "type") q.kind = vigil::ParseEntityKind(rec.fields[k]);
      if (header[k] == "country") q.country = rec.fields[k];
      if (header[k] == "dob") q.dob = rec.fields[k];
    }
    out.push_back(std::move(q));
  }
  if (!csv.status().ok()) Die(csv.status().ToString());
  return out;
}

std::vector<vigil::Query> ReadDevJsonl(const std::string& path) {
  std::ifstream in(path);
  if (!in) Die("cannot open " + path);
  std::vector<vigil::Query> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line)["query"];
    vigil::Query q;
    q.name = j.value("name", "");
    q.kind = vigil::ParseEntityKind(j.value("type", ""));
    q.dob = j.value("dob", "");
    q.country = j.value("country", "");
    out.push_back(std::move(q));
  }
  return out;
}

struct RunResult {
  double qps = 0;
  double p50_us = 0, p99_us = 0, max_us = 0;
  size_t with_matches = 0;
};

// Screens every query on `threads` threads (work shared in chunks); latency per query.
RunResult Run(const vigil::Screener& screener, const std::vector<vigil::Query>& queries,
              size_t threads, const vigil::ScreenOptions& options = {}) {
  std::vector<double> latency(queries.size());
  std::atomic<size_t> next{0};
  std::atomic<size_t> with_matches{0};
  auto start = Clock::now();
  auto work = [&] {
    size_t local = 0;
    for (;;) {
      size_t from = next.fetch_add(64);
      if (from >= queries.size()) break;
      size_t to = std::min(queries.size(), from + 64);
      for (size_t i = from; i < to; ++i) {
        auto t0 = Clock::now();
        auto m = screener.Screen(queries[i], options);
        latency[i] = Seconds(Clock::now() - t0) * 1e6;
        local += m.empty() ? 0 : 1;
      }
    }
    with_matches += local;
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  RunResult r;
  if (queries.empty()) return r;
  r.qps = static_cast<double>(queries.size()) / Seconds(Clock::now() - start);
  if (std::getenv("VIGIL_BENCH_SLOWEST") != nullptr) {
    std::vector<size_t> order(queries.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::partial_sort(order.begin(), order.begin() + std::min<size_t>(5, order.size()), order.end(),
                      [&](size_t a, size_t b) { return latency[a] > latency[b]; });
    for (size_t k = 0; k < 5 && k < order.size(); ++k) {
      fmt::print("  slow: {:.0f} us  '{}'\n", latency[order[k]], queries[order[k]].name);
    }
  }
  std::sort(latency.begin(), latency.end());
  auto pct = [&](double p) {
    return latency[std::min(latency.size() - 1, static_cast<size_t>(p * latency.size()))];
  };
  r.p50_us = pct(0.50);
  r.p99_us = pct(0.99);
  r.max_us = latency.back();
  r.with_matches = with_matches;
  return r;
}

vigil::ScreenOptions bench_options;  // top 10, no minimum score, explain as --explain says

void Report(const std::string& what, const vigil::Screener& screener,
            const std::vector<vigil::Query>& queries, const std::vector<size_t>& threads) {
  if (queries.empty()) return;
  // One untimed pass first: the per-thread working memory is sized on first use.
  Run(screener,
      std::vector<vigil::Query>(queries.begin(),
                                queries.begin() + std::min<size_t>(queries.size(), 2000)),
      *std::max_element(threads.begin(), threads.end()), bench_options);
  for (size_t t : threads) {
    RunResult r = Run(screener, queries, t, bench_options);
    fmt::print(
        "{:<34} {} thr  {:>9.0f} q/s  {:>8.0f} q/s/core  p50 {:>6.1f} us  p99 {:>7.1f} us  "
        "max {:>8.1f} us  ({} of {} with matches)\n",
        what, t, r.qps, r.qps / static_cast<double>(t), r.p50_us, r.p99_us, r.max_us,
        r.with_matches, queries.size());
  }
}

// Seconds baseline_jw.py takes for `queries` (one worker), less its own start-up and load
// (measured with an empty query file in the same way).
double BaselineSeconds(const std::string& script, const std::vector<vigil::Query>& queries,
                       const std::string& tmp) {
  auto run = [&](size_t n) {
    std::string in = tmp + "/baseline_in.jsonl", out = tmp + "/baseline_out.jsonl";
    std::ofstream f(in);
    for (size_t i = 0; i < n; ++i) {
      f << nlohmann::json{{"qid", std::to_string(i)}, {"query", {{"name", queries[i].name}}}}.dump()
        << "\n";
    }
    f.close();
    std::string cmd = fmt::format("python3 '{}' --queries '{}' --out '{}' --workers 1 2>/dev/null",
                                  script, in, out);
    auto t0 = Clock::now();
    int rc = std::system(cmd.c_str());
    double s = Seconds(Clock::now() - t0);
    if (rc != 0) Die("baseline failed (needs python3-jellyfish): " + cmd);
    return s;
  };
  double empty = run(0);
  double full = run(queries.size());
  return std::max(1e-9, full - empty);
}

std::unique_ptr<vigil::Screener> Build(std::vector<vigil::LoadedList> lists) {
  std::unique_ptr<vigil::Screener> s;
  if (vigil::Status st = vigil::Screener::Create(std::move(lists), &s); !st.ok()) {
    Die(st.ToString());
  }
  return s;
}

}  // namespace

// Queries whose indexed top-10 differs from the exhaustive one (entity, score or name).
size_t CountDiffering(const vigil::Screener& screener, const std::vector<vigil::Query>& queries) {
  vigil::ScreenOptions exhaustive;
  exhaustive.exhaustive = true;
  size_t differ = 0;
  for (const vigil::Query& q : queries) {
    auto a = screener.Screen(q, {});
    auto b = screener.Screen(q, exhaustive);
    bool same = a.size() == b.size();
    for (size_t k = 0; same && k < a.size(); ++k) {
      same = a[k].entity == b[k].entity && a[k].score == b[k].score &&
             a[k].matched_name == b[k].matched_name;
    }
    if (!same) fmt::print("  differs: '{}'\n", q.name);
    differ += same ? 0 : 1;
  }
  return differ;
}

int main(int argc, char** argv) {
  vigil::util::PreferHeapForLargeAllocations();  // as the vigil program does
  CLI::App app{"Vigil end-to-end screening benchmark"};
  const std::string shared = fs::path(VIGIL_SHARED_LISTS).parent_path().string();
  std::vector<std::string> lists;
  std::string names = shared + "/bench/names-100k.csv", dev = shared + "/eval/dev.jsonl";
  std::string baseline = shared + "/eval/baseline_jw.py";
  std::vector<size_t> threads{1, 2}, synthetic;
  size_t baseline_sample = 300, synthetic_queries = 20000, check_synthetic = 0;
  bool check = false, explain = false;
  app.add_option("--lists", lists, "list folders (default: newest snapshot of each shared list)");
  app.add_option("--queries", names, "CSV of names to screen (id,type,name,country)");
  app.add_option("--dev", dev, "development queries (JSONL)");
  app.add_option("--threads", threads, "thread counts to run")->delimiter(',');
  app.add_option("--baseline-sample", baseline_sample, "queries given to baseline_jw.py (0: skip)");
  app.add_option("--synthetic", synthetic, "synthetic list sizes, e.g. 10000,100000,1000000")
      ->delimiter(',');
  app.add_option("--synthetic-queries", synthetic_queries,
                 "names of names-100k.csv screened against each synthetic list");
  app.add_flag("--explain", explain, "also align tokens for every match (Match::tokens)");
  app.add_flag("--check", check, "compare indexed and exhaustive top-10 on the dev queries");
  app.add_option("--check-synthetic", check_synthetic,
                 "also compare them on this many queries (every k-th) per synthetic list");
  CLI11_PARSE(app, argc, argv);

  bench_options.explain = explain;
  fmt::print("options: top {}, min score {}, explain {}\n", bench_options.top,
             bench_options.min_score, explain ? "on" : "off");
  if (lists.empty()) {
    if (!fs::is_directory(VIGIL_SHARED_LISTS)) Die(std::string(VIGIL_SHARED_LISTS) + " not found");
    lists = vigil::bench::NewestSnapshots(VIGIL_SHARED_LISTS);
  }
  fmt::print("machine: {} hardware threads; lists: {}\n", std::thread::hardware_concurrency(),
             fmt::join(lists, " "));

  // Load (in parallel, as the CLI does) and index.
  auto t0 = Clock::now();
  // The shared CSL snapshot (2023-11) ends inside a quoted field as published: accepted on
  // purpose, as `vigil --accept-truncated` would.
  vigil::LoadOptions accept;
  accept.accept_truncated = true;
  std::vector<std::future<vigil::LoadedList>> jobs;
  for (const std::string& p : lists) {
    jobs.push_back(std::async(std::launch::async, [p, &accept] {
      vigil::LoadedList l;
      if (vigil::Status s = vigil::LoadList(p, accept, &l); !s.ok()) Die(s.ToString());
      return l;
    }));
  }
  std::vector<vigil::LoadedList> loaded;
  for (auto& j : jobs) loaded.push_back(j.get());
  auto t1 = Clock::now();
  const double rss_loaded = CurrentRssMb();
  size_t entities = 0;
  for (const auto& l : loaded) entities += l.entities.size();
  std::vector<vigil::LoadedList> copy;  // name parts for --synthetic (not timed)
  if (!synthetic.empty()) copy = loaded;
  auto t1b = Clock::now();
  auto screener = Build(std::move(loaded));
  auto t2 = Clock::now();
  t2 -= t1b - t1;
  fmt::print(
      "load {:.3f} s + index {:.3f} s = {:.3f} s for {} entities; RSS {:.0f} MB loaded, {:.0f} "
      "MB indexed\n",
      Seconds(t1 - t0), Seconds(t2 - t1), Seconds(t2 - t0), entities, rss_loaded, CurrentRssMb());

  std::vector<vigil::Query> stream = ReadNamesCsv(names);
  std::vector<vigil::Query> dev_queries = ReadDevJsonl(dev);
  Report("names-100k.csv", *screener, stream, threads);
  Report("dev.jsonl", *screener, dev_queries, threads);

  if (check) {
    fmt::print("indexed vs exhaustive top-10 on {} dev queries: {} differ\n", dev_queries.size(),
               CountDiffering(*screener, dev_queries));
  }

  if (baseline_sample > 0 && fs::exists(baseline)) {
    std::vector<vigil::Query> sample;
    for (size_t i = 0; i < baseline_sample && !stream.empty(); ++i) {
      sample.push_back(stream[(i * 7919) % stream.size()]);
    }
    char tmpl[] = "/tmp/vigil_bench_XXXXXX";
    if (mkdtemp(tmpl) == nullptr) Die("mkdtemp failed");
    double base = BaselineSeconds(baseline, sample, tmpl);
    fs::remove_all(tmpl);
    Run(*screener, sample, 1, bench_options);
    RunResult ours = Run(*screener, sample, 1, bench_options);
    double base_qps = static_cast<double>(sample.size()) / base;
    fmt::print(
        "baseline_jw.py on {} of the same names, 1 worker: {:.1f} q/s; vigil 1 thread: {:.0f} "
        "q/s; ratio {:.0f}x\n",
        sample.size(), base_qps, ours.qps, ours.qps / base_qps);
  }

  for (size_t n : synthetic) {
    std::vector<const vigil::LoadedList*> parts;
    for (const auto& l : copy) parts.push_back(&l);
    auto s0 = Clock::now();
    std::vector<vigil::LoadedList> one;
    one.push_back(vigil::bench::SyntheticList(parts, n));
    auto s1 = Clock::now();
    auto syn = Build(std::move(one));
    auto s2 = Clock::now();
    fmt::print("synthetic {} entities: generate {:.2f} s, index {:.2f} s; RSS {:.0f} MB\n", n,
               Seconds(s1 - s0), Seconds(s2 - s1), CurrentRssMb());
    std::vector<vigil::Query> sub(stream.begin(),
                                  stream.begin() + std::min(stream.size(), synthetic_queries));
    Report(fmt::format("{} names vs synthetic {}", sub.size(), n), *syn, sub, threads);
    if (check_synthetic > 0) {
      std::vector<vigil::Query> sample;
      const size_t step = std::max<size_t>(1, sub.size() / check_synthetic);
      for (size_t i = 0; i < sub.size() && sample.size() < check_synthetic; i += step) {
        sample.push_back(sub[i]);
      }
      fmt::print("indexed vs exhaustive top-10 on {} of them: {} differ\n", sample.size(),
                 CountDiffering(*syn, sample));
    }
  }
  fmt::print("peak RSS {:.0f} MB\n", PeakRssMb());
  return 0;
}
