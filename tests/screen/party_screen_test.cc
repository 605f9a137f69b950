// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include <gtest/gtest.h>

#include <set>

#include "model/party.h"
#include "screen/party.h"
#include "test_util.h"
#include "vigil/screen.h"

namespace vigil::screen {
namespace {

// The bundled sample list (data/sample): 40 DPRK designations.
class PartyScreenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    LoadedList l;
    Status s = LoadList(VIGIL_SAMPLE_DIR, &l);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::vector<LoadedList> lists;
    lists.push_back(std::move(l));
    ASSERT_TRUE(Screener::Create(std::move(lists), &screener_).ok());
  }
  static void TearDownTestSuite() { screener_.reset(); }

  static model::Party Party(const char* json) {
    model::Party p;
    std::vector<std::string> warnings;
    Status s = model::ParsePartyLine(json, &p, &warnings);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return p;
  }

  static ScreenOptions Review() {
    ScreenOptions o;
    o.min_score = kReviewThreshold;
    return o;
  }

  static std::unique_ptr<Screener> screener_;
};

std::unique_ptr<Screener> PartyScreenTest::screener_;

TEST_F(PartyScreenTest, AnAliasHits) {
  model::Party p =
      Party(R"({"id":"P-1","kind":"person","name":"Johanna Lindqvist","aliases":["Kim Jong Un"]})");
  std::vector<PartyHit> hits = ScreenParty(*screener_, p, Review());
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].entity->id, "us_ofac_sdn:20157");
  EXPECT_EQ(hits[0].party_name, "Kim Jong Un");
  EXPECT_EQ(hits[0].decision, Decision::kMatch);
  EXPECT_EQ(hits[0].match.at("party_name"), "Kim Jong Un");
  EXPECT_EQ(hits[0].match.at("id"), "us_ofac_sdn:20157");
  EXPECT_EQ(hits[0].entity_record.at("id"), "us_ofac_sdn:20157");
  for (const PartyHit& h : hits) EXPECT_GE(h.score, kReviewThreshold);
  // Without the alias, nothing.
  p.aliases.clear();
  EXPECT_TRUE(ScreenParty(*screener_, p, Review()).empty());
}

TEST_F(PartyScreenTest, KeepsTheBestScoreOverTheNames) {
  // Two spellings of one listed person: one hit, with the better name's score.
  model::Party p =
      Party(R"({"id":"P-2","kind":"person","name":"Ri Song Chul","aliases":["Ri Song Chol"]})");
  std::vector<PartyHit> hits = ScreenParty(*screener_, p, Review());
  std::set<std::string> ids;
  for (const PartyHit& h : hits) EXPECT_TRUE(ids.insert(h.entity->id).second) << h.entity->id;
  const PartyHit* ri = nullptr;
  for (const PartyHit& h : hits) {
    if (h.entity->id == "us_ofac_sdn:20121") ri = &h;
  }
  ASSERT_NE(ri, nullptr);
  double best = 0;
  std::string best_name;
  for (const char* name : {"Ri Song Chul", "Ri Song Chol"}) {
    for (const Match& m :
         screener_->Screen(Query{name, EntityKind::kPerson, "", "", {}}, Review())) {
      if (m.entity->id == "us_ofac_sdn:20121" && m.score > best) {
        best = m.score;
        best_name = name;
      }
    }
  }
  EXPECT_DOUBLE_EQ(ri->score, best);
  EXPECT_EQ(ri->party_name, best_name);
  EXPECT_EQ(ri->party_name, "Ri Song Chol");  // the exact spelling wins
  // Best first.
  for (size_t i = 1; i < hits.size(); ++i) EXPECT_GE(hits[i - 1].score, hits[i].score);
}

TEST_F(PartyScreenTest, OneHitPerListedPartyAndIdentifiersCount) {
  // Two names of the same listed person, and an e-mail address the list gives for another.
  model::Party p = Party(R"({"id":"P-3","kind":"person","name":"Kim Jong Un",
      "aliases":["KIM Jong-un","Kim Jong Un"],
      "identifiers":[{"type":"email","value":"417136259@qq.com"}]})");
  std::vector<PartyHit> hits = ScreenParty(*screener_, p, Review());
  std::set<std::string> ids;
  for (const PartyHit& h : hits) EXPECT_TRUE(ids.insert(h.entity->id).second) << h.entity->id;
  EXPECT_TRUE(ids.count("us_ofac_sdn:20157"));
  EXPECT_TRUE(ids.count("us_ofac_sdn:28263")) << "the e-mail address of TIAN, Yinyin";
}

TEST_F(PartyScreenTest, DateOfBirthAndCountryWeigh) {
  model::Party far = Party(
      R"({"id":"P-4","kind":"person","name":"Kang Song Nam","dob":"2001-01-01","country":"BR"})");
  model::Party near = Party(
      R"({"id":"P-5","kind":"person","name":"Kang Song Nam","dob":"1962-07-28","nationality":"KP",
          "country":"BR"})");
  ScreenOptions o;
  auto score = [&](const model::Party& p) {
    for (const PartyHit& h : ScreenParty(*screener_, p, o)) {
      if (h.entity->id == "us_ofac_sdn:20130") return h.score;
    }
    return 0.0;
  };
  EXPECT_GT(score(near), score(far));
}

}  // namespace
}  // namespace vigil::screen
