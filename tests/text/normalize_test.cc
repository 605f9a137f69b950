// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/normalize.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "text/analyze.h"

namespace vigil::text {
namespace {

TEST(NormalizeTest, AsciiCasePunctuation) {
  EXPECT_EQ(Normalize("KIM, Jong-Un"), "kim jong un");
  EXPECT_EQ(Normalize("  KOREA   COMPUTER\tCENTER "), "korea computer center");
  EXPECT_EQ(Normalize("Ch'ol"), "chol");
  EXPECT_EQ(Normalize("CO., LTD."), "co ltd");
  EXPECT_EQ(Normalize("A/S (Denmark)"), "a s denmark");
  EXPECT_EQ(Normalize(""), "");
  EXPECT_EQ(Normalize("--"), "");
}

TEST(NormalizeTest, DiacriticsAndCompatibilityForms) {
  EXPECT_EQ(Normalize("Société Générale"), "societe generale");
  EXPECT_EQ(Normalize("MÜLLER"), "muller");
  EXPECT_EQ(Normalize("Ｋｉｍ"), "kim");  // full-width
  EXPECT_EQ(Normalize("Ch’ŏl"), "chol");  // typographic apostrophe, breve
}

TEST(NormalizeTest, OtherScriptsBecomeLatin) {
  EXPECT_EQ(Normalize("김정은"), "gim jeong eun");  // one token per Hangul syllable
  EXPECT_EQ(Normalize("김 정은"), "gim jeong eun");
  EXPECT_EQ(Normalize("Владимир Путин"), "vladimir putin");
  EXPECT_FALSE(Normalize("محمد").empty());
  EXPECT_FALSE(Normalize("金正恩").empty());
}

TEST(NormalizeTest, TokenizeSplitsOnSpaces) {
  std::vector<std::string> t = Tokenize("KIM, Jong Un");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0], "kim");
  EXPECT_EQ(t[2], "un");
  EXPECT_TRUE(Tokenize(" .,; ").empty());
}

TEST(NormalizeTest, SafeAcrossThreads) {
  std::string a, b;
  std::thread t1([&] {
    for (int i = 0; i < 200; ++i) a = Normalize("Владимир");
  });
  std::thread t2([&] {
    for (int i = 0; i < 200; ++i) b = Normalize("Ğüneş");
  });
  t1.join();
  t2.join();
  EXPECT_EQ(a, "vladimir");
  EXPECT_EQ(b, "gunes");
}

}  // namespace
}  // namespace vigil::text

namespace vigil::text {
namespace {

TEST(NormalizeTest, ScriptTransliteratorsFromTheTable) {
  EXPECT_EQ(Normalize("Александр Иванов"), "aleksandr ivanov");  // Russian-Latin/BGN
  EXPECT_EQ(Normalize("Ελένη"), "eleni");
  EXPECT_EQ(Normalize("金正恩"), "jin zheng en");  // Han-Latin (pinyin)
  EXPECT_FALSE(Normalize("محمد").empty());
  EXPECT_EQ(Normalize("Иван Smith"), "ivan smith");  // mixed with Latin: still one script
}

}  // namespace
}  // namespace vigil::text

namespace vigil::text {
namespace {

// Normalize() transliterates word by word through a cache; NormalizeWhole() the whole name
// at once. They agree on names whose rules look at word edges (Cyrillic "Е" at a word's
// start, Greek final sigma, Katakana long vowels, Han without spaces, Hangul), in any order
// and repeated (cache hits).
TEST(NormalizeTest, WordCacheAgreesWithWholeNames) {
  const std::vector<std::string> names = {
      "Ельцин Борис Николаевич",
      "Борис Ельцин",
      "Юлия Ёлкина",
      "Объединённая Ефремова",
      "Σωκράτης Παπαδόπουλος",
      "ΟΔΥΣΣΕΑΣ",
      "ソニー・ミュージック",
      "スーパー マーケット",
      "山东省艳印刷无限公司",
      "王 小明",
      "김정은",
      "김 정 은",
      "محمد بن سلمان",
      "עבד אל כרים",
      "บุญรอด แซ่ตั้ง",
      "Nguyễn Văn Anh",
      "Ри Су Ён  Ким",
      "Société Générale",
      "Мухаммад\u3000Али",
  };
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& name : names) EXPECT_EQ(Normalize(name), NormalizeWhole(name)) << name;
  }
}

// The same on every name of the realistic stream, when ../shared is beside the repository.
TEST(NormalizeTest, WordCacheAgreesOnTheSharedNameStream) {
  const std::filesystem::path csv =
      std::filesystem::path(VIGIL_SHARED_LISTS).parent_path() / "bench" / "names-100k.csv";
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << csv << " not found beside the repository";
  std::ifstream in(csv);
  std::string line;
  size_t compared = 0;
  while (std::getline(in, line)) {
    bool ascii = true;
    for (char c : line) ascii &= static_cast<unsigned char>(c) < 0x80;
    if (ascii) continue;  // no transliteration
    EXPECT_EQ(Normalize(line), NormalizeWhole(line)) << line;
    ++compared;
  }
  EXPECT_GT(compared, 1000u);
}

// The words each token came from, as written.
std::vector<std::string> SpanTexts(std::string_view name, const std::vector<Span>& spans) {
  std::vector<std::string> out;
  for (const Span& s : spans) out.emplace_back(name.substr(s.begin, s.end - s.begin));
  return out;
}

TEST(NormalizeTest, SpansGiveTheLettersEachTokenCameFrom) {
  std::vector<Span> spans;
  std::string name = "KIM, Jong-Un";
  EXPECT_EQ(TokenizeWithSpans(name, &spans), (std::vector<std::string>{"kim", "jong", "un"}));
  EXPECT_EQ(SpanTexts(name, spans), (std::vector<std::string>{"KIM", "Jong", "Un"}));
  name = "Ch'ol  O'Brien";
  EXPECT_EQ(TokenizeWithSpans(name, &spans), (std::vector<std::string>{"chol", "obrien"}));
  EXPECT_EQ(SpanTexts(name, spans), (std::vector<std::string>{"Ch'ol", "O'Brien"}));
  name = "김정은";  // a token per Hangul syllable, each from its syllable
  EXPECT_EQ(TokenizeWithSpans(name, &spans), (std::vector<std::string>{"gim", "jeong", "eun"}));
  EXPECT_EQ(SpanTexts(name, spans), (std::vector<std::string>{"김", "정", "은"}));
  name = "Société Générale-Ré";
  EXPECT_EQ(TokenizeWithSpans(name, &spans),
            (std::vector<std::string>{"societe", "generale", "re"}));
  EXPECT_EQ(SpanTexts(name, spans), (std::vector<std::string>{"Société", "Générale", "Ré"}));
  name = "Владимир Путин";
  TokenizeWithSpans(name, &spans);
  EXPECT_EQ(SpanTexts(name, spans), (std::vector<std::string>{"Владимир", "Путин"}));
}

TEST(NormalizeTest, TokenizeWithSpansAgreesWithTokenize) {
  const std::vector<std::string> names = {
      "Ельцин Борис Николаевич",
      "Σωκράτης Παπαδόπουλος",
      "ソニー・ミュージック",
      "山东省艳印刷无限公司",
      "김 정 은",
      "محمد بن سلمان",
      "עבד אל כרים",
      "Nguyễn Văn Anh",
      "Ри Су Ён  Ким",
      "Мухаммад\u3000Али",
      "ＫＩＭ，Ｊｏｎｇ",
      "A/S (Denmark) Ltd.",
      "\xff\xfe broken",
      "",
      " - ",
  };
  for (const std::string& name : names) {
    std::vector<Span> spans;
    std::vector<std::string> tokens = TokenizeWithSpans(name, &spans);
    EXPECT_EQ(tokens, Tokenize(name)) << name;
    ASSERT_EQ(spans.size(), tokens.size()) << name;
    for (const Span& s : spans) {
      EXPECT_LT(s.begin, s.end) << name;
      EXPECT_LE(s.end, name.size()) << name;
    }
  }
}

TEST(NormalizeTest, WordsAreWhatAnAnalystReads) {
  const std::string name = "KIM, Jong-Un Co., Ltd. 김정은";
  std::vector<std::string> words;
  for (const Span& s : Words(name)) words.emplace_back(name.substr(s.begin, s.end - s.begin));
  EXPECT_EQ(words, (std::vector<std::string>{"KIM", "Jong", "Un", "Co.", "Ltd.", "김정은"}));
}

TEST(AnalyzeTest, LegalFormSpansCoverTheirWords) {
  const std::string name = "Example Trading Co., Ltd.";
  AnalyzedName a = Analyze(name, /*person=*/false, /*spans=*/true);
  EXPECT_EQ(a.tokens, Analyze(name, false).tokens);
  ASSERT_EQ(a.spans.size(), a.tokens.size());
  EXPECT_EQ(SpanTexts(name, a.spans),
            (std::vector<std::string>{"Example", "Trading", "Co., Ltd"}));  // the letters
  EXPECT_TRUE(a.legal_form.back());
}

}  // namespace
}  // namespace vigil::text
