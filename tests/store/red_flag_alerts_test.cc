// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Red flags over the stored parties (src/store/red_flag_alerts.h): the parties of a laptop
// farm get one alert each, with their flags and cluster; ordinary parties none. On SQLite
// and PostgreSQL.

#include "store/red_flag_alerts.h"

#include <gtest/gtest.h>

#include <set>

#include "redflags_fixture.h"
#include "store/store_fixture.h"

namespace vigil::store {
namespace {

using nlohmann::json;

class RedFlagAlertsTest : public StoreFixture {
 protected:
  RedFlagRunSummary Run() {
    std::vector<model::Party> parties;
    redflags::Report report;
    Status s = EvaluateStoredParties(*store_, *engine_, &parties, &report);
    EXPECT_TRUE(s.ok()) << s.ToString();
    RedFlagRunSummary sum;
    s = OpenRedFlagAlerts(*store_, parties, report, *engine_, {"system"}, &sum);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return sum;
  }
  std::unique_ptr<redflags::Engine> engine_ = testing::TestEngine();
};

TEST_P(RedFlagAlertsTest, OpensOneAlertPerHighPartyWithFlagsAndCluster) {
  Put(testing::ItWorkerParties());
  RedFlagRunSummary sum = Run();
  EXPECT_EQ(sum.parties, 8);
  EXPECT_EQ(sum.high, 4);
  EXPECT_EQ(sum.clusters, 1);
  EXPECT_EQ(sum.alerts.new_alerts, 4);
  EXPECT_EQ(sum.alert_parties, (std::vector<std::string>{"IT-1", "IT-2", "IT-3", "IT-4"}));
  EXPECT_TRUE(sum.rules_version.starts_with("rules-")) << sum.rules_version;

  AlertQuery q;
  q.list = "red-flags";
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts(q, &page).ok());
  ASSERT_EQ(page.total, 4);
  std::set<std::string> alerted;
  for (const Alert& a : page.alerts) alerted.insert(a.party_id);
  EXPECT_EQ(alerted, (std::set<std::string>{"IT-1", "IT-2", "IT-3", "IT-4"}));

  Alert a;
  ASSERT_TRUE(store_->GetAlert(sum.alerts.outcomes[0].second, &a).ok());
  EXPECT_EQ(a.party_id, "IT-1");
  EXPECT_EQ(a.entity_id, "redflags:it-worker");
  EXPECT_EQ(a.band, "high");
  EXPECT_EQ(a.explanation["kind"], "red_flags");
  EXPECT_EQ(a.explanation["risk"], "high");
  std::set<std::string> rules;
  for (const json& f : a.explanation["flags"]) {
    rules.insert(f["rule"].get<std::string>());
    EXPECT_FALSE(f["evidence"].get<std::string>().empty());
    EXPECT_FALSE(f["source"].get<std::string>().empty());
    EXPECT_FALSE(f["quote"].get<std::string>().empty());
  }
  EXPECT_TRUE(rules.count("login-dprk-or-sanctioned-ip")) << a.explanation.dump();
  EXPECT_TRUE(rules.count("shared-phone")) << a.explanation.dump();
  const json& cluster = a.explanation["cluster"];
  EXPECT_EQ(cluster["parties"], (json{"IT-1", "IT-2", "IT-3", "IT-4"}));
  EXPECT_FALSE(cluster["links"].empty());
  // The signature names what the flags are about, not who else shares it.
  EXPECT_EQ(a.entity_record["id"], "redflags:it-worker");
  for (const json& line : a.entity_record["flags"]) {
    EXPECT_EQ(line.get<std::string>().find("IT-2"), std::string::npos) << line;
  }

  // Again, unchanged: the same four alerts, nothing new.
  RedFlagRunSummary again = Run();
  EXPECT_EQ(again.alerts.new_alerts, 0);
  EXPECT_EQ(again.alerts.existing, 4);
  ASSERT_TRUE(store_->ListAlerts(q, &page).ok());
  EXPECT_EQ(page.total, 4);

  // One run, one audit record with the counts.
  int runs = 0;
  json last;
  ASSERT_TRUE(store_
                  ->ExportAudit("", "",
                                [&](const AuditRecord& r) {
                                  if (r.action != "redflags.run") return;
                                  ++runs;
                                  last = r.detail;
                                })
                  .ok());
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(last["parties"], 8);
  EXPECT_EQ(last["risk"]["high"], 4);
  EXPECT_EQ(last["clusters"], 1);
  EXPECT_EQ(last["alerts"]["existing"], 4);
  EXPECT_EQ(ToJson(again)["risk"]["high"], 4);
}

TEST_P(RedFlagAlertsTest, AFalsePositiveHoldsUntilTheFlagsNameANewValue) {
  Put(testing::ItWorkerParties());
  RedFlagRunSummary first = Run();
  ASSERT_EQ(first.alerts.outcomes.size(), 4u);
  const int64_t it4 = first.alerts.outcomes[3].second;
  Alert decided;
  ASSERT_TRUE(store_
                  ->Decide(it4, DecisionKind::kFalsePositive, "known agency, checked", 1, {"alice"},
                           &decided)
                  .ok());

  // A fifth profile joins the shared phone: IT-4's flags are about the same values.
  std::vector<model::Party> more = testing::ItWorkerParties();
  json rec = model::ToJson(more[0]);
  rec["id"] = "IT-5";
  rec["name"] = "Mark Fisher";
  model::Party p5;
  std::vector<std::string> warnings;
  ASSERT_TRUE(model::ParseParty(rec, &p5, &warnings).ok());
  Put({p5});
  RedFlagRunSummary second = Run();
  EXPECT_EQ(second.high, 5);
  EXPECT_EQ(second.alerts.new_alerts, 1);  // IT-5
  EXPECT_EQ(second.alerts.suppressed, 1);  // IT-4, decided false positive
  EXPECT_EQ(second.alerts.existing, 3);

  // IT-4 now logs in from a new DPRK address: a new flag value, a re-alert.
  json rec4 = model::ToJson(more[3]);
  rec4["logins"].push_back({{"ip", "175.45.179.99"}, {"time", "2026-03-09T02:00:00Z"}});
  model::Party p4;
  ASSERT_TRUE(model::ParseParty(rec4, &p4, &warnings).ok());
  Put({p4});
  RedFlagRunSummary third = Run();
  EXPECT_EQ(third.alerts.re_alerts, 1);
  AlertQuery q;
  q.party_id = "IT-4";
  q.status = "open";
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts(q, &page).ok());
  ASSERT_EQ(page.total, 1);
  Alert re;
  ASSERT_TRUE(store_->GetAlert(page.alerts[0].id, &re).ok());
  EXPECT_EQ(re.previous_alert_id, it4);
  EXPECT_EQ(re.party_version, 2);
  EXPECT_NE(re.changes["entity"].dump().find("175.45.179.99"), std::string::npos)
      << re.changes.dump();
}

INSTANTIATE_TEST_SUITE_P(Store, RedFlagAlertsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace vigil::store
