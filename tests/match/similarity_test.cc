// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "match/jaro_winkler.h"
#include "match/levenshtein.h"
#include "match/name_scorer.h"

namespace vigil::match {
namespace {

TEST(JaroWinklerTest, KnownValues) {
  EXPECT_DOUBLE_EQ(JaroWinkler("martha", "martha"), 1.0);
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.9611, 1e-4);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.84, 1e-4);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.8133, 1e-4);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", "abc"), 0.0);
  std::string long_a(100, 'a'), long_b(100, 'a');
  long_b[50] = 'b';
  EXPECT_GT(JaroWinkler(long_a, long_b), 0.98);
}

TEST(LevenshteinTest, BoundedDistance) {
  EXPECT_EQ(BoundedLevenshtein("kitten", "sitting", 5), 3u);
  EXPECT_EQ(BoundedLevenshtein("kitten", "sitting", 2), 3u);  // max + 1 once over
  EXPECT_EQ(BoundedLevenshtein("frenzel", "frensel", 2), 1u);
  EXPECT_EQ(BoundedLevenshtein("", "abc", 5), 3u);
  EXPECT_EQ(BoundedLevenshtein("abc", "abc", 0), 0u);
  EXPECT_EQ(BoundedLevenshtein("bakery", "bank", 2), 3u);
  std::string a(80, 'x'), b(80, 'x');
  b[3] = 'y';
  b[70] = 'z';
  EXPECT_EQ(BoundedLevenshtein(a, b, 3), 2u);
}

// Optimal string alignment distance over the full matrix: the reference for the banded one.
size_t FullOsa(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

TEST(LevenshteinTest, BandedEqualsFullMatrixOnRandomStrings) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<size_t> length(0, 70), letter(0, 2), edits(0, 4), max_d(0, 4);
  std::uniform_int_distribution<int> op(0, 3);
  for (int n = 0; n < 20000; ++n) {
    std::string a;
    for (size_t k = length(rng); k > 0; --k) a += static_cast<char>('a' + letter(rng));
    std::string b = a;  // a few edits of a, so distances near the bound are common
    for (size_t e = edits(rng); e > 0; --e) {
      const size_t at = b.empty() ? 0 : std::uniform_int_distribution<size_t>(0, b.size() - 1)(rng);
      switch (op(rng)) {
        case 0:
          b.insert(at, 1, static_cast<char>('a' + letter(rng)));
          break;
        case 1:
          if (!b.empty()) b.erase(at, 1);
          break;
        case 2:
          if (!b.empty()) b[at] = static_cast<char>('a' + letter(rng));
          break;
        default:
          if (at + 1 < b.size()) std::swap(b[at], b[at + 1]);
      }
    }
    const size_t max = max_d(rng);
    const size_t full = FullOsa(a, b);
    const size_t lo = std::min(a.size(), b.size()), hi = std::max(a.size(), b.size());
    // The banded distance: exact up to `max`, else max + 1 (or the length when one is empty).
    const size_t want = full <= max ? full : (lo == 0 && hi <= max ? hi : max + 1);
    ASSERT_EQ(BoundedLevenshtein(a, b, max), want) << a << " / " << b << " max " << max;
  }
}

TEST(TokenSimilarityTest, TypoToleranceGrowsWithLength) {
  EXPECT_EQ(TokenSimilarity("kim", "kim"), 1.0);
  EXPECT_EQ(TokenSimilarity("kim", "kin"), 0.0);  // too short for a typo
  EXPECT_GT(TokenSimilarity("frensel", "frenzel"), 0.9);
  EXPECT_EQ(TokenSimilarity("bakery", "bank"), 0.0);
  EXPECT_GT(TokenSimilarity("computr", "computer"), 0.9);
  EXPECT_EQ(TokenSimilarity("alpha", "omega"), 0.0);
}

}  // namespace
}  // namespace vigil::match
