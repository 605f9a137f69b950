// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Relationships the UN and CSL files state (src/sources/stated_relations.h, the UN and CSL
// loaders), on hand-written fixtures and, when ../shared is present, on the real files.
#include "sources/stated_relations.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"
#include "sources/common.h"
#include "sources/ofac/remarks.h"
#include "test_util.h"
#include "vigil/list.h"

namespace vigil::sources {
namespace {

namespace fs = std::filesystem;

const Entity* Find(const LoadedList& list, std::string_view id) {
  for (const Entity& e : list.entities) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

// The relationship of `e` to `target` (an id, or an unresolved name); null when none.
const Relationship* Rel(const Entity& e, std::string_view target) {
  for (const Relationship& r : e.relationships) {
    if (r.target_id == target || (r.target_id.empty() && r.target_name == target)) return &r;
  }
  return nullptr;
}

// Prints how many relationships of each relation, source field and resolution (a figure
// for the docs, not an assertion).
void PrintCounts(const LoadedList& list) {
  std::map<std::string, size_t> counts;
  for (const Entity& e : list.entities) {
    for (const Relationship& r : e.relationships) {
      ++counts["relation " + r.relation];
      ++counts["field " + r.field];
      ++counts[r.target_id.empty() ? "unresolved" : "resolved"];
      if (e.source_id.starts_with("KP")) ++counts["DPRK entries' relationships"];
    }
  }
  for (const auto& [k, n] : counts)
    std::cout << "  " << list.info.source << " " << k << ": " << n << "\n";
}

size_t CountRelations(const LoadedList& list, bool resolved_only) {
  size_t n = 0;
  for (const Entity& e : list.entities) {
    for (const Relationship& r : e.relationships) n += !resolved_only || !r.target_id.empty();
  }
  return n;
}

TEST(StatedRelationsTest, RelationFromPhrases) {
  std::string_view t = "Company owned or controlled by Acme Ltd. Brother of John Doe (QDi.001).";
  size_t acme = t.find("Acme Ltd");
  EXPECT_EQ(StatedRelation(t, acme, acme + 8), "owned_by");
  size_t john = t.find("John Doe");
  EXPECT_EQ(StatedRelation(t, john, john + 8), "family");  // the clause ends at ". "
  std::string_view parent = "The Acme Corporation (AC) is the parent company of Beta.";
  size_t ac = parent.find("Acme Corporation");
  EXPECT_EQ(StatedRelation(parent, ac, ac + 16), "subsidiary_of");
  std::string_view plain = "Met Acme Ltd in 2001.";
  EXPECT_EQ(StatedRelation(plain, 4, 12), "associated_with");
  // Phrases match whole words only: "unowned by" is not "owned by".
  std::string_view unowned = "Unowned by Acme";
  EXPECT_EQ(StatedRelation(unowned, 11, 15), "associated_with");
  EXPECT_EQ(ClauseAround(t, john, john + 8), "Brother of John Doe (QDi.001).");
}

TEST(StatedRelationsTest, LinkedToSegments) {
  std::vector<Relationship> rs =
      ofac::LinkedToIn("(Linked To: A CORPS (AC)-QODS FORCE; Linked To: B BANK.)");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].relation, "linked_to");
  EXPECT_EQ(rs[0].target_name, "A CORPS (AC)-QODS FORCE");
  EXPECT_EQ(rs[1].target_name, "B BANK");
  EXPECT_TRUE(ofac::LinkedToIn("Former Minister of Interior").empty());
  Relationship r;
  EXPECT_FALSE(ofac::ParseLinkedTo("Linked To:", &r));
}

TEST(StatedRelationsTest, UnFixture) {
  LoadedList list;
  ASSERT_TRUE(LoadUnXml(testing::Fixture("un_relations/consolidated.xml"), &list).ok());

  const Entity* omar = Find(list, "un_sc:QDi.901");
  ASSERT_NE(omar, nullptr);
  // Named by name and number in COMMENTS1 (associated), then as its leader in DESIGNATION:
  // one relationship, the more specific relation.
  const Relationship* front = Rel(*omar, "un_sc:QDe.901");
  ASSERT_NE(front, nullptr);
  EXPECT_EQ(front->relation, "member_of");
  EXPECT_EQ(front->field, "DESIGNATION");
  EXPECT_EQ(front->target_name, "Example Front");
  const Relationship* brother = Rel(*omar, "un_sc:QDi.902");
  ASSERT_NE(brother, nullptr);
  EXPECT_EQ(brother->relation, "family");
  EXPECT_EQ(brother->field, "COMMENTS1");
  EXPECT_EQ(brother->text, "Brother of Yusuf Sample Tester (QDi.902).");
  // A number the file no longer lists stays, unresolved, named by the number.
  const Relationship* former = Rel(*omar, "QDi.999");
  ASSERT_NE(former, nullptr);
  EXPECT_TRUE(former->target_id.empty());
  EXPECT_EQ(former->relation, "alias_of");
  EXPECT_EQ(omar->relationships.size(), 3u);

  const Entity* yusuf = Find(list, "un_sc:QDi.902");
  ASSERT_NE(yusuf, nullptr);
  ASSERT_NE(Rel(*yusuf, "un_sc:QDe.901"), nullptr);  // written "Qde.901"
  EXPECT_EQ(Rel(*yusuf, "un_sc:QDe.901")->relation, "supports");
  EXPECT_EQ(Rel(*Find(list, "un_sc:QDe.901"), "un_sc:QDi.901")->relation, "led_by");

  // DPRK style: entries named by name only.
  const Entity* sample = Find(list, "un_sc:KPe.902");
  ASSERT_NE(sample, nullptr);
  ASSERT_EQ(sample->relationships.size(), 1u);  // its own name is no relationship
  EXPECT_EQ(sample->relationships[0].target_id, "un_sc:KPe.901");
  EXPECT_EQ(sample->relationships[0].relation, "owned_by");
  EXPECT_EQ(Rel(*Find(list, "un_sc:KPe.903"), "un_sc:KPe.902")->relation, "front_for");
  const Entity* jv = Find(list, "un_sc:KPe.904");
  ASSERT_NE(jv, nullptr);
  // "KEGC Holdings Abroad" is not KEGC: the name goes on with a capitalised word.
  ASSERT_EQ(jv->relationships.size(), 1u);
  EXPECT_EQ(jv->relationships[0].target_id, "un_sc:KPe.901");
  EXPECT_EQ(jv->relationships[0].relation, "subsidiary_of");
  EXPECT_TRUE(Find(list, "un_sc:KPe.901")->relationships.empty());

  // The graph says where each edge comes from and shows it from both ends.
  std::vector<LoadedList> lists;
  lists.push_back(std::move(list));
  graph::Graph g;
  g.AddLists(lists);
  bool seen = false;
  for (const graph::IncidentEdge& ie : g.EdgesOf("un_sc:KPe.901")) {
    if (ie.outgoing || ie.other() != "un_sc:KPe.902") continue;
    seen = true;
    EXPECT_EQ(ie.edge->type, "owned_by");
    EXPECT_EQ(ie.edge->source, "un_sc COMMENTS1");
    EXPECT_NE(ie.edge->evidence.value("text", "").find("owned by the Korea Example"),
              std::string::npos);
  }
  EXPECT_TRUE(seen);
}

TEST(StatedRelationsTest, CslFixture) {
  LoadedList list;
  Status s = LoadCsl(testing::Fixture("csl_relations/consolidated.csv"), &list);
  ASSERT_TRUE(s.ok()) << s.ToString();

  const Relationship* r = Rel(*Find(list, "us_csl:9002"), "us_csl:9001");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->relation, "linked_to");
  EXPECT_EQ(r->field, "remarks");

  const Entity* bank = Find(list, "us_csl:9003");
  ASSERT_NE(bank, nullptr);
  ASSERT_EQ(bank->relationships.size(), 2u);
  EXPECT_EQ(bank->relationships[0].target_name, "EXAMPLE GUARD CORPS (EGC)-QODS FORCE");
  EXPECT_TRUE(bank->relationships[0].target_id.empty());
  EXPECT_EQ(bank->relationships[1].target_id, "us_csl:9001");  // "Example Party of God."
  // Linked to an alias; the directive text before it is no relationship.
  const Entity* ssi = Find(list, "us_csl:9004");
  ASSERT_EQ(ssi->relationships.size(), 1u);
  EXPECT_EQ(ssi->relationships[0].target_id, "us_csl:9001");

  const Relationship* owner = Rel(*Find(list, "us_csl:9005"), "Example Shipping S.A.");
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->relation, "owned_by");
  EXPECT_EQ(owner->field, "vessel_owner");
  EXPECT_NE(Rel(*Find(list, "us_csl:9006"), "us_csl:9003"), nullptr);  // a listed owner
  // Two entries are named TWIN COMPANY: not resolved.
  const Entity* dup = Find(list, "us_csl:9007");
  ASSERT_EQ(dup->relationships.size(), 1u);
  EXPECT_TRUE(dup->relationships[0].target_id.empty());
  EXPECT_EQ(dup->relationships[0].target_name, "TWIN COMPANY");
  EXPECT_TRUE(list.info.warnings.empty());
}

// The real files: how many relationships, and known DPRK ones.
TEST(StatedRelationsTest, RealUnList) {
  VIGIL_REQUIRE_SHARED(dir, "un_sc/2026-02");
  LoadedList list;
  ASSERT_TRUE(LoadList(dir, &list).ok());
  PrintCounts(list);
  // 2026-02: 519 references by number to listed entries, more by name.
  EXPECT_GE(CountRelations(list, true), 550u);
  const Entity* dcb_finance = Find(list, "un_sc:KPe.040");
  ASSERT_NE(dcb_finance, nullptr);
  const Relationship* r = Rel(*dcb_finance, "un_sc:KPe.023");  // Daedong Credit Bank
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->relation, "front_for");
  EXPECT_EQ(r->target_name, "Daedong Credit Bank (DCB)");
  const Relationship* pugang = Rel(*Find(list, "un_sc:KPe.038"), "un_sc:KPe.002");
  ASSERT_NE(pugang, nullptr);  // owned by Korea Ryonbong General Corporation
  EXPECT_EQ(pugang->relation, "owned_by");
  ASSERT_NE(Rel(*Find(list, "un_sc:KPe.007"), "un_sc:KPe.027"), nullptr);  // by number
  const Relationship* al_qaida = Rel(*Find(list, "un_sc:QDe.138"), "un_sc:QDe.004");
  ASSERT_NE(al_qaida, nullptr);
}

TEST(StatedRelationsTest, RealCsl) {
  VIGIL_REQUIRE_SHARED(dir, "us_csl/2023-11");
  LoadOptions opts;
  opts.accept_truncated = true;
  LoadedList list;
  Status s = LoadList(dir, opts, &list);
  ASSERT_TRUE(s.ok()) << s.ToString();
  PrintCounts(list);
  size_t linked = 0, resolved = 0;
  for (const Entity& e : list.entities) {
    for (const Relationship& r : e.relationships) {
      if (r.relation != "linked_to") continue;
      ++linked;
      resolved += !r.target_id.empty();
    }
  }
  // 294 rows carry "Linked To:" (some name two).
  EXPECT_GE(linked, 294u);
  EXPECT_GE(resolved, 150u);
}

}  // namespace
}  // namespace vigil::sources
