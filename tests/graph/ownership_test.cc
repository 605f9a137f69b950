// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// OFAC's 50% rule (src/graph/ownership.h). The FAQ tests restate OFAC's own examples
// (FAQ 398, 399, 401: https://ofac.treasury.gov/faqs/topic/1521) with OFAC's answers.

#include "graph/ownership.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

namespace vigil::graph {
namespace {

Share Pct(std::string_view text) {
  Share s;
  Status st = ParsePercentage(text, &s);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return s;
}

OwnershipEdge Own(std::string owner, std::string owned, std::string_view pct,
                  EdgeKind kind = EdgeKind::kOwnership) {
  OwnershipEdge e;
  e.owner = std::move(owner);
  e.owned = std::move(owned);
  e.share = Pct(pct);
  e.kind = kind;
  e.source = "test";
  return e;
}

std::unordered_map<std::string, Listing> Listed(std::initializer_list<std::string> ids) {
  std::unordered_map<std::string, Listing> out;
  for (const std::string& id : ids) out[id] = Listing{id, "us_ofac_sdn", "SDN " + id, "SDGT"};
  return out;
}

// The owners (step owners) of a path, root first, and the node it ends at.
std::string Chain(const Path& p) {
  std::string out;
  for (const Step& s : p.steps) out += s.owner + ">";
  return out + (p.steps.empty() ? "" : p.steps.back().owned);
}

class Rule {
 public:
  Rule(const std::vector<OwnershipEdge>& edges, std::initializer_list<std::string> listed,
       EvaluateOptions options = {})
      : graph_(edges), eval_(graph_.Evaluate(Listed(listed), options)) {}
  Status50 operator()(std::string_view id) const { return eval_.StatusOf(id); }
  NodeStatus Get(std::string_view id) const { return eval_.Get(id); }
  const Evaluation& eval() const { return eval_; }

 private:
  OwnershipGraph graph_;
  Evaluation eval_;
};

constexpr Status50 kBlocked = Status50::kBlocked;
constexpr Status50 kPossibly = Status50::kPossiblyBlocked;
constexpr Status50 kNot = Status50::kNotBlocked;

// --- Parsing -------------------------------------------------------------------------

TEST(OwnershipParseTest, Percentages) {
  Share s = Pct("60");
  EXPECT_EQ(s.low, 60);
  EXPECT_EQ(s.high, 60);
  EXPECT_TRUE(s.known);
  s = Pct(" 12.5% ");
  EXPECT_EQ(s.low, 12.5);
  EXPECT_EQ(s.high, 12.5);
  s = Pct("25-50");
  EXPECT_EQ(s.low, 25);
  EXPECT_EQ(s.high, 50);
  s = Pct("25 - 50%");
  EXPECT_EQ(s.low, 25);
  EXPECT_EQ(s.high, 50);
  s =
      Pct("25\xE2\x80\x93"
          "50");  // en dash
  EXPECT_EQ(s.low, 25);
  EXPECT_EQ(s.high, 50);
  s = Pct(">50");
  EXPECT_EQ(s.low, 50);
  EXPECT_EQ(s.high, 100);
  s = Pct("<=25");
  EXPECT_EQ(s.low, 0);
  EXPECT_EQ(s.high, 25);
  for (std::string_view unknown : {"", "  ", "unknown", "Unknown", "?"}) {
    s = Pct(unknown);
    EXPECT_FALSE(s.known) << unknown;
    EXPECT_EQ(s.low, 0);
    EXPECT_EQ(s.high, 100);
  }
  EXPECT_EQ(ShareToString(Pct("60")), "60%");
  EXPECT_EQ(ShareToString(Pct("25-50")), "25-50%");
  EXPECT_EQ(ShareToString(Pct("")), "unknown");
}

TEST(OwnershipParseTest, BadPercentagesNameTheValue) {
  Share s;
  Status st = ParsePercentage("120", &s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'120' is above 100"), std::string::npos) << st.message();
  st = ParsePercentage("-5", &s);
  EXPECT_FALSE(st.ok());
  st = ParsePercentage("50-25", &s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("low end above"), std::string::npos) << st.message();
  st = ParsePercentage("half", &s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'half'"), std::string::npos);
  EXPECT_FALSE(ParsePercentage("25-", &s).ok());
  EXPECT_FALSE(ParsePercentage("nan", &s).ok());
}

TEST(OwnershipParseTest, Kinds) {
  EdgeKind k;
  ASSERT_TRUE(ParseEdgeKind("Director", &k).ok());
  EXPECT_EQ(k, EdgeKind::kDirector);
  ASSERT_TRUE(ParseEdgeKind("", &k).ok());
  EXPECT_EQ(k, EdgeKind::kOwnership);
  for (EdgeKind each : {EdgeKind::kOwnership, EdgeKind::kControl, EdgeKind::kDirector,
                        EdgeKind::kOfficer, EdgeKind::kFamily}) {
    ASSERT_TRUE(ParseEdgeKind(EdgeKindToString(each), &k).ok());
    EXPECT_EQ(k, each);
  }
  Status st = ParseEdgeKind("partner", &k);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'partner'"), std::string::npos);
  EXPECT_EQ(ToString(Status50::kBlocked), "blocked");
  EXPECT_EQ(ToString(Status50::kPossiblyBlocked), "possibly_blocked");
  EXPECT_EQ(ToString(Status50::kNotBlocked), "not_blocked");
}

// --- OFAC's examples -------------------------------------------------------------------

// FAQ 401, Example 1: Blocked Person X owns 50% of Entity A, and A owns 50% of Entity B.
// A is blocked (X's 50%), and B is blocked (A's 50%); X's indirect share of B is 50%,
// not 25%: percentages are not multiplied along the chain.
TEST(OwnershipFaqTest, Faq401Example1ChainOfFifties) {
  Rule r({Own("X", "A", "50"), Own("A", "B", "50")}, {"X"});
  EXPECT_EQ(r("A"), kBlocked);
  EXPECT_EQ(r("B"), kBlocked);
  NodeStatus b = r.Get("B");
  EXPECT_EQ(b.low, 50);
  ASSERT_EQ(b.paths.size(), 1u);
  EXPECT_EQ(Chain(b.paths[0]), "X>A>B");
  EXPECT_EQ(b.paths[0].listing.entity_id, "X");
  EXPECT_TRUE(b.paths[0].certain);
  EXPECT_EQ(b.paths[0].steps[0].share.low, 50);
  EXPECT_EQ(b.paths[0].steps[1].share.low, 50);
  EXPECT_EQ(PathToString(b.paths[0]), "SDN X (us_ofac_sdn) -> A [50%] -> B [50%]");
}

// FAQ 401, Example 2: X owns 50% of A and 50% of B; A and B each own 25% of C. C is
// blocked: 25% + 25% held by the blocked entities A and B.
TEST(OwnershipFaqTest, Faq401Example2TwoBlockedSubsidiariesAggregate) {
  Rule r({Own("X", "A", "50"), Own("X", "B", "50"), Own("A", "C", "25"), Own("B", "C", "25")},
         {"X"});
  EXPECT_EQ(r("A"), kBlocked);
  EXPECT_EQ(r("B"), kBlocked);
  EXPECT_EQ(r("C"), kBlocked);
  NodeStatus c = r.Get("C");
  EXPECT_EQ(c.low, 50);
  ASSERT_EQ(c.paths.size(), 2u);
  std::vector<std::string> chains{Chain(c.paths[0]), Chain(c.paths[1])};
  std::sort(chains.begin(), chains.end());
  EXPECT_EQ(chains, (std::vector<std::string>{"X>A>C", "X>B>C"}));
}

// FAQ 401, Example 3: X owns 50% of A and 10% of B; A also owns 40% of B. B is blocked:
// 10% held directly by X plus 40% held by the blocked entity A.
TEST(OwnershipFaqTest, Faq401Example3DirectPlusIndirect) {
  Rule r({Own("X", "A", "50"), Own("X", "B", "10"), Own("A", "B", "40")}, {"X"});
  EXPECT_EQ(r("A"), kBlocked);
  EXPECT_EQ(r("B"), kBlocked);
  NodeStatus b = r.Get("B");
  EXPECT_EQ(b.low, 50);
  ASSERT_EQ(b.paths.size(), 2u);
  EXPECT_EQ(Chain(b.paths[0]), "X>A>B");  // the larger share first
  EXPECT_EQ(Chain(b.paths[1]), "X>B");
  EXPECT_NE(b.explanation.find("50%"), std::string::npos) << b.explanation;
}

// FAQ 401's definition of "indirectly": through entities 50% or more owned by blocked
// persons. X owns 50% of A, A owns 25% of B: A is blocked, B (25%) is not.
TEST(OwnershipFaqTest, Faq401MinorityStakeOfBlockedEntityDoesNotBlock) {
  Rule r({Own("X", "A", "50"), Own("A", "B", "25")}, {"X"});
  EXPECT_EQ(r("A"), kBlocked);
  EXPECT_EQ(r("B"), kNot);
  NodeStatus b = r.Get("B");
  EXPECT_EQ(b.low, 25);
  ASSERT_EQ(b.paths.size(), 1u);  // the blocked holding is still shown
  EXPECT_EQ(Chain(b.paths[0]), "X>A>B");
  EXPECT_NE(b.explanation.find("Not blocked"), std::string::npos);
}

// ... and an entity owned less than 50% by blocked persons is not a blocked person, so
// what it owns is not held "indirectly" by them: X owns 40% of A, A owns 100% of B.
TEST(OwnershipFaqTest, Faq401NothingFlowsThroughAnUnblockedEntity) {
  Rule r({Own("X", "A", "40"), Own("A", "B", "100")}, {"X"});
  EXPECT_EQ(r("A"), kNot);
  EXPECT_EQ(r("B"), kNot);
  NodeStatus b = r.Get("B");
  EXPECT_EQ(b.low, 0);
  EXPECT_TRUE(b.paths.empty());
  // B is still reachable from a listed owner: it is reported.
  std::vector<std::string> reach = r.eval().Reachable();
  EXPECT_NE(std::find(reach.begin(), reach.end(), "B"), reach.end());
}

// FAQ 399: stakes of different blocked persons are aggregated. X owns 25% of A and Y owns
// another 25%: A is blocked.
TEST(OwnershipFaqTest, Faq399TwoBlockedPersonsAggregate) {
  Rule r({Own("X", "A", "25"), Own("Y", "A", "25")}, {"X", "Y"});
  EXPECT_EQ(r("A"), kBlocked);
  NodeStatus a = r.Get("A");
  EXPECT_EQ(a.low, 50);
  EXPECT_EQ(a.paths.size(), 2u);
  // With only X listed, A is not blocked.
  Rule only_x({Own("X", "A", "25"), Own("Y", "A", "25")}, {"X"});
  EXPECT_EQ(only_x("A"), kNot);
}

// FAQ 399 then 401: A blocked by aggregation (X 25% + Y 25%) counts in full as a blocked
// person: A's 50% of B blocks B.
TEST(OwnershipFaqTest, Faq399And401AggregatedOwnerBlocksItsSubsidiary) {
  Rule r({Own("X", "A", "25"), Own("Y", "A", "25"), Own("A", "B", "50")}, {"X", "Y"});
  EXPECT_EQ(r("A"), kBlocked);
  EXPECT_EQ(r("B"), kBlocked);
}

// FAQ 398: control without 50% ownership does not block under OFAC; it is reported apart.
TEST(OwnershipFaqTest, Faq398ControlDoesNotBlock) {
  Rule r({Own("X", "A", "", EdgeKind::kControl), Own("X", "A", "30"),
          Own("X", "A", "", EdgeKind::kDirector)},
         {"X"});
  EXPECT_EQ(r("A"), kNot);
  NodeStatus a = r.Get("A");
  EXPECT_EQ(a.low, 30);
  EXPECT_EQ(a.paths.size(), 1u);
  ASSERT_EQ(a.control_paths.size(), 2u);
  EXPECT_NE(a.explanation.find("FAQ 398"), std::string::npos) << a.explanation;
  EXPECT_NE(a.explanation.find("EU and UK"), std::string::npos);
  // The EU/UK reading counts control.
  EvaluateOptions eu;
  eu.control_blocks = true;
  Rule r_eu({Own("X", "A", "", EdgeKind::kControl), Own("X", "A", "30")}, {"X"}, eu);
  EXPECT_EQ(r_eu("A"), kBlocked);
  // A director who is blocked does not block under either reading.
  Rule r_dir({Own("X", "A", "", EdgeKind::kDirector)}, {"X"}, eu);
  EXPECT_EQ(r_dir("A"), kNot);
}

// --- Cases of our own ------------------------------------------------------------------

TEST(OwnershipRuleTest, ListedNodeIsBlockedWithItsListing) {
  Rule r({Own("X", "A", "10")}, {"X"});
  NodeStatus x = r.Get("X");
  EXPECT_EQ(x.status, kBlocked);
  ASSERT_TRUE(x.listing.has_value());
  EXPECT_EQ(x.listing->list, "us_ofac_sdn");
  EXPECT_NE(x.explanation.find("listed"), std::string::npos);
  // A listed id with no edges at all.
  EXPECT_EQ(r("Z"), kNot);
  Rule r2({Own("X", "A", "10")}, {"X", "Z"});
  EXPECT_EQ(r2("Z"), kBlocked);
  EXPECT_TRUE(r2.Get("Z").listing.has_value());
}

TEST(OwnershipRuleTest, LongChainIsBlockedToTheEnd) {
  std::vector<OwnershipEdge> edges;
  for (int i = 0; i < 200; ++i) {
    edges.push_back(Own("N" + std::to_string(i), "N" + std::to_string(i + 1), "51"));
  }
  edges.push_back(Own("N200", "tail", "49"));
  Rule r(edges, {"N0"});
  EXPECT_EQ(r("N200"), kBlocked);
  EXPECT_EQ(r("tail"), kNot);
  NodeStatus end = r.Get("N200");
  ASSERT_EQ(end.paths.size(), 1u);
  EXPECT_EQ(end.paths[0].steps.size(), 200u);
  EXPECT_EQ(end.paths[0].steps.front().owner, "N0");
}

TEST(OwnershipRuleTest, DiamondSumsBothSides) {
  // X -> A (60), X -> B (60); A -> D (30), B -> D (20): D gets 50%.
  Rule r({Own("X", "A", "60"), Own("X", "B", "60"), Own("A", "D", "30"), Own("B", "D", "20")},
         {"X"});
  EXPECT_EQ(r("D"), kBlocked);
  // One side below 50%: B not blocked, so D only gets A's 30%.
  Rule r2({Own("X", "A", "60"), Own("X", "B", "40"), Own("A", "D", "30"), Own("B", "D", "20")},
          {"X"});
  EXPECT_EQ(r2("B"), kNot);
  EXPECT_EQ(r2("D"), kNot);
  EXPECT_EQ(r2.Get("D").low, 30);
}

TEST(OwnershipRuleTest, CycleOfUnlistedOwnersBlocksNobody) {
  // A owns 60% of B, B owns 60% of A; neither listed.
  Rule none({Own("A", "B", "60"), Own("B", "A", "60")}, {"Q"});
  EXPECT_EQ(none("A"), kNot);
  EXPECT_EQ(none("B"), kNot);
  // One listed: both blocked (the listed one by its listing).
  Rule one({Own("A", "B", "60"), Own("B", "A", "60")}, {"A"});
  EXPECT_EQ(one("A"), kBlocked);
  EXPECT_EQ(one("B"), kBlocked);
  NodeStatus b = one.Get("B");
  ASSERT_EQ(b.paths.size(), 1u);
  EXPECT_EQ(Chain(b.paths[0]), "A>B");
}

TEST(OwnershipRuleTest, CycleEnteredFromOutsideTerminates) {
  // X 30% of A; A, B, C own 30% of each other around a ring, plus B 20% of A.
  Rule r({Own("X", "A", "30"), Own("A", "B", "60"), Own("B", "C", "60"), Own("C", "A", "20"),
          Own("B", "A", "5")},
         {"X"});
  EXPECT_EQ(r("A"), kNot);  // 30% from X; B and C are not blocked, so nothing comes back
  EXPECT_EQ(r("B"), kNot);
  Rule r2({Own("X", "A", "30"), Own("A", "B", "60"), Own("B", "C", "60"), Own("C", "A", "20")},
          {"X", "C"});
  EXPECT_EQ(r2("A"), kBlocked);  // 30% X + 20% C
  EXPECT_EQ(r2("B"), kBlocked);
}

TEST(OwnershipRuleTest, DelistedOwnerSubsidiariesFallBack) {
  std::vector<OwnershipEdge> edges{Own("X", "A", "50"), Own("A", "B", "75"), Own("Y", "C", "30"),
                                   Own("A", "C", "20")};
  Rule before(edges, {"X", "Y"});
  EXPECT_EQ(before("A"), kBlocked);
  EXPECT_EQ(before("B"), kBlocked);
  EXPECT_EQ(before("C"), kBlocked);  // 30 (Y) + 20 (A)
  Rule after(edges, {"Y"});          // X delisted
  EXPECT_EQ(after("A"), kNot);
  EXPECT_EQ(after("B"), kNot);
  EXPECT_EQ(after("C"), kNot);
  EXPECT_EQ(after.Get("C").low, 30);
}

TEST(OwnershipRuleTest, UnknownShareMakesPossiblyBlocked) {
  Rule r({Own("X", "A", "")}, {"X"});
  EXPECT_EQ(r("A"), kPossibly);
  NodeStatus a = r.Get("A");
  EXPECT_EQ(a.low, 0);
  EXPECT_EQ(a.high, 100);
  ASSERT_EQ(a.paths.size(), 1u);
  EXPECT_TRUE(a.paths[0].certain);  // X is surely blocked; the share is what is unknown
  EXPECT_NE(a.explanation.find("up to 100%"), std::string::npos) << a.explanation;
}

TEST(OwnershipRuleTest, RangesGiveBounds) {
  // 25-50: possibly blocked (up to 50%).
  Rule r({Own("X", "A", "25-50")}, {"X"});
  EXPECT_EQ(r("A"), kPossibly);
  EXPECT_EQ(r.Get("A").low, 25);
  EXPECT_EQ(r.Get("A").high, 50);
  // 25-50 plus a certain 25: blocked.
  Rule r2({Own("X", "A", "25-50"), Own("Y", "A", "25")}, {"X", "Y"});
  EXPECT_EQ(r2("A"), kBlocked);
  // 10-40: not blocked even at the top of the range.
  Rule r3({Own("X", "A", "10-40")}, {"X"});
  EXPECT_EQ(r3("A"), kNot);
  EXPECT_EQ(r3.Get("A").high, 40);
  // 25 certain + up to 75 more: possibly (up to 75%... capped reporting at 100).
  Rule r4({Own("X", "A", "25"), Own("Y", "A", "0-50")}, {"X", "Y"});
  EXPECT_EQ(r4("A"), kPossibly);
  EXPECT_EQ(r4.Get("A").low, 25);
  EXPECT_EQ(r4.Get("A").high, 75);
  EXPECT_NE(r4.Get("A").explanation.find("up to 75%"), std::string::npos);
}

TEST(OwnershipRuleTest, PossiblyBlockedOwnerCountsOnlyToTheUpperBound) {
  // X owns an unknown share of A; A owns 60% of B, listed Z owns 40% of B. B: 40% certain,
  // up to 100% if A turns out to be blocked.
  Rule r({Own("X", "A", ""), Own("A", "B", "60"), Own("Z", "B", "40")}, {"X", "Z"});
  EXPECT_EQ(r("A"), kPossibly);
  EXPECT_EQ(r("B"), kPossibly);
  NodeStatus b = r.Get("B");
  EXPECT_EQ(b.low, 40);
  EXPECT_EQ(b.high, 100);
  ASSERT_EQ(b.paths.size(), 2u);
  EXPECT_TRUE(b.paths[0].certain);  // Z's 40% first
  EXPECT_EQ(Chain(b.paths[0]), "Z>B");
  EXPECT_FALSE(b.paths[1].certain);
}

TEST(OwnershipRuleTest, PossiblyBlockedChain) {
  Rule r({Own("X", "A", ""), Own("A", "B", "60")}, {"X"});
  EXPECT_EQ(r("A"), kPossibly);
  EXPECT_EQ(r("B"), kPossibly);
  NodeStatus b = r.Get("B");
  EXPECT_EQ(b.low, 0);
  EXPECT_EQ(b.high, 60);
  ASSERT_EQ(b.paths.size(), 1u);
  EXPECT_FALSE(b.paths[0].certain);
  EXPECT_EQ(Chain(b.paths[0]), "X>A>B");
  EXPECT_EQ(b.paths[0].steps[1].owner_status, kPossibly);
}

TEST(OwnershipRuleTest, DuplicateStakeCountsOnceLatestWins) {
  OwnershipEdge old_stake = Own("X", "A", "30");
  old_stake.as_of = "2023-01-01";
  OwnershipEdge new_stake = Own("X", "A", "55");
  new_stake.as_of = "2025-06-30";
  Rule r({new_stake, old_stake}, {"X"});
  EXPECT_EQ(r("A"), kBlocked);
  EXPECT_EQ(r.Get("A").low, 55);  // not 85
  Rule r2({Own("X", "A", "30"), Own("X", "A", "30")}, {"X"});
  EXPECT_EQ(r2("A"), kNot);  // the same 30% reported twice is not 60%
}

TEST(OwnershipRuleTest, SelfOwnershipIgnored) {
  Rule r({Own("A", "A", "100"), Own("X", "A", "40")}, {"X"});
  EXPECT_EQ(r("A"), kNot);
  OwnershipGraph g({Own("A", "A", "100")});
  EXPECT_EQ(g.edge_count(), 0u);
}

TEST(OwnershipRuleTest, DecimalSharesAddExactly) {
  // 33.3333 + 16.6667 = 50 in fixed point, not 49.99999...
  Rule r({Own("X", "A", "33.3333"), Own("Y", "A", "16.6667")}, {"X", "Y"});
  EXPECT_EQ(r("A"), kBlocked);
  Rule r2({Own("X", "A", "33.3333"), Own("Y", "A", "16.6666")}, {"X", "Y"});
  EXPECT_EQ(r2("A"), kNot);
}

TEST(OwnershipRuleTest, EvaluateReportsEveryReachableNode) {
  auto all =
      Evaluate({Own("X", "A", "50"), Own("A", "B", "10"), Own("B", "C", "90"), Own("Q", "R", "90")},
               Listed({"X"}));
  ASSERT_EQ(all.size(), 4u);  // X, A, B, C; not Q or R
  EXPECT_EQ(all.at("A").status, kBlocked);
  EXPECT_EQ(all.at("B").status, kNot);
  EXPECT_EQ(all.at("C").status, kNot);
  EXPECT_EQ(all.count("R"), 0u);
}

TEST(OwnershipRuleTest, MaxPathsCapsPaths) {
  std::vector<OwnershipEdge> edges;
  std::unordered_map<std::string, Listing> listed;
  for (int i = 0; i < 20; ++i) {
    std::string id = "X" + std::to_string(i);
    edges.push_back(Own(id, "A", "5"));
    listed[id] = Listing{id, "us_ofac_sdn", id, ""};
  }
  EvaluateOptions o;
  o.max_paths = 3;
  OwnershipGraph g(edges);
  NodeStatus a = g.Evaluate(listed, o).Get("A");
  EXPECT_EQ(a.status, kBlocked);  // 20 x 5%
  EXPECT_EQ(a.low, 100);
  EXPECT_EQ(a.paths.size(), 3u);
}

TEST(OwnershipRuleTest, JsonCarriesStatusAndPaths) {
  Rule r({Own("X", "A", "50"), Own("A", "B", "50"), Own("X", "B", "", EdgeKind::kOfficer)}, {"X"});
  nlohmann::json j = ToJson(r.Get("B"));
  EXPECT_EQ(j["status"], "blocked");
  EXPECT_EQ(j["low"], 50.0);
  EXPECT_TRUE(j["listing"].is_null());
  ASSERT_EQ(j["paths"].size(), 1u);
  EXPECT_EQ(j["paths"][0]["listing"]["entity_id"], "X");
  EXPECT_EQ(j["paths"][0]["steps"][1]["share"]["text"], "50%");
  EXPECT_EQ(j["paths"][0]["steps"][0]["owner_status"], "blocked");
  ASSERT_EQ(j["control_paths"].size(), 1u);
  EXPECT_EQ(j["control_paths"][0]["steps"][0]["kind"], "officer");
  EXPECT_FALSE(j["explanation"].get<std::string>().empty());
}

}  // namespace
}  // namespace vigil::graph
