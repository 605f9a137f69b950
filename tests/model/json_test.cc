// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/json.h"

#include <gtest/gtest.h>

#include <random>

#include "vigil/list.h"
#include "vigil/screen.h"

namespace vigil::model {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

TEST(JsonWriterTest, StringsAsNlohmannDumpsThem) {
  const std::string cases[] = {
      "",
      "KIM, Jong Un",
      "김정은",
      "Ким Чен Ын",
      "quote \" and backslash \\",
      "tab\tnew line\ncarriage\rbell\x07 unit\x1f del\x7f",
      std::string("nul \0 inside", 12),
      "invalid \xff byte",
      "truncated \xe2\x82",
      "overlong \xc0\xaf",
      "surrogate \xed\xa0\x80",
      "beyond \xf4\x90\x80\x80",
      "emoji \xf0\x9f\x98\x80 ok",
      "\xe2\x82\xac euro at the start",
  };
  for (const std::string& s : cases) {
    std::string out;
    AppendJsonString(s, &out);
    EXPECT_EQ(out, Dump(json(s))) << s;
  }
}

TEST(JsonWriterTest, NumbersAsNlohmannDumpsThem) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0, 1), wide(-50, 50);
  std::vector<double> values = {0.0,  -0.0, 1.0,    0.5,    0.1,  1e-4,  9.99e-5, 1e-6,
                                1e15, 1e16, 123.25, 6.5381, 14.0, -3.75, 0.97,    0.818432};
  for (int i = 0; i < 20000; ++i) {
    values.push_back(std::round(unit(rng) * 1e6) / 1e6);
    values.push_back(std::round(wide(rng) * 1e6) / 1e6);
    values.push_back(wide(rng));
  }
  for (double x : values) {
    std::string out;
    AppendJsonNumber(x, &out);
    ASSERT_EQ(out, Dump(json(x))) << x;
  }
}

// AppendJson writes what ToJson(m).dump() writes, for real matches: explained or not, with
// attribute and identifier evidence, persons and organizations, Hangul queries.
TEST(JsonWriterTest, MatchesAsToJsonDumpsThem) {
  LoadedList list;
  ASSERT_TRUE(LoadList(VIGIL_SAMPLE_DIR, &list).ok());
  std::vector<LoadedList> lists;
  lists.push_back(std::move(list));
  std::unique_ptr<Screener> screener;
  ASSERT_TRUE(Screener::Create(std::move(lists), &screener).ok());
  const std::vector<Query> queries = {
      {"Kim Jong Un", EntityKind::kUnknown, "", "", {}},
      {"김정은", EntityKind::kPerson, "1984-01-08", "KP", {}},
      {"Kim Jong-un", EntityKind::kUnknown, "1984", "CN", {}},
      {"Korea Computer Co., Ltd.", EntityKind::kOrganization, "", "KP", {}},
      {"Yanbian Silverstar", EntityKind::kUnknown, "", "", {}},
      {"Ri Su \"Yong\"", EntityKind::kUnknown, "", "", {}},
  };
  size_t matches = 0, with_evidence = 0;
  for (const Query& q : queries) {
    for (bool explain : {false, true}) {
      ScreenOptions options;
      options.min_score = 0;
      options.explain = explain;
      for (const Match& m : screener->Screen(q, options)) {
        std::string out;
        AppendJson(m, explain, &out);
        EXPECT_EQ(out, Dump(ToJson(m, explain))) << q.name;
        ++matches;
        with_evidence += m.evidence.empty() ? 0 : 1;
      }
    }
  }
  EXPECT_GT(matches, 20u);
  EXPECT_GT(with_evidence, 0u);
}

}  // namespace
}  // namespace vigil::model
