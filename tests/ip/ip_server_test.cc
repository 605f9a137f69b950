// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// /v1/ip over HTTP: one address (GET), a batch (POST), the errors, and no IP data (503).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ip/ip_test_util.h"
#include "server/server_test_util.h"

namespace vigil::server {
namespace {

using nlohmann::json;
using testing::RunningServer;

ServerOptions WithIpData() {
  ServerOptions o;
  o.ip_data = testing::FixtureIpData().string();
  o.max_batch = 4;
  return o;
}

TEST(IpServer, OneAddress) {
  RunningServer s(WithIpData());
  auto r = s.client().Get("/v1/ip?ip=175.45.178.10");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  EXPECT_EQ(j["country"], "KP");
  EXPECT_EQ(j["asn"], 131279);
  EXPECT_EQ(j["sanctioned"], true);
  EXPECT_EQ(j["sanctions"][0]["program"], "DPRK");
  EXPECT_EQ(j["dprk_range"]["cidr"], "175.45.176.0/22");
  EXPECT_EQ(j["sources"][0]["name"], "@ip-location-db/geo-whois-asn-country");
  EXPECT_EQ(j["sources"][0]["date"], "2026-06-17");

  r = s.client().Get("/v1/ip?ip=2001:4860:4860::8888");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["country"], "US");

  r = s.client().Get("/v1/ip?ip=1.2.3.256");
  ASSERT_EQ(r->status, 400);
  j = json::parse(r->body);
  EXPECT_EQ(j["error"]["code"], "invalid_ip");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("octet 256 out of range"),
            std::string::npos);
  r = s.client().Get("/v1/ip");
  ASSERT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("/v1/ip?ip=ADDRESS"), std::string::npos);
}

TEST(IpServer, Batch) {
  RunningServer s(WithIpData());
  auto a = s.Post("/v1/ip", R"({"ips": ["8.8.8.8", "not an ip", 7, "fe80::1"]})");
  ASSERT_EQ(a.status, 200) << a.raw;
  ASSERT_EQ(a.body["results"].size(), 4u);
  EXPECT_EQ(a.body["errors"], 2);
  EXPECT_EQ(a.body["results"][0]["country"], "US");
  EXPECT_FALSE(a.body["results"][0].contains("sources"));
  EXPECT_EQ(a.body["results"][1]["error"]["code"], "invalid_ip");
  EXPECT_EQ(a.body["results"][2]["error"]["message"], "ips[2] is not a string");
  EXPECT_EQ(a.body["results"][3]["special"], "link-local (RFC 4291)");
  EXPECT_GE(a.body["sources"].size(), 2u);

  a = s.Post("/v1/ip", R"({"ips": ["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4", "1.1.1.5"]})");
  EXPECT_EQ(a.status, 413);
  EXPECT_EQ(a.body["error"]["code"], "batch_too_large");
  EXPECT_EQ(s.Post("/v1/ip", R"({"ips": []})").status, 400);
  EXPECT_EQ(s.Post("/v1/ip", R"({"ips": "8.8.8.8"})").status, 400);
  EXPECT_EQ(s.Post("/v1/ip", R"({"ips": ["8.8.8.8"], "x": 1})").status, 400);
  EXPECT_EQ(s.Post("/v1/ip", "{oops").status, 400);
}

TEST(IpServer, NoIpDataIs503AndBadDataFailsTheStart) {
  RunningServer s;  // no IP data named
  auto r = s.client().Get("/v1/ip?ip=8.8.8.8");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  json j = json::parse(r->body);
  EXPECT_EQ(j["error"]["code"], "no_ip_data");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("--ip-data"), std::string::npos);
  EXPECT_EQ(s.Post("/v1/ip", R"({"ips": ["8.8.8.8"]})").status, 503);

  ServerOptions o;
  o.ip_data = testing::ScratchDir("no_tables").string();
  o.port = 0;
  Server bad(o);
  int port = 0;
  Status st = bad.Bind(&port);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("cannot load the IP data"), std::string::npos) << st.ToString();
}

TEST(IpServer, NeedsTheScreenRole) {
  ServerOptions o = WithIpData();
  o.api_keys = {"screen:" + testing::Sha("k")};
  RunningServer s(o);
  EXPECT_EQ(s.client().Get("/v1/ip?ip=8.8.8.8")->status, 401);
  auto r = s.client().Get("/v1/ip?ip=8.8.8.8", {{"Authorization", "Bearer k"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST(IpServer, LoadsInTheBackground) {
  ServerOptions o;
  o.ip_data_background = testing::FixtureIpData().string();
  RunningServer s(o);
  int status = 0;
  for (int i = 0; i < 500 && status != 200; ++i) {
    auto r = s.client().Get("/v1/ip?ip=8.8.8.8");
    ASSERT_TRUE(r);
    status = r->status;
    if (status == 503) {
      EXPECT_NE(r->body.find("still loading"), std::string::npos) << r->body;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace vigil::server
