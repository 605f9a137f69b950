// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include <gtest/gtest.h>

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
