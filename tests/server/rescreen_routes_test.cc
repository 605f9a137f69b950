// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The list updates over HTTP: GET /v1/rescreens, GET /v1/rescreens/{id}, GET
// /v1/list-versions, /v1/alerts?run=N and the alerts' rescreen_run and delisted fields. The
// runs, list versions and alerts are written into the server's store through the Store API
// (as a re-screen run writes them), then read back through the routes. They are for a list
// the server does not load ("xx_test"), so that what the service itself records for the
// lists it loads (a run after a reload) is told apart and does not touch them.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server_test_util.h"
#include "store/store.h"
#include "test_util.h"

namespace vigil::server {
namespace {

using nlohmann::json;
using testing::RunningServer;

store::Hit MakeHit(const std::string& entity, const std::string& name, double score) {
  store::Hit h;
  h.entity_id = entity;
  h.list = "xx_test";
  h.entity_name = name;
  h.score = score;
  h.band = score >= 0.9 ? "match" : "review";
  h.explanation = json::object();
  h.entity_record = json{{"id", entity}, {"name", name}};
  return h;
}

store::ListVersionInput Version(const std::string& key, const std::string& published) {
  store::ListVersionInput v;
  v.source = "xx_test";
  v.key = key;
  v.files = {{"xx_test", "sdn.csv", std::string(64, key[0]), published, 2}};
  v.published = published;
  v.digests = {{"xx_test:10", "r10", "s10", {"OLD ONE"}},
               {"xx_test:20", "r20", "s20", {"NEW ONE"}}};
  return v;
}

// A store as two list updates leave it: run 1 (full, 2021-07) raised an alert for P-1 on
// entity 10; run 2 (delta, 2024-05) raised one for P-2 on entity 20 and delisted entity 10;
// a screening of P-3 itself raised one on entity 20 without a run.
struct Fixture {
  int64_t run1 = 0, run2 = 0;
  int64_t v1 = 0, v2 = 0;
  int64_t alert_p1 = 0, alert_p2 = 0, alert_p3 = 0;
};

void Populate(const std::string& db, Fixture* f) {
  std::unique_ptr<store::Store> st;
  ASSERT_TRUE(store::Store::Open(db, {}, &st).ok());
  const store::Actor sys{"system"};
  std::vector<model::Party> parties(3);
  for (int i = 0; i < 3; ++i) {
    std::vector<std::string> warnings;
    ASSERT_TRUE(model::ParseParty(json{{"id", "P-" + std::to_string(i + 1)},
                                       {"kind", "person"},
                                       {"name", "Party " + std::to_string(i + 1)}},
                                  &parties[i], &warnings)
                    .ok());
  }
  store::ImportSummary imported;
  ASSERT_TRUE(st->PutParties(parties, {"alice"}, &imported).ok());

  std::vector<int64_t> ids;
  ASSERT_TRUE(
      st->RecordListVersions("lv-2021", {Version(std::string(64, 'a'), "2021-07-01")}, sys, &ids)
          .ok());
  f->v1 = ids.at(0);
  ASSERT_TRUE(
      st->BeginRescreenRun("full", "", "lv-2021", {{"xx_test", f->v1}}, sys, &f->run1).ok());
  auto screen = [&](const std::string& party, const store::Hit& hit, int64_t run, int64_t* alert) {
    store::ScreeningInput in;
    in.party_id = party;
    in.party_version = 1;
    in.lists_version = run == f->run1 ? "lv-2021" : "lv-2024";
    in.hits = {hit};
    in.rescreen_run = run;
    std::vector<store::ScreeningResult> results;
    ASSERT_TRUE(st->RecordScreenings({in}, sys, &results).ok());
    ASSERT_EQ(results.size(), 1u);
    ASSERT_EQ(results[0].outcomes.size(), 1u);
    ASSERT_EQ(results[0].outcomes[0].first, store::HitOutcome::kNewAlert);
    *alert = results[0].outcomes[0].second;
  };
  screen("P-1", MakeHit("xx_test:10", "OLD ONE", 0.95), f->run1, &f->alert_p1);
  ASSERT_TRUE(st->FinishRescreenRun(
                    f->run1, true,
                    json{{"parties_screened", 3}, {"new_alerts", 1}, {"re_alerts", 0}}, "", sys)
                  .ok());

  ASSERT_TRUE(
      st->RecordListVersions("lv-2024", {Version(std::string(64, 'c'), "2024-05-13")}, sys, &ids)
          .ok());
  f->v2 = ids.at(0);
  ASSERT_TRUE(
      st->BeginRescreenRun("delta", "lv-2021", "lv-2024", {{"xx_test", f->v2}}, sys, &f->run2)
          .ok());
  screen("P-2", MakeHit("xx_test:20", "NEW ONE", 0.85), f->run2, &f->alert_p2);
  int64_t annotated = 0, closed = 0;
  ASSERT_TRUE(st->CloseDelisted({"xx_test:10"}, "xx_test version 2024-05-13 (cccccccccccc)",
                                f->run2, sys, &annotated, &closed)
                  .ok());
  ASSERT_EQ(closed, 1);
  json counts{
      {"sources",
       json::array({{{"source", "xx_test"}, {"added", 1}, {"changed", 0}, {"removed", 1}}})},
      {"parties_screened", 1},
      {"new_alerts", 1},
      {"re_alerts", 0},
      {"delisted_annotated", annotated},
      {"delisted_closed", closed}};
  ASSERT_TRUE(st->FinishRescreenRun(f->run2, true, counts, "", sys).ok());
  screen("P-3", MakeHit("xx_test:20", "NEW ONE", 0.91), 0, &f->alert_p3);
}

struct Answer {
  int status = 0;
  json body;
  std::string raw;
};

Answer Get(RunningServer& s, const std::string& path, const httplib::Headers& headers = {}) {
  Answer a;
  auto r = s.client().Get(path.c_str(), headers);
  if (!r) return a;
  a.status = r->status;
  a.raw = r->body;
  a.body = json::parse(r->body, nullptr, false);
  return a;
}

ServerOptions WithStore(const std::string& name) {
  ServerOptions o;
  o.db = (vigil::testing::ScratchDir(name) / "cases.db").string();
  return o;
}

TEST(RescreenRoutesTest, RunsNewestFirstWithTheirListsAndCounts) {
  ServerOptions o = WithStore("runs");
  RunningServer s(o);
  Fixture f;
  ASSERT_NO_FATAL_FAILURE(Populate(o.db, &f));

  auto r = Get(s, "/v1/rescreens");
  ASSERT_EQ(r.status, 200) << r.raw;
  // Newest first: run 2 before run 1 (whatever else the service recorded).
  json runs = json::array();
  int64_t newer = INT64_MAX;
  for (const json& run : r.body["runs"]) {
    EXPECT_LT(run["id"].get<int64_t>(), newer) << r.raw;
    newer = run["id"].get<int64_t>();
    if (run["id"] == f.run1 || run["id"] == f.run2) runs.push_back(run);
  }
  ASSERT_EQ(runs.size(), 2u) << r.raw;
  EXPECT_EQ(runs[0]["id"], f.run2);
  EXPECT_EQ(runs[1]["id"], f.run1);
  EXPECT_EQ(runs[0]["kind"], "delta");
  EXPECT_EQ(runs[0]["status"], "done");
  EXPECT_EQ(runs[0]["from_lists_version"], "lv-2021");
  EXPECT_EQ(runs[0]["to_lists_version"], "lv-2024");
  EXPECT_FALSE(runs[0]["finished_at"].is_null());
  EXPECT_TRUE(runs[0]["error"].is_null());
  EXPECT_EQ(runs[0]["counts"]["delisted_closed"], 1);
  EXPECT_EQ(runs[0]["counts"]["sources"][0]["removed"], 1);
  ASSERT_EQ(runs[0]["lists"].size(), 1u);
  EXPECT_EQ(runs[0]["lists"][0]["source"], "xx_test");
  EXPECT_EQ(runs[0]["lists"][0]["id"], f.v2);
  EXPECT_EQ(runs[0]["lists"][0]["published"], "2024-05-13");
  EXPECT_EQ(runs[1]["lists"][0]["published"], "2021-07-01");

  auto one = Get(s, "/v1/rescreens?limit=1");
  ASSERT_EQ(one.status, 200);
  ASSERT_EQ(one.body["runs"].size(), 1u);
  // The newest (the service may have finished a run of its own since the first request).
  EXPECT_GE(one.body["runs"][0]["id"].get<int64_t>(), r.body["runs"][0]["id"].get<int64_t>());
  EXPECT_EQ(Get(s, "/v1/rescreens?limit=0").status, 400);
  EXPECT_EQ(Get(s, "/v1/rescreens?limit=x").status, 400);

  // One run: the whole list version records, files included.
  auto run = Get(s, "/v1/rescreens/" + std::to_string(f.run2));
  ASSERT_EQ(run.status, 200) << run.raw;
  EXPECT_EQ(run.body["id"], f.run2);
  ASSERT_EQ(run.body["lists"].size(), 1u);
  EXPECT_EQ(run.body["lists"][0]["key"], std::string(64, 'c'));
  ASSERT_EQ(run.body["lists"][0]["files"].size(), 1u);
  EXPECT_EQ(run.body["lists"][0]["files"][0]["file"], "sdn.csv");
  EXPECT_FALSE(run.body["lists"][0].contains("digests"));

  auto missing = Get(s, "/v1/rescreens/999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body["error"]["code"], "not_found");
  auto bad = Get(s, "/v1/rescreens/abc");
  EXPECT_EQ(bad.status, 404);
  EXPECT_NE(bad.raw.find("positive whole numbers"), std::string::npos) << bad.raw;
  EXPECT_EQ(Get(s, "/v1/rescreens/1/more").status, 404);
}

TEST(RescreenRoutesTest, ListVersionsNewestFirstWithoutDigests) {
  ServerOptions o = WithStore("versions");
  RunningServer s(o);
  Fixture f;
  ASSERT_NO_FATAL_FAILURE(Populate(o.db, &f));
  auto r = Get(s, "/v1/list-versions?source=xx_test");
  ASSERT_EQ(r.status, 200) << r.raw;
  const json& v = r.body["versions"];
  ASSERT_EQ(v.size(), 2u) << r.raw;
  EXPECT_EQ(v[0]["id"], f.v2);
  EXPECT_EQ(v[1]["id"], f.v1);
  EXPECT_EQ(v[0]["published"], "2024-05-13");
  EXPECT_EQ(v[0]["entities"], 2);
  EXPECT_EQ(v[0]["files"][0]["sha256"], std::string(64, 'c'));
  EXPECT_EQ(v[0]["loaded_by"], "system");
  EXPECT_FALSE(v[0]["loaded_at"].get<std::string>().empty());
  EXPECT_FALSE(v[0].contains("digests"));
  // Without a source: these and any the service recorded, newest first.
  auto every = Get(s, "/v1/list-versions");
  ASSERT_EQ(every.status, 200);
  size_t mine = 0;
  int64_t newer = INT64_MAX;
  for (const json& x : every.body["versions"]) {
    EXPECT_LT(x["id"].get<int64_t>(), newer);
    newer = x["id"].get<int64_t>();
    mine += x["source"] == "xx_test";
  }
  EXPECT_EQ(mine, 2u);
  EXPECT_EQ(Get(s, "/v1/list-versions?source=nothing_such").body["versions"].size(), 0u);
}

TEST(RescreenRoutesTest, AlertsByRunAndTheirOriginAndDelisting) {
  ServerOptions o = WithStore("alerts");
  RunningServer s(o);
  Fixture f;
  ASSERT_NO_FATAL_FAILURE(Populate(o.db, &f));

  // Every alert says which run raised it (null: a screening of the party).
  auto all = Get(s, "/v1/alerts?status=all");
  ASSERT_EQ(all.status, 200) << all.raw;
  std::map<int64_t, json> by_id;
  for (const json& a : all.body["alerts"]) by_id[a["id"].get<int64_t>()] = a;
  ASSERT_TRUE(by_id.count(f.alert_p1) && by_id.count(f.alert_p2) && by_id.count(f.alert_p3))
      << all.raw;
  EXPECT_EQ(by_id[f.alert_p1]["rescreen_run"], f.run1);
  EXPECT_EQ(by_id[f.alert_p2]["rescreen_run"], f.run2);
  EXPECT_TRUE(by_id[f.alert_p3]["rescreen_run"].is_null());
  // The delisted entity's alert: annotated and closed; the others are not.
  EXPECT_EQ(by_id[f.alert_p1]["delisted"], "delisted in xx_test version 2024-05-13 (cccccccccccc)");
  EXPECT_EQ(by_id[f.alert_p1]["state"], "closed");
  EXPECT_TRUE(by_id[f.alert_p2]["delisted"].is_null());
  EXPECT_EQ(by_id[f.alert_p2]["state"], "open");

  // ?run=N: only that run's alerts.
  auto run2 = Get(s, "/v1/alerts?status=all&run=" + std::to_string(f.run2));
  ASSERT_EQ(run2.status, 200) << run2.raw;
  EXPECT_EQ(run2.body["total"], 1);
  ASSERT_EQ(run2.body["alerts"].size(), 1u);
  EXPECT_EQ(run2.body["alerts"][0]["id"], f.alert_p2);
  // The run filter combines with the others: run 1's alert is closed, not open.
  auto run1_open = Get(s, "/v1/alerts?run=" + std::to_string(f.run1));
  ASSERT_EQ(run1_open.status, 200);
  EXPECT_EQ(run1_open.body["total"], 0);
  EXPECT_EQ(Get(s, "/v1/alerts?status=closed&run=" + std::to_string(f.run1)).body["total"], 1);
  EXPECT_EQ(Get(s, "/v1/alerts?status=all&run=999").body["total"], 0);
  EXPECT_EQ(Get(s, "/v1/alerts?run=0").status, 400);
  EXPECT_EQ(Get(s, "/v1/alerts?run=-1").status, 400);
  EXPECT_EQ(Get(s, "/v1/alerts?run=two").status, 400);

  // The full alert says the same, and its history has the system's closing decision.
  auto closed = Get(s, "/v1/alerts/" + std::to_string(f.alert_p1));
  ASSERT_EQ(closed.status, 200);
  EXPECT_EQ(closed.body["rescreen_run"], f.run1);
  EXPECT_NE(closed.body["delisted"].get<std::string>().find("2024-05-13"), std::string::npos);
  ASSERT_EQ(closed.body["history"].size(), 1u);
  EXPECT_EQ(closed.body["history"][0]["decision"], "close");
  EXPECT_EQ(closed.body["history"][0]["by"], "system");
}

TEST(RescreenRoutesTest, AnalystRoleAndAStore) {
  ServerOptions o = WithStore("roles");
  o.api_keys = {"screen:" + vigil::testing::Sha("s"), "analyst:" + vigil::testing::Sha("a")};
  RunningServer s(o);
  Fixture f;
  ASSERT_NO_FATAL_FAILURE(Populate(o.db, &f));
  for (const std::string path :
       {"/v1/rescreens", "/v1/rescreens/1", "/v1/list-versions", "/v1/alerts?run=1"}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(Get(s, path).status, 401);
    EXPECT_EQ(Get(s, path, {{"Authorization", "Bearer s"}}).status, 403);
    EXPECT_EQ(Get(s, path, {{"Authorization", "Bearer a"}}).status, 200);
  }
  // Without a store: 404 no_store.
  RunningServer plain;
  for (const std::string path : {"/v1/rescreens", "/v1/rescreens/1", "/v1/list-versions"}) {
    auto r = Get(plain, path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body["error"]["code"], "no_store") << path;
  }
}

}  // namespace
}  // namespace vigil::server
