// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/json.h"

#include <gtest/gtest.h>

#include <random>

#include "model/diff.h"
#include "test_util.h"
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

// AppendJson(entity) writes what ToJson(entity).dump() writes, and
// AppendScreenedEntityFields what ScreenedEntityFields(entity).dump() writes: every field set,
// empty objects, invalid UTF-8 and control characters; then every entity of the bundled sample and
// of the real list snapshots (when ../shared/lists is present).
TEST(JsonWriterTest, EntitiesAsToJsonDumpsThem) {
  auto check = [](const Entity& e) {
    std::string out;
    AppendJson(e, &out);
    EXPECT_EQ(out, Dump(ToJson(e))) << e.id;
    out.clear();
    AppendScreenedEntityFields(e, &out);
    EXPECT_EQ(out, Dump(ScreenedEntityFields(e))) << e.id;
  };
  Entity e;
  e.id = "t:1";
  e.source = "t";
  e.source_id = "1";
  e.kind = EntityKind::kPerson;
  e.names = {Name{"KIM, Jong \"Un\"", "KIM", "Jong Un", NameKind::kPrimary},
             Name{"bad \xff byte\t", "", "", NameKind::kWeakAlias}};
  e.programs = {"DPRK3", "CYBER2"};
  e.addresses = {Address{}, Address{}};
  e.addresses[1].street = "Street 1";
  e.addresses[1].city = "Pyongyang";
  e.addresses[1].region = "R";
  e.addresses[1].postal_code = "000";
  e.addresses[1].country = "KP";
  e.addresses[1].country_name = "North Korea";
  e.addresses[1].note = "n";
  CountryLink c;
  c.role = CountryRole::kNationality;
  c.name = "Korea, North";
  c.code = "KP";
  e.countries = {c, CountryLink{}};
  BirthDate b;
  b.from.year = 1984;
  b.to.year = 1986;
  b.text = "1984 to 1986";
  b.circa = true;
  e.birth_dates = {b, BirthDate{}};
  e.birth_places = {"Pyongyang", ""};
  e.gender = "Male";
  e.titles = {"General"};
  Identifier id;
  id.type = "Passport";
  id.value = "P-1";
  id.country = "KP";
  id.currency = "XBT";
  id.note = "expired";
  e.identifiers = {id, Identifier{}};
  Relationship r;
  r.relation = "linked_to";
  r.target_name = "KOMID";
  r.target_id = "t:2";
  r.field = "remarks";
  r.text = "Linked To: KOMID.";
  e.relationships = {r, Relationship{}};
  e.listed_on = "2020-01-01";
  e.updated_on = "2021-01-01";
  e.remarks = "DOB 1984; \x01 control";
  e.unparsed_remarks = {"x"};
  e.properties = {Property{"csl_source", "SDN"}};
  check(e);
  check(Entity{});

  size_t entities = 0;
  std::vector<std::string> dirs = {VIGIL_SAMPLE_DIR};
  for (const char* rel : {"us_ofac_sdn/2021-07", "us_ofac_sdn/2024-05", "un_sc/2026-02",
                          "us_csl/2023-11", "us_bis_dpl/2022-09"}) {
    std::filesystem::path p = testing::SharedList(rel);
    if (!p.empty()) dirs.push_back(p.string());
  }
  for (const std::string& dir : dirs) {
    LoadOptions opt;
    opt.accept_truncated = true;  // the 2023-11 CSL snapshot ends inside a record
    std::vector<LoadedList> lists;
    ASSERT_TRUE(LoadLists({dir}, opt, &lists).ok()) << dir;
    for (const Entity& x : lists.at(0).entities) {
      std::string out;
      AppendJson(x, &out);
      ASSERT_EQ(out, Dump(ToJson(x))) << x.id;
      out.clear();
      AppendScreenedEntityFields(x, &out);
      ASSERT_EQ(out, Dump(ScreenedEntityFields(x))) << x.id;
      ++entities;
    }
  }
  EXPECT_GT(entities, 10u);
  if (dirs.size() == 1) std::cout << "../shared/lists absent: checked the bundled sample only\n";
}

}  // namespace
}  // namespace vigil::model
