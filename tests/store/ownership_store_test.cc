// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Ownership edges (Store::PutOwnershipEdges / ListOwnershipEdges, schema migration 5) and
// exposure alerts (Store::RecordExposureAlerts) in the case store, on SQLite and PostgreSQL.

#include <gtest/gtest.h>

#include "model/party.h"
#include "store/store.h"
#include "store/store_fixture.h"

namespace vigil::store {
namespace {

using nlohmann::json;

OwnershipEdgeRecord Edge(std::string owner, std::string owned, int64_t line) {
  OwnershipEdgeRecord e;
  e.owner.given = owner;
  e.owner.node = owner;
  e.owner.how = "entity";
  e.owned.given = owned;
  e.owned.node = "party:" + owned;
  e.owned.how = "party";
  e.percentage = "25-50";
  e.low = 25;
  e.high = 50;
  e.kind = "ownership";
  e.source = "registry";
  e.as_of = "2025-01-31";
  e.file = "owners.csv";
  e.line = line;
  return e;
}

class OwnershipStoreTest : public StoreFixture {
 protected:
  std::vector<AuditRecord> Audit() {
    std::vector<AuditRecord> out;
    Status s = store_->ExportAudit("", "", [&](const AuditRecord& r) { out.push_back(r); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
};

TEST_P(OwnershipStoreTest, PutsListsAndAuditsEdges) {
  EXPECT_GE(store_->schema_version(), 5);
  OwnershipEdgeRecord a = Edge("us_ofac_sdn:9345", "P-1", 2);
  OwnershipEdgeRecord b = Edge("Korea Mining", "P-2", 3);
  b.owner.how = "name_match";
  b.owner.node = "us_ofac_sdn:9345";
  b.owner.score = 0.91;
  b.owner.matched_id = "us_ofac_sdn:9345";
  b.owner.matched_name = "KOREA MINING DEVELOPMENT TRADING CORPORATION";
  b.review = "to_review";
  OwnershipEdgeRecord c = Edge("Jane Roe", "P-2", 4);
  c.owner.how = "unresolved";
  c.owner.node = "name:Jane Roe";
  c.kind = "director";
  c.percentage = "";
  c.low = 0;
  c.high = 100;
  OwnershipImportSummary sum;
  ASSERT_TRUE(store_->PutOwnershipEdges({a, b, c}, {"alice"}, &sum).ok());
  EXPECT_EQ(sum.edges, 3);
  EXPECT_EQ(sum.name_matches, 1);
  EXPECT_EQ(sum.unresolved, 1);

  std::vector<OwnershipEdgeRecord> got;
  ASSERT_TRUE(store_->ListOwnershipEdges(&got).ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_GT(got[0].id, 0);
  EXPECT_LT(got[0].id, got[1].id);
  EXPECT_EQ(got[0].owner.node, "us_ofac_sdn:9345");
  EXPECT_EQ(got[0].owned.node, "party:P-1");
  EXPECT_EQ(got[0].percentage, "25-50");
  EXPECT_EQ(got[0].low, 25);
  EXPECT_EQ(got[0].high, 50);
  EXPECT_EQ(got[0].as_of, "2025-01-31");
  EXPECT_EQ(got[0].imported_at, now_);
  EXPECT_EQ(got[0].by, "alice");
  EXPECT_EQ(got[1].owner.given, "Korea Mining");
  EXPECT_EQ(got[1].owner.how, "name_match");
  EXPECT_DOUBLE_EQ(got[1].owner.score, 0.91);
  EXPECT_EQ(got[1].owner.matched_name, "KOREA MINING DEVELOPMENT TRADING CORPORATION");
  EXPECT_EQ(got[1].review, "to_review");
  EXPECT_EQ(got[2].owner.node, "name:Jane Roe");
  EXPECT_EQ(got[2].kind, "director");
  EXPECT_EQ(got[2].line, 4);

  std::vector<AuditRecord> audit = Audit();
  ASSERT_FALSE(audit.empty());
  const AuditRecord& r = audit.back();
  EXPECT_EQ(r.action, "ownership.import");
  EXPECT_EQ(r.object, "ownership:owners.csv");
  EXPECT_EQ(r.principal, "alice");
  EXPECT_EQ(r.detail["edges"], 3);
  EXPECT_EQ(r.detail["name_matches"], 1);
  EXPECT_EQ(r.detail["matches"][0]["matched_id"], "us_ofac_sdn:9345");
  AuditVerify v;
  ASSERT_TRUE(store_->VerifyAudit(&v).ok());
  EXPECT_TRUE(v.ok) << v.problem;
}

TEST_P(OwnershipStoreTest, ABadEdgeWritesNothing) {
  OwnershipEdgeRecord bad = Edge("X", "P-1", 9);
  bad.low = 60;
  bad.high = 40;
  Status s = store_->PutOwnershipEdges({Edge("Y", "P-1", 8), bad}, {"alice"}, nullptr);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("owners.csv:9:"), std::string::npos) << s.message();
  std::vector<OwnershipEdgeRecord> got;
  ASSERT_TRUE(store_->ListOwnershipEdges(&got).ok());
  EXPECT_TRUE(got.empty());
  EXPECT_TRUE(Audit().empty());
}

TEST_P(OwnershipStoreTest, ExposureAlertsOpenOnceAndStayDecided) {
  model::Party p;
  std::vector<std::string> warnings;
  ASSERT_TRUE(model::ParseParty({{"id", "P-1"}, {"name", "Acme"}}, &p, &warnings).ok());
  Put({p});
  ExposureAlertInput in;
  in.party_id = "P-1";
  in.party_version = 1;
  in.entity_id = "us_ofac_sdn:9345";
  in.entity_name = "KOREA MINING DEVELOPMENT TRADING CORPORATION";
  in.score = 0.8;
  in.explanation = {{"kind", "exposure"}, {"explanation", "Acme is owned 60% by ..."}};
  in.signature = {{"id", "exposure:us_ofac_sdn:9345"}, {"steps", {"a"}}};
  RedFlagAlertResult r;
  ASSERT_TRUE(store_->RecordExposureAlerts({in}, "links", {{"party_id", "P-1"}}, {"bob"}, &r).ok());
  EXPECT_EQ(r.new_alerts, 1);
  int64_t id = r.outcomes.at(0).second;
  Alert alert;
  ASSERT_TRUE(store_->GetAlert(id, &alert).ok());
  EXPECT_EQ(alert.entity_id, "exposure:us_ofac_sdn:9345");
  EXPECT_EQ(alert.list, "links");
  EXPECT_EQ(alert.explanation["explanation"], "Acme is owned 60% by ...");
  // Again: the open alert, not a second one.
  ASSERT_TRUE(store_->RecordExposureAlerts({in}, "links", {}, {"bob"}, &r).ok());
  EXPECT_EQ(r.new_alerts, 0);
  EXPECT_EQ(r.existing, 1);
  // Decided false positive: suppressed while the path is the same, re-alerted when it changes.
  ASSERT_TRUE(store_
                  ->Decide(id, DecisionKind::kFalsePositive, "known JV, exited", std::nullopt,
                           {"bob"}, nullptr)
                  .ok());
  ASSERT_TRUE(store_->RecordExposureAlerts({in}, "links", {}, {"bob"}, &r).ok());
  EXPECT_EQ(r.suppressed, 1);
  in.signature["steps"] = {"b"};
  ASSERT_TRUE(store_->RecordExposureAlerts({in}, "links", {}, {"bob"}, &r).ok());
  EXPECT_EQ(r.re_alerts, 1);
  EXPECT_EQ(Audit().back().action, "exposure.run");
  in.party_version = 7;
  EXPECT_EQ(store_->RecordExposureAlerts({in}, "links", {}, {"bob"}, &r).code(),
            Status::Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Store, OwnershipStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vigil::store
