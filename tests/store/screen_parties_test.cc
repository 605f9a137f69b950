// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "store/screen_parties.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace vigil::store
