// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The relationship graph over HTTP (src/server/links_routes.cc): GET /v1/entities/{id}/links
// (a listed entity's "Linked To:" edges both ways and its neighbourhood) and
// GET /v1/parties/{id}/exposure (a stored party's exposure; 404 no_store without --db).
// The lists: the bundled sample (data/sample), where three DPRK individuals are
// "Linked To: KOREA MINING DEVELOPMENT TRADING CORPORATION" (us_ofac_sdn:9345).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "server/metrics.h"
#include "server_test_util.h"
#include "test_util.h"

namespace vigil::server {
namespace {

using nlohmann::json;
using testing::RunningServer;

constexpr const char* kKomid = "us_ofac_sdn:9345";

json GetJson(RunningServer& s, const std::string& path, int* status) {
  auto r = s.client().Get(path.c_str());
  if (!r) {
    *status = 0;
    return nullptr;
  }
  *status = r->status;
  return json::parse(r->body, nullptr, false);
}

std::set<std::string> EdgeEnds(const json& edges, const char* end) {
  std::set<std::string> out;
  for (const json& e : edges) out.insert(e[end].get<std::string>());
  return out;
}

TEST(LinksRoutesTest, EntityLinksGoBothWays) {
  RunningServer s;
  int status = 0;
  // KOMID names nobody; three individuals name it: incoming edges.
  json komid = GetJson(s, std::string("/v1/entities/") + kKomid + "/links", &status);
  ASSERT_EQ(status, 200) << komid.dump();
  EXPECT_EQ(komid["id"], kKomid);
  EXPECT_EQ(komid["node"]["kind"], "entity");
  EXPECT_EQ(komid["node"]["name"], "KOREA MINING DEVELOPMENT TRADING CORPORATION");
  EXPECT_EQ(komid["status"]["status"], "listed");
  std::set<std::string> from = EdgeEnds(komid["incoming"], "from");
  for (const char* id : {"us_ofac_sdn:18552", "us_ofac_sdn:18668", "us_ofac_sdn:18848"}) {
    EXPECT_TRUE(from.contains(id)) << id << " in " << komid["incoming"].dump();
  }
  for (const json& e : komid["incoming"]) {
    EXPECT_EQ(e["to"], kKomid);
    EXPECT_EQ(e["type"], "linked_to");
    EXPECT_EQ(e["source"], "us_ofac_sdn remarks");
    EXPECT_EQ(e["node"]["id"], e["from"]);  // the other end, described
    EXPECT_FALSE(e["node"]["name"].get<std::string>().empty());
  }

  // Seen from one of them: the same edge, outgoing.
  json hwang = GetJson(s, "/v1/entities/us_ofac_sdn:18552/links", &status);
  ASSERT_EQ(status, 200) << hwang.dump();
  ASSERT_EQ(hwang["outgoing"].size(), 1u) << hwang.dump();
  EXPECT_EQ(hwang["outgoing"][0]["to"], kKomid);
  EXPECT_EQ(hwang["outgoing"][0]["node"]["name"], "KOREA MINING DEVELOPMENT TRADING CORPORATION");
  EXPECT_EQ(hwang["outgoing"][0]["evidence"]["name"],
            "KOREA MINING DEVELOPMENT TRADING CORPORATION");

  // The graph: one hop holds HWANG and KOMID; two hops also the others linked to KOMID.
  const json& g1 = hwang["graph"];
  EXPECT_EQ(g1["hops"], 1);
  EXPECT_EQ(g1["nodes"].size(), 2u) << g1.dump();
  EXPECT_EQ(g1["nodes"][0]["id"], "us_ofac_sdn:18552");
  EXPECT_EQ(g1["nodes"][0]["hops"], 0);
  EXPECT_EQ(g1["edges"].size(), 1u);
  json two = GetJson(s, "/v1/entities/us_ofac_sdn:18552/links?hops=2", &status);
  ASSERT_EQ(status, 200);
  std::set<std::string> nodes;
  for (const json& n : two["graph"]["nodes"]) {
    nodes.insert(n["id"].get<std::string>());
    EXPECT_LE(n["hops"].get<int>(), 2);
  }
  for (const char* id : {"us_ofac_sdn:18552", "us_ofac_sdn:18668", "us_ofac_sdn:18848", kKomid}) {
    EXPECT_TRUE(nodes.contains(id)) << id;
  }
  // Every edge joins two nodes of the answer, and none is given twice.
  std::set<std::string> seen;
  for (const json& e : two["graph"]["edges"]) {
    EXPECT_TRUE(nodes.contains(e["from"].get<std::string>())) << e.dump();
    EXPECT_TRUE(nodes.contains(e["to"].get<std::string>())) << e.dump();
    EXPECT_TRUE(seen.insert(e["from"].get<std::string>() + ">" + e["to"].get<std::string>()).second)
        << e.dump();
  }
  EXPECT_FALSE(two["graph"]["truncated"].get<bool>());
}

TEST(LinksRoutesTest, EntityLinksErrors) {
  RunningServer s;
  int status = 0;
  json j = GetJson(s, "/v1/entities/us_ofac_sdn:999999999/links", &status);
  EXPECT_EQ(status, 404);
  EXPECT_EQ(j["error"]["code"], "not_found");
  j = GetJson(s, std::string("/v1/entities/") + kKomid + "/links?hops=9", &status);
  EXPECT_EQ(status, 400) << j.dump();
  j = GetJson(s, std::string("/v1/entities/") + kKomid + "/links?hops=x", &status);
  EXPECT_EQ(status, 400) << j.dump();
  // The entity itself still answers at its own path.
  j = GetJson(s, std::string("/v1/entities/") + kKomid, &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(j["entity"]["id"], kKomid);
}

TEST(LinksRoutesTest, ExposureNeedsAStore) {
  RunningServer s;
  int status = 0;
  json j = GetJson(s, "/v1/parties/P-1/exposure", &status);
  EXPECT_EQ(status, 404);
  EXPECT_EQ(j["error"]["code"], "no_store") << j.dump();
}

TEST(LinksRoutesTest, RoutesAreCountedApart) {
  EXPECT_EQ(ClassifyRoute("/v1/entities/us_ofac_sdn:9345/links", "GET"), Route::kEntityLinks);
  EXPECT_EQ(ClassifyRoute("/v1/entities/us_ofac_sdn:9345", "GET"), Route::kEntity);
  EXPECT_EQ(ClassifyRoute("/v1/parties/P-1/exposure", "GET"), Route::kPartyExposure);
  EXPECT_EQ(ClassifyRoute("/v1/parties/P-1/red-flags", "GET"), Route::kPartyRedFlags);
  EXPECT_EQ(ClassifyRoute("/v1/parties/P-1/x/exposure", "GET"), Route::kOther);
}

}  // namespace
}  // namespace vigil::server
