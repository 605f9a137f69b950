// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Real cases the matcher must get right, on small lists built in the test.
#include <gtest/gtest.h>

#include "text/normalize.h"
#include "vigil/screen.h"

namespace vigil {
namespace {

Entity Make(std::string id, EntityKind kind, std::vector<std::string> names,
            std::vector<std::string> programs = {}) {
  Entity e;
  e.id = "test:" + id;
  e.source = "test";
  e.source_id = std::move(id);
  e.kind = kind;
  for (std::string& n : names) e.names.push_back(Name{std::move(n), "", "", NameKind::kPrimary});
  e.programs = std::move(programs);
  return e;
}

class MatchingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LoadedList l;
    l.info.source = "test";
    auto add = [&](Entity e) { l.entities.push_back(std::move(e)); };
    add(Make("kju", EntityKind::kPerson, {"KIM, Jong Un"}, {"DPRK2"}));
    add(Make("kyj", EntityKind::kPerson, {"KIM, Yo Jong"}, {"DPRK2"}));
    add(Make("kjs", EntityKind::kPerson, {"KIM, Kyong-sik"}, {"DPRK3"}));
    add(Make("kcc", EntityKind::kOrganization, {"KOREA COMPUTER COMPANY"}, {"DPRK3"}));
    add(Make("kmd", EntityKind::kOrganization, {"KOREA MINING DEVELOPMENT TRADING CORPORATION"},
             {"DPRK"}));
    add(Make("muh", EntityKind::kPerson, {"AL-ZAHRANI, Muhammad Abdullah"}, {"SDGT"}));
    add(Make("ahm", EntityKind::kPerson, {"AL-ZAHRANI, Ahmad"}, {"SDGT"}));
    add(Make("dan", EntityKind::kPerson, {"DAN, Peter"}, {"SDNTK"}));
    Entity pass = Make("pass", EntityKind::kPerson, {"PAK, Chol Su"}, {"DPRK3"});
    pass.identifiers.push_back(
        Identifier{IdKind::kPassport, "Passport", "745310001", "KP", "", ""});
    pass.birth_dates.push_back(BirthDate{{1975, 3, 15}, {}, false, "15 Mar 1975"});
    pass.countries.push_back(CountryLink{"KP", "Korea, North", CountryRole::kNationality});
    add(std::move(pass));
    std::vector<LoadedList> lists;
    lists.push_back(std::move(l));
    ASSERT_TRUE(Screener::Create(std::move(lists), &screener_).ok());
  }

  std::vector<Match> Screen(Query q) { return screener_->Screen(q, ScreenOptions{}); }
  std::vector<Match> Screen(const std::string& name, EntityKind kind = EntityKind::kUnknown) {
    return Screen(Query{name, kind, "", "", {}});
  }

  std::unique_ptr<Screener> screener_;
};

TEST_F(MatchingTest, HangulFindsKimJongUn) {
  auto m = Screen("김정은", EntityKind::kPerson);
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0].entity->id, "test:kju");
  EXPECT_EQ(m[0].decision, Decision::kMatch);
  EXPECT_GT(m[0].score, m.size() > 1 ? m[1].score + 0.2 : 0.2);
}

TEST_F(MatchingTest, KoreanRomanizationsMeet) {
  for (const char* q : {"Gyeong Sik Kim", "Kim Kyongsik", "GIM Gyeongsik", "Kim Kyung Sik"}) {
    auto m = Screen(q, EntityKind::kPerson);
    ASSERT_FALSE(m.empty()) << q;
    EXPECT_EQ(m[0].entity->id, "test:kjs") << q;
    EXPECT_GE(m[0].score, kMatchThreshold) << q;
  }
  auto m = Screen("Kim Jeong-eun");
  EXPECT_EQ(m[0].entity->id, "test:kju");
}

TEST_F(MatchingTest, KoreanKeysStayAwayFromOtherNames) {
  // "Tan" and "Dan" share a Korean syllable key, but DAN, Peter is not Korea-linked: only
  // the one-letter difference counts, enough for review, never for a match.
  auto m = Screen("Peter Tan", EntityKind::kPerson);
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0].entity->id, "test:dan");
  EXPECT_LT(m[0].score, kMatchThreshold);
}

TEST_F(MatchingTest, LegalFormsScoreAlike) {
  auto a = Screen("Korea Computer Co., Ltd.", EntityKind::kOrganization);
  auto b = Screen("Korea Computer Company Limited", EntityKind::kOrganization);
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(a[0].entity->id, "test:kcc");
  EXPECT_EQ(b[0].entity->id, "test:kcc");
  EXPECT_DOUBLE_EQ(a[0].score, b[0].score);
  EXPECT_GE(a[0].score, kMatchThreshold);
  auto c = Screen("Korea Mining Development Trading Corp", EntityKind::kOrganization);
  EXPECT_EQ(c[0].entity->id, "test:kmd");
  EXPECT_NEAR(c[0].score, 1.0, 1e-9);
}

TEST_F(MatchingTest, ArabicNameVariantsMeet) {
  auto m = Screen("Mohamad Abdallah El Zahrani", EntityKind::kPerson);
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0].entity->id, "test:muh");
  EXPECT_GE(m[0].score, kMatchThreshold);
  EXPECT_EQ(text::Normalize("محمد").empty(), false);
}

TEST_F(MatchingTest, MinScoreAppliesAfterAttributes) {
  Query q{"Pak Chol Soo", EntityKind::kPerson, "1975-03-15", "KP", {}};
  auto all = Screen(q);
  ASSERT_FALSE(all.empty());
  ASSERT_GT(all[0].score, all[0].name_score);
  ScreenOptions between;
  between.min_score = (all[0].score + all[0].name_score) / 2;  // above the name alone
  auto kept = screener_->Screen(q, between);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].entity->id, "test:pass");
}

TEST_F(MatchingTest, IdentifierAloneIsAHit) {
  Query q{"Somebody Unrelated", EntityKind::kPerson, "", "", {"745-310-001"}};
  auto m = Screen(q);
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0].entity->id, "test:pass");
  EXPECT_GE(m[0].score, kMatchThreshold);
  ASSERT_EQ(m[0].evidence.size(), 1u);
  EXPECT_EQ(m[0].evidence[0].attribute, "identifier");
  EXPECT_EQ(m[0].evidence[0].list_value, "745310001");
}

TEST_F(MatchingTest, BirthDateAndCountryMoveTheScore) {
  Query base{"Pak Chol Soo", EntityKind::kPerson, "", "", {}};
  double plain = Screen(base)[0].score;
  Query same = base;
  same.dob = "1975-03-15";
  same.country = "KP";
  Query far = base;
  far.dob = "2001";
  far.country = "FR";
  auto up = Screen(same);
  auto down = Screen(far);
  EXPECT_GT(up[0].score, plain);
  EXPECT_LT(down[0].score, plain * 0.7);
  ASSERT_EQ(down[0].evidence.size(), 2u);
  EXPECT_EQ(down[0].evidence[0].attribute, "birth_date");
  EXPECT_LT(down[0].evidence[0].effect, 0);
  EXPECT_EQ(down[0].evidence[0].note, "born 26 years apart");
  EXPECT_EQ(down[0].evidence[1].attribute, "country");
  EXPECT_LT(down[0].evidence[1].effect, 0);
  EXPECT_DOUBLE_EQ(down[0].name_score, plain);
}

}  // namespace
}  // namespace vigil
