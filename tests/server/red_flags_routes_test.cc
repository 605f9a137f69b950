// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The red flags over HTTP (src/server/red_flags_routes.cc): POST /v1/red-flags (party
// records in the body), GET /v1/parties/{id}/red-flags (a stored party among all stored
// parties, its cluster and members) and POST /v1/red-flags/run (alerts for the stored
// parties at risk high). The parties are tests/fixtures/itworkers; the IP data the small
// fixture tables of tests/ip (175.45.176.0/22 is KP).

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "ip/ip_database.h"
#include "ip/ip_test_util.h"
#include "redflags_fixture.h"
#include "server_test_util.h"
#include "store/store.h"
#include "test_util.h"

namespace vigil::server {
namespace {

using nlohmann::json;
using testing::RunningServer;

struct Answer {
  int status = 0;
  json body;
  std::string raw;
};

Answer Wrap(const httplib::Result& r) {
  Answer a;
  if (!r) return a;
  a.status = r->status;
  a.raw = r->body;
  a.body = json::parse(r->body, nullptr, false);
  return a;
}

httplib::Headers Key(const std::string& k) { return {{"Authorization", "Bearer " + k}}; }

Answer Get(RunningServer& s, const std::string& path, const std::string& key) {
  return Wrap(s.client().Get(path.c_str(), Key(key)));
}
Answer Post(RunningServer& s, const std::string& path, const std::string& body,
            const std::string& key) {
  return Wrap(s.client().Post(path.c_str(), Key(key), body, "application/json"));
}

json PartiesBody() {
  json parties = json::array();
  for (const model::Party& p : testing::ItWorkerParties()) parties.push_back(model::ToJson(p));
  return {{"parties", parties}};
}

ServerOptions Options(const std::string& name) {
  ServerOptions o;
  o.db = (testing::ScratchDir(name) / "cases.db").string();
  o.api_keys = {"screen:" + testing::Sha("screen-key"), "analyst:" + testing::Sha("analyst-key"),
                "admin:" + testing::Sha("admin-key") + ":root"};
  std::unique_ptr<ip::IpDatabase> ipdb;
  ip::OpenOptions io;
  io.data_dir = testing::FixtureIpData();
  Status s = ip::IpDatabase::Open(io, &ipdb);
  EXPECT_TRUE(s.ok()) << s.ToString();
  o.ip_database = std::move(ipdb);
  return o;
}

const json* Result(const json& results, const std::string& id) {
  for (const json& r : results) {
    if (r["id"] == id) return &r;
  }
  return nullptr;
}

std::set<std::string> Rules(const json& result) {
  std::set<std::string> out;
  for (const json& f : result["flags"]) out.insert(f["rule"].get<std::string>());
  return out;
}

TEST(RedFlagsRoutesTest, ChecksThePartiesOfTheBodyAsOnePopulation) {
  RunningServer s(Options("rf_post"));
  Answer a = Post(s, "/v1/red-flags", PartiesBody().dump(), "screen-key");
  ASSERT_EQ(a.status, 200) << a.raw;
  ASSERT_EQ(a.body["results"].size(), 8u);
  const json* it1 = Result(a.body["results"], "IT-1");
  ASSERT_NE(it1, nullptr);
  EXPECT_EQ((*it1)["risk"], "high");
  EXPECT_EQ((*it1)["cluster"], "C-0001");
  EXPECT_TRUE(Rules(*it1).count("login-dprk-or-sanctioned-ip")) << it1->dump();
  for (const json& f : (*it1)["flags"]) {
    EXPECT_FALSE(f["source"].get<std::string>().empty()) << f.dump();
    EXPECT_FALSE(f["quote"].get<std::string>().empty()) << f.dump();
  }
  const json* ok2 = Result(a.body["results"], "OK-2");
  ASSERT_NE(ok2, nullptr);
  EXPECT_EQ((*ok2)["risk"], "none");
  EXPECT_TRUE((*ok2)["cluster"].is_null());
  ASSERT_EQ(a.body["clusters"].size(), 1u);
  EXPECT_EQ(a.body["clusters"][0]["parties"], (json{"IT-1", "IT-2", "IT-3", "IT-4"}));
  EXPECT_FALSE(a.body["clusters"][0]["links"].empty());
  EXPECT_TRUE(a.body["notes"].is_array());
  EXPECT_TRUE(a.body["rules_version"].get<std::string>().starts_with("rules-"));

  // Two parties alone: nothing shared with the farm, no cluster.
  json two = PartiesBody();
  two["parties"] = json{two["parties"][0], two["parties"][5]};
  Answer b = Post(s, "/v1/red-flags", two.dump(), "screen-key");
  ASSERT_EQ(b.status, 200) << b.raw;
  EXPECT_TRUE(b.body["clusters"].empty());
}

TEST(RedFlagsRoutesTest, RefusesBadRequestsNamingTheRecordAndField) {
  RunningServer s(Options("rf_bad"));
  EXPECT_EQ(Wrap(s.client().Post("/v1/red-flags", PartiesBody().dump(), "application/json")).status,
            401);
  json body = PartiesBody();
  body["parties"][2]["dob"] = "1984-02-30";
  Answer a = Post(s, "/v1/red-flags", body.dump(), "screen-key");
  ASSERT_EQ(a.status, 400) << a.raw;
  EXPECT_NE(a.raw.find("parties[2]"), std::string::npos) << a.raw;
  EXPECT_NE(a.raw.find("dob"), std::string::npos) << a.raw;

  body = PartiesBody();
  body["parties"][3]["id"] = "IT-1";
  a = Post(s, "/v1/red-flags", body.dump(), "screen-key");
  ASSERT_EQ(a.status, 400) << a.raw;
  EXPECT_NE(a.raw.find("parties[3]"), std::string::npos) << a.raw;

  body = PartiesBody();
  body["parties"][1].erase("name");
  a = Post(s, "/v1/red-flags", body.dump(), "screen-key");
  ASSERT_EQ(a.status, 400) << a.raw;
  EXPECT_NE(a.raw.find("parties[1]: name"), std::string::npos) << a.raw;

  EXPECT_EQ(Post(s, "/v1/red-flags", R"({"parties": []})", "screen-key").status, 400);
  EXPECT_EQ(Post(s, "/v1/red-flags", R"({"parties": {}})", "screen-key").status, 400);
  EXPECT_EQ(Post(s, "/v1/red-flags", R"({"party": []})", "screen-key").status, 400);
  EXPECT_EQ(Post(s, "/v1/red-flags", R"([1])", "screen-key").status, 400);
  EXPECT_EQ(Wrap(s.client().Post("/v1/red-flags", Key("screen-key"), "x", "text/plain")).status,
            415);
}

TEST(RedFlagsRoutesTest, AStoredPartyItsClusterAndTheAlertsOfARun) {
  ServerOptions o = Options("rf_stored");
  RunningServer s(o);
  {
    std::unique_ptr<store::Store> st;
    ASSERT_TRUE(store::Store::Open(o.db, {}, &st).ok());
    store::ImportSummary imported;
    ASSERT_TRUE(st->PutParties(testing::ItWorkerParties(), {"alice"}, &imported).ok());
  }
  EXPECT_EQ(Get(s, "/v1/parties/IT-2/red-flags", "screen-key").status, 403);
  Answer a = Get(s, "/v1/parties/IT-2/red-flags", "analyst-key");
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.body["party_id"], "IT-2");
  EXPECT_EQ(a.body["result"]["risk"], "high");
  EXPECT_EQ(a.body["parties_evaluated"], 8);
  EXPECT_EQ(a.body["cluster"]["parties"], (json{"IT-1", "IT-2", "IT-3", "IT-4"}));
  ASSERT_EQ(a.body["members"].size(), 4u);
  EXPECT_EQ(a.body["members"][0]["name"], "Daniel Moore");
  EXPECT_EQ(a.body["members"][0]["risk"], "high");
  EXPECT_TRUE(a.body["alert"].is_null());

  Answer ok = Get(s, "/v1/parties/OK-3/red-flags", "analyst-key");
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["result"]["risk"], "none");
  EXPECT_TRUE(ok.body["cluster"].is_null());
  EXPECT_TRUE(ok.body["members"].empty());
  EXPECT_EQ(Get(s, "/v1/parties/NOPE/red-flags", "analyst-key").status, 404);
  EXPECT_EQ(Get(s, "/v1/parties/IT-2/red-flagz", "analyst-key").status, 404);
  // The party itself still answers as before.
  EXPECT_EQ(Get(s, "/v1/parties/IT-2", "analyst-key").status, 200);

  // The run: admin only; one alert per party at risk high, once.
  EXPECT_EQ(Post(s, "/v1/red-flags/run", "{}", "analyst-key").status, 403);
  Answer run = Post(s, "/v1/red-flags/run", "{}", "admin-key");
  ASSERT_EQ(run.status, 200) << run.raw;
  EXPECT_EQ(run.body["parties"], 8);
  EXPECT_EQ(run.body["risk"]["high"], 4);
  EXPECT_EQ(run.body["new_alerts"], 4);
  Answer again = Post(s, "/v1/red-flags/run", "", "admin-key");
  ASSERT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.body["new_alerts"], 0);
  EXPECT_EQ(again.body["existing"], 4);

  Answer q = Get(s, "/v1/alerts?list=red-flags", "analyst-key");
  ASSERT_EQ(q.status, 200) << q.raw;
  EXPECT_EQ(q.body["total"], 4);
  const json& first = q.body["alerts"][0];
  EXPECT_EQ(first["entity_id"], "redflags:it-worker");
  EXPECT_EQ(first["band"], "high");
  Answer full = Get(s, "/v1/alerts/" + std::to_string(first["id"].get<int64_t>()), "analyst-key");
  ASSERT_EQ(full.status, 200) << full.raw;
  EXPECT_EQ(full.body["explanation"]["kind"], "red_flags");
  EXPECT_FALSE(full.body["explanation"]["flags"].empty());
  EXPECT_EQ(full.body["explanation"]["cluster"]["id"], "C-0001");

  Answer with_alert = Get(s, "/v1/parties/IT-2/red-flags", "analyst-key");
  ASSERT_EQ(with_alert.status, 200) << with_alert.raw;
  EXPECT_EQ(with_alert.body["alert"]["state"], "open");
  EXPECT_EQ(with_alert.body["alert"]["party_id"], "IT-2");

  // The run is audited under the admin key's principal.
  std::unique_ptr<store::Store> st;
  ASSERT_TRUE(store::Store::Open(o.db, {}, &st).ok());
  store::AuditRecord last;
  bool found = false;
  ASSERT_TRUE(st->LastAudit({"redflags.run"}, &last, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(last.principal, "root");
  EXPECT_EQ(last.detail["alerts"]["existing"], 4);
}

TEST(RedFlagsRoutesTest, WithoutAStoreTheStoredRoutesSaySo) {
  ServerOptions o = Options("rf_nostore");
  o.db.clear();
  RunningServer s(o);
  EXPECT_EQ(Post(s, "/v1/red-flags/run", "{}", "admin-key").status, 404);
  EXPECT_EQ(Post(s, "/v1/red-flags", PartiesBody().dump(), "screen-key").status, 200);
}

}  // namespace
}  // namespace vigil::server
