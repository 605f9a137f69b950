// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/korean.h"

#include <gtest/gtest.h>

#include "text/normalize.h"

namespace vigil::text {
namespace {

std::vector<std::string> Keys(std::string_view name) {
  std::vector<std::string> keys;
  for (const std::string& t : Tokenize(name)) {
    if (!KoreanSyllableKeys(t, &keys)) keys.push_back("?" + t);
  }
  return keys;
}

TEST(KoreanTest, RomanizationsMeet) {
  EXPECT_EQ(Keys("Jong"), Keys("Jeong"));
  EXPECT_EQ(Keys("Jong"), Keys("Chong"));
  EXPECT_EQ(Keys("Chol"), Keys("Cheol"));
  EXPECT_EQ(Keys("Chol"), Keys("Chul"));
  EXPECT_EQ(Keys("Kyong"), Keys("Gyeong"));
  EXPECT_EQ(Keys("Kyong"), Keys("Kyung"));
  EXPECT_EQ(Keys("Ri"), Keys("Lee"));
  EXPECT_EQ(Keys("Ri"), Keys("Yi"));
  EXPECT_EQ(Keys("Ri"), Keys("Rhee"));
  EXPECT_EQ(Keys("Pak"), Keys("Park"));
  EXPECT_EQ(Keys("Pak"), Keys("Bak"));
  EXPECT_EQ(Keys("Choe"), Keys("Choi"));
  EXPECT_EQ(Keys("O"), Keys("Oh"));
  EXPECT_EQ(Keys("Kim"), Keys("Gim"));
  EXPECT_EQ(Keys("Song"), Keys("Seong"));
  EXPECT_EQ(Keys("Song"), Keys("Sung"));
  EXPECT_EQ(Keys("U"), Keys("Woo"));
  EXPECT_EQ(Keys("Un"), Keys("Eun"));
  EXPECT_EQ(Keys("Ryu"), Keys("Yu"));
  EXPECT_EQ(Keys("Ch'ol"), Keys("Chol"));
}

TEST(KoreanTest, JoinedAndHyphenatedGivenNamesSplit) {
  EXPECT_EQ(Keys("Kyongsik"), Keys("Kyong Sik"));
  EXPECT_EQ(Keys("Kyong-sik"), Keys("Gyeong Sik"));
  EXPECT_EQ(Keys("Chongchol"), Keys("Chong Chol"));
  EXPECT_EQ(Keys("Kwangil"), Keys("Kwang Il"));
  EXPECT_EQ(Keys("Jeong-eun Gim"), (std::vector<std::string>{"JONG", "ON", "KIM"}));
}

TEST(KoreanTest, HangulReachesTheSameKeys) {
  EXPECT_EQ(Keys("김정은"), Keys("Kim Jong Un"));
  EXPECT_EQ(Keys("김 정식"), Keys("KIM JONG SIK"));
  EXPECT_EQ(Keys("리성혁"), Keys("RI SONG HYOK"));
  EXPECT_EQ(Keys("박영식"), Keys("PAK, Yong Sik"));
}

TEST(KoreanTest, DistinctSyllablesStayDistinct) {
  EXPECT_NE(Keys("Kim"), Keys("Pak"));
  EXPECT_NE(Keys("Jong"), Keys("Jang"));
  EXPECT_NE(Keys("Chol"), Keys("Chul Su"));
}

TEST(KoreanTest, NonKoreanTokensHaveNoKeys) {
  std::vector<std::string> keys;
  EXPECT_FALSE(KoreanSyllableKeys("company", &keys));
  EXPECT_FALSE(KoreanSyllableKeys("smith", &keys));
  EXPECT_FALSE(KoreanSyllableKeys("x7", &keys));
  EXPECT_TRUE(keys.empty());
}

}  // namespace
}  // namespace vigil::text
