// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Red-flag alerts in the case store (Store::RecordRedFlagAlerts): opened once per party,
// refreshed while open, kept decided while the flags stay the same, audited once per run.
// On SQLite and PostgreSQL.

#include <gtest/gtest.h>

#include "model/party.h"
#include "store/json.h"
#include "store/store.h"
#include "store/store_fixture.h"

namespace vigil::store {
namespace {

using nlohmann::json;

model::Party MakeParty(const std::string& id, const std::string& name) {
  model::Party p;
  std::vector<std::string> warnings;
  Status s = model::ParseParty({{"id", id}, {"kind", "person"}, {"name", name}}, &p, &warnings);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return p;
}

RedFlagAlertInput Input(const std::string& party_id, int64_t version, double score,
                        const std::vector<std::string>& evidence) {
  RedFlagAlertInput in;
  in.party_id = party_id;
  in.party_version = version;
  in.score = score;
  json flags = json::array();
  json signature = json::array();
  for (const std::string& e : evidence) {
    flags.push_back({{"rule", "shared-payment-account"},
                     {"evidence", e},
                     {"source", "FBI PSA, 16 May 2024"},
                     {"quote", "the same payment account"}});
    signature.push_back("shared-payment-account: " + e);
  }
  in.explanation = {{"kind", "red_flags"},
                    {"risk", "high"},
                    {"score", score},
                    {"flags", flags},
                    {"cluster", nullptr}};
  in.signature = {
      {"id", kRedFlagEntityId}, {"rules", {"shared-payment-account"}}, {"flags", signature}};
  return in;
}

class RedFlagStoreTest : public StoreFixture {
 protected:
  RedFlagAlertResult Record(const std::vector<RedFlagAlertInput>& inputs) {
    RedFlagAlertResult r;
    Status s = store_->RecordRedFlagAlerts(inputs, "rules-abc", {{"parties", 2}, {"high", 1}},
                                           {"system"}, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }
  std::vector<AuditRecord> AuditLog() {
    std::vector<AuditRecord> out;
    Status s = store_->ExportAudit("", "", [&](const AuditRecord& r) { out.push_back(r); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
};

TEST_P(RedFlagStoreTest, OpensOneAlertPerPartyAndRefreshesItWhileOpen) {
  Put({MakeParty("P-1", "Ann Lee"), MakeParty("P-2", "Bo Kim")});
  RedFlagAlertResult r1 = Record({Input("P-1", 1, 0.9, {"account X shared with P-2"})});
  ASSERT_EQ(r1.outcomes.size(), 1u);
  EXPECT_EQ(r1.outcomes[0].first, HitOutcome::kNewAlert);
  EXPECT_EQ(r1.new_alerts, 1);
  const int64_t id = r1.outcomes[0].second;

  Alert a;
  ASSERT_TRUE(store_->GetAlert(id, &a).ok());
  EXPECT_EQ(a.entity_id, "redflags:it-worker");
  EXPECT_EQ(a.list, "red-flags");
  EXPECT_EQ(a.entity_name, "IT-worker red flags");
  EXPECT_EQ(a.band, "high");
  EXPECT_DOUBLE_EQ(a.score, 0.9);
  EXPECT_EQ(a.lists_version, "rules-abc");
  EXPECT_EQ(a.screening_id, 0);
  EXPECT_EQ(a.explanation["flags"][0]["evidence"], "account X shared with P-2");
  EXPECT_EQ(a.explanation["flags"][0]["source"], "FBI PSA, 16 May 2024");
  EXPECT_EQ(ToJson(a, true)["entity_record"]["rules"][0], "shared-payment-account");

  // Again with a higher score: the same alert, refreshed (version 2), not a second one.
  RedFlagAlertResult r2 = Record({Input("P-1", 1, 0.95, {"account X shared with P-2"})});
  EXPECT_EQ(r2.outcomes[0].first, HitOutcome::kExisting);
  EXPECT_EQ(r2.outcomes[0].second, id);
  EXPECT_EQ(r2.existing, 1);
  ASSERT_TRUE(store_->GetAlert(id, &a).ok());
  EXPECT_DOUBLE_EQ(a.score, 0.95);
  EXPECT_EQ(a.version, 2);

  AlertQuery q;
  q.list = "red-flags";
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts(q, &page).ok());
  EXPECT_EQ(page.total, 1);
  EXPECT_EQ(page.counts["open"], 1);

  // The audit trail: one raise, one refresh, one record per run with its counts.
  std::vector<AuditRecord> log = AuditLog();
  int runs = 0, raises = 0, refreshes = 0;
  for (const AuditRecord& r : log) {
    if (r.action == "redflags.run") {
      ++runs;
      EXPECT_EQ(r.object, "redflags:it-worker");
      EXPECT_EQ(r.principal, "system");
      EXPECT_EQ(r.detail["parties"], 2);
      EXPECT_EQ(r.detail["alerts"]["high"], 1);
    }
    raises += r.action == "alert.raise";
    refreshes += r.action == "alert.refresh";
  }
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(raises, 1);
  EXPECT_EQ(refreshes, 1);
  EXPECT_EQ(log.back().detail["alerts"]["existing"], 1);
  AuditVerify v;
  ASSERT_TRUE(store_->VerifyAudit(&v).ok());
  EXPECT_TRUE(v.ok) << v.problem;
}

TEST_P(RedFlagStoreTest, AFalsePositiveStaysDecidedUntilTheFlagsChange) {
  Put({MakeParty("P-1", "Ann Lee")});
  RedFlagAlertResult r1 = Record({Input("P-1", 1, 0.9, {"account X shared with P-2"})});
  const int64_t id = r1.outcomes[0].second;
  Alert decided;
  ASSERT_TRUE(store_
                  ->Decide(id, DecisionKind::kFalsePositive, "family business account", 1,
                           {"alice"}, &decided)
                  .ok());

  // Same flags (another score, a new party version whose name changed): suppressed.
  Put({MakeParty("P-1", "Ann Lee-Park")});
  RedFlagAlertResult r2 = Record({Input("P-1", 2, 0.92, {"account X shared with P-2"})});
  EXPECT_EQ(r2.outcomes[0].first, HitOutcome::kSuppressed);
  EXPECT_EQ(r2.outcomes[0].second, id);
  EXPECT_EQ(r2.new_alerts, 0);

  // A new flag: a new alert naming the earlier one and what changed.
  RedFlagAlertResult r3 =
      Record({Input("P-1", 2, 0.97, {"account X shared with P-2", "login from KP"})});
  EXPECT_EQ(r3.outcomes[0].first, HitOutcome::kReAlert);
  EXPECT_EQ(r3.re_alerts, 1);
  EXPECT_EQ(r3.new_alerts, 1);
  Alert a;
  ASSERT_TRUE(store_->GetAlert(r3.outcomes[0].second, &a).ok());
  EXPECT_EQ(a.previous_alert_id, id);
  EXPECT_EQ(a.party_version, 2);
  ASSERT_TRUE(a.changes["entity"].is_array());
  bool flags_changed = false;
  for (const json& c : a.changes["entity"]) {
    if (c["field"] == "flags") {
      flags_changed = true;
      EXPECT_EQ(c["added"][0], "shared-payment-account: login from KP");
    }
  }
  EXPECT_TRUE(flags_changed) << a.changes.dump();

  // Decided true_match: confirmed while the flags stay.
  ASSERT_TRUE(store_->Decide(a.id, DecisionKind::kTrueMatch, "", 1, {"alice"}, &decided).ok());
  RedFlagAlertResult r4 =
      Record({Input("P-1", 2, 0.97, {"account X shared with P-2", "login from KP"})});
  EXPECT_EQ(r4.outcomes[0].first, HitOutcome::kConfirmed);
}

TEST_P(RedFlagStoreTest, RedFlagAlertsAndNameAlertsOfOnePartyAreSeparate) {
  Put({MakeParty("P-1", "Kim Jong Su")});
  PartyVersion v;
  ASSERT_TRUE(store_->GetParty("P-1", &v).ok());
  ScreeningInput in;
  in.party_id = "P-1";
  in.party_version = v.version;
  in.lists_version = "ofac";
  Hit h;
  h.entity_id = "us_ofac_sdn:1";
  h.list = "us_ofac_sdn";
  h.entity_name = "KIM JONG SU";
  h.score = 0.95;
  h.band = "match";
  h.explanation = {{"score", 0.95}};
  h.entity_record = {{"name", "KIM JONG SU"}};
  in.hits = {h};
  std::vector<ScreeningResult> sr;
  ASSERT_TRUE(store_->RecordScreenings({in}, {"system"}, &sr).ok());
  RedFlagAlertResult r = Record({Input("P-1", 1, 0.9, {"login from KP"})});
  EXPECT_EQ(r.outcomes[0].first, HitOutcome::kNewAlert);
  EXPECT_NE(r.outcomes[0].second, sr[0].outcomes[0].second);

  PartyDetail d;
  ASSERT_TRUE(store_->GetPartyDetail("P-1", &d).ok());
  EXPECT_EQ(d.alerts.size(), 2u);
  EXPECT_EQ(d.screenings.size(), 1u);  // red flags are not a screening of the party's name

  // A party version that is not stored: nothing written.
  RedFlagAlertResult none;
  Status s = store_->RecordRedFlagAlerts({Input("P-1", 7, 0.9, {"x"})}, "rules-abc", {}, {"system"},
                                         &none);
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Store, RedFlagStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace vigil::store
