// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Attacks Screener::Screen (normalization, the candidate index, scoring, attributes) with
// arbitrary queries against the fixture lists. The input's lines are the name, the type,
// the date of birth, the country, then identifiers; the input's size picks top and
// min_score. The index must find what scoring every name finds (ScreenOptions::exhaustive:
// "same results").

#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  std::vector<std::string> f;
  std::string_view rest = fuzz::AsView(data, size);
  for (;;) {
    size_t p = rest.find('\n');
    f.emplace_back(rest.substr(0, p));
    if (p == std::string_view::npos) break;
    rest.remove_prefix(p + 1);
  }
  Query q;
  q.name = f[0];
  if (f.size() > 1) q.kind = ParseEntityKind(f[1]);
  if (f.size() > 2) q.dob = f[2];
  if (f.size() > 3) q.country = f[3];
  for (size_t i = 4; i < f.size(); ++i) q.identifiers.push_back(f[i]);
  const Screener& screener = fuzz::FixtureScreener();
  ScreenOptions o;
  o.top = 1 + size % 12;  // the index's floor depends on how many matches are wanted
  o.min_score = size % 3 == 0 ? 0.0 : size % 3 == 1 ? kDefaultMinScore : 0.8;
  std::vector<Match> fast = screener.Screen(q, o);
  o.exhaustive = true;
  std::vector<Match> all = screener.Screen(q, o);
  if (fast.size() != all.size()) fuzz::Fail("index and exhaustive scoring differ in count");
  for (size_t i = 0; i < fast.size(); ++i) {
    if (fast[i].entity != all[i].entity || fast[i].score != all[i].score) {
      fuzz::Fail("index and exhaustive scoring differ at rank " + std::to_string(i + 1) + ": " +
                 fast[i].entity->id + " " + std::to_string(fast[i].score) + " vs " +
                 all[i].entity->id + " " + std::to_string(all[i].score));
    }
  }
  return 0;
}
