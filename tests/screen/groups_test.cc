// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// One party, one hit: records of the same party on several lists (the CSL's copies of
// OFAC entries, the same IMO number on the UN and OFAC lists, ...) are grouped once when
// the Screener is built, and a query shows the party once with every list it is on.

#include "screen/groups.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/json.h"
#include "test_util.h"
#include "vigil/list.h"
#include "vigil/screen.h"

namespace vigil::screen {
namespace {

Entity Make(std::string source, std::string source_id, EntityKind kind, std::string name) {
  Entity e;
  e.source = std::move(source);
  e.source_id = std::move(source_id);
  e.id = e.source + ":" + e.source_id;
  e.kind = kind;
  e.names.push_back(Name{std::move(name), "", "", NameKind::kPrimary});
  return e;
}

Identifier Id(IdKind kind, std::string type, std::string value) {
  Identifier id;
  id.kind = kind;
  id.type = std::move(type);
  id.value = std::move(value);
  return id;
}

BirthDate Born(int y, int m, int d) {
  BirthDate b;
  b.from = PartialDate{y, m, d};
  return b;
}

Query Q(std::string name, EntityKind kind = EntityKind::kUnknown) {
  Query q;
  q.name = std::move(name);
  q.kind = kind;
  return q;
}

std::vector<uint32_t> Groups(const std::vector<Entity>& entities) {
  std::vector<const Entity*> p;
  for (const Entity& e : entities) p.push_back(&e);
  return GroupEntities(p);
}

TEST(GroupEntitiesTest, CslRowOfAnOfacEntryIsThatEntry) {
  std::vector<Entity> e = {
      Make("us_ofac_sdn", "8279", EntityKind::kPerson, "BOUT, Viktor"),
      Make("us_ofac_sdn", "8280", EntityKind::kPerson, "OTHER, Person"),
      Make("us_csl", "8279", EntityKind::kPerson, "BOUT, Viktor Anatolijevitch"),
      Make("us_csl", "EL-1f0c2a9b", EntityKind::kPerson, "BOUT, Viktor"),  // not a number
  };
  EXPECT_EQ(Groups(e), (std::vector<uint32_t>{0, 1, 0, 3}));
}

TEST(GroupEntitiesTest, SharedImoNumberAcrossListsAndKinds) {
  std::vector<Entity> e = {
      Make("us_ofac_sdn", "1", EntityKind::kOrganization, "KOREA SAMMA SHIPPING CO"),
      Make("un_sc", "KPe.1", EntityKind::kOrganization, "KOREA SAMMA SHIPPING COMPANY"),
      Make("us_ofac_sdn", "2", EntityKind::kOrganization, "SAME LIST, SAME NUMBER"),
      Make("us_csl", "3", EntityKind::kVessel, "A SHIP WITH THAT NUMBER"),
      Make("un_sc", "KPe.2", EntityKind::kOrganization, "NO NUMBER"),
  };
  e[0].identifiers.push_back(Id(IdKind::kOther, "Company Number", "IMO 5954061"));
  e[1].identifiers.push_back(Id(IdKind::kImo, "IMO number", "5954061"));
  e[2].identifiers.push_back(Id(IdKind::kImo, "IMO", "5954061"));
  e[3].identifiers.push_back(Id(IdKind::kImo, "IMO", "5954061"));
  std::vector<uint32_t> g = Groups(e);
  EXPECT_EQ(g[1], 0u);  // OFAC and UN: one company
  // Two OFAC entries are kept apart by OFAC itself; through the UN record both are the
  // company with that number.
  EXPECT_EQ(g[2], 0u);
  EXPECT_EQ(g[3], 3u);  // a vessel is not the company whose number it shares
  EXPECT_EQ(g[4], 4u);

  std::vector<Entity> same_list = {e[0], e[2]};
  EXPECT_EQ(Groups(same_list), (std::vector<uint32_t>{0, 1}));  // one list: not merged
}

TEST(GroupEntitiesTest, PassportNeedsTheSameFullBirthDate) {
  std::vector<Entity> e = {
      Make("us_ofac_sdn", "1", EntityKind::kPerson, "PAK, Chol"),
      Make("un_sc", "KPi.1", EntityKind::kPerson, "PAK CHOL"),
      Make("un_sc", "KPi.2", EntityKind::kPerson, "PAK CHOL SU"),
      Make("un_sc", "KPi.3", EntityKind::kPerson, "PAK CHOL HO"),
  };
  for (Entity& x : e) x.identifiers.push_back(Id(IdKind::kPassport, "Passport", "PD-472310104"));
  e[0].birth_dates.push_back(Born(1975, 3, 15));
  e[1].birth_dates.push_back(Born(1975, 3, 15));
  e[2].birth_dates.push_back(Born(1975, 3, 16));  // another person with that number?
  e[3].birth_dates.push_back(Born(1975, 0, 0));   // a year only is not enough
  EXPECT_EQ(Groups(e), (std::vector<uint32_t>{0, 0, 2, 3}));
}

// The same name (words in any order) and the same full date of birth on two lists: one
// person. A name alone, a year alone or one word of a name is not enough.
TEST(GroupEntitiesTest, SameNameWordsAndFullBirthDate) {
  std::vector<Entity> e = {
      Make("us_ofac_sdn", "7867", EntityKind::kPerson, "AZIZ, Tariq"),
      Make("un_sc", "IQi.025", EntityKind::kPerson, "TARIQ AZIZ"),
      Make("un_sc", "IQi.900", EntityKind::kPerson, "TARIQ AZIZ"),    // born another day
      Make("un_sc", "IQi.901", EntityKind::kPerson, "TARIQ AZIZ"),    // a year only
      Make("un_sc", "IQi.902", EntityKind::kPerson, "TARIQ M AZIZ"),  // another name
      Make("us_ofac_sdn", "7868", EntityKind::kPerson, "AZIZ"),
      Make("un_sc", "IQi.903", EntityKind::kPerson, "AZIZ"),  // one word
      Make("un_sc", "IQe.904", EntityKind::kOrganization, "TARIQ AZIZ"),
  };
  for (Entity& x : e) x.birth_dates.push_back(Born(1936, 4, 28));
  e[2].birth_dates[0] = Born(1936, 4, 29);
  e[3].birth_dates[0] = Born(1936, 0, 0);
  EXPECT_EQ(Groups(e), (std::vector<uint32_t>{0, 0, 2, 3, 4, 5, 6, 7}));
}

TEST(GroupEntitiesTest, DeniedPersonsRowsOnTheCslAndTheDpl) {
  std::vector<Entity> e = {
      Make("us_bis_dpl", "2", EntityKind::kUnknown, "AARON ABRAHAM VILLA"),
      Make("us_csl", "DPL-00aa11bb", EntityKind::kUnknown, "Aaron  Abraham Villa"),
      Make("us_csl", "DPL-22cc33dd", EntityKind::kUnknown, "AARON ABRAHAM VILLA"),
  };
  for (Entity& x : e) x.listed_on = "2022-08-24";
  e[2].listed_on = "2010-01-01";  // another order against a namesake
  e[1].properties.push_back({"csl_source", "Denied Persons List (DPL) - Bureau of Industry"});
  e[2].properties.push_back({"csl_source", "Denied Persons List (DPL) - Bureau of Industry"});
  EXPECT_EQ(Groups(e), (std::vector<uint32_t>{0, 0, 2}));
}

TEST(GroupEntitiesTest, ImoNumberReadsKindAndValue) {
  EXPECT_EQ(ImoNumber(Id(IdKind::kImo, "IMO", "9137960")), "9137960");
  EXPECT_EQ(ImoNumber(Id(IdKind::kImo, "Vessel Registration", "IMO 9137960.")), "9137960");
  EXPECT_EQ(ImoNumber(Id(IdKind::kOther, "Company Number", "IMO 5434358")), "5434358");
  EXPECT_EQ(ImoNumber(Id(IdKind::kOther, "Registration", "5434358")), "");
  EXPECT_EQ(ImoNumber(Id(IdKind::kImo, "IMO", "91379")), "");
}

LoadedList ListOf(std::string source, std::string title, std::vector<Entity> entities) {
  LoadedList l;
  l.info.source = std::move(source);
  l.info.title = std::move(title);
  l.entities = std::move(entities);
  return l;
}

// Two parties, each on OFAC and the CSL, and one on OFAC only.
std::unique_ptr<Screener> TwoListScreener() {
  std::vector<LoadedList> lists;
  lists.push_back(ListOf("us_ofac_sdn", "OFAC SDN",
                         {Make("us_ofac_sdn", "8279", EntityKind::kPerson, "BOUT, Viktor"),
                          Make("us_ofac_sdn", "9000", EntityKind::kPerson, "BOUT, Sergei"),
                          Make("us_ofac_sdn", "9001", EntityKind::kPerson, "BOUTROS, Victor")}));
  Entity csl = Make("us_csl", "8279", EntityKind::kPerson, "BOUT, Viktor Anatolijevitch");
  csl.properties.push_back({"csl_source", "Specially Designated Nationals (SDN) - Treasury"});
  Entity csl2 = Make("us_csl", "9000", EntityKind::kPerson, "BOUT, Sergei");
  csl2.properties.push_back({"csl_source", "Specially Designated Nationals (SDN) - Treasury"});
  lists.push_back(ListOf("us_csl", "CSL", {csl, csl2}));
  std::unique_ptr<Screener> s;
  EXPECT_TRUE(Screener::Create(std::move(lists), &s).ok());
  return s;
}

TEST(GroupedScreenTest, OnePartyOneHitWithEveryList) {
  std::unique_ptr<Screener> s = TwoListScreener();
  ASSERT_NE(s, nullptr);
  for (bool exhaustive : {false, true}) {
    SCOPED_TRACE(exhaustive ? "exhaustive" : "indexed");
    ScreenOptions o;
    o.exhaustive = exhaustive;
    o.min_score = 0.3;
    std::vector<Match> m = s->Screen(Q("Viktor Bout"), o);
    ASSERT_FALSE(m.empty());
    EXPECT_EQ(m[0].entity->id, "us_ofac_sdn:8279");  // its name scores best
    EXPECT_EQ(m[0].list_name, "OFAC SDN");
    ASSERT_EQ(m[0].also_on.size(), 1u);
    EXPECT_EQ(m[0].also_on[0].entity->id, "us_csl:8279");
    EXPECT_EQ(m[0].also_on[0].list_name, "CSL: Specially Designated Nationals (SDN) - Treasury");
    std::set<std::string> seen;
    for (const Match& x : m) {
      EXPECT_TRUE(seen.insert(x.entity->id).second);
      for (const Listing& l : x.also_on)
        EXPECT_TRUE(seen.insert(l.entity->id).second) << l.entity->id;
    }
    EXPECT_EQ(seen.size(), 5u);  // every record once: 3 parties
    EXPECT_EQ(m.size(), 3u);

    // Top N counts parties: the two best parties, not one party's two records.
    o.top = 2;
    std::vector<Match> top2 = s->Screen(Q("Bout"), o);
    ASSERT_EQ(top2.size(), 2u);
    EXPECT_NE(top2[0].entity->source_id, top2[1].entity->source_id);
    o.top = 1;
    std::vector<Match> top1 = s->Screen(Q("Viktor Bout"), o);
    ASSERT_EQ(top1.size(), 1u);
    EXPECT_EQ(top1[0].entity->id, "us_ofac_sdn:8279");
  }
}

TEST(GroupedScreenTest, JsonShowsAlsoOnAsTheWriterDoes) {
  std::unique_ptr<Screener> s = TwoListScreener();
  ASSERT_NE(s, nullptr);
  std::vector<Match> m = s->Screen(Q("Viktor Bout"), ScreenOptions{});
  ASSERT_FALSE(m.empty());
  nlohmann::json j = model::ToJson(m[0], true);
  ASSERT_EQ(j["also_on"].size(), 1u);
  EXPECT_EQ(j["also_on"][0]["id"], "us_csl:8279");
  EXPECT_EQ(j["also_on"][0]["list"], "us_csl");
  EXPECT_EQ(j["also_on"][0]["name"], "BOUT, Viktor Anatolijevitch");
  EXPECT_EQ(j["list"], "us_ofac_sdn");
  EXPECT_EQ(j["list_name"], "OFAC SDN");
  for (bool explain : {false, true}) {
    for (const Match& x : m) {
      std::string out;
      model::AppendJson(x, explain, &out);
      EXPECT_EQ(
          out,
          model::ToJson(x, explain).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
}

// CSL ids are short; the form before (the file's _id) still finds the entity.
TEST(GroupedScreenTest, CslFormerIdsStillFound) {
  std::vector<LoadedList> lists(1);
  ASSERT_TRUE(LoadList(testing::Fixture("csl/consolidated.csv"), &lists[0]).ok());
  std::unique_ptr<Screener> s;
  ASSERT_TRUE(Screener::Create(std::move(lists), &s).ok());
  const Entity* e = s->Find("us_csl:EL-1289a276");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(s->Find("us_csl:dcc742038bcb47f1bf9e805ef279484d"), e);
  EXPECT_EQ(s->Find("us_csl:9647")->source_id, "9647");  // numbers were short already
  EXPECT_EQ(s->Find("dcc742038bcb47f1bf9e805ef279484d"), nullptr);
}

// The real lists: Bout is on OFAC (2021-07) and on the CSL (2023-11); one hit lists both.
TEST(GroupedScreenTest, RealListsBoutIsOneHit) {
  VIGIL_REQUIRE_SHARED(ofac, "us_ofac_sdn/2021-07");
  VIGIL_REQUIRE_SHARED(csl, "us_csl/2023-11");
  VIGIL_REQUIRE_SHARED(un, "un_sc/2026-02");
  LoadOptions opt;
  opt.accept_truncated = true;  // the 2023-11 CSL snapshot ends inside a record
  std::vector<LoadedList> lists;
  ASSERT_TRUE(LoadLists({ofac.string(), csl.string(), un.string()}, opt, &lists).ok());
  std::unique_ptr<Screener> s;
  ASSERT_TRUE(Screener::Create(std::move(lists), &s).ok());
  std::vector<Match> m = s->Screen(Q("Viktor Bout", EntityKind::kPerson), ScreenOptions{});
  ASSERT_FALSE(m.empty());
  std::set<std::string> ids = {m[0].entity->id};
  for (const Listing& l : m[0].also_on) ids.insert(l.entity->id);
  EXPECT_EQ(ids, (std::set<std::string>{"us_ofac_sdn:8279", "us_csl:8279"}));
  for (size_t i = 1; i < m.size(); ++i) {
    EXPECT_EQ(ids.count(m[i].entity->id), 0u) << "the party shows twice";
  }

  // A UN-listed DPRK shipping company whose comments give its IMO number, as OFAC's
  // remarks do: one hit, on both lists.
  std::vector<Match> c = s->Screen(Q("Korea Samma Shipping"), ScreenOptions{});
  ASSERT_FALSE(c.empty());
  std::set<std::string> sources = {c[0].entity->source};
  for (const Listing& l : c[0].also_on) sources.insert(l.entity->source);
  EXPECT_EQ(sources.count("un_sc"), 1u);
  EXPECT_EQ(sources.count("us_ofac_sdn"), 1u);
}

}  // namespace
}  // namespace vigil::screen
