// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The store's side of ongoing screening (issue 14): list versions and their digests,
// re-screen runs and the baseline, each party's latest pairs, the parties to screen again,
// delistings, alerts named after the run that raised them, webhook deliveries, and the
// migration from schema 3. The same tests on SQLite and on PostgreSQL.

#include <gtest/gtest.h>

#include <mutex>

#include "model/party.h"
#include "store/json.h"
#include "store/postgres_server.h"
#include "store/sql.h"
#include "store/store.h"
#include "store/store_fixture.h"
#include "test_util.h"

namespace vigil::store {
namespace {

using nlohmann::json;

model::Party Person(const std::string& id, const std::string& name,
                    std::vector<std::string> tags = {}) {
  json j = {{"id", id}, {"kind", "person"}, {"name", name}};
  if (!tags.empty()) j["tags"] = tags;
  model::Party p;
  std::vector<std::string> warnings;
  Status s = model::ParseParty(j, &p, &warnings);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return p;
}

Hit MakeHit(const std::string& entity_id, double score, const std::string& name = "Someone") {
  Hit h;
  h.entity_id = entity_id;
  h.list = entity_id.substr(0, entity_id.find(':'));
  h.entity_name = name;
  h.score = score;
  h.band = score >= 0.9 ? "match" : "review";
  h.explanation = {{"matched", name}, {"score", score}};
  h.entity_record = {{"id", entity_id}, {"name", name}};
  return h;
}

EntityDigest Digest(const std::string& id, std::vector<std::string> names) {
  EntityDigest d;
  d.id = id;
  d.record_hash = std::string(64, 'r') + id;
  d.screened_hash = std::string(64, 's') + id;
  d.names = std::move(names);
  return d;
}

ListVersionInput Version(const std::string& source, const std::string& key,
                         std::vector<EntityDigest> digests) {
  ListVersionInput in;
  in.source = source;
  in.key = key;
  in.published = "2024-05-13";
  in.files = {{source, "sdn.csv", std::string(64, 'f'), "2024-05-13",
               static_cast<int64_t>(digests.size())}};
  in.digests = std::move(digests);
  return in;
}

bool SameDigest(const EntityDigest& a, const EntityDigest& b) {
  return a.id == b.id && a.record_hash == b.record_hash && a.screened_hash == b.screened_hash &&
         a.names == b.names;
}

class RescreenStoreTest : public StoreFixture {
 protected:
  int64_t Count(const std::string& query) {
    sql::Rows rows;
    Status s = Sql()->Query(query, {}, &rows);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return rows.empty() ? -1 : rows[0].Int(0);
  }

  int64_t LatestVersion(const std::string& party_id) {
    PartyVersion v;
    Status s = store_->GetParty(party_id, &v);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return v.version;
  }

  ScreeningResult Screen(const std::string& party_id, std::vector<Hit> hits,
                         std::vector<std::pair<std::string, double>> near = {},
                         int64_t rescreen_run = 0, int64_t version = 0) {
    ScreeningInput in;
    in.party_id = party_id;
    in.party_version = version != 0 ? version : LatestVersion(party_id);
    in.lists = {{"us_ofac_sdn", "sdn.csv", std::string(64, 'a'), "2024-05-01", 100}};
    in.lists_version = "ofac-2024-05-01";
    in.hits = std::move(hits);
    in.near = std::move(near);
    in.rescreen_run = rescreen_run;
    std::vector<ScreeningResult> results;
    Status s = store_->RecordScreenings({in}, {"screener"}, &results);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? ScreeningResult{} : results[0];
  }

  std::vector<AuditRecord> AuditOf(const std::string& action) {
    std::vector<AuditRecord> out;
    Status s = store_->ExportAudit("", "", [&](const AuditRecord& r) {
      if (r.action == action) out.push_back(r);
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  void ExpectAuditOk() {
    AuditVerify v;
    ASSERT_TRUE(store_->VerifyAudit(&v).ok());
    EXPECT_TRUE(v.ok) << v.problem;
  }

  std::vector<std::string> WithPairs(const std::vector<std::string>& entities, double floor) {
    std::vector<std::string> ids;
    Status s = store_->PartiesWithPairs(entities, floor, &ids);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return ids;
  }

  std::vector<std::string> ToRescreen() {
    std::vector<std::string> ids;
    Status s = store_->PartiesToRescreen(&ids);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return ids;
  }

  int64_t Seq() {
    int64_t seq = -1;
    Status s = store_->PartyChangeSeq(&seq);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return seq;
  }
};

using Ids = std::vector<std::string>;

TEST_P(RescreenStoreTest, RecordsListVersionsOncePerKeyAndReadsTheDigestsBack) {
  // Names with every character the compact encoding escapes, and an entity without names.
  std::vector<EntityDigest> digests = {
      Digest("us_ofac_sdn:1", {"KIM Jong Un", "Kim Chong-un"}),
      Digest("us_ofac_sdn:2", {"tab\there", "new\nline\r", "back\\slash \\t", "unit\x1fsep"}),
      Digest("us_ofac_sdn:3", {}),
      Digest("us_ofac_sdn:4", {"김정은", "Ким Чен Ын"}),
      Digest("us_ofac_sdn:5", {"trailing\\"}),
  };
  std::vector<int64_t> ids;
  Status s = store_->RecordListVersions(
      "v1", {Version("us_ofac_sdn", "k1", digests), Version("un_sc", "u1", {})}, {"system"}, &ids);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], ids[1]);

  std::vector<EntityDigest> back;
  ASSERT_TRUE(store_->GetListDigests(ids[0], &back).ok());
  ASSERT_EQ(back.size(), digests.size());
  for (size_t i = 0; i < digests.size(); ++i) {
    EXPECT_TRUE(SameDigest(back[i], digests[i])) << i;
  }
  ASSERT_TRUE(store_->GetListDigests(ids[1], &back).ok());
  EXPECT_TRUE(back.empty());
  // One TEXT value per version, not a row per entity.
  EXPECT_EQ(Count("SELECT count(*) FROM list_versions"), 2);

  // The same key again: nothing new written, same ids, no second audit record.
  SetNow("2026-03-02T10:00:00.000Z");
  std::vector<int64_t> again;
  ASSERT_TRUE(
      store_->RecordListVersions("v1", {Version("us_ofac_sdn", "k1", digests)}, {"system"}, &again)
          .ok());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0], ids[0]);
  EXPECT_EQ(AuditOf("lists.version").size(), 2u);
  EXPECT_EQ(Count("SELECT count(*) FROM lists_versions"), 1);

  // A new key for the source: a new version.
  std::vector<int64_t> v2;
  ASSERT_TRUE(
      store_
          ->RecordListVersions("v2", {Version("us_ofac_sdn", "k2", {digests[0]})}, {"system"}, &v2)
          .ok());
  EXPECT_GT(v2.at(0), ids[1]);
  EXPECT_EQ(Count("SELECT count(*) FROM lists_versions"), 2);

  std::vector<ListVersion> all;
  ASSERT_TRUE(store_->ListListVersions(&all).ok());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, v2[0]);  // newest first
  EXPECT_EQ(all[0].loaded_at, "2026-03-02T10:00:00.000Z");
  EXPECT_EQ(all[2].id, ids[0]);
  EXPECT_EQ(all[2].key, "k1");
  EXPECT_EQ(all[2].entities, 5);
  EXPECT_EQ(all[2].published, "2024-05-13");
  EXPECT_EQ(all[2].loaded_by, "system");
  ASSERT_EQ(all[2].files.size(), 1u);
  EXPECT_EQ(all[2].files[0].file, "sdn.csv");
  EXPECT_EQ(ToJson(all[2])["entities"], 5);

  ListVersion one;
  ASSERT_TRUE(store_->GetListVersion(ids[1], &one).ok());
  EXPECT_EQ(one.source, "un_sc");
  EXPECT_EQ(store_->GetListVersion(9999, &one).code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->GetListDigests(9999, &back).code(), Status::Code::kNotFound);

  std::vector<AuditRecord> audit = AuditOf("lists.version");
  EXPECT_EQ(audit[0].detail["source"], "us_ofac_sdn");
  EXPECT_EQ(audit[0].detail["key"], "k1");
  EXPECT_EQ(audit[0].detail["entities"], 5);
  EXPECT_EQ(audit[0].object, "list_version:" + std::to_string(ids[0]));

  // Stored digests that do not parse: a clear error, not a crash.
  ASSERT_TRUE(Sql()
                  ->Query("UPDATE list_versions SET digests = $1 WHERE id = $2",
                          {std::string("only\tthree\tfields\n"), ids[0]}, nullptr)
                  .ok());
  s = store_->GetListDigests(ids[0], &back);
  EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find("entity 1"), std::string::npos) << s.message();
  ExpectAuditOk();
}

TEST_P(RescreenStoreTest, OnlyAFinishedRunMovesTheBaselineAndEveryRunIsAudited) {
  std::vector<int64_t> v1, v2, u1;
  ASSERT_TRUE(store_
                  ->RecordListVersions("a", {Version("us_ofac_sdn", "k1", {Digest("x:1", {"A"})})},
                                       {"system"}, &v1)
                  .ok());
  ASSERT_TRUE(store_
                  ->RecordListVersions("b", {Version("us_ofac_sdn", "k2", {Digest("x:1", {"B"})})},
                                       {"system"}, &v2)
                  .ok());
  ASSERT_TRUE(store_->RecordListVersions("c", {Version("un_sc", "u1", {})}, {"system"}, &u1).ok());
  ListVersion base;
  bool found = true;
  ASSERT_TRUE(store_->GetBaseline("us_ofac_sdn", &base, &found).ok());
  EXPECT_FALSE(found);

  int64_t run1 = 0;
  ASSERT_TRUE(store_
                  ->BeginRescreenRun("full", "", "a", {{"us_ofac_sdn", v1[0]}, {"un_sc", u1[0]}},
                                     {"system"}, &run1)
                  .ok());
  ASSERT_TRUE(store_->GetBaseline("us_ofac_sdn", &base, &found).ok());
  EXPECT_FALSE(found);  // running
  RescreenRun r;
  ASSERT_TRUE(store_->GetRescreenRun(run1, &r).ok());
  EXPECT_EQ(r.status, "running");
  EXPECT_EQ(r.kind, "full");
  EXPECT_EQ(r.to_versions.at("un_sc"), u1[0]);
  EXPECT_TRUE(ToJson(r)["finished_at"].is_null());

  SetNow("2026-03-01T10:05:00.000Z");
  ASSERT_TRUE(store_
                  ->FinishRescreenRun(run1, true, {{"parties_screened", 3}, {"new_alerts", 1}}, "",
                                      {"system"})
                  .ok());
  ASSERT_TRUE(store_->GetBaseline("us_ofac_sdn", &base, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(base.id, v1[0]);
  EXPECT_EQ(base.key, "k1");
  // A run ends once.
  EXPECT_FALSE(store_->FinishRescreenRun(run1, false, {}, "again", {"system"}).ok());

  // A failed run does not move it.
  int64_t run2 = 0;
  ASSERT_TRUE(
      store_->BeginRescreenRun("delta", "a", "b", {{"us_ofac_sdn", v2[0]}}, {"system"}, &run2)
          .ok());
  ASSERT_TRUE(store_->FinishRescreenRun(run2, false, {{"added", 1}}, "disk full", {"system"}).ok());
  ASSERT_TRUE(store_->GetBaseline("us_ofac_sdn", &base, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(base.id, v1[0]);

  // A finished one does; a source it does not cover keeps the older run's version.
  int64_t run3 = 0;
  ASSERT_TRUE(
      store_->BeginRescreenRun("delta", "a", "b", {{"us_ofac_sdn", v2[0]}}, {"system"}, &run3)
          .ok());
  ASSERT_TRUE(store_->FinishRescreenRun(run3, true, {{"added", 1}}, "", {"system"}).ok());
  ASSERT_TRUE(store_->GetBaseline("us_ofac_sdn", &base, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(base.id, v2[0]);
  ASSERT_TRUE(store_->GetBaseline("un_sc", &base, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(base.id, u1[0]);
  ASSERT_TRUE(store_->GetBaseline("eu_fsf", &base, &found).ok());
  EXPECT_FALSE(found);

  std::vector<RescreenRun> runs;
  ASSERT_TRUE(store_->ListRescreenRuns(10, &runs).ok());
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].id, run3);
  EXPECT_EQ(runs[1].status, "failed");
  EXPECT_EQ(runs[1].error, "disk full");
  EXPECT_EQ(runs[2].counts["new_alerts"], 1);
  EXPECT_EQ(runs[2].finished_at, "2026-03-01T10:05:00.000Z");
  EXPECT_EQ(runs[2].from_lists_version, "");
  EXPECT_EQ(runs[2].to_lists_version, "a");
  ASSERT_TRUE(store_->ListRescreenRuns(1, &runs).ok());
  EXPECT_EQ(runs.size(), 1u);
  EXPECT_EQ(store_->GetRescreenRun(9999, &r).code(), Status::Code::kNotFound);
  EXPECT_FALSE(store_->BeginRescreenRun("sideways", "", "", {}, {"system"}, &run1).ok());

  std::vector<AuditRecord> audit = AuditOf("rescreen");
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].object, "rescreen:" + std::to_string(run1));
  EXPECT_EQ(audit[0].detail["counts"]["parties_screened"], 3);
  EXPECT_EQ(audit[0].detail["kind"], "full");
  EXPECT_EQ(audit[1].detail["status"], "failed");
  EXPECT_EQ(audit[1].detail["error"], "disk full");
  EXPECT_EQ(audit[2].detail["to_versions"]["us_ofac_sdn"], v2[0]);
  ExpectAuditOk();
}

TEST_P(RescreenStoreTest, KeepsEachPartysLatestPairsAndFindsThemByEntityAndFloor) {
  Put({Person("P-1", "Alpha"), Person("P-2", "Beta"), Person("P-3", "Gamma")});
  Screen("P-1", {MakeHit("e:1", 0.95)}, {{"e:2", 0.65}, {"e:3", 0.70}});
  Screen("P-2", {}, {{"e:2", 0.63}});
  Screen("P-3", {});
  EXPECT_EQ(WithPairs({"e:1"}, 0.62), Ids({"P-1"}));
  EXPECT_EQ(WithPairs({"e:2"}, 0.62), Ids({"P-1", "P-2"}));
  EXPECT_EQ(WithPairs({"e:2"}, 0.64), Ids({"P-1"}));
  EXPECT_EQ(WithPairs({"e:2", "e:3", "e:1"}, 0.0), Ids({"P-1", "P-2"}));
  EXPECT_EQ(WithPairs({"e:9"}, 0.0), Ids());
  EXPECT_EQ(WithPairs({}, 0.62), Ids({"P-1", "P-2"}));  // any entity
  EXPECT_EQ(WithPairs({}, 0.9), Ids({"P-1"}));
  // The pairs themselves, with their scores, by party then entity.
  std::vector<PartyPair> pairs;
  ASSERT_TRUE(store_->PairsAbove(0.64, &pairs).ok());
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[0].party_id + " " + pairs[0].entity_id, "P-1 e:1");
  EXPECT_DOUBLE_EQ(pairs[0].score, 0.95);
  EXPECT_EQ(pairs[1].party_id + " " + pairs[1].entity_id, "P-1 e:2");
  EXPECT_DOUBLE_EQ(pairs[1].score, 0.65);
  EXPECT_EQ(pairs[2].party_id + " " + pairs[2].entity_id, "P-1 e:3");

  // A later screening replaces the party's pairs: e:1 and e:2 are gone for P-1.
  Screen("P-1", {}, {{"e:4", 0.66}});
  EXPECT_EQ(WithPairs({"e:1"}, 0.0), Ids());
  EXPECT_EQ(WithPairs({"e:2"}, 0.0), Ids({"P-2"}));
  EXPECT_EQ(WithPairs({"e:4"}, 0.0), Ids({"P-1"}));
  EXPECT_EQ(Count("SELECT count(*) FROM party_pairs WHERE party_id = 'P-1'"), 1);
  // The alert of the earlier hit stays: alerts are never removed by a later screening.
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts(AlertQuery{}, &page).ok());
  EXPECT_EQ(page.total, 1);

  // More entity ids than one query takes (the IN lists are batched), found each once.
  std::vector<std::pair<std::string, double>> many;
  std::vector<std::string> entities;
  for (int i = 0; i < 1300; ++i) {
    entities.push_back("m:" + std::to_string(i));
    if (i % 100 == 7) many.emplace_back(entities.back(), 0.7);
  }
  Screen("P-3", {}, many);
  entities.push_back("e:2");
  EXPECT_EQ(WithPairs(entities, 0.62), Ids({"P-2", "P-3"}));
}

TEST_P(RescreenStoreTest, FlagsPartiesToRescreenAndCountsScreenedChanges) {
  EXPECT_EQ(Seq(), 0);
  Put({Person("P-1", "Alpha"), Person("P-2", "Beta")});
  EXPECT_EQ(ToRescreen(), Ids({"P-1", "P-2"}));  // never screened
  EXPECT_EQ(Seq(), 2);
  std::vector<std::string> changed;
  ASSERT_TRUE(store_->PartiesChangedSince(0, &changed).ok());
  EXPECT_EQ(changed, Ids({"P-1", "P-2"}));
  ASSERT_TRUE(store_->PartiesChangedSince(2, &changed).ok());
  EXPECT_TRUE(changed.empty());

  Screen("P-1", {});
  EXPECT_EQ(ToRescreen(), Ids({"P-2"}));

  // A change a screening cannot see (tags): neither flagged nor counted.
  Put({Person("P-1", "Alpha", {"vip"})});
  EXPECT_EQ(LatestVersion("P-1"), 2);
  EXPECT_EQ(ToRescreen(), Ids({"P-2"}));
  EXPECT_EQ(Seq(), 2);

  // A screened field changed: flagged and counted.
  Put({Person("P-1", "Alpha Omega", {"vip"})});
  EXPECT_EQ(ToRescreen(), Ids({"P-1", "P-2"}));
  EXPECT_EQ(Seq(), 3);
  ASSERT_TRUE(store_->PartiesChangedSince(2, &changed).ok());
  EXPECT_EQ(changed, Ids({"P-1"}));

  // A screening of an older version does not clear it; one of the current version does.
  Screen("P-1", {}, {}, 0, 2);
  EXPECT_EQ(ToRescreen(), Ids({"P-1", "P-2"}));
  Screen("P-1", {});
  Screen("P-2", {});
  EXPECT_TRUE(ToRescreen().empty());

  std::vector<model::Party> parties;
  ASSERT_TRUE(store_->GetParties({"P-2", "nobody", "P-1", "P-2"}, &parties).ok());
  ASSERT_EQ(parties.size(), 2u);
  EXPECT_EQ(parties[0].id, "P-1");
  EXPECT_EQ(parties[0].stored_version, 3);
  EXPECT_EQ(parties[0].name, "Alpha Omega");
  EXPECT_EQ(parties[1].id, "P-2");
  EXPECT_EQ(parties[1].stored_version, 1);
  ASSERT_TRUE(store_->GetParties({}, &parties).ok());
  EXPECT_TRUE(parties.empty());

  // Many ids at once.
  std::vector<model::Party> batch;
  std::vector<std::string> ids;
  for (int i = 0; i < 1200; ++i) {
    batch.push_back(Person("Q-" + std::to_string(10000 + i), "Person " + std::to_string(i)));
    ids.push_back(batch.back().id);
  }
  Put(batch);
  EXPECT_EQ(Seq(), 1203);
  ASSERT_TRUE(store_->GetParties(ids, &parties).ok());
  ASSERT_EQ(parties.size(), 1200u);
  EXPECT_EQ(parties.back().id, "Q-11199");
  EXPECT_EQ(ToRescreen().size(), 1200u);
}

TEST_P(RescreenStoreTest, ClosesOpenAlertsOfDelistedEntitiesAndAnnotatesDecidedOnes) {
  Put({Person("P-1", "A", {"vip"}), Person("P-2", "B"), Person("P-3", "C"), Person("P-4", "D"),
       Person("P-5", "E")});
  auto alert_of = [&](const std::string& party, const std::string& entity) {
    ScreeningResult r = Screen(party, {MakeHit(entity, 0.95)});
    EXPECT_EQ(r.outcomes.size(), 1u);
    return r.outcomes.empty() ? int64_t{0} : r.outcomes[0].second;
  };
  const int64_t open = alert_of("P-1", "gone:1");
  const int64_t escalated = alert_of("P-2", "gone:1");
  const int64_t fp = alert_of("P-3", "gone:1");
  const int64_t tm = alert_of("P-4", "gone:2");
  const int64_t other = alert_of("P-5", "kept:1");
  ASSERT_TRUE(
      store_->Decide(escalated, DecisionKind::kEscalate, "look", {}, {"bob"}, nullptr).ok());
  ASSERT_TRUE(
      store_->Decide(fp, DecisionKind::kFalsePositive, "other man", {}, {"bob"}, nullptr).ok());
  ASSERT_TRUE(store_->Decide(tm, DecisionKind::kTrueMatch, "him", {}, {"bob"}, nullptr).ok());
  const int64_t alerts_before = Count("SELECT count(*) FROM alerts");
  const int64_t decisions_before = Count("SELECT count(*) FROM decisions");

  SetNow("2026-04-01T00:00:00.000Z");
  const std::string label = "us_ofac_sdn version 2024-05-13 (a1b2c3d4e5f6)";
  int64_t annotated = -1, closed = -1;
  Status s = store_->CloseDelisted({"gone:1", "gone:2", "never:1"}, label, 7, {"system"},
                                   &annotated, &closed);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(annotated, 4);
  EXPECT_EQ(closed, 2);
  const std::string text = "delisted in " + label;

  Alert a;
  ASSERT_TRUE(store_->GetAlert(open, &a).ok());
  EXPECT_EQ(a.state, AlertState::kClosed);
  EXPECT_EQ(a.delisted, text);
  EXPECT_EQ(a.version, 2);
  ASSERT_EQ(a.history.size(), 1u);
  EXPECT_EQ(a.history[0].decision, DecisionKind::kClose);
  EXPECT_EQ(a.history[0].reason, text);
  EXPECT_EQ(a.history[0].by, "system");
  EXPECT_EQ(a.history[0].alert_version, 1);
  EXPECT_EQ(ToJson(a, true)["delisted"], text);

  ASSERT_TRUE(store_->GetAlert(escalated, &a).ok());
  EXPECT_EQ(a.state, AlertState::kClosed);
  EXPECT_EQ(a.history.size(), 2u);
  EXPECT_EQ(a.version, 3);

  ASSERT_TRUE(store_->GetAlert(fp, &a).ok());
  EXPECT_EQ(a.state, AlertState::kFalsePositive);  // decided: only annotated
  EXPECT_EQ(a.delisted, text);
  EXPECT_EQ(a.version, 2);
  EXPECT_EQ(a.history.size(), 1u);
  ASSERT_TRUE(store_->GetAlert(tm, &a).ok());
  EXPECT_EQ(a.state, AlertState::kTrueMatch);
  EXPECT_EQ(a.delisted, text);
  ASSERT_TRUE(store_->GetAlert(other, &a).ok());
  EXPECT_EQ(a.state, AlertState::kOpen);
  EXPECT_EQ(a.delisted, "");
  EXPECT_TRUE(ToJson(a, false)["delisted"].is_null());

  // Nothing deleted; the counters follow.
  EXPECT_EQ(Count("SELECT count(*) FROM alerts"), alerts_before);
  EXPECT_EQ(Count("SELECT count(*) FROM decisions"), decisions_before + 2);
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts(AlertQuery{}, &page).ok());
  EXPECT_EQ(page.total, 1);
  EXPECT_EQ(page.counts["closed"], 2);
  EXPECT_EQ(page.counts["open"], 1);
  EXPECT_EQ(page.counts["escalated"], 0);
  AlertQuery vip;
  vip.tag = "vip";
  vip.status = "closed";
  ASSERT_TRUE(store_->ListAlerts(vip, &page).ok());
  EXPECT_EQ(page.total, 1);

  std::vector<AuditRecord> decide = AuditOf("alert.decide");
  ASSERT_GE(decide.size(), 2u);
  const AuditRecord& last = decide.back();
  EXPECT_EQ(last.principal, "system");
  EXPECT_EQ(last.detail["decision"], "close");
  EXPECT_EQ(last.detail["after"]["state"], "closed");
  EXPECT_EQ(last.detail["rescreen_run"], 7);
  std::vector<AuditRecord> delisted = AuditOf("alert.delisted");
  ASSERT_EQ(delisted.size(), 2u);
  EXPECT_EQ(delisted[0].object, "alert:" + std::to_string(fp));
  EXPECT_EQ(delisted[0].detail["state"], "false_positive");

  // Again: already marked, left alone.
  s = store_->CloseDelisted({"gone:1", "gone:2"}, label, 8, {"system"}, &annotated, &closed);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(annotated, 0);
  EXPECT_EQ(closed, 0);
  EXPECT_EQ(AuditOf("alert.delisted").size(), 2u);
  EXPECT_EQ(Count("SELECT count(*) FROM decisions"), decisions_before + 2);
  EXPECT_FALSE(store_->CloseDelisted({"gone:1"}, "", 0, {"system"}, nullptr, nullptr).ok());
  ExpectAuditOk();
}

TEST_P(RescreenStoreTest, AlertsNameTheRunThatRaisedThemAndFilterByIt) {
  Put({Person("P-1", "A"), Person("P-2", "B")});
  int64_t run = 0;
  ASSERT_TRUE(store_->BeginRescreenRun("delta", "", "x", {}, {"system"}, &run).ok());
  ScreeningResult own = Screen("P-1", {MakeHit("e:1", 0.95)});
  ScreeningResult by_run = Screen("P-2", {MakeHit("e:1", 0.95), MakeHit("e:2", 0.8)}, {}, run);
  ASSERT_EQ(by_run.outcomes.size(), 2u);
  EXPECT_EQ(by_run.new_alerts, 2);

  Alert a;
  ASSERT_TRUE(store_->GetAlert(own.outcomes[0].second, &a).ok());
  EXPECT_EQ(a.rescreen_run, 0);
  EXPECT_TRUE(ToJson(a, true)["rescreen_run"].is_null());
  ASSERT_TRUE(store_->GetAlert(by_run.outcomes[0].second, &a).ok());
  EXPECT_EQ(a.rescreen_run, run);
  EXPECT_EQ(ToJson(a, false)["rescreen_run"], run);

  AlertQuery q;
  q.rescreen_run = run;
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts(q, &page).ok());
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.alerts.size(), 2u);
  for (const Alert& x : page.alerts) {
    EXPECT_EQ(x.party_id, "P-2");
    EXPECT_EQ(x.rescreen_run, run);
  }
  q.rescreen_run = run + 1;
  ASSERT_TRUE(store_->ListAlerts(q, &page).ok());
  EXPECT_EQ(page.total, 0);

  // Re-raised by a later run (the false positive's entity changed): names that run; an
  // existing open alert seen again keeps the run that raised it.
  ASSERT_TRUE(store_
                  ->Decide(by_run.outcomes[1].second, DecisionKind::kFalsePositive, "no", {},
                           {"bob"}, nullptr)
                  .ok());
  int64_t run2 = 0;
  ASSERT_TRUE(store_->BeginRescreenRun("delta", "x", "y", {}, {"system"}, &run2).ok());
  Hit changed = MakeHit("e:2", 0.8, "Someone Else");
  ScreeningResult again = Screen("P-2", {MakeHit("e:1", 0.95), changed}, {}, run2);
  ASSERT_EQ(again.outcomes.size(), 2u);
  EXPECT_EQ(again.outcomes[0].first, HitOutcome::kExisting);
  EXPECT_EQ(again.outcomes[1].first, HitOutcome::kReAlert);
  ASSERT_TRUE(store_->GetAlert(again.outcomes[1].second, &a).ok());
  EXPECT_EQ(a.rescreen_run, run2);
  ASSERT_TRUE(store_->GetAlert(again.outcomes[0].second, &a).ok());
  EXPECT_EQ(a.rescreen_run, run);
  std::vector<AuditRecord> raised = AuditOf("alert.raise");
  ASSERT_FALSE(raised.empty());
  EXPECT_EQ(raised.back().detail["rescreen_run"], run2);

  PartyDetail d;
  ASSERT_TRUE(store_->GetPartyDetail("P-2", &d).ok());
  ASSERT_EQ(d.alerts.size(), 3u);
  EXPECT_EQ(d.alerts[0].rescreen_run, run2);
}

TEST_P(RescreenStoreTest, RecordsAndAuditsWebhookDeliveries) {
  WebhookDelivery d;
  d.event_id = "evt-1";
  d.url = "https://hooks.example.com/vigil";
  d.rescreen_run = 3;
  d.alerts = 12;
  d.status = "failed";
  d.attempts = 5;
  d.http_status = 503;
  d.error = "HTTP 503";
  d.first_attempt_at = "2026-03-01T10:00:00.000Z";
  d.last_attempt_at = "2026-03-01T10:00:30.000Z";
  int64_t id1 = 0, id2 = 0;
  ASSERT_TRUE(store_->RecordWebhookDelivery(d, {"system"}, &id1).ok());
  d.event_id = "evt-2";
  d.status = "delivered";
  d.attempts = 1;
  d.http_status = 204;
  d.error.clear();
  d.rescreen_run = 0;
  ASSERT_TRUE(store_->RecordWebhookDelivery(d, {"system"}, &id2).ok());
  EXPECT_GT(id2, id1);
  d.status = "lost";
  EXPECT_EQ(store_->RecordWebhookDelivery(d, {"system"}, nullptr).code(),
            Status::Code::kInvalidArgument);

  std::vector<WebhookDelivery> all;
  ASSERT_TRUE(store_->ListWebhookDeliveries(10, &all).ok());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, id2);
  EXPECT_EQ(all[0].status, "delivered");
  EXPECT_EQ(all[0].rescreen_run, 0);
  EXPECT_EQ(all[1].event_id, "evt-1");
  EXPECT_EQ(all[1].rescreen_run, 3);
  EXPECT_EQ(all[1].alerts, 12);
  EXPECT_EQ(all[1].attempts, 5);
  EXPECT_EQ(all[1].http_status, 503);
  EXPECT_EQ(all[1].error, "HTTP 503");
  EXPECT_EQ(all[1].last_attempt_at, "2026-03-01T10:00:30.000Z");
  EXPECT_EQ(ToJson(all[0])["error"], nullptr);

  std::vector<AuditRecord> audit = AuditOf("webhook.delivery");
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].object, "webhook:" + std::to_string(id1));
  EXPECT_EQ(audit[0].detail["status"], "failed");
  EXPECT_EQ(audit[0].detail["attempts"], 5);
  EXPECT_EQ(audit[0].detail["error"], "HTTP 503");
  ExpectAuditOk();
}

// A store written by schema 3 (before ongoing screening) with parties and an alert: opening
// it adds the new tables and columns, and every existing party is to be re-screened.
TEST_P(RescreenStoreTest, MigratesFromSchema3WithExistingParties) {
  Put({Person("P-1", "A"), Person("P-2", "B")});
  Screen("P-1", {MakeHit("e:1", 0.95)});
  store_.reset();
  for (const char* undo4 :
       {"DROP TABLE ownership_edges" /* migration 5 */, "DROP TABLE list_versions",
        "DROP TABLE lists_versions", "DROP TABLE rescreen_runs", "DROP TABLE party_pairs",
        "DROP TABLE party_change_counter", "DROP TABLE webhook_deliveries",
        "DROP TABLE party_rescreen", "DROP INDEX parties_change_seq", "DROP INDEX alerts_entity",
        "DROP INDEX alerts_rescreen_run", "ALTER TABLE parties DROP COLUMN change_seq",
        "ALTER TABLE alerts DROP COLUMN rescreen_run", "ALTER TABLE alerts DROP COLUMN delisted",
        "DELETE FROM schema_migrations WHERE version >= 4"}) {
    ASSERT_TRUE(Sql()->Exec(undo4).ok()) << undo4;
  }
  EXPECT_EQ(Count("SELECT max(version) FROM schema_migrations"), 3);

  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_GE(store_->schema_version(), 4);
  EXPECT_EQ(ToRescreen(), Ids({"P-1", "P-2"}));
  EXPECT_EQ(Seq(), 0);
  EXPECT_EQ(WithPairs({}, 0.0), Ids());
  AlertPage page;
  ASSERT_TRUE(store_->ListAlerts(AlertQuery{}, &page).ok());
  ASSERT_EQ(page.alerts.size(), 1u);
  EXPECT_EQ(page.alerts[0].rescreen_run, 0);
  EXPECT_EQ(page.alerts[0].delisted, "");

  // And it works on: a new party takes the next change number, a screening clears the flag.
  Put({Person("P-3", "C")});
  EXPECT_EQ(Seq(), 1);
  Screen("P-1", {MakeHit("e:1", 0.95)}, {{"e:2", 0.7}});
  EXPECT_EQ(ToRescreen(), Ids({"P-2", "P-3"}));
  EXPECT_EQ(WithPairs({"e:2"}, 0.6), Ids({"P-1"}));
  ExpectAuditOk();
}

INSTANTIATE_TEST_SUITE_P(Store, RescreenStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace vigil::store
