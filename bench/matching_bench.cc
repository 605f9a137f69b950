// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Micro-benchmarks of the screening stages: normalize, analyze, one pair score, one screen.
//   build/vigil_bench                      # bundled sample list
//   build/vigil_bench --benchmark_filter=Screen   # with ../shared/lists when present
#include <benchmark/benchmark.h>

#include <filesystem>

#include "index/name_table.h"
#include "match/name_scorer.h"
#include "model/json.h"
#include "text/analyze.h"
#include "text/normalize.h"
#include "vigil/screen.h"

namespace {

void BM_NormalizeAscii(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(vigil::text::Normalize("KIM, Jong-Un (a.k.a. KJU)"));
}
BENCHMARK(BM_NormalizeAscii);

void BM_NormalizeHangul(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vigil::text::Normalize("김정은"));
}
BENCHMARK(BM_NormalizeHangul);

void BM_NormalizeCyrillic(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vigil::text::Normalize("Александр Иванов"));
}
BENCHMARK(BM_NormalizeCyrillic);

// The same names through ICU every time (NormalizeWhole): what a word not seen before costs.
void BM_NormalizeHangulUncached(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vigil::text::NormalizeWhole("김정은"));
}
BENCHMARK(BM_NormalizeHangulUncached);

void BM_NormalizeCyrillicUncached(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(vigil::text::NormalizeWhole("Александр Иванов"));
  }
}
BENCHMARK(BM_NormalizeCyrillicUncached);

void BM_AnalyzeOrganization(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        vigil::text::Analyze("Yanbian Silverstar Network Technology Co., Ltd.", false));
  }
}
BENCHMARK(BM_AnalyzeOrganization);

vigil::match::PreparedName Prepared(std::initializer_list<const char*> tokens) {
  vigil::match::PreparedName p;
  for (const char* t : tokens) {
    p.tokens.emplace_back(t);
    p.weights.push_back(3.0f);
    p.legal_form.push_back(false);
    p.particle.push_back(false);
    p.original.emplace_back();
    p.joined += t;
    p.total_weight += 3.0f;
  }
  p.joined_rotated = p.joined;
  return p;
}

void BM_ScoreNamePair(benchmark::State& state) {
  auto q = Prepared({"muhammad", "abdullah", "zahrani"});
  auto c = Prepared({"al", "zahrani", "mohamad", "abdallah"});
  for (auto _ : state) benchmark::DoNotOptimize(vigil::match::ScoreName(q, c));
}
BENCHMARK(BM_ScoreNamePair);

std::unique_ptr<vigil::Screener> MakeScreener(const std::vector<std::string>& paths) {
  std::vector<vigil::LoadedList> lists;
  // The shared CSL snapshot (2023-11) ends inside a quoted field as published: accepted on
  // purpose, as `vigil --accept-truncated` would.
  vigil::LoadOptions accept;
  accept.accept_truncated = true;
  for (const std::string& p : paths) {
    vigil::LoadedList l;
    if (!vigil::LoadList(p, accept, &l).ok()) return nullptr;
    lists.push_back(std::move(l));
  }
  std::unique_ptr<vigil::Screener> s;
  if (!vigil::Screener::Create(std::move(lists), &s).ok()) return nullptr;
  return s;
}

void BM_ScreenSample(benchmark::State& state) {
  static auto screener = MakeScreener({VIGIL_SAMPLE_DIR});
  vigil::Query q{"Yanbian Silverstar Network Technology", vigil::EntityKind::kUnknown, "", "", {}};
  for (auto _ : state) benchmark::DoNotOptimize(screener->Screen(q, vigil::ScreenOptions{}));
}
BENCHMARK(BM_ScreenSample);

// The newest snapshot of every shared list, when ../shared/lists is beside the repository.
void BM_ScreenSharedLists(benchmark::State& state) {
  const std::string base = VIGIL_SHARED_LISTS;
  if (!std::filesystem::exists(base)) {
    state.SkipWithError("../shared/lists not found");
    return;
  }
  static auto screener = MakeScreener({base + "/us_ofac_sdn/2024-05", base + "/un_sc/2026-02",
                                       base + "/us_csl/2023-11", base + "/us_bis_dpl/2022-09"});
  vigil::Query q{"Korea Computer Company Limited", vigil::EntityKind::kOrganization, "", "", {}};
  for (auto _ : state) benchmark::DoNotOptimize(screener->Screen(q, vigil::ScreenOptions{}));
}
BENCHMARK(BM_ScreenSharedLists)->Unit(benchmark::kMicrosecond);

// The JSON of ten explained matches (an API answer or a batch output line).
void BM_MatchesJson(benchmark::State& state) {
  static auto screener = MakeScreener({VIGIL_SAMPLE_DIR});
  vigil::Query q{"Kim Jong Un", vigil::EntityKind::kUnknown, "", "", {}};
  vigil::ScreenOptions options;
  options.min_score = 0;
  const std::vector<vigil::Match> matches = screener->Screen(q, options);
  for (auto _ : state) {
    nlohmann::json arr = nlohmann::json::array();
    for (const vigil::Match& m : matches) arr.push_back(vigil::model::ToJson(m, true));
    benchmark::DoNotOptimize(arr.dump());
  }
  state.counters["matches"] = static_cast<double>(matches.size());
}
BENCHMARK(BM_MatchesJson)->Unit(benchmark::kMicrosecond);

// The same text written straight out (model::AppendJson).
void BM_MatchesAppendJson(benchmark::State& state) {
  static auto screener = MakeScreener({VIGIL_SAMPLE_DIR});
  vigil::Query q{"Kim Jong Un", vigil::EntityKind::kUnknown, "", "", {}};
  vigil::ScreenOptions options;
  options.min_score = 0;
  const std::vector<vigil::Match> matches = screener->Screen(q, options);
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (const vigil::Match& m : matches) vigil::model::AppendJson(m, true, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["matches"] = static_cast<double>(matches.size());
}
BENCHMARK(BM_MatchesAppendJson)->Unit(benchmark::kMicrosecond);

}  // namespace
