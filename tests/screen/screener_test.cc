// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "screen/batch.h"
#include "test_util.h"
#include "vigil/screen.h"

namespace vigil {
namespace {

// The bundled sample list (data/sample): 40 DPRK designations.
class ScreenerTest : public ::testing::Test {
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

  static std::vector<Match> Top(const std::string& name, EntityKind kind = EntityKind::kUnknown) {
    return screener_->Screen(Query{name, kind, "", "", {}}, ScreenOptions{});
  }

  static std::unique_ptr<Screener> screener_;
};

std::unique_ptr<Screener> ScreenerTest::screener_;

TEST_F(ScreenerTest, ExactNameRanksFirstWithFullScore) {
  auto m = Top("Kim Jong Un");
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0].entity->id, "us_ofac_sdn:20157");
  EXPECT_NEAR(m[0].score, 1.0, 1e-9);
  EXPECT_EQ(m[0].matched_name, "KIM, Jong Un");
  EXPECT_LT(m[1].score, 0.8);  // KIM Yo Jong shares two tokens, not three
}

TEST_F(ScreenerTest, OrderCasePunctuationDoNotMatter) {
  for (const char* q : {"KIM, Jong Un", "jong-un kim", "  Kim   JONG un. "}) {
    auto m = Top(q);
    ASSERT_FALSE(m.empty()) << q;
    EXPECT_EQ(m[0].entity->id, "us_ofac_sdn:20157") << q;
    EXPECT_NEAR(m[0].score, 1.0, 1e-9) << q;
  }
}

TEST_F(ScreenerTest, TyposStillRankFirst) {
  auto m = Top("KOREA COMPUTR CENTRE");
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0].entity->id, "us_ofac_sdn:22323");
  EXPECT_GT(m[0].score, 0.85);
  EXPECT_LT(m[0].score, 1.0);
}

TEST_F(ScreenerTest, AliasesMatchAndSayWhichName) {
  auto m = Top("Choson Computer Center");
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0].entity->id, "us_ofac_sdn:22323");
  EXPECT_EQ(m[0].matched_name, "CHOSON COMPUTER CENTER");
  EXPECT_EQ(m[0].matched_kind, NameKind::kStrongAlias);
}

TEST_F(ScreenerTest, KindFilterExcludesOtherKinds) {
  for (const Match& m : Top("Korea Computer Center", EntityKind::kPerson)) {
    EXPECT_NE(m.entity->kind, EntityKind::kOrganization) << m.entity->id;
  }
  auto orgs = Top("Kim Jong Un", EntityKind::kOrganization);
  for (const Match& m : orgs) EXPECT_NE(m.entity->kind, EntityKind::kPerson);
}

TEST_F(ScreenerTest, RareTokensOutweighCommonOnes) {
  // "korea" is on many sample names, "computer" on one entity only.
  std::vector<TokenMatch> tokens = Top("Korea Computer Center")[0].tokens;
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].query_token, "Korea");  // as the query writes it
  EXPECT_EQ(tokens[1].query_token, "Computer");
  EXPECT_LT(tokens[0].weight, tokens[1].weight);
  // A shared common token alone scores low: under the default minimum score, so nothing
  // is reported unless asked for everything.
  EXPECT_TRUE(Top("Korea Bakery").empty());
  ScreenOptions all;
  all.min_score = 0;
  auto m = screener_->Screen(Query{"Korea Bakery", EntityKind::kUnknown, "", "", {}}, all);
  ASSERT_FALSE(m.empty());
  EXPECT_LT(m[0].score, kDefaultMinScore);
}

TEST_F(ScreenerTest, TopAndMinScoreLimitResults) {
  auto three =
      screener_->Screen(Query{"Kim", EntityKind::kUnknown, "", "", {}}, ScreenOptions{3, 0});
  EXPECT_EQ(three.size(), 3u);
  auto strict = screener_->Screen(Query{"Kim Jong Un", EntityKind::kUnknown, "", "", {}},
                                  ScreenOptions{10, 0.9});
  ASSERT_EQ(strict.size(), 1u);
  for (size_t i = 1; i < three.size(); ++i) EXPECT_GE(three[i - 1].score, three[i].score);
  EXPECT_TRUE(Top("").empty());
  EXPECT_TRUE(Top(" ,.; ").empty());
}

TEST_F(ScreenerTest, FindsEntitiesById) {
  ASSERT_NE(screener_->Find("us_ofac_sdn:22323"), nullptr);
  EXPECT_EQ(screener_->Find("us_ofac_sdn:22323")->primary_name(), "KOREA COMPUTER CENTER");
  EXPECT_EQ(screener_->Find("us_ofac_sdn:1"), nullptr);
}

TEST_F(ScreenerTest, SameAnswersFromManyThreads) {
  auto expected = Top("Yanbian Silverstar Network Technology");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(expected[0].entity->id, "us_ofac_sdn:24977");
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto got = Top("Yanbian Silverstar Network Technology");
        if (got.size() != expected.size() || got[0].entity != expected[0].entity ||
            got[0].score != expected[0].score) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(ScreenerCreateTest, RejectsTheSameListTwice) {
  LoadedList a, b;
  ASSERT_TRUE(LoadList(VIGIL_SAMPLE_DIR, &a).ok());
  ASSERT_TRUE(LoadList(VIGIL_SAMPLE_DIR, &b).ok());
  std::vector<LoadedList> lists;
  lists.push_back(std::move(a));
  lists.push_back(std::move(b));
  std::unique_ptr<Screener> s;
  Status st = Screener::Create(std::move(lists), &s);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("loaded twice"), std::string::npos);
  EXPECT_EQ(s, nullptr);
}

TEST_F(ScreenerTest, BatchKeepsInputOrderAcrossThreadsAndChunks) {
  std::ostringstream input;
  std::vector<std::string> names = {"Kim Jong Un", "Korea Computer Center", "Lazarus Group",
                                    "Nobody Particular", "Kim Yo Jong"};
  for (int i = 0; i < 40; ++i) {
    input << R"({"qid":"q)" << i << R"(","query":{"name":")" << names[i % names.size()]
          << R"(","type":"any"}})"
          << "\n";
  }
  std::istringstream in(input.str());
  std::ostringstream out;
  screen::BatchOptions opt;
  opt.threads = 3;
  opt.chunk = 7;
  screen::BatchStats stats;
  Status s = screen::ScreenBatch(*screener_, in, "in.jsonl", screen::Format::kJsonl, out,
                                 screen::Format::kJsonl, opt, &stats);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(stats.queries, 40u);
  std::istringstream lines(out.str());
  std::string line;
  int i = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["qid"], "q" + std::to_string(i));
    if (i % 5 == 0) {
      EXPECT_EQ(j["matches"][0]["id"], "us_ofac_sdn:20157");
    } else if (i % 5 == 2) {
      EXPECT_EQ(j["matches"][0]["id"], "us_ofac_sdn:27307");
    }
    ++i;
  }
  EXPECT_EQ(i, 40);
}

TEST_F(ScreenerTest, BatchCsvInAndOut) {
  std::istringstream in("id,name,type\nc1,\"KIM, Jong Un\",person\nc2,Lazarus Group,\n");
  std::ostringstream out;
  screen::BatchOptions opt;
  opt.screen.top = 2;
  screen::BatchStats stats;
  ASSERT_TRUE(screen::ScreenBatch(*screener_, in, "in.csv", screen::Format::kCsv, out,
                                  screen::Format::kCsv, opt, &stats)
                  .ok());
  std::string text = out.str();
  // The first seven columns in their places; the spreadsheet columns after them.
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "query_id,query_name,rank,match_id,match_name,matched_name,score,decision,list,kind,"
            "lists_version,evidence");
  EXPECT_NE(text.find("c1,\"KIM, Jong Un\",1,us_ofac_sdn:20157,\"KIM, Jong Un\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("c2,Lazarus Group,1,us_ofac_sdn:27307,LAZARUS GROUP"), std::string::npos);
}

TEST_F(ScreenerTest, BatchRejectsMalformedLinesNamingThem) {
  screen::BatchOptions opt;
  screen::BatchStats stats;
  std::ostringstream out;
  std::istringstream bad_json("{\"qid\":\"a\",\"name\":\"Kim\"}\n{not json\n");
  Status s = screen::ScreenBatch(*screener_, bad_json, "q.jsonl", screen::Format::kJsonl, out,
                                 screen::Format::kJsonl, opt, &stats);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("q.jsonl:2:"), std::string::npos) << s.message();
  // A record without a name is a problem with that record: an error with strict (by
  // default a warning, tests/screen/batch_test.cc).
  std::istringstream no_name("{\"qid\":\"a\",\"query\":{\"type\":\"person\"}}\n");
  opt.strict = true;
  s = screen::ScreenBatch(*screener_, no_name, "q.jsonl", screen::Format::kJsonl, out,
                          screen::Format::kJsonl, opt, &stats);
  EXPECT_NE(s.message().find("q.jsonl:1:"), std::string::npos) << s.message();
  std::istringstream bad_csv("who,what\nx,y\n");
  s = screen::ScreenBatch(*screener_, bad_csv, "q.csv", screen::Format::kCsv, out,
                          screen::Format::kCsv, opt, &stats);
  EXPECT_NE(s.message().find("q.csv:1:"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace vigil
