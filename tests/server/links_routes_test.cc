// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The relationship graph over HTTP (src/server/links_routes.cc): GET /v1/entities/{id}/links
// (a listed entity's "Linked To:" edges both ways and its neighbourhood) and
// GET /v1/parties/{id}/exposure (a stored party's exposure; 404 no_store without --db).
// The lists: the bundled sample (data/sample), where three DPRK individuals are
// "Linked To: KOREA MINING DEVELOPMENT TRADING CORPORATION" (us_ofac_sdn:9345).

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "model/party.h"
#include "server/metrics.h"
#include "server_test_util.h"
#include "store/store.h"
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

// Stores organizations (id, name) as parties.
void PutOrganizations(store::Store& st,
                      const std::vector<std::pair<std::string, std::string>>& organizations) {
  std::vector<model::Party> parties;
  for (const auto& [id, name] : organizations) {
    model::Party p;
    std::vector<std::string> warnings;
    Status s = model::ParseParty(json{{"id", id}, {"kind", "organization"}, {"name", name}}, &p,
                                 &warnings);
    ASSERT_TRUE(s.ok()) << s.ToString();
    parties.push_back(std::move(p));
  }
  store::ImportSummary sum;
  Status put = st.PutParties(parties, {"alice"}, &sum);
  ASSERT_TRUE(put.ok()) << put.ToString();
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

store::OwnershipEdgeRecord Edge(const std::string& owner, const std::string& owned,
                                const std::string& pct, double low, double high) {
  store::OwnershipEdgeRecord r;
  r.owner.given = owner;
  r.owner.node = owner;
  r.owner.how = owner.starts_with("party:") ? "party" : "entity";
  r.owned.given = owned;
  r.owned.node = owned;
  r.owned.how = owned.starts_with("party:") ? "party" : "entity";
  r.percentage = pct;
  r.low = low;
  r.high = high;
  r.kind = "ownership";
  r.source = "registry extract";
  r.as_of = "2024-01-31";
  r.file = "ownership.csv";
  r.line = 2;
  return r;
}

// P-10 is 40% owned by KOMID and 20% by KIM Jong Un: blocked (60%). P-11 is 30% owned by
// P-10 and an unknown share by KOMID: possibly blocked (30% to 100%).
TEST(LinksRoutesTest, PartyExposureUnderTheFiftyPercentRule) {
  ServerOptions o;
  o.db = (testing::ScratchDir("links_routes") / "cases.db").string();
  {
    std::unique_ptr<store::Store> st;
    ASSERT_TRUE(store::Store::Open(o.db, {}, &st).ok());
    ASSERT_NO_FATAL_FAILURE(PutOrganizations(*st, {{"P-10", "Sinuiju Harbour Trading Ltd"},
                                                   {"P-11", "Dandong Riverside Logistics Co"},
                                                   {"P-12", "Unrelated Bakery"}}));
    store::OwnershipImportSummary os;
    ASSERT_TRUE(st->PutOwnershipEdges({Edge(kKomid, "party:P-10", "40", 40, 40),
                                       Edge("us_ofac_sdn:20157", "party:P-10", "20", 20, 20),
                                       Edge("party:P-10", "party:P-11", "30", 30, 30),
                                       Edge(kKomid, "party:P-11", "", 0, 100)},
                                      {"alice"}, &os)
                    .ok());
  }
  RunningServer s(o);
  int status = 0;
  json x = GetJson(s, "/v1/parties/P-10/exposure", &status);
  ASSERT_EQ(status, 200) << x.dump();
  EXPECT_EQ(x["party_id"], "P-10");
  EXPECT_EQ(x["status"], "blocked");
  EXPECT_DOUBLE_EQ(x["low"].get<double>(), 60);
  EXPECT_FALSE(x["ownership_paths"].empty());
  std::set<std::string> ends;
  for (const json& p : x["paths"]) {
    ends.insert(p["entity_id"].get<std::string>());
    EXPECT_FALSE(p["explanation"].get<std::string>().empty());
  }
  EXPECT_TRUE(ends.contains(kKomid)) << x["paths"].dump();
  EXPECT_TRUE(ends.contains("us_ofac_sdn:20157")) << x["paths"].dump();
  // The graph: the party and its listed owners, with the ownership edges.
  std::set<std::string> nodes;
  for (const json& n : x["graph"]["nodes"]) nodes.insert(n["id"].get<std::string>());
  EXPECT_TRUE(nodes.contains("party:P-10") && nodes.contains(kKomid) &&
              nodes.contains("us_ofac_sdn:20157"))
      << x["graph"].dump();
  bool edge = false;
  for (const json& e : x["graph"]["edges"]) {
    edge |= e["from"] == kKomid && e["to"] == "party:P-10" && e["type"] == "ownership";
    EXPECT_TRUE(nodes.contains(e["from"].get<std::string>())) << e.dump();
    EXPECT_TRUE(nodes.contains(e["to"].get<std::string>())) << e.dump();
  }
  EXPECT_TRUE(edge) << x["graph"]["edges"].dump();

  json y = GetJson(s, "/v1/parties/P-11/exposure", &status);
  ASSERT_EQ(status, 200) << y.dump();
  EXPECT_EQ(y["status"], "possibly_blocked");
  EXPECT_DOUBLE_EQ(y["low"].get<double>(), 30);
  EXPECT_DOUBLE_EQ(y["high"].get<double>(), 100);
  bool p10_blocked = false;
  for (const json& n : y["graph"]["nodes"]) {
    if (n["id"] == "party:P-10") p10_blocked = n.value("status", "") == "blocked";
  }
  EXPECT_TRUE(p10_blocked) << y["graph"].dump();

  json z = GetJson(s, "/v1/parties/P-12/exposure", &status);
  ASSERT_EQ(status, 200) << z.dump();
  EXPECT_EQ(z["status"], "not_blocked");
  EXPECT_TRUE(z["paths"].empty());
  EXPECT_EQ(GetJson(s, "/v1/parties/P-404/exposure", &status)["error"]["code"], "not_found");
  EXPECT_EQ(status, 404);
  GetJson(s, "/v1/parties/P-10/exposure?hops=7", &status);
  EXPECT_EQ(status, 400);

  // KOMID's links show the parties it owns, and its graph marks them.
  json komid = GetJson(s, std::string("/v1/entities/") + kKomid + "/links", &status);
  ASSERT_EQ(status, 200);
  std::set<std::string> owned;
  for (const json& e : komid["outgoing"]) {
    if (e["type"] == "ownership") owned.insert(e["to"].get<std::string>());
  }
  EXPECT_EQ(owned, (std::set<std::string>{"party:P-10", "party:P-11"})) << komid.dump();

  // A new edge in the store is seen at the next request (the graph is built again): P-12
  // now 50% owned by blocked P-10.
  {
    std::unique_ptr<store::Store> st;
    ASSERT_TRUE(store::Store::Open(o.db, {}, &st).ok());
    store::OwnershipImportSummary os;
    ASSERT_TRUE(
        st->PutOwnershipEdges({Edge("party:P-10", "party:P-12", "50", 50, 50)}, {"bob"}, &os).ok());
  }
  z = GetJson(s, "/v1/parties/P-12/exposure", &status);
  ASSERT_EQ(status, 200);
  EXPECT_EQ(z["status"], "blocked") << z.dump();
}

// A party whose email equals one on a listed entity (us_ofac_sdn:28263 in the sample lists
// 417136259@qq.com) is linked to it, the value as evidence, seen from both ends.
TEST(LinksRoutesTest, SharedAttributesLinkAPartyToAListedEntity) {
  ServerOptions o;
  o.db = (testing::ScratchDir("links_routes_shared") / "cases.db").string();
  {
    std::unique_ptr<store::Store> st;
    ASSERT_TRUE(store::Store::Open(o.db, {}, &st).ok());
    model::Party p;
    std::vector<std::string> warnings;
    ASSERT_TRUE(model::ParseParty(
                    json{{"id", "P-20"},
                         {"kind", "person"},
                         {"name", "Li Wei"},
                         {"identifiers", {{{"type", "email"}, {"value", " 417136259@QQ.com"}}}}},
                    &p, &warnings)
                    .ok());
    store::ImportSummary sum;
    Status put = st->PutParties({p}, {"alice"}, &sum);
    ASSERT_TRUE(put.ok()) << put.ToString();
  }
  RunningServer s(o);
  int status = 0;
  json x = GetJson(s, "/v1/parties/P-20/exposure", &status);
  ASSERT_EQ(status, 200) << x.dump();
  ASSERT_FALSE(x["paths"].empty()) << x.dump();
  EXPECT_EQ(x["paths"][0]["entity_id"], "us_ofac_sdn:28263");
  const json& edge = x["paths"][0]["steps"][0]["edge"];
  EXPECT_EQ(edge["type"], "shares_email");
  EXPECT_EQ(edge["source"], "shared attributes");
  EXPECT_EQ(edge["evidence"]["value"], "417136259@qq.com");
  EXPECT_EQ(x["status"], "not_blocked");  // a shared email is a link, not ownership

  json e = GetJson(s, "/v1/entities/us_ofac_sdn:28263/links", &status);
  ASSERT_EQ(status, 200);
  bool seen = false;
  for (const json& in : e["incoming"]) {
    seen |=
        in["from"] == "party:P-20" && in["type"] == "shares_email" && in["node"]["kind"] == "party";
  }
  EXPECT_TRUE(seen) << e["incoming"].dump();
}

// PUT /v1/parties/{id}: a party written with a listed entity's email has its exposure
// evaluated on the background worker ("exposure": "queued"), and gets its exposure alert
// without anything else being run.
TEST(LinksRoutesTest, APartyWrittenThroughTheApiHasItsExposureEvaluated) {
  ServerOptions o;
  o.db = (testing::ScratchDir("links_routes_party_put") / "cases.db").string();
  RunningServer s(o);
  json party = {{"kind", "person"},
                {"name", "Wang Lei"},
                {"identifiers", {{{"type", "email"}, {"value", "417136259@qq.com"}}}}};
  auto r = s.client().Put("/v1/parties/P-40", party.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(json::parse(r->body)["exposure"], "queued") << r->body;
  int status = 0;
  bool alerted = false;
  for (int i = 0; i < 200 && !alerted; ++i) {  // waits for the worker, at most ~20 s
    json alerts = GetJson(s, "/v1/alerts?party=P-40&list=links&status=all", &status);
    for (const json& al : alerts.value("alerts", json::array())) {
      alerted |= al["entity_id"] == "exposure:us_ofac_sdn:28263";
    }
    if (!alerted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(alerted);
  // The same record again: nothing changed, nothing queued.
  r = s.client().Put("/v1/parties/P-40", party.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(json::parse(r->body)["exposure"].is_null()) << r->body;
}

// GET /v1/ownership?review=to_review and POST /v1/ownership/{id}/review: an analyst accepts
// or rejects the name match of an imported edge; the graph follows a reject at once.
TEST(LinksRoutesTest, OwnershipNameMatchesAreReviewed) {
  ServerOptions o;
  o.db = (testing::ScratchDir("links_routes_review") / "cases.db").string();
  {
    std::unique_ptr<store::Store> st;
    ASSERT_TRUE(store::Store::Open(o.db, {}, &st).ok());
    ASSERT_NO_FATAL_FAILURE(PutOrganizations(
        *st, {{"P-20", "Pyongyang Harbour Supply"}, {"P-21", "Sea Breeze Freight"}}));
    std::vector<store::OwnershipEdgeRecord> edges;
    for (const char* owned : {"party:P-20", "party:P-21"}) {
      store::OwnershipEdgeRecord e = Edge(kKomid, owned, "60", 60, 60);
      e.owner.given = "Korea Mining Development";
      e.owner.how = "name_match";
      e.owner.score = 0.93;
      e.owner.matched_id = kKomid;
      e.owner.matched_name = "KOREA MINING DEVELOPMENT TRADING CORPORATION";
      e.review = "to_review";
      edges.push_back(e);
    }
    edges.push_back(Edge("party:P-20", "party:P-21", "10", 10, 10));
    store::OwnershipImportSummary os;
    ASSERT_TRUE(st->PutOwnershipEdges(edges, {"alice"}, &os).ok());
  }
  RunningServer s(o);
  int status = 0;
  json list = GetJson(s, "/v1/ownership?review=to_review", &status);
  ASSERT_EQ(status, 200) << list.dump();
  ASSERT_EQ(list["edges"].size(), 2u) << list.dump();
  EXPECT_EQ(list["edges"][0]["owner"]["given"], "Korea Mining Development");
  EXPECT_EQ(list["edges"][0]["owner"]["matched_id"], kKomid);
  EXPECT_DOUBLE_EQ(list["edges"][0]["owner"]["score"].get<double>(), 0.93);
  const int64_t first = list["edges"][0]["id"], second = list["edges"][1]["id"];
  EXPECT_EQ(GetJson(s, "/v1/ownership", &status)["edges"].size(), 3u);
  GetJson(s, "/v1/ownership?review=maybe", &status);
  EXPECT_EQ(status, 400);

  // Meanwhile the edge counts, and the path says it rests on a name match to review.
  json x = GetJson(s, "/v1/parties/P-20/exposure", &status);
  ASSERT_EQ(status, 200) << x.dump();
  EXPECT_EQ(x["status"], "blocked");
  ASSERT_FALSE(x["paths"].empty());
  EXPECT_NE(x["paths"][0]["explanation"].get<std::string>().find("(name match 0.93, to review)"),
            std::string::npos)
      << x["paths"][0].dump();

  auto post = [&](int64_t id, const json& body, int* code) {
    auto r = s.client().Post(("/v1/ownership/" + std::to_string(id) + "/review").c_str(),
                             body.dump(), "application/json");
    *code = r ? r->status : 0;
    return r ? json::parse(r->body, nullptr, false) : json();
  };
  json a = post(first, {{"decision", "accept"}, {"note", "registry number matches"}}, &status);
  ASSERT_EQ(status, 200) << a.dump();
  EXPECT_EQ(a["edge"]["review"], "accepted");
  EXPECT_EQ(a["edge"]["owner"]["review"], "accepted");
  EXPECT_EQ(a["edge"]["review_note"], "registry number matches");
  // The exposure of the parties near the edge is re-evaluated on the background worker:
  // P-20, blocked through the accepted match, gets its exposure alert.
  EXPECT_EQ(a["exposure"], "queued");
  bool alerted = false;
  for (int i = 0; i < 200 && !alerted; ++i) {  // waits for the worker, at most ~20 s
    json alerts = GetJson(s, "/v1/alerts?party=P-20&list=links&status=all", &status);
    for (const json& al : alerts.value("alerts", json::array())) {
      alerted |= al["entity_id"] == std::string("exposure:") + kKomid;
    }
    if (!alerted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(alerted);
  // Reject P-21's owner, keeping the name as an outside node.
  json r = post(second, {{"decision", "reject"}, {"end", "owner"}}, &status);
  ASSERT_EQ(status, 200) << r.dump();
  EXPECT_EQ(r["edge"]["owner"]["node"], "name:Korea Mining Development");
  EXPECT_EQ(r["edge"]["owner"]["matched_id"], kKomid);
  EXPECT_TRUE(GetJson(s, "/v1/ownership?review=to_review", &status)["edges"].empty());
  // The graph follows: P-21 is now only 10% owned by P-20 (blocked): not blocked.
  json y = GetJson(s, "/v1/parties/P-21/exposure", &status);
  ASSERT_EQ(status, 200) << y.dump();
  EXPECT_EQ(y["status"], "not_blocked") << y.dump();
  x = GetJson(s, "/v1/parties/P-20/exposure", &status);
  EXPECT_EQ(x["paths"][0]["explanation"].get<std::string>().find("to review"), std::string::npos);

  // Refused: reviewed already (400), unknown edge (404), bad fields (400), a node not on the
  // loaded lists (400).
  post(first, {{"decision", "reject"}}, &status);
  EXPECT_EQ(status, 400);
  post(4242, {{"decision", "accept"}}, &status);
  EXPECT_EQ(status, 404);
  post(first, {{"decision", "accept"}, {"why", "x"}}, &status);
  EXPECT_EQ(status, 400);
  post(first, {{"decision", 3}}, &status);
  EXPECT_EQ(status, 400);
  post(second, {{"decision", "reject"}, {"node", "us_ofac_sdn:999999999"}}, &status);
  EXPECT_EQ(status, 400);
  auto bad = s.client().Post("/v1/ownership/x/review", "{}", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 404);
}

TEST(LinksRoutesTest, RoutesAreCountedApart) {
  EXPECT_EQ(ClassifyRoute("/v1/entities/us_ofac_sdn:9345/links", "GET"), Route::kEntityLinks);
  EXPECT_EQ(ClassifyRoute("/v1/entities/us_ofac_sdn:9345", "GET"), Route::kEntity);
  EXPECT_EQ(ClassifyRoute("/v1/parties/P-1/exposure", "GET"), Route::kPartyExposure);
  EXPECT_EQ(ClassifyRoute("/v1/parties/P-1/red-flags", "GET"), Route::kPartyRedFlags);
  EXPECT_EQ(ClassifyRoute("/v1/parties/P-1/x/exposure", "GET"), Route::kOther);
  EXPECT_EQ(ClassifyRoute("/v1/ownership", "GET"), Route::kOwnership);
  EXPECT_EQ(ClassifyRoute("/v1/ownership/7/review", "POST"), Route::kOwnershipReview);
  EXPECT_EQ(ClassifyRoute("/v1/ownership/7/x/review", "POST"), Route::kOther);
}

}  // namespace
}  // namespace vigil::server
