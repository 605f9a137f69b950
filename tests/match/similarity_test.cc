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

TEST(TokenSimilarityTest, AnotherFirstLetterIsAnotherName) {
  // Within the typo budget, but different names.
  EXPECT_EQ(TokenSimilarity("ting", "jing"), 0.0);
  EXPECT_EQ(TokenSimilarity("wang", "kang"), 0.0);
  EXPECT_EQ(TokenSimilarity("dung", "aung"), 0.0);
  EXPECT_EQ(TokenSimilarity("kovalenko", "brovarenko"), 0.0);
  // The same changes after the first letter are typos.
  EXPECT_GT(TokenSimilarity("tinh", "ting"), 0.8);
  EXPECT_GT(TokenSimilarity("kovalenko", "kovalenco"), 0.9);
  // A long token whose first letter is its one edit still pairs.
  EXPECT_GT(TokenSimilarity("frenzel", "trenzel"), 0.8);
  EXPECT_EQ(TokenSimilarity("frenzel", "trenzal"), 0.0);
}

PreparedName Joined(std::vector<std::string> tokens, bool syllabic = false) {
  PreparedName q;
  q.tokens = std::move(tokens);
  for (const std::string& t : q.tokens) q.joined += t;
  q.syllabic = syllabic;
  return q;
}

TEST(JoinedScoreTest, SameTokenCountIsATypoInAShortTokenOnly) {
  // "jim" has no typo budget of its own: the joined form lets it reach review.
  EXPECT_GT(JoinedScore(Joined({"jim", "kyong", "il"}), "kimkyongil", "kyongilkim", 3), 0.72);
  // "wang" has one, and another first letter is another name.
  EXPECT_EQ(JoinedScore(Joined({"wang", "min"}), "kangmin", "minkang", 2), 0.0);
  // Re-segmented letters still meet.
  EXPECT_GT(JoinedScore(Joined({"kyong", "sik"}), "kyongsik", "kyongsik", 1), 0.9);
}

TEST(JoinedScoreTest, SyllabicQueryOnlyRegroups) {
  // Written in Han or Hangul: no typos, so "xu xin" is never "XU Bin"; regrouped syllables
  // still meet.
  EXPECT_GT(JoinedScore(Joined({"xu", "bin"}), "xubin", "binxu", 2), 0.0);
  EXPECT_EQ(JoinedScore(Joined({"xu", "xin"}, true), "xubin", "binxu", 2), 0.0);
  EXPECT_GT(JoinedScore(Joined({"xu", "xin"}, true), "xuxin", "xuxin", 1), 0.9);
}

TEST(TokenSimilarityTest, SyllabicQueryPairsOnlyEqualTokens) {
  EXPECT_GT(TokenSimilarity("jiang", "jian"), 0.8);
  EXPECT_EQ(TokenSimilarity("jiang", "jian", /*exact=*/true), 0.0);
  EXPECT_EQ(TokenSimilarity("jiang", "jiang", /*exact=*/true), 1.0);
}

TEST(CombinePairsTest, OneNearWordCarryingTheNameWeighsLess) {
  // "Haley LLC" / "HANLEY LIMITED": one near content word; the legal forms agree at 0.5.
  const float qw[] = {8.0f, 0.3f}, lw[] = {8.0f, 0.3f};
  const double near = 0.95;
  TokenPair pairs[] = {{near, 0, 0}, {kLegalFormAgreement, 1, 1}};
  const double plain = (near * 16.0 + 0.5 * 0.6) / 16.6;
  EXPECT_NEAR(CombinePairs(pairs, 2, qw, 8.3f, lw, 8.3f, /*content=*/1, /*short_words=*/1, false),
              plain * kSingleNearWordFactor, 1e-6);
  // Two near words (typos in both) or an equal word weighing more are not discounted.
  const float qw2[] = {8.0f, 6.0f}, lw2[] = {8.0f, 6.0f};
  TokenPair two[] = {{near, 0, 0}, {near, 1, 1}};
  EXPECT_NEAR(CombinePairs(two, 2, qw2, 14.0f, lw2, 14.0f, 3, 3, false), near, 1e-6);
  // A long near word ("nazarikolehjoib") is a typo, not another name.
  TokenPair long_near[] = {{near, 0, 0}, {kLegalFormAgreement, 1, 1}};
  EXPECT_NEAR(CombinePairs(long_near, 2, qw, 8.3f, lw, 8.3f, 1, /*short_words=*/0, false), plain,
              1e-6);
  TokenPair heavy_equal[] = {{near, 1, 1}, {1.0, 0, 0}};
  EXPECT_NEAR(CombinePairs(heavy_equal, 2, qw2, 14.0f, lw2, 14.0f, 3, 3, false),
              (16.0 + near * 12.0) / 28.0, 1e-6);
}

TEST(CombinePairsTest, SyllabicQueryScoresItsShareOfPairedSyllables) {
  // "tian yi xuan" / "Tian Yi": two of three syllables.
  const float qw[] = {5.0f, 2.0f, 4.0f}, lw[] = {5.0f, 2.0f};
  TokenPair pairs[] = {{1.0, 0, 0}, {1.0, 1, 1}};
  const double plain = 14.0 / 18.0;
  EXPECT_NEAR(CombinePairs(pairs, 2, qw, 11.0f, lw, 7.0f, 7, 7, false), plain, 1e-6);
  TokenPair again[] = {{1.0, 0, 0}, {1.0, 1, 1}};
  EXPECT_NEAR(CombinePairs(again, 2, qw, 11.0f, lw, 7.0f, 7, 7, true), plain * 2 / 3, 1e-6);
}

}  // namespace
}  // namespace vigil::match
