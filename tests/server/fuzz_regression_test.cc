// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Regression tests for what the libFuzzer harnesses (fuzz/, tools/fuzz.sh) found.

#include <gtest/gtest.h>

#include "server_test_util.h"

namespace vigil::testing {
namespace {

// fuzz_api: a number outside double range made json::parse throw out_of_range, which no
// handler caught: a 500 "internal" and an error log line instead of a 400.
TEST(FuzzRegressionTest, NumberOutOfDoubleRangeIs400) {
  RunningServer s;
  struct Case {
    std::string path, body;
  };
  for (const Case& c : {
           Case{"/v1/screen", R"({"name": "Kim", "min_score": 1e400})"},
           Case{"/v1/screen", R"({"queries": [{"name": "Kim"}], "top": -1e999})"},
           Case{"/match/default",
                R"({"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}}},)"
                R"( "threshold": 1e400})"},
       }) {
    auto r = s.Post(c.path, c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << r.raw;
    ASSERT_TRUE(r.body.is_object()) << r.raw;
    EXPECT_EQ(r.body["error"]["code"], "invalid_json") << r.raw;
    std::string message = r.body["error"]["message"].get<std::string>();
    EXPECT_NE(message.find("number overflow"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace vigil::testing
