// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The case store's behaviour, the same tests on SQLite and on PostgreSQL (a throwaway
// server, tests/store/postgres_server.h).

#include "store/store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "model/party.h"
#include "store/json.h"
#include "store/postgres_server.h"
#include "store/sql.h"
#include "store/store_fixture.h"
#include "test_util.h"

namespace vigil::store {
namespace {

using nlohmann::json;

model::Party MakeParty(const json& j) {
  model::Party p;
  std::vector<std::string> warnings;
  Status s = model::ParseParty(j, &p, &warnings);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return p;
}

model::Party Person(const std::string& id, const std::string& name, const std::string& dob,
                    std::vector<std::string> tags = {}) {
  json j = {{"id", id}, {"kind", "person"}, {"name", name}, {"dob", dob}};
  if (!tags.empty()) j["tags"] = tags;
  return MakeParty(j);
}

Hit MakeHit(const std::string& entity_id, double score, json entity_record,
            const std::string& band = "match") {
  Hit h;
  h.entity_id = entity_id;
  h.list = entity_id.substr(0, entity_id.find(':'));
  h.entity_name = entity_record.value("name", "someone");
  h.score = score;
  h.band = band;
  h.explanation = {{"matched", h.entity_name}, {"score", score}};
  h.entity_record = std::move(entity_record);
  return h;
}

json Entity(const std::string& name, const std::string& dob) {
  return {{"name", name}, {"dob", dob}, {"programs", {"DPRK3"}}};
}

class StoreTest : public StoreFixture {
 protected:
  ScreeningResult Screen(const std::string& party_id, std::vector<Hit> hits) {
    PartyVersion v;
    Status s = store_->GetParty(party_id, &v);
    EXPECT_TRUE(s.ok()) << s.ToString();
    ScreeningInput in;
    in.party_id = party_id;
    in.party_version = v.version;
    in.lists = {{"us_ofac_sdn", "sdn.csv", std::string(64, 'a'), "2024-05-01", 100}};
    in.lists_version = "ofac-2024-05-01";
    in.hits = std::move(hits);
    std::vector<ScreeningResult> results;
    s = store_->RecordScreenings({in}, {"screener"}, &results);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? ScreeningResult{} : results[0];
  }

  std::vector<AuditRecord> AuditLog() {
    std::vector<AuditRecord> out;
    Status s = store_->ExportAudit("", "", [&](const AuditRecord& r) { out.push_back(r); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  AuditVerify Verify() {
    AuditVerify v;
    Status s = store_->VerifyAudit(&v);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return v;
  }
};

TEST_P(StoreTest, KeepsPartyVersionsAndWritesNothingForAnUnchangedReimport) {
  EXPECT_EQ(store_->backend(), GetParam());
  ImportSummary a;
  Put({Person("P-1", "Kim Jong Su", "1970-01-01", {"contractor"}), Person("P-2", "Ann Lee", "")},
      &a);
  EXPECT_EQ(a.added, 2);
  EXPECT_EQ(a.changed_screened.size(), 2u);
  const size_t audit_after_import = AuditLog().size();
  EXPECT_EQ(audit_after_import, 2u);

  ImportSummary b;
  Put({Person("P-1", "Kim Jong Su", "1970-01-01", {"contractor"}), Person("P-2", "Ann Lee", "")},
      &b);
  EXPECT_EQ(b.added, 0);
  EXPECT_EQ(b.changed, 0);
  EXPECT_EQ(b.unchanged, 2);
  EXPECT_EQ(AuditLog().size(), audit_after_import);  // nothing written

  ImportSummary c;
  SetNow("2026-03-02T10:00:00.000Z");
  Put({Person("P-1", "Kim Jong Su", "1971-01-01", {"contractor"})}, &c);
  EXPECT_EQ(c.changed, 1);
  EXPECT_EQ(c.changed_screened, std::vector<std::string>{"P-1"});
  ImportSummary d;  // a tag is not a screened field
  Put({Person("P-1", "Kim Jong Su", "1971-01-01", {"contractor", "vip"})}, &d);
  EXPECT_EQ(d.changed, 1);
  EXPECT_TRUE(d.changed_screened.empty());

  PartyVersion latest;
  ASSERT_TRUE(store_->GetParty("P-1", &latest).ok());
  EXPECT_EQ(latest.version, 3);
  EXPECT_EQ(latest.record["dob"], "1971-01-01");
  EXPECT_EQ(latest.recorded_by, "alice");
  EXPECT_EQ(latest.screened_hash,
            model::JsonHash(model::ScreenedFields(Person("P-1", "Kim Jong Su", "1971-01-01"))));

  PartyDetail detail;
  ASSERT_TRUE(store_->GetPartyDetail("P-1", &detail).ok());
  ASSERT_EQ(detail.versions.size(), 3u);
  EXPECT_EQ(detail.versions[0].record["dob"], "1970-01-01");
  EXPECT_EQ(detail.versions[0].recorded_at, "2026-03-01T10:00:00.000Z");
  EXPECT_EQ(detail.versions[1].record["dob"], "1971-01-01");
  json dj = ToJson(detail);
  EXPECT_EQ(dj["current"]["version"], 3);

  std::vector<AuditRecord> log = AuditLog();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[2].action, "party.update");
  EXPECT_EQ(log[2].object, "party:P-1");
  EXPECT_EQ(log[2].detail["changes"][0]["field"], "dob");
  EXPECT_EQ(log[2].detail["changes"][0]["before"], "1970-01-01");

  EXPECT_EQ(store_->GetParty("P-9", &latest).code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->CountParties(), 2);

  std::vector<std::string> seen;
  ASSERT_TRUE(store_
                  ->ForEachParty(1,
                                 [&](const std::vector<model::Party>& batch) {
                                   for (const model::Party& p : batch) {
                                     seen.push_back(p.id + "/" + p.dob + "/" +
                                                    std::to_string(p.stored_version));
                                   }
                                   return true;
                                 })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"P-1/1971-01-01/3", "P-2//1"}));
}

TEST_P(StoreTest, RecordsACleanScreening) {
  Put({Person("P-1", "Ann Lee", "1990-01-01")});
  ScreeningResult r = Screen("P-1", {});
  EXPECT_GT(r.screening_id, 0);
  EXPECT_EQ(r.new_alerts, 0);
  PartyDetail d;
  ASSERT_TRUE(store_->GetPartyDetail("P-1", &d).ok());
  ASSERT_EQ(d.screenings.size(), 1u);
  EXPECT_EQ(d.screenings[0].id, r.screening_id);
  EXPECT_EQ(d.screenings[0].by, "screener");
  EXPECT_EQ(d.screenings[0].lists_version, "ofac-2024-05-01");
  ASSERT_EQ(d.screenings[0].lists.size(), 1u);
  EXPECT_EQ(d.screenings[0].lists[0].file, "sdn.csv");
  EXPECT_TRUE(d.screenings[0].hits.empty());
  std::vector<AuditRecord> log = AuditLog();
  EXPECT_EQ(log.back().action, "screening");
  EXPECT_EQ(log.back().object, "party:P-1");
  EXPECT_EQ(log.back().principal, "screener");
}

TEST_P(StoreTest, AlertsOncePerPairSuppressesFalsePositivesAndReAlertsOnChange) {
  Put({Person("P-1", "Kim Jong Su", "1970-01-01")});
  json entity = Entity("KIM JONG SU", "1970-01-01");

  ScreeningResult r1 = Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.95, entity)});
  ASSERT_EQ(r1.outcomes.size(), 1u);
  EXPECT_EQ(r1.outcomes[0].first, HitOutcome::kNewAlert);
  const int64_t alert_id = r1.outcomes[0].second;
  EXPECT_EQ(r1.new_alerts, 1);

  ScreeningResult r2 = Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.95, entity)});
  EXPECT_EQ(r2.outcomes[0].first, HitOutcome::kExisting);
  EXPECT_EQ(r2.outcomes[0].second, alert_id);
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts({}, &page).ok());
  EXPECT_EQ(page.total, 1);

  Alert a;
  ASSERT_TRUE(store_->GetAlert(alert_id, &a).ok());
  EXPECT_EQ(a.version, 1);  // nothing changed: no refresh
  EXPECT_EQ(a.state, AlertState::kOpen);
  EXPECT_EQ(a.entity_record, entity);
  EXPECT_EQ(a.entity_hash, model::JsonHash(entity));
  EXPECT_TRUE(a.changes.is_null());

  EXPECT_EQ(store_->Decide(alert_id, DecisionKind::kFalsePositive, "  ", 1, {"bob"}, &a).code(),
            Status::Code::kInvalidArgument);
  ASSERT_TRUE(
      store_->Decide(alert_id, DecisionKind::kFalsePositive, "other dob", 1, {"bob"}, &a).ok());
  EXPECT_EQ(a.state, AlertState::kFalsePositive);

  // Same party, same entity: suppressed, recorded as such.
  ScreeningResult r3 = Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.95, entity)});
  EXPECT_EQ(r3.outcomes[0].first, HitOutcome::kSuppressed);
  EXPECT_EQ(r3.outcomes[0].second, alert_id);
  EXPECT_EQ(r3.new_alerts, 0);
  PartyDetail d;
  ASSERT_TRUE(store_->GetPartyDetail("P-1", &d).ok());
  EXPECT_EQ(d.screenings[0].hits[0]["outcome"], "suppressed");
  EXPECT_EQ(d.screenings[0].hits[0]["alert_id"], alert_id);

  // The listed entity changes (a new alias): a new alert with the diff.
  json entity2 = entity;
  entity2["aliases"] = {"KIM CHONG SU"};
  ScreeningResult r4 = Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.95, entity2)});
  EXPECT_EQ(r4.outcomes[0].first, HitOutcome::kReAlert);
  const int64_t re_id = r4.outcomes[0].second;
  EXPECT_NE(re_id, alert_id);
  Alert re;
  ASSERT_TRUE(store_->GetAlert(re_id, &re).ok());
  EXPECT_EQ(re.previous_alert_id, alert_id);
  ASSERT_TRUE(re.changes.is_object());
  EXPECT_TRUE(re.changes["party"].empty());
  ASSERT_EQ(re.changes["entity"].size(), 1u);
  EXPECT_EQ(re.changes["entity"][0]["field"], "aliases");
  EXPECT_EQ(re.changes["entity"][0]["added"], json({"KIM CHONG SU"}));
  EXPECT_TRUE(ToJson(re, false)["changed"].get<bool>());

  // Decided false positive again; then the party's dob changes: re-alert naming dob.
  ASSERT_TRUE(
      store_->Decide(re_id, DecisionKind::kFalsePositive, "still not him", 1, {"bob"}, nullptr)
          .ok());
  EXPECT_EQ(Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.95, entity2)}).outcomes[0].first,
            HitOutcome::kSuppressed);
  Put({Person("P-1", "Kim Jong Su", "1971-02-02")});
  ScreeningResult r5 = Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.95, entity2)});
  EXPECT_EQ(r5.outcomes[0].first, HitOutcome::kReAlert);
  Alert re2;
  ASSERT_TRUE(store_->GetAlert(r5.outcomes[0].second, &re2).ok());
  EXPECT_EQ(re2.previous_alert_id, re_id);
  EXPECT_EQ(re2.party_version, 2);
  ASSERT_EQ(re2.changes["party"].size(), 1u);
  EXPECT_EQ(re2.changes["party"][0]["field"], "dob");
  EXPECT_EQ(re2.changes["party"][0]["before"], "1970-01-01");
  EXPECT_EQ(re2.changes["party"][0]["after"], "1971-02-02");
  EXPECT_TRUE(re2.changes["entity"].empty());

  // True match: confirmed while nothing changes.
  ASSERT_TRUE(
      store_->Decide(re2.id, DecisionKind::kTrueMatch, "", std::nullopt, {"bob"}, nullptr).ok());
  EXPECT_EQ(Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.95, entity2)}).outcomes[0].first,
            HitOutcome::kConfirmed);

  // Audit: one alert.raise per new alert.
  int raises = 0;
  for (const AuditRecord& r : AuditLog()) raises += r.action == "alert.raise";
  EXPECT_EQ(raises, 3);
  EXPECT_TRUE(Verify().ok);
}

TEST_P(StoreTest, RefreshesAnOpenAlertWhenItsScoreChanges) {
  Put({Person("P-1", "Kim Jong Su", "1970-01-01")});
  json entity = Entity("KIM JONG SU", "1970-01-01");
  int64_t id = Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.90, entity)}).outcomes[0].second;
  ScreeningResult r = Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.97, entity)});
  EXPECT_EQ(r.outcomes[0].first, HitOutcome::kExisting);
  EXPECT_EQ(r.outcomes[0].second, id);
  Alert a;
  ASSERT_TRUE(store_->GetAlert(id, &a).ok());
  EXPECT_DOUBLE_EQ(a.score, 0.97);
  EXPECT_EQ(a.version, 2);
  // An escalated alert is still open: not duplicated.
  ASSERT_TRUE(store_->Decide(id, DecisionKind::kEscalate, "look", 2, {"bob"}, &a).ok());
  EXPECT_EQ(a.state, AlertState::kEscalated);
  EXPECT_EQ(Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.97, entity)}).outcomes[0].first,
            HitOutcome::kExisting);
  // A closed alert re-alerts when the pair hits again.
  ASSERT_TRUE(store_->Decide(id, DecisionKind::kClose, "delisted", 3, {"system"}, &a).ok());
  EXPECT_EQ(Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.97, entity)}).outcomes[0].first,
            HitOutcome::kReAlert);
}

TEST_P(StoreTest, DecisionsAreAppendedAndAStaleVersionConflicts) {
  Put({Person("P-1", "Kim Jong Su", "1970-01-01")});
  int64_t id =
      Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.9, Entity("KIM", "1970"))}).outcomes[0].second;
  Alert a;
  ASSERT_TRUE(store_->Decide(id, DecisionKind::kEscalate, "ask", 1, {"ann"}, &a).ok());
  EXPECT_EQ(a.version, 2);
  Status s = store_->Decide(id, DecisionKind::kFalsePositive, "no", 1, {"bob"}, &a);
  EXPECT_EQ(s.code(), Status::Code::kConflict) << s.ToString();
  EXPECT_NE(s.message().find("version 2"), std::string::npos) << s.message();
  ASSERT_TRUE(store_->GetAlert(id, &a).ok());
  EXPECT_EQ(a.state, AlertState::kEscalated);
  ASSERT_EQ(a.history.size(), 1u);
  ASSERT_TRUE(store_->Decide(id, DecisionKind::kTrueMatch, "same passport", 2, {"bob"}, &a).ok());
  ASSERT_EQ(a.history.size(), 2u);
  EXPECT_EQ(a.history[0].decision, DecisionKind::kEscalate);
  EXPECT_EQ(a.history[0].by, "ann");
  EXPECT_EQ(a.history[0].alert_version, 1);
  EXPECT_EQ(a.history[1].decision, DecisionKind::kTrueMatch);
  EXPECT_EQ(a.history[1].reason, "same passport");
  EXPECT_EQ(a.history[1].alert_version, 2);
  EXPECT_EQ(a.state, AlertState::kTrueMatch);
  json j = ToJson(a, true);
  EXPECT_EQ(j["history"].size(), 2u);
  EXPECT_EQ(j["state"], "true_match");
  EXPECT_EQ(store_->Decide(9999, DecisionKind::kEscalate, "", std::nullopt, {"bob"}, &a).code(),
            Status::Code::kNotFound);
  std::vector<AuditRecord> log = AuditLog();
  EXPECT_EQ(log.back().action, "alert.decide");
  EXPECT_EQ(log.back().detail["before"]["state"], "escalated");
  EXPECT_EQ(log.back().detail["after"]["state"], "true_match");
  EXPECT_EQ(log.back().principal, "bob");
}

// The total of a tag-filtered queue comes from counters kept with the alerts and the tags:
// it must equal the alerts the filter returns after new alerts, decisions and re-tagging.
TEST_P(StoreTest, TagFilteredTotalsFollowDecisionsAndRetagging) {
  Put({Person("P-1", "A", "1970", {"vendor", "vip"}), Person("P-2", "B", "1971", {"contractor"}),
       Person("P-3", "C", "1972", {"vendor"})});
  Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.80, Entity("X1", ""), "review"),
                 MakeHit("un_sc:7", 0.99, Entity("X7", ""))});
  Screen("P-2", {MakeHit("us_ofac_sdn:2", 0.90, Entity("X2", ""))});
  int64_t a3 = Screen("P-3", {MakeHit("us_ofac_sdn:3", 0.85, Entity("X3", ""), "review")})
                   .outcomes[0]
                   .second;
  auto check = [&](const char* when) {
    for (const char* tag : {"vendor", "vip", "contractor", "none"}) {
      for (const char* status : {"open", "decided", "all", "false_positive", "escalated"}) {
        AlertQuery q;
        q.tag = tag;
        q.status = status;
        q.limit = 500;
        AlertPage page;
        ASSERT_TRUE(store_->ListAlerts(q, &page).ok());
        EXPECT_EQ(page.total, static_cast<int64_t>(page.alerts.size()))
            << when << ": tag " << tag << ", status " << status;
      }
    }
  };
  check("after screening");
  AlertQuery vendors;
  vendors.tag = "vendor";
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts(vendors, &page).ok());
  EXPECT_EQ(page.total, 3);
  ASSERT_TRUE(store_->Decide(a3, DecisionKind::kFalsePositive, "no", 1, {"bob"}, nullptr).ok());
  check("after a decision");
  ASSERT_TRUE(store_->ListAlerts(vendors, &page).ok());
  EXPECT_EQ(page.total, 2);
  // P-1 leaves "vendor" and "vip" for "contractor"; P-3 becomes a "vip" too.
  Put({Person("P-1", "A", "1970", {"contractor"}), Person("P-3", "C", "1972", {"vendor", "vip"})});
  check("after re-tagging");
  ASSERT_TRUE(store_->ListAlerts(vendors, &page).ok());
  EXPECT_EQ(page.total, 0);
  AlertQuery contractors;
  contractors.tag = "contractor";
  ASSERT_TRUE(store_->ListAlerts(contractors, &page).ok());
  EXPECT_EQ(page.total, 3);
}

TEST_P(StoreTest, ListsAlertsWithFiltersSortPagingAndCounts) {
  Put({Person("P-1", "A", "1970", {"vendor"}), Person("P-2", "B", "1971", {"contractor"}),
       Person("P-3", "C", "1972")});
  SetNow("2026-03-01T10:00:00.000Z");
  Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.80, Entity("X1", ""), "review"),
                 MakeHit("un_sc:7", 0.99, Entity("X7", ""))});
  SetNow("2026-03-02T10:00:00.000Z");
  Screen("P-2", {MakeHit("us_ofac_sdn:2", 0.90, Entity("X2", ""))});
  SetNow("2026-03-03T10:00:00.000Z");
  int64_t p3 = Screen("P-3", {MakeHit("us_ofac_sdn:3", 0.85, Entity("X3", ""), "review")})
                   .outcomes[0]
                   .second;
  ASSERT_TRUE(store_->Decide(p3, DecisionKind::kFalsePositive, "no", 1, {"bob"}, nullptr).ok());

  auto list = [&](AlertQuery q) {
    AlertPage page;
    Status s = store_->ListAlerts(q, &page);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<std::string> ids;
    for (const Alert& a : page.alerts) ids.push_back(a.entity_id);
    return std::make_pair(ids, page);
  };
  auto [open, page] = list({});
  EXPECT_EQ(open, (std::vector<std::string>{"un_sc:7", "us_ofac_sdn:2", "us_ofac_sdn:1"}));
  EXPECT_EQ(page.total, 3);
  EXPECT_EQ(page.counts["open"], 3);
  EXPECT_EQ(page.counts["false_positive"], 1);
  EXPECT_EQ(page.counts["true_match"], 0);
  EXPECT_EQ(page.alerts[0].party_tags, std::vector<std::string>{"vendor"});
  json pj = ToJson(page);
  EXPECT_EQ(pj["counts"]["open"], 3);
  EXPECT_EQ(pj["alerts"].size(), 3u);

  AlertQuery q;
  q.status = "decided";
  EXPECT_EQ(list(q).first, std::vector<std::string>{"us_ofac_sdn:3"});
  q.status = "false_positive";
  EXPECT_EQ(list(q).first, std::vector<std::string>{"us_ofac_sdn:3"});
  q.status = "all";
  q.sort = "age";
  EXPECT_EQ(list(q).first, (std::vector<std::string>{"us_ofac_sdn:1", "un_sc:7", "us_ofac_sdn:2",
                                                     "us_ofac_sdn:3"}));
  EXPECT_EQ(list(q).second.total, 4);
  q.limit = 2;
  q.offset = 1;
  auto [paged, paged_page] = list(q);
  EXPECT_EQ(paged, (std::vector<std::string>{"un_sc:7", "us_ofac_sdn:2"}));
  EXPECT_EQ(paged_page.total, 4);

  AlertQuery band;
  band.band = "review";
  band.status = "all";
  auto [review, review_page] = list(band);
  EXPECT_EQ(review, (std::vector<std::string>{"us_ofac_sdn:3", "us_ofac_sdn:1"}));
  EXPECT_EQ(review_page.total, 2);
  AlertQuery by_list;
  by_list.list = "un_sc";
  EXPECT_EQ(list(by_list).first, std::vector<std::string>{"un_sc:7"});
  AlertQuery by_tag;
  by_tag.tag = "contractor";
  EXPECT_EQ(list(by_tag).first, std::vector<std::string>{"us_ofac_sdn:2"});
  EXPECT_EQ(list(by_tag).second.total, 1);
  AlertQuery by_party;
  by_party.party_id = "P-1";
  EXPECT_EQ(list(by_party).second.total, 2);

  AlertQuery bad;
  bad.status = "maybe";
  AlertPage ignored;
  EXPECT_EQ(store_->ListAlerts(bad, &ignored).code(), Status::Code::kInvalidArgument);
  bad.status = "open";
  bad.sort = "name";
  EXPECT_EQ(store_->ListAlerts(bad, &ignored).code(), Status::Code::kInvalidArgument);
}

// A small history: imports, a screening with an alert, a decision.
void MakeHistory(StoreTest* t, Store* store) {
  (void)t;
  ImportSummary sum;
  ASSERT_TRUE(store
                  ->PutParties({Person("P-1", "A", "1970"), Person("P-2", "B", "1971"),
                                Person("P-3", "C", "1972")},
                               {"alice"}, &sum)
                  .ok());
  ASSERT_TRUE(
      store->Audit("config.change", "config", {{"before", 1}, {"after", 2}}, {"admin"}).ok());
  ASSERT_TRUE(store->Audit("lists.reload", "lists", {{"ok", true}}, {"system"}).ok());
}

TEST_P(StoreTest, AuditVerifyPassesAndNamesAnAlteredRecord) {
  MakeHistory(this, store_.get());
  AuditVerify v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.records, 5);
  EXPECT_EQ(ToJson(v)["ok"], true);
  std::vector<AuditRecord> log = AuditLog();
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(log[0].prev_hash, std::string(64, '0'));
  EXPECT_EQ(log[1].prev_hash, log[0].hash);
  EXPECT_EQ(log[3].action, "config.change");
  EXPECT_EQ(log[3].principal, "admin");
  EXPECT_EQ(ToJson(log[3])["detail"]["after"], 2);

  ASSERT_TRUE(
      Sql()->Exec("UPDATE audit SET detail = '{\"after\":3,\"before\":1}' WHERE seq = 4").ok());
  v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 4);
  EXPECT_NE(v.problem.find("record 4 was altered"), std::string::npos) << v.problem;
}

TEST_P(StoreTest, AuditVerifyNamesAMissingRecord) {
  MakeHistory(this, store_.get());
  ASSERT_TRUE(Sql()->Exec("DELETE FROM audit WHERE seq = 3").ok());
  AuditVerify v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
  EXPECT_NE(v.problem.find("record 3 is missing"), std::string::npos) << v.problem;
}

// The chain alone cannot show that its newest records were removed; a head kept outside
// the database can (vigil audit verify --head SEQ:HASH).
TEST_P(StoreTest, AuditVerifyWithAKnownHeadNamesRecordsRemovedFromTheEnd) {
  MakeHistory(this, store_.get());
  AuditVerify v = Verify();
  ASSERT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.head_seq, 5);
  EXPECT_EQ(v.head_hash, AuditLog().back().hash);
  AuditCheckpoint head{v.head_seq, v.head_hash};
  ASSERT_TRUE(store_->VerifyAudit(head, &v).ok());
  EXPECT_TRUE(v.ok) << v.problem;

  ASSERT_TRUE(Sql()->Exec("DELETE FROM audit WHERE seq >= 4").ok());
  ASSERT_TRUE(store_->VerifyAudit(&v).ok());
  EXPECT_TRUE(v.ok) << "without the head the shorter chain is intact";
  EXPECT_EQ(v.head_seq, 3);
  ASSERT_TRUE(store_->VerifyAudit(head, &v).ok());
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 4);
  EXPECT_NE(v.problem.find("record 4 is missing: the chain ends at record 3"), std::string::npos)
      << v.problem;

  // A different record under the known sequence number: rewritten from there.
  ASSERT_TRUE(store_->Audit("config.change", "config", {{"x", 1}}, {"admin"}).ok());
  ASSERT_TRUE(store_->Audit("config.change", "config", {{"x", 2}}, {"admin"}).ok());
  ASSERT_TRUE(store_->VerifyAudit(head, &v).ok());
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 5);
  EXPECT_NE(v.problem.find("record 5 is not the record recorded as the head"), std::string::npos)
      << v.problem;
}

// Migrations run on open: a store left at schema 1 is brought to the current one, and
// LastAudit finds the newest record of the actions asked for.
TEST_P(StoreTest, MigratesAnOlderSchemaOnOpenAndFindsTheLastRecordOfAnAction) {
  const int current = store_->schema_version();
  ASSERT_GE(current, 3);
  MakeHistory(this, store_.get());
  AuditRecord r;
  bool found = false;
  ASSERT_TRUE(store_->LastAudit({"config.change", "lists.reload"}, &r, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(r.action, "lists.reload");
  EXPECT_EQ(r.seq, 5);
  ASSERT_TRUE(store_->LastAudit({"config.change"}, &r, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(r.detail["after"], 2);
  ASSERT_TRUE(store_->LastAudit({"no.such.action"}, &r, &found).ok());
  EXPECT_FALSE(found);

  Put({Person("P-9", "Z", "1979", {"vip"})});
  Screen("P-9", {MakeHit("us_ofac_sdn:9", 0.95, Entity("X9", ""))});

  // Back to schema 1 (what migrations 2 to 5 add removed), then open: they run again, and
  // migration 3 counts the alerts already there.
  store_.reset();
  for (const char* undo4 :
       {"DROP TABLE ownership_edges" /* migration 5 */, "DROP TABLE list_versions",
        "DROP TABLE lists_versions", "DROP TABLE rescreen_runs", "DROP TABLE party_pairs",
        "DROP TABLE party_change_counter", "DROP TABLE webhook_deliveries",
        "DROP TABLE party_rescreen", "DROP INDEX parties_change_seq", "DROP INDEX alerts_entity",
        "DROP INDEX alerts_rescreen_run", "ALTER TABLE parties DROP COLUMN change_seq",
        "ALTER TABLE alerts DROP COLUMN rescreen_run", "ALTER TABLE alerts DROP COLUMN delisted"}) {
    ASSERT_TRUE(Sql()->Exec(undo4).ok()) << undo4;
  }
  ASSERT_TRUE(Sql()->Exec("DROP INDEX audit_action").ok());
  ASSERT_TRUE(Sql()->Exec("DROP TABLE alert_tag_counts").ok());
  ASSERT_TRUE(Sql()->Exec("DELETE FROM schema_migrations WHERE version >= 2").ok());
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(store_->schema_version(), current);
  ASSERT_TRUE(store_->LastAudit({"config.change"}, &r, &found).ok());
  EXPECT_TRUE(found);
  AlertQuery vip;
  vip.tag = "vip";
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts(vip, &page).ok());
  EXPECT_EQ(page.total, 1);
  EXPECT_EQ(page.alerts.size(), 1u);
  AuditVerify v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
}

TEST_P(StoreTest, AuditVerifyNamesReorderedRecords) {
  MakeHistory(this, store_.get());
  ASSERT_TRUE(Sql()
                  ->Exec("UPDATE audit SET seq = -seq WHERE seq IN (2, 3);"
                         "UPDATE audit SET seq = 5 + seq WHERE seq IN (-2, -3)")
                  .ok());  // 2 -> 3, 3 -> 2
  AuditVerify v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 2);
  EXPECT_NE(v.problem.find("record 2 is out of order"), std::string::npos) << v.problem;
}

TEST_P(StoreTest, PurgeKeepsTheChainVerifiableAndRefusesRecentRecords) {
  SetNow("2012-05-01T00:00:00.000Z");
  MakeHistory(this, store_.get());  // 5 records in 2012
  SetNow("2026-03-01T10:00:00.000Z");
  ASSERT_TRUE(store_->Audit("lists.reload", "lists", {{"ok", true}}, {"system"}).ok());

  int64_t removed = -1;
  Status s = store_->PurgeAudit("2020-01-01", {"admin"}, &removed);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("ten years"), std::string::npos);
  EXPECT_EQ(AuditLog().size(), 6u);

  ASSERT_TRUE(store_->PurgeAudit("2013-01-01", {"admin"}, &removed).ok());
  EXPECT_EQ(removed, 5);
  std::vector<AuditRecord> log = AuditLog();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].seq, 6);
  EXPECT_EQ(log[1].action, "audit.purge");
  EXPECT_EQ(log[1].principal, "admin");
  EXPECT_EQ(log[1].detail["removed"], 5);
  AuditVerify v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.records, 2);
  // Appending after a purge still chains; and a purge of everything keeps verifying.
  ASSERT_TRUE(store_->Audit("config.change", "config", json::object(), {"admin"}).ok());
  SetNow("2040-01-01T00:00:00.000Z");
  ASSERT_TRUE(store_->PurgeAudit("2030-01-01", {"admin"}, &removed).ok());
  EXPECT_EQ(removed, 3);
  v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(AuditLog().size(), 1u);
  // Tampering after a purge is still found.
  ASSERT_TRUE(Sql()->Exec("UPDATE audit SET principal = 'mallory'").ok());
  EXPECT_FALSE(Verify().ok);
}

TEST_P(StoreTest, ExportsAuditRecordsInATimeRange) {
  SetNow("2026-01-01T00:00:00.000Z");
  ASSERT_TRUE(store_->Audit("a", "x", json::object(), {"s"}).ok());
  SetNow("2026-01-02T12:00:00.000Z");
  ASSERT_TRUE(store_->Audit("b", "x", json::object(), {"s"}).ok());
  SetNow("2026-01-03T00:00:00.000Z");
  ASSERT_TRUE(store_->Audit("c", "x", json::object(), {"s"}).ok());
  std::vector<std::string> got;
  ASSERT_TRUE(store_
                  ->ExportAudit("2026-01-02", "2026-01-03",
                                [&](const AuditRecord& r) { got.push_back(r.action); })
                  .ok());
  EXPECT_EQ(got, std::vector<std::string>{"b"});
}

TEST_P(StoreTest, RefusesADatabaseFromANewerSchema) {
  EXPECT_GE(store_->schema_version(), 1);
  store_.reset();
  ASSERT_TRUE(Sql()
                  ->Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, "
                         "'2030-01-01')")
                  .ok());
  std::unique_ptr<Store> s;
  Status st = Store::Open(db_, {}, &s);
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_NE(st.message().find("written by a newer Vigil (schema 999; this program knows up to "),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("upgrade Vigil to open it"), std::string::npos);
}

TEST_P(StoreTest, TwoStoresOnOneDatabaseSeeEachOthersDecisions) {
  Put({Person("P-1", "Kim Jong Su", "1970-01-01")});
  int64_t id =
      Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.9, Entity("KIM", "1970"))}).outcomes[0].second;
  std::unique_ptr<Store> other = Open();
  ASSERT_NE(other, nullptr);
  Alert a;
  ASSERT_TRUE(other->Decide(id, DecisionKind::kEscalate, "ask", 1, {"ann"}, &a).ok());
  ASSERT_TRUE(store_->GetAlert(id, &a).ok());
  EXPECT_EQ(a.state, AlertState::kEscalated);
  EXPECT_EQ(a.version, 2);
  EXPECT_EQ(store_->Decide(id, DecisionKind::kTrueMatch, "x", 1, {"bob"}, nullptr).code(),
            Status::Code::kConflict);
  ASSERT_TRUE(store_->Decide(id, DecisionKind::kTrueMatch, "x", 2, {"bob"}, nullptr).ok());
  ASSERT_TRUE(other->GetAlert(id, &a).ok());
  EXPECT_EQ(a.state, AlertState::kTrueMatch);
  EXPECT_EQ(a.history.size(), 2u);
  AuditVerify v;
  ASSERT_TRUE(other->VerifyAudit(&v).ok());
  EXPECT_TRUE(v.ok) << v.problem;
}

TEST_P(StoreTest, ConcurrentDecisionsOnOneVersionExactlyOneWins) {
  Put({Person("P-1", "Kim Jong Su", "1970-01-01")});
  int64_t id =
      Screen("P-1", {MakeHit("us_ofac_sdn:1", 0.9, Entity("KIM", "1970"))}).outcomes[0].second;
  std::unique_ptr<Store> other = Open();
  ASSERT_NE(other, nullptr);
  std::atomic<int> ok{0}, conflict{0}, other_error{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      Store* s = i % 2 == 0 ? store_.get() : other.get();
      Status st = s->Decide(id, DecisionKind::kFalsePositive, "thread " + std::to_string(i), 1,
                            {"t" + std::to_string(i)}, nullptr);
      if (st.ok()) {
        ++ok;
      } else if (st.code() == Status::Code::kConflict) {
        ++conflict;
      } else {
        ++other_error;
        ADD_FAILURE() << st.ToString();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), 5);
  EXPECT_EQ(other_error.load(), 0);
  Alert a;
  ASSERT_TRUE(store_->GetAlert(id, &a).ok());
  EXPECT_EQ(a.history.size(), 1u);
  EXPECT_EQ(a.version, 2);
  EXPECT_TRUE(Verify().ok);
}

TEST_P(StoreTest, RecordsManyScreeningsInOneTransaction) {
  std::vector<model::Party> parties;
  for (int i = 0; i < 300; ++i) {
    parties.push_back(Person("P-" + std::to_string(1000 + i), "Person " + std::to_string(i), ""));
  }
  Put(parties);
  std::vector<ScreeningInput> inputs;
  for (int i = 0; i < 300; ++i) {
    ScreeningInput in;
    in.party_id = "P-" + std::to_string(1000 + i);
    in.party_version = 1;
    in.lists_version = "v";
    if (i % 10 == 0) in.hits.push_back(MakeHit("un_sc:" + std::to_string(i), 0.9, Entity("E", "")));
    inputs.push_back(std::move(in));
  }
  std::vector<ScreeningResult> results;
  ASSERT_TRUE(store_->RecordScreenings(inputs, {"s"}, &results).ok());
  ASSERT_EQ(results.size(), 300u);
  int64_t alerts = 0;
  for (const ScreeningResult& r : results) alerts += r.new_alerts;
  EXPECT_EQ(alerts, 30);
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts({}, &page).ok());
  EXPECT_EQ(page.total, 30);
  EXPECT_EQ(page.counts["open"], 30);
  // An unknown party version fails the whole batch: nothing of it is written.
  inputs[5].party_version = 7;
  Status s = store_->RecordScreenings(inputs, {"s"}, &results);
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  ASSERT_TRUE(store_->ListAlerts({}, &page).ok());
  EXPECT_EQ(page.total, 30);
  EXPECT_TRUE(Verify().ok);
}

// PostgreSQL only: a server connection to lose.
class StorePostgresOnlyTest : public StoreTest {};

TEST_P(StorePostgresOnlyTest, ALostServerConnectionIsUnavailableAndTheNextCallReconnects) {
  Put({Person("P-1", "A", "1970")});
  ASSERT_TRUE(Sql()
                  ->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                         "current_database() AND pid <> pg_backend_pid()")
                  .ok());
  PartyVersion v;
  Status s = store_->GetParty("P-1", &v);
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("t_"), std::string::npos) << s.message();  // names the database
  s = store_->GetParty("P-1", &v);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(Store, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });
INSTANTIATE_TEST_SUITE_P(Store, StorePostgresOnlyTest, ::testing::Values("postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// ---- SQLite only ----

TEST(StoreSqliteTest, AuditRowEditedWithTheSqlite3ToolIsNamed) {
  if (std::system("sqlite3 -version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "the sqlite3 command-line tool is not installed (Debian package sqlite3)";
  }
  std::string db = (testing::ScratchDir("db") / "vigil.db").string();
  {
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::Open(db, {}, &store).ok());
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(store->Audit("note", "x", {{"i", i}}, {"alice"}).ok());
    }
  }
  std::string cmd = "sqlite3 '" + db + "' \"UPDATE audit SET principal = 'bob' WHERE seq = 3\"";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::Open(db, {}, &store).ok());
  AuditVerify v;
  ASSERT_TRUE(store->VerifyAudit(&v).ok());
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
  EXPECT_NE(v.problem.find("record 3"), std::string::npos) << v.problem;
}

TEST(StoreSqliteTest, ReadOnlyDatabaseIsUnavailableNotACrash) {
  std::string db = (testing::ScratchDir("db") / "vigil.db").string();
  {
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::Open(db, {}, &store).ok());
    ImportSummary sum;
    ASSERT_TRUE(store->PutParties({Person("P-1", "A", "")}, {"alice"}, &sum).ok());
  }
  // Root writes to a 0444 file anyway: there, open it read-only through SQLite's URI.
  std::string target = db;
  if (geteuid() == 0) {
    target = "file:" + db + "?mode=ro";
  } else {
    ASSERT_EQ(chmod(db.c_str(), 0444), 0);
  }
  std::unique_ptr<Store> store;
  Status s = Store::Open(target, {}, &store);
  if (s.ok()) {
    PartyVersion v;
    EXPECT_TRUE(store->GetParty("P-1", &v).ok());  // reading still works
    ImportSummary sum;
    s = store->PutParties({Person("P-2", "B", "")}, {"alice"}, &sum);
  }
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("vigil.db"), std::string::npos) << s.message();
  chmod(db.c_str(), 0644);
}

TEST(StoreSqliteTest, NotADatabaseIsCorruption) {
  std::filesystem::path p = testing::WriteTemp("not.db", std::string(4096, 'x'));
  std::unique_ptr<Store> store;
  Status s = Store::Open(p.string(), {}, &store);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.ToString();
}

TEST(StorePostgresTest, UnreachableServerIsUnavailable) {
  std::unique_ptr<Store> store;
  Status s =
      Store::Open("postgresql:///vigil?host=/nonexistent-vigil-dir&connect_timeout=2", {}, &store);
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("postgresql:///vigil"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace vigil::store
