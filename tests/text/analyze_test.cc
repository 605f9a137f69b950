// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/analyze.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/variants.h"

namespace vigil::text {
namespace {

TEST(AnalyzeTest, BusinessAbbreviationsBecomeTheWordInOrganisations) {
  AnalyzedName a = Analyze("Yanbian Silver Star Network Tech Co", /*person=*/false);
  ASSERT_EQ(a.tokens.size(), 6u);
  EXPECT_EQ(a.tokens[4], "technology");
  EXPECT_EQ(a.original[4], "tech");  // the word as written
  EXPECT_TRUE(a.legal_form[5]);
  AnalyzedName b = Analyze("Orient Intl. Mfg Dept", false);
  EXPECT_EQ(b.tokens,
            (std::vector<std::string>{"orient", "international", "manufacturing", "department"}));
  // Not in persons' names.
  AnalyzedName p = Analyze("Tech Intl", /*person=*/true);
  EXPECT_EQ(p.tokens, (std::vector<std::string>{"tech", "intl"}));
}

TEST(AnalyzeTest, OneWordLegalFormsKeepTheWordAsWritten) {
  AnalyzedName a = Analyze("Aman Holding Company", false);
  ASSERT_EQ(a.tokens.size(), 3u);
  EXPECT_EQ(a.tokens[2], "co");
  EXPECT_TRUE(a.legal_form[2]);
  EXPECT_EQ(a.original[2], "company");  // so that "compagy" is judged against it
  AnalyzedName b = Analyze("Aman Co., Ltd.", false);
  ASSERT_EQ(b.tokens.size(), 2u);
  EXPECT_EQ(b.tokens[1], "coltd");
  EXPECT_EQ(b.original[1], "");  // several words: nothing to judge a typo against
}

TEST(AnalyzeTest, SyllabicScriptsAreMarked) {
  EXPECT_TRUE(Analyze("宋静", true).syllabic);
  EXPECT_TRUE(Analyze("김정은", true).syllabic);
  EXPECT_TRUE(Analyze("根岸 ハナ", true).syllabic);
  EXPECT_TRUE(IsSyllabicScript("𠀀"));  // CJK extension B (four bytes)
  EXPECT_FALSE(Analyze("Song Jing", true).syllabic);
  EXPECT_FALSE(Analyze("Белякова Виктория", true).syllabic);
  EXPECT_FALSE(Analyze("محمد", true).syllabic);
  EXPECT_FALSE(IsSyllabicScript("\xE4"));  // a cut sequence is no letter
}

TEST(AnalyzeTest, PatronymicsByTheirEndings) {
  EXPECT_TRUE(IsPatronymic("anatolijevitch"));
  EXPECT_TRUE(IsPatronymic("nikolaevna"));
  EXPECT_TRUE(IsPatronymic("aleksandrovich"));
  EXPECT_FALSE(IsPatronymic("andreyeva"));  // a family name
  EXPECT_FALSE(IsPatronymic("ivanov"));
  EXPECT_FALSE(IsPatronymic("ovich"));  // the ending alone is no name
}

TEST(AnalyzeTest, GivenNameVariantsMeet) {
  EXPECT_EQ(Analyze("Victor Bout", true).tokens, Analyze("Viktor Bout", true).tokens);
  EXPECT_EQ(Analyze("Kostiantyn", true).tokens, Analyze("Konstantin", true).tokens);
}

}  // namespace
}  // namespace vigil::text
