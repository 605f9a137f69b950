// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Explanations in the analyst's words (screen/explanation.h): every word an explanation
// shows is a word of the query or of the matched name as written, and words not written
// alike come with the rule that related them.
#include "screen/explanation.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "screen/query.h"
#include "test_util.h"
#include "text/analyze.h"
#include "vigil/screen.h"

namespace vigil {
namespace {

// The words of `s` as an analyst reads them, case-folded and in order: runs of letters,
// digits and marks (apostrophes and dots inside a word left out), split at spaces and other
// punctuation. Written independently of text::Words(), which the explanation uses.
std::vector<std::string> WordList(std::string_view s) {
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  u.foldCase();
  std::vector<std::string> out;
  icu::UnicodeString word;
  auto flush = [&] {
    if (word.isEmpty()) return;
    std::string w;
    word.toUTF8String(w);
    out.push_back(w);
    word.remove();
  };
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0) {
      word.append(c);
    } else if (c != '\'' && c != '.' && c != '`' && c != 0x2019) {
      flush();
    }
  }
  flush();
  return out;
}

std::set<std::string> WordsOf(std::string_view s) {
  std::vector<std::string> words = WordList(s);
  return std::set<std::string>(words.begin(), words.end());
}

// The letters and digits in order: words written alike fold alike.
std::string Folded(std::string_view s) {
  std::string out;
  for (const std::string& w : WordList(s)) out += w;
  return out;
}

// Checks one match's explanation; returns "" or what is wrong.
std::string CheckExplanation(const std::string& query, const Match& m) {
  const std::set<std::string> q = WordsOf(query), l = WordsOf(m.matched_name);
  std::string problems;
  for (const TokenMatch& t : m.tokens) {
    for (const std::string& w : WordsOf(t.query_token)) {
      if (q.count(w) == 0) problems += "query side '" + w + "' of '" + t.query_token + "'; ";
    }
    for (const std::string& w : WordsOf(t.list_token)) {
      if (l.count(w) == 0) problems += "list side '" + w + "' of '" + t.list_token + "'; ";
    }
    if (t.query_token.empty()) problems += "an entry without query words; ";
    // Words not written alike are related by a named rule.
    if (!t.list_token.empty() && Folded(t.query_token) != Folded(t.list_token) && t.rule.empty()) {
      problems += "'" + t.query_token + "' ~ '" + t.list_token + "' without a rule; ";
    }
  }
  return problems;
}

std::string Describe(const Match& m) {
  std::string out = m.entity->id + " '" + m.matched_name + "':";
  for (const TokenMatch& t : m.tokens) {
    out +=
        " [" + t.query_token + " ~ " + t.list_token + (t.rule.empty() ? "" : ": " + t.rule) + "]";
  }
  return out;
}

const TokenMatch* EntryFor(const Match& m, std::string_view query_words) {
  for (const TokenMatch& t : m.tokens) {
    if (t.query_token == query_words) return &t;
  }
  return nullptr;
}

Entity Listed(std::string id, EntityKind kind, std::vector<std::string> names) {
  Entity e;
  e.source = "us_ofac_sdn";
  e.source_id = id;
  e.id = "us_ofac_sdn:" + id;
  e.kind = kind;
  for (size_t i = 0; i < names.size(); ++i) {
    Name n;
    n.full = names[i];
    n.kind = i == 0 ? NameKind::kPrimary : NameKind::kStrongAlias;
    e.names.push_back(std::move(n));
  }
  e.programs = {"DPRK3"};
  return e;
}

// The examples, on a small list of Korea-linked entries.
class ExplanationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    LoadedList l;
    l.info.source = "us_ofac_sdn";
    const auto person = EntityKind::kPerson, org = EntityKind::kOrganization;
    l.entities.push_back(Listed("1", org, {"KOREA RUNGRADO SHIPPING CO"}));
    l.entities.push_back(Listed("2", person, {"PARK, Jin Hyok"}));
    l.entities.push_back(Listed("3", person, {"KIM, Jong Un"}));
    l.entities.push_back(Listed("4", person, {"KIM, Song"}));
    l.entities.push_back(Listed("5", person, {"KIM, Yo Jong"}));
    l.entities.push_back(Listed(
        "6", org, {"YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.", "YANBIAN SILVER STAR"}));
    l.entities.push_back(Listed("7", person, {"PAK, Chol Su"}));
    l.entities.push_back(Listed("8", org, {"EXAMPLE TRADING COMPANY LIMITED"}));
    l.entities.push_back(Listed("9", person, {"ABU MUHAMMAD, Ahmad"}));
    std::vector<LoadedList> lists;
    lists.push_back(std::move(l));
    ASSERT_TRUE(Screener::Create(std::move(lists), &screener_).ok());
  }
  static void TearDownTestSuite() { screener_.reset(); }

  static std::vector<Match> Screen(const std::string& name) {
    ScreenOptions o;
    o.min_score = 0.3;
    auto matches = screener_->Screen(Query{name, EntityKind::kUnknown, "", "", {}}, o);
    for (const Match& m : matches) {
      EXPECT_EQ(CheckExplanation(name, m), "") << name << " -> " << Describe(m);
    }
    return matches;
  }
  static const Match* Find(const std::vector<Match>& ms, std::string_view id) {
    for (const Match& m : ms) {
      if (m.entity->id == id) return &m;
    }
    return nullptr;
  }

  static std::unique_ptr<Screener> screener_;
};

std::unique_ptr<Screener> ExplanationTest::screener_;

TEST_F(ExplanationTest, KoreanSyllableKeysAreShownAsTheWordsTheyCameFrom) {
  auto ms = Screen("Korea Osong Shipping");
  const Match* m = Find(ms, "us_ofac_sdn:1");
  ASSERT_NE(m, nullptr);
  for (const TokenMatch& t : m->tokens) {
    for (const char* key : {"KOL", "SIP", "PING", "NONG", "SONG"}) {
      EXPECT_NE(t.query_token, key) << Describe(*m);
      EXPECT_NE(t.list_token, key) << Describe(*m);
    }
  }
  const TokenMatch* shipping = EntryFor(*m, "Shipping");
  ASSERT_NE(shipping, nullptr) << Describe(*m);
  EXPECT_EQ(shipping->list_token, "SHIPPING");
  EXPECT_EQ(shipping->rule, "");  // written alike
}

TEST_F(ExplanationTest, RomanizationsOfOneSyllableNameTheSyllable) {
  auto ms = Screen("Park Jin Hyuk");
  ASSERT_FALSE(ms.empty());
  ASSERT_EQ(ms[0].entity->id, "us_ofac_sdn:2");
  const Match& m = ms[0];
  const TokenMatch* park = EntryFor(m, "Park");
  ASSERT_NE(park, nullptr) << Describe(m);
  EXPECT_EQ(park->list_token, "PARK");  // not the key PAK
  const TokenMatch* hyuk = EntryFor(m, "Hyuk");
  ASSERT_NE(hyuk, nullptr) << Describe(m);
  EXPECT_EQ(hyuk->list_token, "Hyok");
  EXPECT_EQ(hyuk->rule, "same Korean syllable 혁");

  auto pak = Screen("Park Chol Su");
  const Match* p = Find(pak, "us_ofac_sdn:7");
  ASSERT_NE(p, nullptr);
  const TokenMatch* park2 = EntryFor(*p, "Park");
  ASSERT_NE(park2, nullptr) << Describe(*p);
  EXPECT_EQ(park2->list_token, "PAK");
  EXPECT_EQ(park2->rule, "same Korean syllable 박");
}

TEST_F(ExplanationTest, UnpairedWordIsTheQueryWordNotItsKey) {
  auto ms = Screen("Kim Jong Un");
  ASSERT_FALSE(ms.empty());
  EXPECT_EQ(ms[0].entity->id, "us_ofac_sdn:3");
  const Match* song = Find(ms, "us_ofac_sdn:4");
  ASSERT_NE(song, nullptr);
  const TokenMatch* un = EntryFor(*song, "Un");
  ASSERT_NE(un, nullptr) << Describe(*song);
  EXPECT_EQ(un->list_token, "");
  for (const TokenMatch& t : song->tokens) EXPECT_NE(t.query_token, "ON") << Describe(*song);
  const Match* yo_jong = Find(ms, "us_ofac_sdn:5");
  ASSERT_NE(yo_jong, nullptr);
  const TokenMatch* jong = EntryFor(*yo_jong, "Jong");
  ASSERT_NE(jong, nullptr) << Describe(*yo_jong);
  EXPECT_EQ(jong->list_token, "Jong");
}

TEST_F(ExplanationTest, SyllablesOfOneWordAreOneEntry) {
  auto ms = Screen("Yanbian Silver Star Network Technology");
  ASSERT_FALSE(ms.empty());
  const Match& m = ms[0];
  ASSERT_EQ(m.entity->id, "us_ofac_sdn:6");
  const TokenMatch* yanbian = EntryFor(m, "Yanbian");
  ASSERT_NE(yanbian, nullptr) << Describe(m);
  EXPECT_EQ(yanbian->list_token, "YANBIAN");
  for (const TokenMatch& t : m.tokens) {
    for (const char* key : {"YAN", "PI", "AN", "NET", "WOK"}) {
      EXPECT_NE(t.query_token, key) << Describe(m);
      EXPECT_NE(t.list_token, key) << Describe(m);
    }
  }
}

TEST_F(ExplanationTest, HangulQueryIsOneWordWithItsSyllables) {
  auto ms = Screen("김정은");
  ASSERT_FALSE(ms.empty());
  const Match& m = ms[0];
  ASSERT_EQ(m.entity->id, "us_ofac_sdn:3");
  ASSERT_EQ(m.tokens.size(), 1u) << Describe(m);
  EXPECT_EQ(m.tokens[0].query_token, "김정은");
  EXPECT_EQ(m.tokens[0].list_token, "KIM, Jong Un");
  EXPECT_EQ(m.tokens[0].rule, "Hangul transliterated; same Korean syllables 김 정 은");
  EXPECT_NEAR(m.tokens[0].similarity, 1.0, 1e-9);
}

TEST_F(ExplanationTest, LegalFormsAndVariantsAreNamed) {
  auto ms = Screen("Example Trading Co., Ltd.");
  const Match* m = Find(ms, "us_ofac_sdn:8");
  ASSERT_NE(m, nullptr);
  const TokenMatch* form = EntryFor(*m, "Co., Ltd.");
  ASSERT_NE(form, nullptr) << Describe(*m);
  EXPECT_EQ(form->list_token, "COMPANY LIMITED");
  EXPECT_EQ(form->rule, "same legal form");

  auto v = Screen("Ahmad Abu Mohammed");
  const Match* a = Find(v, "us_ofac_sdn:9");
  ASSERT_NE(a, nullptr);
  const TokenMatch* mohammed = EntryFor(*a, "Mohammed");
  ASSERT_NE(mohammed, nullptr) << Describe(*a);
  EXPECT_EQ(mohammed->list_token, "MUHAMMAD");
  EXPECT_EQ(mohammed->rule, "name variant");
}

// Origins() (with its fast path for ASCII names) finds what text::Analyze() with spans
// finds, on every name of the sample list, as persons and as organizations.
TEST(OriginsTest, AgreeWithAnalyzeOnTheSample) {
  LoadedList l;
  ASSERT_TRUE(LoadList(VIGIL_SAMPLE_DIR, &l).ok());
  std::vector<std::string> names = {"김정은", "Société Générale Co., Ltd.", "O'Brien-Smith  Jr.",
                                    "Mohammed al-Bashir", "EXAMPLE S.A. DE C.V."};
  for (const Entity& e : l.entities) {
    for (const Name& n : e.names) names.push_back(n.full);
  }
  size_t compared = 0;
  for (const std::string& name : names) {
    for (bool person : {true, false}) {
      text::AnalyzedName a = text::Analyze(name, person, /*spans=*/true);
      match::PreparedName p;
      p.tokens = a.tokens;
      p.legal_form = a.legal_form;
      p.particle = a.particle;
      p.original = a.original;
      EXPECT_EQ(screen::Origins(name, person, p), a.spans) << name;
      ++compared;
      // Tokens that are not the name's: no origins (the name is explained as a whole).
      p.tokens.push_back("zzz");
      p.original.emplace_back();
      p.legal_form.push_back(false);
      EXPECT_TRUE(screen::Origins(name, person, p).empty()) << name;
    }
  }
  EXPECT_GT(compared, 100u);
}

TEST(KeyHangulTest, SpellingThenKey) {
  EXPECT_EQ(screen::KeyHangul("PAK", "park"), "박");
  EXPECT_EQ(screen::KeyHangul("HYOK", "hyok"), "혁");
  EXPECT_EQ(screen::KeyHangul("ON", "un"), "은");
  EXPECT_EQ(screen::KeyHangul("KIM", ""), "김");
  EXPECT_EQ(screen::KeyHangul("JONG", ""), "정");
  EXPECT_EQ(screen::KeyHangul("kim", "kim"), "");  // not a key
}

// The test: over the whole development set, screened against the 2021-07 OFAC and
// 2026-02 UN lists, every word of every explanation of every returned match is a word of
// the query or of the matched name as written (or of the rule that related them).
TEST(ExplanationDevSetTest, EveryWordIsTheQuerysOrTheMatchedNames) {
  const std::filesystem::path shared = VIGIL_SHARED_LISTS;
  const std::filesystem::path dev = shared / ".." / "eval" / "dev.jsonl";
  if (!std::filesystem::exists(shared / "us_ofac_sdn" / "2021-07") ||
      !std::filesystem::exists(dev)) {
    GTEST_SKIP() << "needs ../shared/lists and ../shared/eval/dev.jsonl beside the repository";
  }
  std::vector<LoadedList> lists(2);
  ASSERT_TRUE(LoadList((shared / "us_ofac_sdn" / "2021-07").string(), &lists[0]).ok());
  ASSERT_TRUE(LoadList((shared / "un_sc" / "2026-02").string(), &lists[1]).ok());
  std::unique_ptr<Screener> screener;
  ASSERT_TRUE(Screener::Create(std::move(lists), &screener).ok());
  std::ifstream in(dev);
  std::string line;
  size_t queries = 0, explained = 0, failures = 0, with_rule = 0;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line)["query"];
    Query q;
    std::string error;
    ASSERT_TRUE(screen::SetQueryName(j.value("name", ""), "name", &q, &error)) << error;
    auto set = [&](const char* key, auto setter) {
      if (!j.contains(key)) return;
      ASSERT_TRUE(setter(j[key].get<std::string>(), key, &q, &error)) << error;
    };
    set("type", screen::SetQueryKind);
    set("dob", screen::SetQueryDob);
    set("country", screen::SetQueryCountry);
    ++queries;
    for (const Match& m : screener->Screen(q, ScreenOptions{})) {
      if (m.tokens.empty()) continue;
      ++explained;
      for (const TokenMatch& t : m.tokens) with_rule += !t.rule.empty();
      const std::string problems = CheckExplanation(q.name, m);
      if (!problems.empty() && ++failures <= 20) {
        ADD_FAILURE() << q.name << " -> " << Describe(m) << "\n  " << problems;
      }
    }
  }
  EXPECT_EQ(failures, 0u);
  EXPECT_EQ(queries, 1758u);
  EXPECT_GT(explained, queries);  // top 10 each, most with several matches
  EXPECT_GT(with_rule, 0u);
  std::printf("dev set: %zu queries, %zu explained matches, %zu entries with a rule, %zu failing\n",
              queries, explained, with_rule, failures);
}

// A match through the compound view ("Silver Star" read as "SILVERSTAR") is explained word
// by word as written: the two query words against the one listed word, and every later word
// against its own partner (the view's tokens are not the query's tokens one for one).
TEST(CompoundExplanationTest, JoinedWordsKeepTheWordsAfterThemInPlace) {
  LoadedList l;
  l.info.source = "us_ofac_sdn";
  l.entities.push_back(
      Listed("1", EntityKind::kOrganization, {"YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD."}));
  l.entities.push_back(Listed("2", EntityKind::kOrganization, {"SILVER BIRCH TRADING"}));
  l.entities.push_back(Listed("3", EntityKind::kOrganization, {"NORTH STAR SHIPPING"}));
  std::vector<LoadedList> lists;
  lists.push_back(std::move(l));
  std::unique_ptr<Screener> screener;
  ASSERT_TRUE(Screener::Create(std::move(lists), &screener).ok());
  ScreenOptions o;
  o.explain = true;
  const std::string name = "Yanbian Silver Star Network Technology Co";
  auto ms = screener->Screen(Query{name, EntityKind::kOrganization, "", "", {}}, o);
  ASSERT_FALSE(ms.empty());
  const Match& m = ms[0];
  ASSERT_EQ(m.entity->id, "us_ofac_sdn:1");
  EXPECT_EQ(CheckExplanation(name, m), "") << Describe(m);
  const TokenMatch* silver = EntryFor(m, "Silver Star");
  ASSERT_NE(silver, nullptr) << Describe(m);
  EXPECT_EQ(silver->list_token, "SILVERSTAR");
  for (const char* word : {"Network", "Technology", "Yanbian"}) {
    const TokenMatch* t = EntryFor(m, word);
    ASSERT_NE(t, nullptr) << word << ": " << Describe(m);
    std::string upper(word);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(t->list_token, upper) << Describe(m);
  }

  // A business word written short is named as such (business_abbreviations.tsv).
  const std::string short_name = "Yanbian Silverstar Network Tech";
  auto ab = screener->Screen(Query{short_name, EntityKind::kOrganization, "", "", {}}, o);
  ASSERT_FALSE(ab.empty());
  EXPECT_EQ(CheckExplanation(short_name, ab[0]), "") << Describe(ab[0]);
  const TokenMatch* tech = EntryFor(ab[0], "Tech");
  ASSERT_NE(tech, nullptr) << Describe(ab[0]);
  EXPECT_EQ(tech->list_token, "TECHNOLOGY");
  EXPECT_EQ(tech->rule, "abbreviation");
}

}  // namespace
}  // namespace vigil
