// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "store/screen_parties.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "model/list_status.h"
#include "test_util.h"

namespace vigil::store {
namespace {

class ScreenPartiesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LoadedList l;
    ASSERT_TRUE(LoadList(VIGIL_SAMPLE_DIR, &l).ok());
    std::vector<LoadedList> lists;
    lists.push_back(std::move(l));
    ASSERT_TRUE(Screener::Create(std::move(lists), &screener_).ok());
    std::string db = (testing::ScratchDir("db") / "t.db").string();
    Status s = Store::Open(db, {}, &store_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // `n` parties; every 500th is named after a listed person.
  void Import(int n) {
    std::vector<model::Party> parties;
    for (int i = 0; i < n; ++i) {
      std::string name = i % 500 == 0 ? "Kim Jong Un" : fmt::format("Ordinary Person {}", i);
      model::Party p;
      std::vector<std::string> w;
      ASSERT_TRUE(
          model::ParsePartyLine(
              fmt::format(R"({{"id":"P-{:05d}","kind":"person","name":"{}"}})", i, name), &p, &w)
              .ok());
      parties.push_back(std::move(p));
    }
    ImportSummary sum;
    ASSERT_TRUE(store_->PutParties(parties, {"test"}, &sum).ok());
    ASSERT_EQ(sum.added, n);
  }

  std::unique_ptr<Screener> screener_;
  std::unique_ptr<Store> store_;
};

TEST_F(ScreenPartiesTest, ScreensEveryPartyInBatchesOnSeveralThreads) {
  Import(2300);
  ScreenRunOptions o;
  o.threads = 3;
  o.batch = 1000;
  o.screen.min_score = kReviewThreshold;
  std::vector<std::pair<int64_t, int64_t>> progress;
  o.progress = [&](int64_t done, int64_t total) { progress.emplace_back(done, total); };
  ScreenRunSummary sum;
  Status s = ScreenAllParties(*store_, *screener_, o, {"test"}, &sum);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(sum.parties, 2300);
  EXPECT_EQ(sum.new_alerts, 5);  // P-00000, P-00500, ... P-02000
  EXPECT_EQ(sum.clean, 2295);
  EXPECT_EQ(sum.lists_version, model::ListsVersion(screener_->lists()));
  ASSERT_EQ(progress.size(), 3u);
  EXPECT_EQ(progress.back(), std::make_pair(int64_t{2300}, int64_t{2300}));
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts(AlertQuery{}, &page).ok());
  EXPECT_EQ(page.total, 5);
  for (const Alert& a : page.alerts) {
    EXPECT_EQ(a.entity_id, "us_ofac_sdn:20157");
    EXPECT_EQ(a.band, "match");
    Alert full;
    ASSERT_TRUE(store_->GetAlert(a.id, &full).ok());
    EXPECT_EQ(full.explanation.value("party_name", ""), "Kim Jong Un");
    EXPECT_EQ(full.entity_record.value("id", ""), "us_ofac_sdn:20157");
  }

  // Again: nothing new, the open alerts are not duplicated.
  ScreenRunSummary again;
  o.progress = nullptr;
  ASSERT_TRUE(ScreenAllParties(*store_, *screener_, o, {"test"}, &again).ok());
  EXPECT_EQ(again.new_alerts, 0);
  EXPECT_EQ(again.existing, 5);
}

TEST_F(ScreenPartiesTest, ScreensOneParty) {
  Import(3);
  ScreenOptions o;
  o.min_score = kReviewThreshold;
  Screening sc;
  ScreenRunSummary sum;
  ASSERT_TRUE(ScreenOneParty(*store_, *screener_, "P-00000", o, {"test"}, &sc, &sum).ok());
  EXPECT_EQ(sc.party_id, "P-00000");
  EXPECT_EQ(sc.party_version, 1);
  ASSERT_EQ(sc.hits.size(), 1u);
  EXPECT_EQ(sc.hits[0].at("outcome"), "new_alert");
  EXPECT_EQ(sum.new_alerts, 1);
  ASSERT_FALSE(sc.lists.empty());
  EXPECT_EQ(sc.lists[0].source, "us_ofac_sdn");
  EXPECT_EQ(sc.lists[0].sha256.size(), 64u);
  ASSERT_TRUE(ScreenOneParty(*store_, *screener_, "P-00001", o, {"test"}, &sc, &sum).ok());
  EXPECT_TRUE(sc.hits.empty());
  EXPECT_EQ(sum.clean, 1);
  EXPECT_EQ(ScreenOneParty(*store_, *screener_, "nobody", o, {"test"}, &sc, &sum).code(),
            Status::Code::kNotFound);
}

model::Party Named(const std::string& id, const std::string& name) {
  model::Party p;
  std::vector<std::string> w;
  EXPECT_TRUE(model::ParsePartyLine(
                  fmt::format(R"({{"id":"{}","kind":"person","name":"{}"}})", id, name), &p, &w)
                  .ok());
  return p;
}

// Pairs under the review threshold but within kNearMissMargin of it are near misses: not
// hits, kept as the party's pairs.
TEST_F(ScreenPartiesTest, KeepsNearMissesApartFromHits) {
  model::Party p = Named("N-1", "Kin Jon Un");  // close to KIM, Jong Un, under review
  p.stored_version = 1;
  ScreenOptions o;
  o.min_score = kReviewThreshold;
  ScreeningInput in = MakeScreeningInput(*screener_, p, o, {}, "v");
  EXPECT_TRUE(in.hits.empty());
  ASSERT_FALSE(in.near.empty());
  for (const auto& [entity, score] : in.near) {
    EXPECT_GE(score, o.review_threshold - kNearMissMargin) << entity;
    EXPECT_LT(score, o.review_threshold) << entity;
  }
  EXPECT_EQ(in.near[0].first, "us_ofac_sdn:20157");

  // A hit is never a near miss too.
  model::Party kim = Named("N-2", "Kim Jong Un");
  kim.stored_version = 1;
  ScreeningInput hit = MakeScreeningInput(*screener_, kim, o, {}, "v");
  ASSERT_FALSE(hit.hits.empty());
  for (const auto& [entity, score] : hit.near) EXPECT_NE(entity, hit.hits[0].entity_id);
}

TEST_F(ScreenPartiesTest, ScreensTheGivenPartiesNamingTheRun) {
  Import(1200);
  ImportSummary sum;
  ASSERT_TRUE(store_->PutParties({Named("N-1", "Kin Jon Un")}, {"test"}, &sum).ok());
  ScreenRunOptions o;
  o.threads = 2;
  o.batch = 2;
  o.screen.min_score = kReviewThreshold;
  o.rescreen_run = 42;
  ScreenRunSummary run;
  Status s = ScreenParties(*store_, *screener_, {"P-01000", "N-1", "nobody", "P-00001", "P-00500"},
                           o, {"test"}, &run);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(run.parties, 4);  // "nobody" skipped
  EXPECT_EQ(run.new_alerts, 2);
  ASSERT_EQ(run.new_alert_ids.size(), 2u);
  for (int64_t id : run.new_alert_ids) {
    Alert a;
    ASSERT_TRUE(store_->GetAlert(id, &a).ok());
    EXPECT_EQ(a.rescreen_run, 42);
    EXPECT_TRUE(a.party_id == "P-00500" || a.party_id == "P-01000") << a.party_id;
  }
  // The near miss is kept as a pair; the screened parties are no longer to re-screen.
  std::vector<std::string> ids;
  ASSERT_TRUE(store_->PartiesWithPairs({"us_ofac_sdn:20157"}, 0.0, &ids).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"N-1", "P-00500", "P-01000"}));
  ASSERT_TRUE(store_->PartiesToRescreen(&ids).ok());
  EXPECT_EQ(ids.size(), 1201u - 4u);
  EXPECT_TRUE(std::find(ids.begin(), ids.end(), "N-1") == ids.end());
}

}  // namespace
}  // namespace vigil::store
