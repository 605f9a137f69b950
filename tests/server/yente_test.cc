// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The yente-compatible routes: /match/{dataset} answers FollowTheMoney-style queries in
// yente's response shape; /search/{dataset}, /entities/{id} and /catalog likewise.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "server_test_util.h"
#include "test_util.h"

namespace vigil::server {
namespace {

using nlohmann::json;
using testing::RunningServer;

constexpr const char* kKimId = "us_ofac_sdn:20157";

std::string MatchBody(const std::string& name) {
  return json{
      {"queries",
       {{"q1",
         {{"schema", "Person"},
          {"properties", {{"name", {name}}, {"birthDate", {"1984"}}, {"nationality", {"kp"}}}}}}}}}
      .dump();
}

void ExpectKimFirst(RunningServer& s, const std::string& name) {
  auto r = s.Post("/match/default", MatchBody(name));
  ASSERT_EQ(r.status, 200) << r.raw.substr(0, 500);
  const json& q1 = r.body["responses"]["q1"];
  EXPECT_EQ(q1["status"], 200);
  ASSERT_FALSE(q1["results"].empty()) << name;
  const json& top = q1["results"][0];
  EXPECT_EQ(top["id"], kKimId) << name;
  EXPECT_EQ(top["schema"], "Person");
  EXPECT_EQ(top["caption"], "KIM, Jong Un");
  EXPECT_EQ(top["datasets"], json::array({"us_ofac_sdn"}));
  EXPECT_TRUE(top["match"].get<bool>());
  EXPECT_GE(top["score"].get<double>(), 0.85);
  EXPECT_TRUE(top["features"].contains("name_score"));
  EXPECT_TRUE(top["properties"]["name"].is_array());
  EXPECT_TRUE(top["properties"]["birthDate"].is_array());
  EXPECT_EQ(q1["total"]["relation"], "eq");
  EXPECT_GE(q1["total"]["value"].get<int>(), 1);
  EXPECT_EQ(q1["query"]["schema"], "Person");
  EXPECT_EQ(q1["query"]["properties"]["name"][0], name);
  EXPECT_EQ(r.body["limit"], 5);
  EXPECT_TRUE(r.body["matcher"].is_object());
}

TEST(YenteTest, MatchFindsKimJongUnInHangulAndLatin) {
  RunningServer s;
  ExpectKimFirst(s, "김정은");
  ExpectKimFirst(s, "Kim Jong-un");
}

TEST(YenteTest, MatchOnTheRealOfacList) {
  VIGIL_REQUIRE_SHARED(path, "us_ofac_sdn/2024-05");
  ServerOptions o;
  o.list_paths = [path](std::vector<std::string>* p) {
    *p = {path.string()};
    return Status::Ok();
  };
  RunningServer s(o);
  ExpectKimFirst(s, "김정은");
  ExpectKimFirst(s, "Kim Jong-un");
}

TEST(YenteTest, MatchBatchLimitThresholdAndDatasets) {
  RunningServer s;
  json body = {
      {"queries",
       {{"kim", {{"schema", "Person"}, {"properties", {{"name", "Kim Jong Un"}}}}},
        {"org",
         {{"schema", "Company"},
          {"properties", {{"name", {"Korea Mining Development Trading Corporation"}}}}}},
        {"nobody", {{"schema", "Person"}, {"properties", {{"name", {"Quentin Obscurename"}}}}}}}}};
  auto r = s.Post("/match/sanctions?limit=2&threshold=0.99", body.dump());
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["limit"], 2);
  EXPECT_EQ(r.body["responses"].size(), 3u);
  const json& kim = r.body["responses"]["kim"]["results"];
  ASSERT_FALSE(kim.empty());
  EXPECT_LE(kim.size(), 2u);
  EXPECT_EQ(kim[0]["id"], kKimId);
  EXPECT_TRUE(kim[0]["match"].get<bool>());  // score 1.0 >= 0.99
  for (size_t i = 1; i < kim.size(); ++i) EXPECT_FALSE(kim[i]["match"].get<bool>());
  const json& org = r.body["responses"]["org"]["results"];
  ASSERT_FALSE(org.empty());
  EXPECT_EQ(org[0]["schema"], "Organization");
  // A loaded list's own name is a dataset; an unknown one is a 404 with yente's "detail".
  EXPECT_EQ(s.Post("/match/us_ofac_sdn", MatchBody("Kim Jong Un")).status, 200);
  auto unknown = s.Post("/match/nonexistent", MatchBody("Kim Jong Un"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body["detail"].get<std::string>().find("No such dataset"), std::string::npos);
}

TEST(YenteTest, MatchRejectsBadQueries) {
  ServerOptions o;
  o.max_batch = 2;
  RunningServer s(o);
  struct Case {
    std::string body;
    std::string mentions;
  };
  std::vector<Case> cases = {
      {R"({})", "queries"},
      {R"({"queries": []})", "queries"},
      {R"({"queries": {}})", "No queries provided"},
      {R"({"queries": {"a": 5}})", "must be an object"},
      {R"({"queries": {"a": {"properties": {"name": ["x"]}}}})", "schema"},
      {R"({"queries": {"a": {"schema": "Dragon", "properties": {"name": ["x"]}}}})", "Dragon"},
      {R"({"queries": {"a": {"schema": "Person"}}})", "properties"},
      {R"({"queries": {"a": {"schema": "Person", "properties": {"name": [{"x": 1}]}}}})",
       "properties.name"},
      {R"({"queries": {"a": {"schema": "Person", "properties": {"birthDate": ["1980"]}}}})",
       "no name"},
      {R"({"queries": {"a": {"schema": "Person", "properties": {"name": "a"}},
                       "b": {"schema": "Person", "properties": {"name": "b"}},
                       "c": {"schema": "Person", "properties": {"name": "c"}}}})",
       "Too many queries"},
      {"{\"queries\": ", "not valid JSON"},
      {R"({"queries": {"a": {"schema": "Person", "properties": {"name": ["x"], "weight": [1e400]}}}})",
       "number overflow"},
      {R"({"queries": {"a": {"schema": "Person", "properties": {"name": ["x"]}},
                       "a": {"schema": "Person", "properties": {"name": ["y"]}}}})",
       "\"a\" twice"},
  };
  for (const Case& c : cases) {
    auto r = s.Post("/match/default", c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << r.raw;
    ASSERT_TRUE(r.body.contains("detail")) << r.raw;
    EXPECT_NE(r.body["detail"].get<std::string>().find(c.mentions), std::string::npos)
        << c.body << " -> " << r.body["detail"];
  }
  auto bad_limit = s.Post("/match/default?limit=0", MatchBody("Kim"));
  EXPECT_EQ(bad_limit.status, 400);
}

TEST(YenteTest, MatchByIdentifierAlone) {
  RunningServer s;
  // JONG, Song Ho's passport in the sample (us_ofac_sdn:48269).
  auto r = s.Post("/match/default",
                  R"({"queries": {"p": {"schema": "Person",
                      "properties": {"passportNumber": ["109110001"]}}}})");
  ASSERT_EQ(r.status, 200) << r.raw;
  const json& res = r.body["responses"]["p"]["results"];
  ASSERT_FALSE(res.empty());
  EXPECT_EQ(res[0]["id"], "us_ofac_sdn:48269");
}

TEST(YenteTest, SearchEntitiesAndCatalog) {
  RunningServer s;
  auto search = s.client().Get("/search/default?q=Kim%20Jong%20Un&limit=3");
  ASSERT_TRUE(search);
  ASSERT_EQ(search->status, 200) << search->body;
  json sj = json::parse(search->body);
  ASSERT_FALSE(sj["results"].empty());
  EXPECT_EQ(sj["results"][0]["id"], kKimId);
  EXPECT_LE(sj["results"].size(), 3u);
  EXPECT_EQ(sj["limit"], 3);
  EXPECT_EQ(sj["offset"], 0);
  EXPECT_TRUE(sj["total"].contains("value"));
  EXPECT_TRUE(sj["facets"].is_object());

  auto all = json::parse(s.client().Get("/search/default?limit=7&offset=35")->body);
  EXPECT_EQ(all["total"]["value"], 40);
  EXPECT_EQ(all["results"].size(), 5u);
  EXPECT_EQ(s.client().Get("/search/default?q=x&schema=Dragon")->status, 400);
  EXPECT_EQ(s.client().Get("/search/nonexistent?q=x")->status, 404);

  auto entity = s.client().Get((std::string("/entities/") + kKimId).c_str());
  ASSERT_TRUE(entity);
  ASSERT_EQ(entity->status, 200);
  json ej = json::parse(entity->body);
  EXPECT_EQ(ej["id"], kKimId);
  EXPECT_EQ(ej["schema"], "Person");
  EXPECT_EQ(ej["properties"]["birthDate"], json::array({"1984-01-08"}));
  ASSERT_TRUE(ej["properties"]["sanctions"].is_array());
  EXPECT_EQ(ej["properties"]["sanctions"][0]["schema"], "Sanction");
  auto missing = s.client().Get("/entities/nope:1");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body)["detail"], "No such entity!");

  auto catalog = s.client().Get("/catalog");
  ASSERT_TRUE(catalog);
  json cj = json::parse(catalog->body);
  bool has_default = false, has_list = false;
  for (const json& d : cj["datasets"]) {
    has_default |= d["name"] == "default";
    has_list |= d["name"] == "us_ofac_sdn";
  }
  EXPECT_TRUE(has_default);
  EXPECT_TRUE(has_list);
}

}  // namespace
}  // namespace vigil::server
