// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The candidate index never loses a name a full scan would score, and scores it exactly as
// match::ScoreName does.
#include "index/name_index.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "index/key_postings.h"
#include "index/name_table.h"
#include "match/name_scorer.h"
#include "test_util.h"
#include "vigil/screen.h"

namespace vigil::index {
namespace {

using ::vigil::testing::SharedList;

TEST(KeyPostingsTest, FindsEveryIdOfAKeyOnceInOrder) {
  std::vector<std::pair<uint64_t, uint32_t>> entries;
  for (uint32_t i = 0; i < 5000; ++i) {
    entries.emplace_back(HashKey(std::to_string(i % 700)), i);
    entries.emplace_back(HashKey(std::to_string(i % 700)), i);  // repeats collapse
  }
  KeyPostings p;
  p.Build(&entries);
  EXPECT_TRUE(entries.empty());
  EXPECT_EQ(p.keys(), 700u);
  auto ids = p.Find(HashKey("42"));
  ASSERT_EQ(ids.size(), 8u);  // 42, 742, ..., 4942
  for (size_t k = 0; k < ids.size(); ++k) EXPECT_EQ(ids[k], 42 + 700 * k);
  EXPECT_TRUE(p.Find(HashKey("not there")).empty());
  // FindMany answers as Find does, key by key, present or not.
  std::vector<uint64_t> keys;
  for (int i = 0; i < 1000; ++i) keys.push_back(HashKey(std::to_string(i * 3)));
  std::vector<std::span<const uint32_t>> many(keys.size());
  p.FindMany(keys.data(), keys.size(), many.data());
  size_t hits = 0;
  for (size_t k = 0; k < keys.size(); ++k) {
    const auto one = p.Find(keys[k]);
    ASSERT_TRUE(std::equal(one.begin(), one.end(), many[k].begin(), many[k].end())) << k;
    hits += one.empty() ? 0 : 1;
  }
  EXPECT_EQ(hits, 234u);  // 0, 3, ..., 699
}

TEST(KeyPostingsTest, DeletionNeighbourhoodsMeetWithinTheBudget) {
  // "kyongsik" and "kyonsgik" (a transposition) share a variant with one deletion each;
  // "abcdef" and "abxdef" (a substitution) too; "abcdef" and "uvwxyz" share none.
  auto variants = [](std::string_view s, int k) {
    std::set<uint64_t> out;
    ForEachDeletion(s, k, [&](uint64_t h) { out.insert(h); });
    return out;
  };
  auto meet = [&](std::string_view a, std::string_view b, int k) {
    auto va = variants(a, k), vb = variants(b, k);
    for (uint64_t h : va) {
      if (vb.count(h) != 0) return true;
    }
    return false;
  };
  EXPECT_TRUE(meet("kyongsik", "kyonsgik", 1));
  EXPECT_TRUE(meet("abcdef", "abxdef", 1));
  EXPECT_TRUE(meet("abcdef", "abcdefgh", 2));
  EXPECT_FALSE(meet("abcdef", "abcdefgh", 1));
  EXPECT_FALSE(meet("abcdef", "uvwxyz", 2));
  EXPECT_EQ(variants("abcd", 1).size(), 5u);  // itself and four single deletions
}

// Random names over a small alphabet, so that typos, shared tokens, re-segmentations and
// legal forms are frequent; queries are mutated copies of list names and fresh names.
class IndexVsScanTest : public ::testing::Test {
 protected:
  std::mt19937 rng{7};
  std::string Word(size_t min_len, size_t max_len) {
    static const char kLetters[] = "aeioukmnrst";
    std::uniform_int_distribution<size_t> len(min_len, max_len), letter(0, 10);
    std::string w;
    for (size_t n = len(rng); n > 0; --n) w += kLetters[letter(rng)];
    return w;
  }
  static void Build(const std::vector<Entity>& entities, NameTable* table) {
    std::vector<const Entity*> ptrs;
    for (const Entity& e : entities) ptrs.push_back(&e);
    table->Build(ptrs);
  }
  std::string Mutate(std::string name) {
    std::uniform_int_distribution<int> op(0, 5);
    std::uniform_int_distribution<size_t> at(0, name.size() - 1);
    switch (op(rng)) {
      case 0:
        name[at(rng)] = 'a';
        break;
      case 1:
        name.erase(at(rng), 1);
        break;
      case 2:
        name.insert(at(rng), "o");
        break;
      case 3:
        if (auto sp = name.find(' '); sp != std::string::npos) name.erase(sp, 1);
        break;
      case 4:
        name += " ltd";
        break;
      default:
        if (size_t p = at(rng); p + 1 < name.size()) std::swap(name[p], name[p + 1]);
    }
    return name;
  }
};

TEST_F(IndexVsScanTest, SearchScoresExactlyTheNamesAFullScanScores) {
  std::vector<Entity> entities(400);
  for (size_t e = 0; e < entities.size(); ++e) {
    entities[e].id = "t:" + std::to_string(e);
    entities[e].kind = e % 3 == 0 ? EntityKind::kOrganization : EntityKind::kPerson;
    const size_t names = 1 + e % 2;
    for (size_t n = 0; n < names; ++n) {
      std::string full = Word(2, 12) + " " + Word(3, 9);
      if (e % 4 == 0) full += " " + Word(1, 5);
      if (entities[e].kind == EntityKind::kOrganization && e % 2 == 0) full += " co ltd";
      entities[e].names.push_back(Name{full, "", "", NameKind::kPrimary});
    }
  }
  NameTable table;
  Build(entities, &table);
  const NameIndex& index = table.plain();

  size_t compared = 0, found = 0;
  for (int q = 0; q < 300; ++q) {
    std::string text =
        q % 5 == 4 ? Word(3, 10) + " " + Word(3, 10)
                   : Mutate(entities[static_cast<size_t>(q) % entities.size()].names[0].full);
    const EntityKind kind = q % 7 == 0 ? EntityKind::kOrganization : EntityKind::kUnknown;
    match::PreparedName query = table.Prepare(text, kind);
    std::map<uint32_t, double> scan;
    for (uint32_t n = 0; n < index.names().size(); ++n) {
      if (!KindCompatible(kind, index.kind(n))) continue;
      double s = match::ScoreName(query, index.names()[n]);
      if (s > 0) scan[n] = s;
    }
    NameSearch search(index, query, kind);
    std::vector<ScoredName> got;
    search.ScoreJoined(&got);
    for (size_t t; (t = search.NextTerm(0.0)) != NameSearch::kNoTerm;) {
      search.ScoreTerm(t, 0.0, &got);
    }
    std::map<uint32_t, double> indexed;
    for (const ScoredName& s : got) {
      EXPECT_TRUE(indexed.emplace(s.name, s.score).second) << "scored twice: " << s.name;
    }
    EXPECT_EQ(indexed, scan) << "query '" << text << "'";
    for (uint32_t n = 0; n < index.names().size(); ++n) {
      std::vector<TokenMatch> expected, explained;
      const double s = match::ScoreName(query, index.names()[n], &expected);
      ASSERT_EQ(search.Score(n), s) << text;
      ASSERT_EQ(search.Explain(n, &explained), s) << text;
      ASSERT_EQ(explained.size(), expected.size()) << text;
      for (size_t t = 0; t < expected.size(); ++t) {
        EXPECT_EQ(explained[t].list_token, expected[t].list_token) << text;
        EXPECT_EQ(explained[t].similarity, expected[t].similarity) << text;
      }
    }
    compared += scan.size();
    found += indexed.size();
  }
  EXPECT_GT(compared, 300u);  // the queries do find names
  EXPECT_EQ(found, compared);
}

TEST_F(IndexVsScanTest, BoundsHoldForEveryNameNotYetScored) {
  std::vector<Entity> entities(300);
  for (size_t e = 0; e < entities.size(); ++e) {
    entities[e].id = "t:" + std::to_string(e);
    entities[e].kind = EntityKind::kPerson;
    entities[e].names.push_back(
        Name{Word(3, 8) + " " + Word(3, 8) + " " + Word(2, 6), "", "", NameKind::kPrimary});
  }
  NameTable table;
  Build(entities, &table);
  const NameIndex& index = table.plain();
  for (int q = 0; q < 200; ++q) {
    match::PreparedName query =
        table.Prepare(Mutate(entities[static_cast<size_t>(q)].names[0].full), EntityKind::kPerson);
    NameSearch search(index, query, EntityKind::kPerson);
    std::vector<ScoredName> got;
    search.ScoreJoined(&got);
    std::set<uint32_t> seen;
    for (const ScoredName& s : got) seen.insert(s.name);
    for (;;) {
      // Every name not scored so far scores at most Bound().
      const double bound = search.Bound();
      for (uint32_t n = 0; n < index.names().size(); ++n) {
        if (seen.count(n) != 0) continue;
        EXPECT_LE(match::ScoreName(query, index.names()[n]), bound + 1e-9) << "name " << n;
      }
      const size_t t = search.NextTerm(0.0);
      if (t == NameSearch::kNoTerm) break;
      got.clear();
      search.ScoreTerm(t, 0.0, &got);
      for (const ScoredName& s : got) seen.insert(s.name);
      // ScoreTerm marks every name of the term's postings, even those scoring 0.
      for (uint32_t n = 0; n < index.names().size(); ++n) {
        if (seen.count(n) == 0 && match::ScoreName(query, index.names()[n]) > 0) {
          EXPECT_GT(search.Bound(), 0) << "name " << n << " has a score but no term left";
        }
      }
    }
  }
}

// With a floor, the terms left unread, the weight ranges read and the per-name bounds
// together lose no name that reaches it.
TEST_F(IndexVsScanTest, SearchWithAFloorFindsEveryNameReachingIt) {
  std::vector<Entity> entities(600);
  for (size_t e = 0; e < entities.size(); ++e) {
    entities[e].id = "t:" + std::to_string(e);
    entities[e].kind = EntityKind::kPerson;
    // Few distinct words: long postings, names sharing one or two tokens with a query; some
    // repeat a word ("KIM Yun Yun").
    const std::string first = Word(3, 4);
    std::string full = first + " " + (e % 7 == 0 ? first : Word(3, 4));
    if (e % 2 == 0) full += " " + Word(3, 4);
    if (e % 5 == 0) full += " " + Word(6, 10);
    entities[e].names.push_back(Name{full, "", "", NameKind::kPrimary});
  }
  NameTable table;
  Build(entities, &table);
  const NameIndex& index = table.plain();
  size_t checked = 0, unread = 0;
  for (int q = 0; q < 300; ++q) {
    const std::string& listed = entities[static_cast<size_t>(q) * 2].names[0].full;
    // Mutated list names, some with a fresh word; some queries repeat a word.
    const std::string text = q % 4 == 1 ? listed.substr(0, listed.find(' ')) + " " + listed
                                        : Mutate(listed) + (q % 3 == 0 ? " " + Word(4, 8) : "");
    match::PreparedName query = table.Prepare(text, EntityKind::kPerson);
    for (double floor : {0.3, 0.5, 0.7, 0.9}) {
      NameSearch search(index, query, EntityKind::kPerson);
      std::vector<ScoredName> got;
      search.ScoreJoined(&got);
      // Scans stopped every few names (budget) resume where they stopped.
      const size_t budget = q % 2 == 0 ? SIZE_MAX : 1 + static_cast<size_t>(q) % 5;
      size_t scanned = 0;
      for (size_t t; (t = search.NextTerm(floor)) != NameSearch::kNoTerm;) {
        if (search.ScoreTerm(t, floor, &got, budget)) ++scanned;
      }
      unread += search.terms() - scanned;
      std::map<uint32_t, double> found;
      for (const ScoredName& s : got) found[s.name] = s.score;
      for (uint32_t n = 0; n < index.names().size(); ++n) {
        const double s = match::ScoreName(query, index.names()[n]);
        if (s < floor) continue;
        ++checked;
        ASSERT_EQ(found.count(n), 1u) << "'" << text << "' floor " << floor << " lost '"
                                      << entities[n].names[0].full << "' scoring " << s;
        EXPECT_EQ(found[n], s);
      }
    }
  }
  EXPECT_GT(checked, 300u);
  EXPECT_GT(unread, 0u);  // the test exercises terms left unread
}

std::vector<Query> Queries() {
  return {
      {"Kim Jong Un", EntityKind::kPerson, "", "", {}},
      {"김정은", EntityKind::kUnknown, "", "", {}},
      {"Kim Jong-un", EntityKind::kUnknown, "1984-01-08", "KP", {}},
      {"Jim Jong Un", EntityKind::kUnknown, "", "", {}},
      {"Kimjongun", EntityKind::kUnknown, "", "", {}},
      {"Korea Computer Co., Ltd.", EntityKind::kOrganization, "", "", {}},
      {"Korea Computer Company Limited", EntityKind::kUnknown, "", "", {}},
      {"Yanbian Silverstar Network Technology", EntityKind::kUnknown, "", "", {}},
      {"Yanbian Silver Star", EntityKind::kUnknown, "", "CN", {}},
      {"Chosun Expo", EntityKind::kUnknown, "", "", {}},
      {"Lazarus Group", EntityKind::kUnknown, "", "", {}},
      {"Pak Il Jong", EntityKind::kPerson, "1950", "", {}},
      {"Ri Song Hyok", EntityKind::kPerson, "", "", {}},
      {"Acme Trading LLC", EntityKind::kOrganization, "", "", {}},
      {"John Smith", EntityKind::kPerson, "1970-01-01", "US", {}},
      {"Korea", EntityKind::kUnknown, "", "", {}},
      {"Co Ltd", EntityKind::kUnknown, "", "", {}},
      // The compound view, syllabic queries, patronymics, abbreviations (issue 11).
      {"Yanbian Silver Star Network Tech Co", EntityKind::kOrganization, "", "", {}},
      {"Korea Tangun Tradingcorporation", EntityKind::kUnknown, "", "", {}},
      {"金正恩", EntityKind::kUnknown, "", "", {}},
      {"김 정 은", EntityKind::kPerson, "", "", {}},
      {"Kim Jong Un Ilsongovich", EntityKind::kPerson, "", "", {}},
      {"Korea Intl Mining Dev Trading Corp", EntityKind::kUnknown, "", "", {}},
  };
}

void ExpectSameTop(const Screener& screener, const Query& q, const ScreenOptions& base) {
  ScreenOptions indexed = base, exhaustive = base;
  exhaustive.exhaustive = true;
  auto a = screener.Screen(q, indexed);
  auto b = screener.Screen(q, exhaustive);
  ASSERT_EQ(a.size(), b.size()) << q.name;
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].entity->id, b[k].entity->id) << q.name << " #" << k;
    EXPECT_EQ(a[k].score, b[k].score) << q.name << " #" << k;
    EXPECT_EQ(a[k].matched_name, b[k].matched_name) << q.name << " #" << k;
    // Explanations: from the search's cached similarities vs match::ScoreName.
    ASSERT_EQ(a[k].tokens.size(), b[k].tokens.size()) << q.name << " #" << k;
    for (size_t t = 0; t < a[k].tokens.size(); ++t) {
      EXPECT_EQ(a[k].tokens[t].query_token, b[k].tokens[t].query_token) << q.name;
      EXPECT_EQ(a[k].tokens[t].list_token, b[k].tokens[t].list_token) << q.name;
      EXPECT_EQ(a[k].tokens[t].similarity, b[k].tokens[t].similarity) << q.name;
      EXPECT_EQ(a[k].tokens[t].weight, b[k].tokens[t].weight) << q.name;
    }
  }
}

TEST(ScreenerIndexTest, IndexedAndExhaustiveAgreeOnTheSample) {
  LoadedList l;
  ASSERT_TRUE(LoadList(VIGIL_SAMPLE_DIR, &l).ok());
  std::vector<LoadedList> lists;
  lists.push_back(std::move(l));
  std::unique_ptr<Screener> screener;
  ASSERT_TRUE(Screener::Create(std::move(lists), &screener).ok());
  for (double min_score : {0.0, 0.5, 0.8}) {
    for (size_t top : {1, 3, 10}) {
      ScreenOptions o;
      o.min_score = min_score;
      o.top = top;
      for (const Query& q : Queries()) ExpectSameTop(*screener, q, o);
    }
  }
}

TEST(ScreenerIndexTest, IndexedAndExhaustiveAgreeOnDevelopmentQueries) {
  VIGIL_REQUIRE_SHARED(ofac, "us_ofac_sdn/2021-07");
  VIGIL_REQUIRE_SHARED(un, "un_sc/2026-02");
  VIGIL_REQUIRE_SHARED(dev, "../eval/dev.jsonl");
  std::vector<LoadedList> lists(2);
  ASSERT_TRUE(LoadList(ofac, &lists[0]).ok());
  ASSERT_TRUE(LoadList(un, &lists[1]).ok());
  std::unique_ptr<Screener> screener;
  ASSERT_TRUE(Screener::Create(std::move(lists), &screener).ok());
  std::ifstream in(dev);
  ASSERT_TRUE(in.good()) << dev;
  std::string line;
  size_t n = 0;
  // Every 12th query: all categories, a bounded run time under sanitizers.
  for (size_t i = 0; std::getline(in, line); ++i) {
    if (i % 12 != 0) continue;
    nlohmann::json j = nlohmann::json::parse(line)["query"];
    Query q{j.value("name", ""),
            ParseEntityKind(j.value("type", "")),
            j.value("dob", ""),
            j.value("country", ""),
            {}};
    ExpectSameTop(*screener, q, ScreenOptions{});
    ++n;
  }
  EXPECT_GT(n, 100u);
}

}  // namespace
}  // namespace vigil::index
