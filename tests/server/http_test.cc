// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The service's HTTP request, response and router (src/server/http.h).

#include "server/http.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::server::http {
namespace {

TEST(HttpTest, DecodeKeepsBrokenEscapes) {
  EXPECT_EQ(Decode("Kim%20Jong+Un", false), "Kim Jong+Un");
  EXPECT_EQ(Decode("Kim%20Jong+Un", true), "Kim Jong Un");
  EXPECT_EQ(Decode("%EA%B9%80", true), "\xEA\xB9\x80");  // 김
  EXPECT_EQ(Decode("100%", true), "100%");
  EXPECT_EQ(Decode("%4", true), "%4");
  EXPECT_EQ(Decode("%zz%41", true), "%zzA");
  EXPECT_EQ(Decode("%00", true), std::string(1, '\0'));
}

TEST(HttpTest, ParseTargetSplitsPathAndRepeatedParameters) {
  std::string path;
  Fields params;
  ParseTarget("/search/sanctions?q=Kim+Jong%2BUn&countries=kp&countries=cn&flag&=x&#frag", &path,
              &params);
  EXPECT_EQ(path, "/search/sanctions");
  Request r;
  r.params = params;
  EXPECT_EQ(r.Param("q"), "Kim Jong+Un");
  EXPECT_EQ(r.ParamCount("countries"), 2u);
  EXPECT_EQ(r.Param("countries", 1), "cn");
  EXPECT_EQ(r.Param("countries", 2), "");
  EXPECT_TRUE(r.HasParam("flag"));
  EXPECT_EQ(r.Param("flag"), "");
  EXPECT_FALSE(r.HasParam("Q"));  // parameter names are case-sensitive
  ParseTarget("/v1/entities/us_ofac_sdn%3A20157", &path, &params);
  EXPECT_EQ(path, "/v1/entities/us_ofac_sdn:20157");
  EXPECT_TRUE(params.empty());
}

TEST(HttpTest, HeadersIgnoreCase) {
  Request req;
  req.headers = {{"X-Api-Key", "k1"}, {"x-api-key", "k2"}};
  EXPECT_TRUE(req.HasHeader("X-API-KEY"));
  EXPECT_EQ(req.Header("x-API-key"), "k1");
  EXPECT_EQ(req.Header("Authorization"), "");
  Response res;
  res.SetHeader("Content-Type", "text/plain");
  res.SetHeader("content-type", "application/json");
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.Header("CONTENT-TYPE"), "application/json");
}

TEST(HttpTest, RouterMatchesPatternsAndNamesAllowedMethods) {
  Router router;
  std::string hit;
  auto mark = [&hit](std::string name) {
    return [&hit, name](const Request&, Response&) { hit = name; };
  };
  router.Add("GET", "/v1/lists", mark("lists"));
  router.Add("POST", "/v1/lists/reload", mark("reload"), /*blocking=*/true);
  router.Add("GET", "/v1/entities/{*}", mark("entity"));
  router.Add("POST", "/match/{}", mark("match"));
  router.Add("GET", "/match/{}", mark("match-get"));

  std::string capture, allow;
  Request req;
  Response res;
  const Router::Route* r = router.Find("GET", "/v1/lists", &capture, &allow);
  ASSERT_NE(r, nullptr);
  r->handler(req, res);
  EXPECT_EQ(hit, "lists");
  EXPECT_FALSE(r->blocking);

  r = router.Find("HEAD", "/v1/lists", &capture, &allow);  // HEAD is routed as GET
  ASSERT_NE(r, nullptr);

  r = router.Find("POST", "/v1/lists/reload", &capture, &allow);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->blocking);

  r = router.Find("GET", "/v1/entities/us_ofac_sdn:1/x", &capture, &allow);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(capture, "us_ofac_sdn:1/x");  // {*}: the rest, slashes and all
  EXPECT_EQ(router.Find("GET", "/v1/entities/", &capture, &allow), nullptr);  // not empty
  EXPECT_TRUE(allow.empty());

  r = router.Find("POST", "/match/sanctions", &capture, &allow);
  ASSERT_NE(r, nullptr);
  r->handler(req, res);
  EXPECT_EQ(hit, "match");
  EXPECT_EQ(capture, "sanctions");
  EXPECT_EQ(router.Find("POST", "/match/a/b", &capture, &allow), nullptr);  // {}: one segment

  // Known path, other method: the methods it answers, for 405 and Allow.
  EXPECT_EQ(router.Find("DELETE", "/match/x", &capture, &allow), nullptr);
  EXPECT_EQ(allow, "POST, GET");
  EXPECT_EQ(router.Find("GET", "/v1/lists/reload", &capture, &allow), nullptr);
  EXPECT_EQ(allow, "POST");
  EXPECT_EQ(router.Find("GET", "/v1/nowhere", &capture, &allow), nullptr);
  EXPECT_TRUE(allow.empty());
}

}  // namespace
}  // namespace vigil::server::http
