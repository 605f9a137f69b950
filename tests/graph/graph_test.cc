// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The relationship graph (src/graph/graph.h) and exposure paths (src/graph/exposure.h):
// list relationships seen both ways, imported ownership edges, ranked explained paths.

#include "graph/graph.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "graph/exposure.h"
#include "store/store.h"
#include "test_util.h"
#include "vigil/list.h"

namespace vigil::graph {
namespace {

class GraphTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lists_ = new std::vector<LoadedList>(1);
    Status s = LoadList(testing::Fixture("links"), &(*lists_)[0]);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  static void TearDownTestSuite() {
    delete lists_;
    lists_ = nullptr;
  }
  static std::vector<LoadedList>* lists_;
};
std::vector<LoadedList>* GraphTest::lists_ = nullptr;

store::OwnershipEdgeRecord Own(std::string owner, std::string owned, std::string pct, double low,
                               double high, std::string kind = "ownership") {
  store::OwnershipEdgeRecord r;
  r.owner.given = owner;
  r.owner.node = owner;
  r.owner.how = "party";
  r.owned.given = owned;
  r.owned.node = owned;
  r.owned.how = "party";
  r.percentage = pct;
  r.low = low;
  r.high = high;
  r.kind = kind;
  r.file = "owners.csv";
  r.line = 2;
  return r;
}

TEST_F(GraphTest, ListRelationshipsAreEdgesSeenFromBothEnds) {
  Graph g;
  g.AddLists(*lists_);
  EXPECT_EQ(g.listed().size(), 4u);
  // 501 and 502 name 500 as "Linked To:"; 500 names nobody.
  std::vector<IncidentEdge> of500 = g.EdgesOf("us_ofac_sdn:500");
  ASSERT_EQ(of500.size(), 2u);
  for (const IncidentEdge& ie : of500) {
    EXPECT_FALSE(ie.outgoing);
    EXPECT_EQ(ie.edge->type, "linked_to");
    EXPECT_EQ(ie.edge->to, "us_ofac_sdn:500");
    EXPECT_EQ(ie.edge->source, "us_ofac_sdn remarks");
  }
  std::vector<std::string> n = g.Neighbours("us_ofac_sdn:500");
  std::sort(n.begin(), n.end());
  EXPECT_EQ(n, (std::vector<std::string>{"us_ofac_sdn:501", "us_ofac_sdn:502"}));

  // 503 links to a listed entity and to a name on no loaded list: an outside node.
  std::vector<IncidentEdge> of503 = g.EdgesOf("us_ofac_sdn:503");
  ASSERT_EQ(of503.size(), 2u);
  EXPECT_TRUE(of503[0].outgoing);
  EXPECT_EQ(of503[0].other(), "us_ofac_sdn:502");
  EXPECT_EQ(of503[1].other(), "name:EASTERN HOLDINGS NOT LISTED LTD");
  const Node* outside = g.node("name:EASTERN HOLDINGS NOT LISTED LTD");
  ASSERT_NE(outside, nullptr);
  EXPECT_EQ(outside->kind, NodeKind::kOutside);

  nlohmann::json j = LinksJson(g, "us_ofac_sdn:502");
  EXPECT_EQ(j["outgoing"].size(), 1u);
  EXPECT_EQ(j["outgoing"][0]["to"], "us_ofac_sdn:500");
  EXPECT_EQ(j["incoming"].size(), 1u);
  EXPECT_EQ(j["incoming"][0]["node"]["name"], "HARBOUR LINE SHIPPING CO");
  EXPECT_TRUE(LinksJson(g, "us_ofac_sdn:nope")["node"].is_null());
}

TEST_F(GraphTest, OwnershipEdgesJoinPartiesAndOutsideNodes) {
  Graph g;
  g.AddLists(*lists_);
  g.AddParty("P-1", "Acme Trading");
  store::OwnershipEdgeRecord r = Own("us_ofac_sdn:502", "party:P-1", "25-50", 25, 50);
  r.owner.how = "name_match";
  r.owner.given = "Silver Bay Trading";
  r.owner.score = 0.93;
  r.owner.matched_id = "us_ofac_sdn:502";
  r.owner.matched_name = "SILVER BAY TRADING LLC";
  g.AddOwnership({r, Own("name:Jane Roe", "party:P-1", "", 0, 100, "director")});
  std::vector<IncidentEdge> e = g.EdgesOf("party:P-1");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_FALSE(e[0].outgoing);
  EXPECT_TRUE(e[0].edge->has_share);
  EXPECT_EQ(e[0].edge->share, "25-50");
  EXPECT_EQ(e[0].edge->source, "ownership import owners.csv");
  EXPECT_EQ(e[0].edge->evidence["owner"]["how"], "name_match");
  EXPECT_DOUBLE_EQ(e[0].edge->evidence["owner"]["score"].get<double>(), 0.93);
  EXPECT_FALSE(e[1].edge->has_share);  // a director holds no share
  EXPECT_EQ(g.node("name:Jane Roe")->kind, NodeKind::kOutside);
  EXPECT_EQ(g.node("party:P-1")->name, "Acme Trading");
}

// An edge resting on a name match nobody reviewed counts, and its paths say so; once the
// match is accepted they no longer do; a rejected end is the node the review gave.
TEST_F(GraphTest, NameMatchesToReviewCountAndSaySo) {
  store::OwnershipEdgeRecord r = Own("us_ofac_sdn:502", "party:P-1", "60", 60, 60);
  r.owner.how = "name_match";
  r.owner.given = "Silver Bay Trading";
  r.owner.score = 0.93;
  r.owner.matched_id = "us_ofac_sdn:502";
  r.owner.matched_name = "SILVER BAY TRADING LLC";
  r.owner.review = "to_review";
  r.review = "to_review";
  auto explain = [&](const store::OwnershipEdgeRecord& edge, Exposure* x) {
    Graph g;
    g.AddLists(*lists_);
    g.AddParty("P-1", "Acme Trading");
    g.AddOwnership({edge});
    ExposureOptions opt;
    opt.max_hops = 1;
    ASSERT_TRUE(ComputeExposure(g, "party:P-1", opt, x).ok());
  };
  Exposure x;
  explain(r, &x);
  EXPECT_EQ(x.status, "blocked");
  ASSERT_FALSE(x.paths.empty());
  EXPECT_EQ(x.paths[0].steps.at(0).edge.evidence["note"], "name match 0.93, to review");
  EXPECT_NE(x.paths[0].explanation.find("[ownership import owners.csv] (name match 0.93, to "
                                        "review), listed on"),
            std::string::npos)
      << x.paths[0].explanation;

  r.owner.review = "accepted";
  r.review = "accepted";
  explain(r, &x);
  EXPECT_EQ(x.status, "blocked");
  ASSERT_FALSE(x.paths.empty());
  EXPECT_EQ(x.paths[0].explanation.find("to review"), std::string::npos);

  r.owner.review = "rejected";
  r.owner.how = "rejected_match";
  r.owner.node = "name:Silver Bay Trading";
  explain(r, &x);
  EXPECT_EQ(x.status, "not_blocked");
  EXPECT_TRUE(x.paths.empty());
}

TEST_F(GraphTest, ExposurePathsAreRankedAndExplained) {
  Graph g;
  g.AddLists(*lists_);
  g.AddParty("P-1", "Acme Trading");
  g.AddParty("P-2", "Unrelated Bakery");
  // P-1 is 30% owned by an outside holding company that 503 names (2 hops to 503), and
  // 10% owned directly by 501.
  g.AddOwnership({Own("name:EASTERN HOLDINGS NOT LISTED LTD", "party:P-1", "30", 30, 30),
                  Own("us_ofac_sdn:501", "party:P-1", "10", 10, 10)});
  Exposure x;
  ExposureOptions opt;
  opt.max_hops = 3;
  ASSERT_TRUE(ComputeExposure(g, "party:P-1", opt, &x).ok());
  EXPECT_EQ(x.name, "Acme Trading");
  ASSERT_FALSE(x.paths.empty());
  // Best first; every path ends on a listed entity and starts at the party.
  for (size_t i = 1; i < x.paths.size(); ++i) EXPECT_GE(x.paths[i - 1].score, x.paths[i].score);
  std::vector<std::string> ends;
  for (const ExposurePath& p : x.paths) {
    EXPECT_EQ(p.steps.front().from, "party:P-1");
    EXPECT_LE(p.steps.size(), 3u);
    ends.push_back(p.entity_id);
  }
  EXPECT_NE(std::find(ends.begin(), ends.end(), "us_ofac_sdn:501"), ends.end());
  EXPECT_NE(std::find(ends.begin(), ends.end(), "us_ofac_sdn:503"), ends.end());
  // 501 directly (one hop, 10%): 0.1; 503 through the holding (two hops, 30%, linked_to):
  // 0.3 * 0.9 * 0.8 = 0.216, so the two-hop path ranks first.
  EXPECT_EQ(x.paths[0].entity_id, "us_ofac_sdn:503");
  EXPECT_NEAR(x.paths[0].score, 0.216, 1e-9);
  EXPECT_EQ(x.paths[0].explanation,
            "Acme Trading (party:P-1) is owned 30% by EASTERN HOLDINGS NOT LISTED LTD [ownership "
            "import owners.csv] is named as linked by HARBOUR LINE SHIPPING CO "
            "(us_ofac_sdn:503), listed on us_ofac_sdn (DPRK2)");
  const ExposurePath* direct = nullptr;
  for (const ExposurePath& p : x.paths) {
    if (p.entity_id == "us_ofac_sdn:501" && p.steps.size() == 1) direct = &p;
  }
  ASSERT_NE(direct, nullptr);
  EXPECT_NEAR(direct->score, 0.1, 1e-9);
  EXPECT_FALSE(direct->steps[0].forward);
  EXPECT_EQ(x.level, x.paths[0].score);  // not blocked: the best path's score

  // One hop only: just the direct owner.
  opt.max_hops = 1;
  ASSERT_TRUE(ComputeExposure(g, "party:P-1", opt, &x).ok());
  ASSERT_EQ(x.paths.size(), 1u);
  EXPECT_EQ(x.paths[0].entity_id, "us_ofac_sdn:501");

  // No tie: no path, level 0.
  ASSERT_TRUE(ComputeExposure(g, "party:P-2", opt, &x).ok());
  EXPECT_TRUE(x.paths.empty());
  EXPECT_EQ(x.level, 0);
  EXPECT_EQ(x.status, "not_blocked");
  nlohmann::json j = ToJson(x);
  EXPECT_EQ(j["id"], "party:P-2");
  EXPECT_TRUE(j["paths"].empty());

  EXPECT_EQ(ComputeExposure(g, "party:nobody", opt, &x).code(), Status::Code::kNotFound);
  opt.max_hops = 7;
  EXPECT_EQ(ComputeExposure(g, "party:P-1", opt, &x).code(), Status::Code::kInvalidArgument);
}

// The 50% rule through the graph: 500 (listed) owns 50% of the outside holding H, which
// owns 30% of P-1; 502 (listed) owns 20% of P-1. H is blocked (50% by a blocked person), so
// P-1 is held 30% + 20% = 50% by blocked persons: blocked (FAQ 401: not 50% x 30%).
TEST_F(GraphTest, FiftyPercentRuleThroughTheGraph) {
  Graph g;
  g.AddLists(*lists_);
  g.AddParty("P-1", "Acme Trading");
  g.AddParty("P-2", "Beta");
  g.AddOwnership({Own("us_ofac_sdn:500", "name:H", "50", 50, 50),
                  Own("name:H", "party:P-1", "30", 30, 30),
                  Own("us_ofac_sdn:502", "party:P-1", "20", 20, 20),
                  Own("us_ofac_sdn:502", "party:P-2", "", 0, 100),
                  Own("us_ofac_sdn:501", "party:P-2", "", 0, 0, "control")});
  Exposure x;
  ASSERT_TRUE(ComputeExposure(g, "party:P-1", {}, &x).ok());
  EXPECT_EQ(x.status, "blocked");
  EXPECT_DOUBLE_EQ(x.low, 50);
  EXPECT_EQ(x.level, 1);
  ASSERT_EQ(x.ownership_paths.size(), 2u) << x.ownership_paths.dump();
  std::vector<std::string> roots;
  for (const auto& p : x.ownership_paths) roots.push_back(p["listing"]["entity_id"]);
  std::sort(roots.begin(), roots.end());
  EXPECT_EQ(roots, (std::vector<std::string>{"us_ofac_sdn:500", "us_ofac_sdn:502"}));

  // An unknown share: possibly blocked (up to 100%); control reported apart.
  ASSERT_TRUE(ComputeExposure(g, "party:P-2", {}, &x).ok());
  EXPECT_EQ(x.status, "possibly_blocked");
  EXPECT_DOUBLE_EQ(x.high, 100);
  EXPECT_GE(x.level, 0.75);
  ASSERT_EQ(x.control_paths.size(), 1u);
  EXPECT_EQ(x.control_paths[0]["listing"]["entity_id"], "us_ofac_sdn:501");
  nlohmann::json j = ToJson(x);
  EXPECT_EQ(j["status"], "possibly_blocked");
}

TEST_F(GraphTest, CyclesAndGuardsTerminate) {
  Graph g;
  g.AddLists(*lists_);
  g.AddParty("A", "A");
  g.AddParty("B", "B");
  g.AddParty("C", "C");
  g.AddOwnership({Own("party:A", "party:B", "50", 50, 50), Own("party:B", "party:C", "50", 50, 50),
                  Own("party:C", "party:A", "50", 50, 50),
                  Own("us_ofac_sdn:500", "party:C", "40", 40, 40)});
  Exposure x;
  ExposureOptions opt;
  opt.max_hops = 6;
  ASSERT_TRUE(ComputeExposure(g, "party:A", opt, &x).ok());
  ASSERT_FALSE(x.paths.empty());
  for (const ExposurePath& p : x.paths) {
    std::vector<std::string> seen = {p.steps[0].from};
    for (const PathStep& s : p.steps) seen.push_back(s.to);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << p.explanation;
  }
  opt.max_expansions = 3;
  ASSERT_TRUE(ComputeExposure(g, "party:A", opt, &x).ok());
  EXPECT_TRUE(x.truncated);
}

}  // namespace
}  // namespace vigil::graph
