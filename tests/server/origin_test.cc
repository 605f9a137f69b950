// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Host names served and requests from other sites (src/server/origin.h).

#include "server/origin.h"

#include <gtest/gtest.h>

namespace vigil::server {
namespace {

http::Request With(http::Fields headers) {
  http::Request r;
  r.method = "POST";
  r.headers = std::move(headers);
  return r;
}

TEST(OriginTest, HostNames) {
  EXPECT_EQ(HostName("Example.COM:8000"), "example.com");
  EXPECT_EQ(HostName("localhost."), "localhost");
  EXPECT_EQ(HostName("[::1]:80"), "[::1]");
  EXPECT_EQ(HostName("::1"), "[::1]");
  EXPECT_EQ(HostName("a:b"), "");
  EXPECT_EQ(HostName("[::1"), "");
  EXPECT_EQ(HostName("user@localhost"), "");
  EXPECT_EQ(HostName(""), "");
}

TEST(OriginTest, PolicyServesLocalhostTheBoundAddressAndExtras) {
  HostPolicy wildcard("0.0.0.0", {});
  EXPECT_TRUE(wildcard.Allows("localhost:1"));
  EXPECT_TRUE(wildcard.Allows("127.0.0.1"));
  EXPECT_TRUE(wildcard.Allows("[::1]:8000"));
  EXPECT_TRUE(wildcard.Allows(""));  // HTTP/1.0 without Host
  EXPECT_FALSE(wildcard.Allows("0.0.0.0:8000"));
  EXPECT_FALSE(wildcard.Allows("10.0.0.1:8000"));
  HostPolicy bound("10.0.0.1", {"Vigil.Internal:443"});
  EXPECT_TRUE(bound.Allows("10.0.0.1:8000"));
  EXPECT_TRUE(bound.Allows("vigil.internal"));
  EXPECT_FALSE(bound.Allows("vigil.internal.evil.example"));
  EXPECT_TRUE(HostPolicy("::1", {}).Allows("[::1]:8000"));
  EXPECT_TRUE(HostPolicy("127.0.0.1", {"*"}).Allows("anything.example"));
}

TEST(OriginTest, CrossSite) {
  EXPECT_FALSE(CrossSite(With({{"Host", "127.0.0.1:8000"}})));  // not a browser
  EXPECT_FALSE(CrossSite(With({{"Host", "127.0.0.1:8000"}, {"Origin", "http://127.0.0.1:8000"}})));
  EXPECT_TRUE(CrossSite(With({{"Host", "127.0.0.1:8000"}, {"Origin", "http://127.0.0.1:8001"}})));
  EXPECT_TRUE(CrossSite(With({{"Host", "127.0.0.1:8000"}, {"Origin", "http://evil.example"}})));
  EXPECT_TRUE(CrossSite(With({{"Host", "127.0.0.1:8000"}, {"Origin", "null"}})));
  EXPECT_TRUE(CrossSite(With({{"Host", "127.0.0.1:8000"}, {"Sec-Fetch-Site", "cross-site"}})));
  EXPECT_FALSE(CrossSite(With({{"Host", "127.0.0.1:8000"}, {"Sec-Fetch-Site", "same-origin"}})));
  // Behind a TLS proxy the Host may come without a port; default ports match it.
  EXPECT_FALSE(CrossSite(With({{"Host", "vigil.example"}, {"Origin", "https://vigil.example"}})));
  EXPECT_FALSE(CrossSite(With({{"Host", "vigil.example:80"}, {"Origin", "http://vigil.example"}})));
  EXPECT_TRUE(CrossSite(With({{"Host", "vigil.example"}, {"Origin", "http://vigil.example:81"}})));
}

}  // namespace
}  // namespace vigil::server
