// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "screen/party_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "index/name_table.h"
#include "model/party.h"
#include "screen/party.h"
#include "store/screen_parties.h"
#include "test_util.h"
#include "text/normalize.h"
#include "util/strings.h"
#include "vigil/screen.h"

namespace vigil::screen {
namespace {

// The bundled sample list (data/sample): 40 DPRK designations.
class PartyIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    LoadedList l;
    Status s = LoadList(VIGIL_SAMPLE_DIR, &l);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::vector<LoadedList> lists;
    lists.push_back(std::move(l));
    ASSERT_TRUE(Screener::Create(std::move(lists), &screener_).ok());
  }
  static void TearDownTestSuite() { screener_.reset(); }

  static const std::vector<Entity>& Entities() { return screener_->lists()[0].entities; }

  static model::Party Party(const std::string& json) {
    model::Party p;
    std::vector<std::string> warnings;
    Status s = model::ParsePartyLine(json, &p, &warnings);
    EXPECT_TRUE(s.ok()) << s.ToString() << ": " << json;
    return p;
  }

  static std::set<std::string> Candidates(const PartyIndex& index, const Entity& e,
                                          const std::vector<std::string>& names = {}) {
    std::vector<std::string> ids;
    index.Candidates(e, names, kReverseFloor, &ids);
    return {ids.begin(), ids.end()};
  }

  static std::unique_ptr<Screener> screener_;
};

std::unique_ptr<Screener> PartyIndexTest::screener_;

TEST_F(PartyIndexTest, FindsPartiesByNameIdentifierAndOneWordName) {
  std::vector<model::Party> parties = {
      Party(R"({"id":"P-1","kind":"person","name":"Johanna Lindqvist","aliases":["Kim Jong Un"]})"),
      Party(R"({"id":"P-2","kind":"person","name":"Maria Svensson"})"),
      Party(R"({"id":"P-3","kind":"person","name":"Kim"})"),
      Party(R"({"id":"P-4","kind":"organization","name":"Acme Trading"})"),
  };
  std::unique_ptr<PartyIndex> index;
  ASSERT_TRUE(PartyIndex::Build(parties, 42, &index).ok());
  EXPECT_EQ(index->size(), 4u);
  EXPECT_EQ(index->watermark(), 42);
  EXPECT_EQ(index->OneWordParties(), std::vector<std::string>{"P-3"});

  Entity kim;
  kim.id = "x:1";
  kim.kind = EntityKind::kPerson;
  kim.names = {Name{"KIM, Jong Un", "", "", NameKind::kPrimary}};
  std::set<std::string> found = Candidates(*index, kim);
  EXPECT_EQ(found.count("P-1"), 1u);  // by the alias
  EXPECT_EQ(found.count("P-3"), 1u);  // one word, the family name
  EXPECT_EQ(found.count("P-2"), 0u);
  EXPECT_EQ(found.count("P-4"), 0u);  // an organization is not a person's candidate

  // An organization named KIM is not a candidate of the one-word rule (persons only).
  Entity org = kim;
  org.kind = EntityKind::kOrganization;
  EXPECT_EQ(Candidates(*index, org).count("P-3"), 0u);

  // Only the names asked about.
  Entity two = kim;
  two.names.push_back(Name{"Maria Svensson", "", "", NameKind::kStrongAlias});
  EXPECT_EQ(Candidates(*index, two, {"Maria Svensson"}), std::set<std::string>{"P-2"});

  // By identifier alone, whatever the name.
  std::vector<model::Party> with_id = {Party(
      R"({"id":"P-9","kind":"organization","name":"Nordic Freight AB","identifiers":[{"type":"imo","value":"9137960"}]})")};
  ASSERT_TRUE(PartyIndex::Build(with_id, 0, &index).ok());
  Entity ship;
  ship.id = "x:2";
  ship.kind = EntityKind::kVessel;
  ship.names = {Name{"SEA PRINCESS", "", "", NameKind::kPrimary}};
  EXPECT_TRUE(Candidates(*index, ship).empty());
  ship.identifiers.push_back(Identifier{IdKind::kImo, "IMO", "9137960", "", "", ""});
  EXPECT_EQ(Candidates(*index, ship), std::set<std::string>{"P-9"});
}

TEST_F(PartyIndexTest, RefusesADuplicateParty) {
  std::vector<model::Party> parties = {Party(R"({"id":"P-1","name":"A B"})"),
                                       Party(R"({"id":"P-1","name":"C D"})")};
  std::unique_ptr<PartyIndex> index;
  Status s = PartyIndex::Build(parties, 0, &index);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("P-1"), std::string::npos);
}

// The property the re-screen rests on: every party whose forward screening reaches the
// near-miss floor against a listed entity is among that entity's reverse candidates. The
// parties are respellings of the list's names (tokens dropped, reordered, misspelled,
// romanized otherwise: Park for PAK, Lee for RI, Jeong for JONG; with dates of birth and
// countries that lift the forward score) and unrelated names. Checked on the sample (every
// entry Korea-linked, compared through the Korean reading too) and on the same entries made
// not Korea-linked (compared without it: the reverse search leaves it out for them).
void CheckEveryForwardNearMissIsACandidate(const Screener& screener) {
  const std::vector<Entity>& entities = screener.lists()[0].entities;
  std::mt19937 rng(7);
  std::vector<model::Party> parties;
  auto quote = [](const std::string& s) { return nlohmann::json(s).dump(); };
  auto party = [](const std::string& json) {
    model::Party p;
    std::vector<std::string> warnings;
    Status s = model::ParsePartyLine(json, &p, &warnings);
    EXPECT_TRUE(s.ok()) << s.ToString() << ": " << json;
    return p;
  };
  const std::map<std::string, std::string> respelled = {
      {"PAK", "Park"}, {"RI", "Lee"}, {"JONG", "Jeong"}, {"CHOL", "Cheol"}, {"KIM", "Gim"}};
  int n = 0;
  for (const Entity& e : entities) {
    for (const Name& name : e.names) {
      std::vector<std::string> words;
      for (const auto& span : text::Words(name.full)) {
        words.push_back(name.full.substr(span.begin, span.end - span.begin));
      }
      if (words.empty()) continue;
      std::vector<std::string> variants;
      std::string all, romanized;
      bool any_respelled = false;
      for (const std::string& w : words) {
        all += (all.empty() ? "" : " ") + w;
        auto it = respelled.find(util::AsciiUpper(w));
        any_respelled |= it != respelled.end();
        romanized += (romanized.empty() ? "" : " ") + (it == respelled.end() ? w : it->second);
      }
      variants.push_back(all);
      if (any_respelled) variants.push_back(romanized);
      if (words.size() > 1) {
        std::string dropped;
        for (size_t i = 1; i < words.size(); ++i)
          dropped += (dropped.empty() ? "" : " ") + words[i];
        variants.push_back(dropped);
        std::vector<std::string> r = words;
        std::rotate(r.begin(), r.begin() + 1, r.end());
        std::string rotated;
        for (const std::string& w : r) rotated += (rotated.empty() ? "" : " ") + w;
        variants.push_back(rotated + " Holdings");
      }
      std::string typo = all;
      if (typo.size() > 4) typo[typo.size() / 2] = 'x';
      variants.push_back(typo);
      for (const std::string& v : variants) {
        const char* kind = e.kind == EntityKind::kPerson ? "person" : "organization";
        std::string extra;
        if (rng() % 3 == 0) extra += R"(,"dob":"1961-03-04")";
        if (rng() % 2 == 0) extra += R"(,"country":"KP")";
        parties.push_back(party("{\"id\":\"V-" + std::to_string(++n) + "\",\"kind\":\"" + kind +
                                "\",\"name\":" + quote(v) + extra + "}"));
      }
    }
  }
  for (const char* filler : {"Johanna Lindqvist", "Maria Svensson", "Acme Trading Ltd",
                             "Pyongyang Fisheries", "Korea Shipping", "Ri Chol", "Kim"}) {
    parties.push_back(party("{\"id\":\"F-" + std::to_string(++n) +
                            "\",\"kind\":\"person\",\"name\":" + quote(filler) + "}"));
  }
  std::unique_ptr<PartyIndex> index;
  ASSERT_TRUE(PartyIndex::Build(parties, 0, &index).ok());

  ScreenOptions forward;
  forward.min_score = kReviewThreshold - store::kNearMissMargin;
  size_t pairs = 0;
  std::map<std::string, std::set<std::string>> candidates;  // entity -> parties
  for (const Entity& e : entities) {
    std::vector<std::string> ids;
    index->Candidates(e, {}, kReverseFloor, &ids);
    candidates[e.id] = {ids.begin(), ids.end()};
  }
  for (const model::Party& p : parties) {
    for (const PartyHit& h : ScreenParty(screener, p, forward)) {
      ++pairs;
      EXPECT_EQ(candidates[h.entity->id].count(p.id), 1u)
          << p.name << " (" << p.id << ") scores " << h.score << " against " << h.entity->id << " "
          << h.entity->primary_name() << " but is not its candidate";
    }
  }
  EXPECT_GT(pairs, parties.size() / 2);  // the test tests something
}

TEST_F(PartyIndexTest, EveryForwardNearMissIsACandidate) {
  CheckEveryForwardNearMissIsACandidate(*screener_);
}

TEST_F(PartyIndexTest, EveryForwardNearMissOfEntriesNotKoreaLinkedIsACandidate) {
  LoadedList l;
  ASSERT_TRUE(LoadList(VIGIL_SAMPLE_DIR, &l).ok());
  for (Entity& e : l.entities) {
    e.programs = {"SDGT"};
    e.countries.clear();
    e.addresses.clear();
    ASSERT_FALSE(index::IsKoreaLinked(e)) << e.id;
  }
  std::vector<LoadedList> lists;
  lists.push_back(std::move(l));
  std::unique_ptr<Screener> plain;
  ASSERT_TRUE(Screener::Create(std::move(lists), &plain).ok());
  CheckEveryForwardNearMissIsACandidate(*plain);
}

}  // namespace
}  // namespace vigil::screen
