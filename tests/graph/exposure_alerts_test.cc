// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Exposure alerts re-evaluated when the graph changes (graph/exposure_alerts.h): an
// ownership import that ties a party to a listed entity opens an alert; a list update that
// removes the entity closes it with an audited system decision; a decided false positive
// stays decided while its path is the same. On a SQLite store in a scratch folder and two
// or three hand-written versions of an OFAC list.
#include "graph/exposure_alerts.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "model/party.h"
#include "store/rescreen.h"
#include "store/store.h"
#include "test_util.h"
#include "vigil/screen.h"

namespace vigil::graph {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kMining[] = "us_ofac_sdn:2000";

using testing::OfacRow;
using testing::WriteOfacVersion;

std::string Person() { return OfacRow(1000, "PETROV, Ivan Sergeyevich", true, "SDGT"); }
std::string Mining(const std::string& programs = "DPRK") {
  return OfacRow(2000, "KOREA MINING DEVELOPMENT TRADING CORPORATION", false, programs);
}

model::Party MakeParty(const std::string& id, const std::string& name) {
  model::Party p;
  std::vector<std::string> w;
  Status s = model::ParsePartyLine(
      json{{"id", id}, {"kind", "organization"}, {"name", name}}.dump(), &p, &w);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return p;
}

store::OwnershipEnd End(const std::string& node) {
  store::OwnershipEnd e;
  e.given = node;
  e.node = node;
  e.how = node.rfind("party:", 0) == 0  ? "party"
          : node.rfind("name:", 0) == 0 ? "unresolved"
                                        : "entity";
  if (e.how == "unresolved") e.given = node.substr(5);
  return e;
}

store::OwnershipEdgeRecord Own(const std::string& owner, const std::string& owned, double pct,
                               int64_t line) {
  store::OwnershipEdgeRecord r;
  r.owner = End(owner);
  r.owned = End(owned);
  r.percentage = fmt::format("{:g}", pct);
  r.low = r.high = pct;
  r.kind = "ownership";
  r.source = "registry";
  r.file = "owners.csv";
  r.line = line;
  return r;
}

class ExposureAlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("exposure_alerts_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ASSERT_TRUE(store::Store::Open((dir_ / "vigil.db").string(), {}, &db_).ok());
    store::ImportSummary sum;
    ASSERT_TRUE(db_->PutParties({MakeParty("P-ACME", "Acme Trading Ltd"),
                                 MakeParty("P-BAKERY", "Sunrise Bakery GmbH")},
                                {"alice"}, &sum)
                    .ok());
  }

  // Loads a list version and brings the store to it, then re-evaluates exposure as
  // `vigil rescreen` does.
  void Rescreen(const std::string& name, const std::string& rows, ExposureRunSummary* ex,
                const ExposureAlertOptions& o = {}) {
    LoadedList l;
    ASSERT_TRUE(LoadList(WriteOfacVersion(dir_ / name, rows), &l).ok());
    std::vector<LoadedList> lists;
    lists.push_back(std::move(l));
    ASSERT_TRUE(Screener::Create(std::move(lists), &screener_).ok());
    store::RescreenSummary rs;
    Status s = store::Rescreen(*db_, *screener_, {}, {"system"}, &rs);
    ASSERT_TRUE(s.ok()) << s.ToString();
    s = ReevaluateExposure(*db_, screener_->lists(), rs.changed_entity_ids, rs.kind == "full", o,
                           {"system"}, fmt::format("rescreen run {}", rs.run_id), ex);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Stores ownership edges and re-evaluates around their ends, as `vigil ownership import`.
  void Import(const std::vector<store::OwnershipEdgeRecord>& edges, ExposureRunSummary* ex,
              const ExposureAlertOptions& o = {}) {
    store::OwnershipImportSummary sum;
    ASSERT_TRUE(db_->PutOwnershipEdges(edges, {"alice"}, &sum).ok());
    std::vector<std::string> ends;
    for (const auto& e : edges) {
      ends.push_back(e.owner.node);
      ends.push_back(e.owned.node);
    }
    Status s = ReevaluateExposure(*db_, screener_->lists(), ends, false, o, {"alice"},
                                  "ownership import owners.csv", ex);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::vector<store::Alert> ExposureAlerts(const std::string& state = "all") {
    store::AlertQuery q;
    q.status = state;
    q.list = "links";
    q.limit = 500;
    store::AlertPage page;
    EXPECT_TRUE(db_->ListAlerts(q, &page).ok());
    std::vector<store::Alert> out;
    for (const store::Alert& a : page.alerts) {  // with explanation and history
      out.emplace_back();
      EXPECT_TRUE(db_->GetAlert(a.id, &out.back()).ok());
    }
    return out;
  }

  std::vector<store::AuditRecord> Audit() {
    std::vector<store::AuditRecord> out;
    EXPECT_TRUE(
        db_->ExportAudit("", "", [&](const store::AuditRecord& r) { out.push_back(r); }).ok());
    return out;
  }

  fs::path dir_;
  std::unique_ptr<store::Store> db_;
  std::unique_ptr<Screener> screener_;
};

TEST_F(ExposureAlertsTest, ImportOpensAndDelistingCloses) {
  ExposureRunSummary ex;
  Rescreen("v1", Person() + Mining(), &ex);
  // The first run is a full one: every party evaluated, nothing to alert.
  EXPECT_EQ(ex.parties_evaluated, 2);
  EXPECT_EQ(ex.alerts, 0);

  // Acme is owned 60% by an outside company: no listed entity within reach.
  Import({Own("name:Outside Holdings SA", "party:P-ACME", 60, 2)}, &ex);
  EXPECT_EQ(ex.path, "evaluated");
  EXPECT_EQ(ex.parties_evaluated, 1);  // Acme only: the bakery is nowhere near
  EXPECT_EQ(ex.alerts, 0);
  EXPECT_TRUE(ExposureAlerts().empty());

  // ... which a second file says is owned 100% by the listed mining company: Acme is
  // blocked under the 50% rule, an alert opens with the path.
  Import({Own(kMining, "name:Outside Holdings SA", 100, 2)}, &ex);
  EXPECT_EQ(ex.parties_evaluated, 1);
  EXPECT_EQ(ex.new_alerts, 1);
  std::vector<store::Alert> alerts = ExposureAlerts("open");
  ASSERT_EQ(alerts.size(), 1u);
  const store::Alert opened = alerts[0];
  EXPECT_EQ(opened.party_id, "P-ACME");
  EXPECT_EQ(opened.entity_id, std::string("exposure:") + kMining);
  EXPECT_EQ(opened.explanation.value("status", ""), "blocked");
  EXPECT_NE(opened.explanation.dump().find("Outside Holdings SA"), std::string::npos)
      << opened.explanation.dump();
  EXPECT_EQ(Audit().back().action, "exposure.run");
  EXPECT_EQ(Audit().back().detail.value("trigger", ""), "ownership import owners.csv");

  // A list update that changes nothing near any party: no party is even loaded.
  Rescreen("v1b",
           OfacRow(1000, "PETROV, Ivan Sergeyevich", true, "SDGT] [UKRAINE-EO13660") + Mining(),
           &ex);
  EXPECT_EQ(ex.path, "no party near the change");
  EXPECT_EQ(ex.parties_evaluated, 0);
  EXPECT_EQ(ExposureAlerts("open").size(), 1u);

  // The mining company is delisted: the rescreen re-evaluates Acme and closes the alert
  // with a system decision, audited; the alert stays.
  Rescreen("v2", Person(), &ex);
  EXPECT_EQ(ex.parties_evaluated, 1);
  EXPECT_EQ(ex.closed, 1);
  EXPECT_TRUE(ExposureAlerts("open").empty());
  store::Alert closed;
  ASSERT_TRUE(db_->GetAlert(opened.id, &closed).ok());
  EXPECT_EQ(closed.state, store::AlertState::kClosed);
  ASSERT_FALSE(closed.history.empty());
  EXPECT_EQ(closed.history.back().decision, store::DecisionKind::kClose);
  EXPECT_EQ(closed.history.back().by, "system");
  EXPECT_EQ(closed.history.back().reason.rfind("exposure no longer holds: ", 0), 0u)
      << closed.history.back().reason;
  bool decided = false;
  for (const store::AuditRecord& r : Audit()) {
    if (r.action == "alert.decide" && r.object == "alert:" + std::to_string(opened.id)) {
      decided = r.detail.value("decision", "") == "close";
    }
  }
  EXPECT_TRUE(decided);
  const store::AuditRecord last = Audit().back();
  EXPECT_EQ(last.action, "exposure.run");
  EXPECT_EQ(last.detail.value("closed", 0), 1);
  EXPECT_EQ(last.detail.value("trigger", "").rfind("rescreen run ", 0), 0u);
}

TEST_F(ExposureAlertsTest, FalsePositiveStaysDecidedUntilThePathChanges) {
  ExposureAlertOptions o;
  o.alert_level = 0.3;
  ExposureRunSummary ex;
  Rescreen("v1", Person() + Mining(), &ex, o);
  // Acme is owned 40% by a company the mining company owns outright: not blocked, but a
  // path of score 0.4 x 1.0 x 0.8 = 0.32.
  Import({Own("name:Outside Holdings SA", "party:P-ACME", 40, 2),
          Own(kMining, "name:Outside Holdings SA", 100, 3)},
         &ex, o);
  EXPECT_EQ(ex.new_alerts, 1);
  std::vector<store::Alert> alerts = ExposureAlerts("open");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].explanation.value("status", ""), "not_blocked");
  ASSERT_TRUE(db_->Decide(alerts[0].id, store::DecisionKind::kFalsePositive,
                          "minority stake, sold in 2024", std::nullopt, {"bob"}, nullptr)
                  .ok());

  // The mining company's record changes (a program added): Acme is re-evaluated (it holds
  // an alert on it), its path is the same: no new alert.
  Rescreen("v1b", Person() + Mining("DPRK] [DPRK3"), &ex, o);
  EXPECT_EQ(ex.parties_evaluated, 1);
  EXPECT_EQ(ex.suppressed, 1);
  EXPECT_EQ(ex.new_alerts, 0);
  EXPECT_TRUE(ExposureAlerts("open").empty());

  // Another company of the mining company's buys 20%: 60% is held by blocked persons,
  // Acme is blocked, the path changed: the pair re-alerts.
  Import({Own(kMining, "name:Second Holdings Ltd", 100, 2),
          Own("name:Second Holdings Ltd", "party:P-ACME", 20, 3)},
         &ex, o);
  EXPECT_EQ(ex.re_alerts, 1);
  alerts = ExposureAlerts("open");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].explanation.value("status", ""), "blocked");
  EXPECT_EQ(alerts[0].previous_alert_id != 0, true);
}

TEST_F(ExposureAlertsTest, NothingChangedReadsNothing) {
  ExposureRunSummary ex;
  Rescreen("v1", Person() + Mining(), &ex);
  const size_t audit = Audit().size();
  ASSERT_TRUE(
      ReevaluateExposure(*db_, screener_->lists(), {}, false, {}, {"system"}, "test", &ex).ok());
  EXPECT_EQ(ex.path, "nothing changed");
  EXPECT_EQ(Audit().size(), audit);
  ExposureAlertOptions bad;
  bad.hops = 0;
  EXPECT_EQ(
      ReevaluateExposure(*db_, screener_->lists(), {kMining}, false, bad, {"system"}, "t", &ex)
          .code(),
      Status::Code::kInvalidArgument);
}

TEST_F(ExposureAlertsTest, OnePartyAsTheCliDoes) {
  ExposureRunSummary ex;
  Rescreen("v1", Person() + Mining(), &ex);
  Import({Own(kMining, "party:P-ACME", 75, 2)}, &ex);
  EXPECT_EQ(ex.new_alerts, 1);
  std::vector<Exposure> xs;
  ASSERT_TRUE(
      EvaluatePartiesExposure(*db_, screener_->lists(), {"P-ACME"}, {}, {"carol"}, "cli", &ex, &xs)
          .ok());
  ASSERT_EQ(xs.size(), 1u);
  EXPECT_EQ(xs[0].status, "blocked");
  EXPECT_EQ(ex.existing, 1);
  EXPECT_EQ(ex.new_alerts, 0);
  EXPECT_EQ(EvaluatePartiesExposure(*db_, screener_->lists(), {"P-NOBODY"}, {}, {"carol"}, "cli",
                                    &ex, &xs)
                .code(),
            Status::Code::kNotFound);
}

}  // namespace
}  // namespace vigil::graph
