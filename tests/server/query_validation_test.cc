// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The API refuses the bogus query values the outside test fed to batch files (issue 12,
// item 4) with the same rules (screen/query.h), and a number beyond a double's range with
// a 400, on /v1/screen and on yente's /match (item 8).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server_test_util.h"
#include "test_util.h"

namespace vigil::server {
namespace {

using nlohmann::json;
using testing::RunningServer;

struct Case {
  std::string body;
  std::string code;
  std::string mentions;
};

void ExpectRefused(RunningServer& s, const std::string& path, const Case& c) {
  auto r = s.Post(path, c.body);
  EXPECT_EQ(r.status, 400) << path << " " << c.body.substr(0, 100) << " -> "
                           << r.raw.substr(0, 300);
  ASSERT_TRUE(r.body.is_object()) << r.raw.substr(0, 300);
  EXPECT_EQ(r.body["error"]["code"], c.code) << c.body.substr(0, 100);
  std::string message = r.body["error"]["message"].get<std::string>();
  EXPECT_NE(message.find(c.mentions), std::string::npos)
      << c.body.substr(0, 100) << ": " << message;
}

TEST(QueryValidationTest, ScreenRefusesBogusValues) {
  RunningServer s;
  const std::vector<Case> cases = {
      {R"({"name": "Kim", "type": "vesel"})", "invalid_request",
       "type must be person, organization, vessel, aircraft or any, not 'vesel'"},
      {R"({"name": "Kim", "type": ["person"]})", "invalid_request",
       "type must be a string, not an array"},
      {R"({"name": "Kim", "dob": "yesterday"})", "invalid_request", "'yesterday' is not a date"},
      {R"({"name": "Kim", "dob": "1984-02-30"})", "invalid_request", "'1984-02-30' is not a date"},
      {R"({"name": "Kim", "dob": {"a": [1]}})", "invalid_request",
       "dob must be a string, not an object"},
      {R"({"name": "Kim", "dob": "08/01/1984"})", "invalid_request", "ambiguous"},
      {R"({"name": "Kim", "country": "Narnia"})", "invalid_request",
       "'Narnia' is not a known country"},
      {R"({"name": "Kim \u0000Jong"})", "invalid_request", "NUL"},
      {R"({"name": ")" + std::string(1001, 'x') + R"("})", "invalid_request",
       "longer than 1000 bytes"},
      {R"({"queries": [{"name": "a"}, {"name": "Kim", "dob": "1984-02-30"}]})", "invalid_request",
       "queries[1].dob '1984-02-30'"},
      {R"({"name": "Kim", "min_score": 1e400})", "invalid_json", "1e400"},
      {R"({"name": "Kim", "top": -1e999})", "invalid_json", "number overflow"},
      {R"({"queries": [{"name": "Kim", "id": 1e400}]})", "invalid_json", "1e400"},
  };
  for (const Case& c : cases) ExpectRefused(s, "/v1/screen", c);
  // Still serving, and a good date is still read.
  auto ok = s.Post("/v1/screen", R"({"name": "Kim Jong Un", "dob": "1984-01-08"})");
  EXPECT_EQ(ok.status, 200) << ok.raw.substr(0, 300);
}

TEST(QueryValidationTest, SearchRefusesAmbiguousAndImpossibleDates) {
  RunningServer s;
  for (const std::string& dob : {std::string("08%2F01%2F1984"), std::string("1984-02-30")}) {
    auto r = s.client().Get(("/v1/search?q=Kim&dob=" + dob).c_str());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << dob << " " << r->body;
    EXPECT_NE(json::parse(r->body)["error"]["message"].get<std::string>().find("parameter 'dob'"),
              std::string::npos)
        << r->body;
  }
}

TEST(QueryValidationTest, YenteMatchRefusesNumbersBeyondDouble) {
  RunningServer s;
  ExpectRefused(s, "/match/default",
                {R"({"queries": {"q1": {"schema": "Person", "properties": {"name": ["Kim"]}}},
                     "threshold": 1e400})",
                 "invalid_json", "1e400"});
  auto ok = s.Post("/match/default",
                   R"({"queries": {"q1": {"schema": "Person", "properties": {"name": ["Kim"]}}}})");
  EXPECT_EQ(ok.status, 200) << ok.raw.substr(0, 300);
}

}  // namespace
}  // namespace vigil::server
