// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// `vigil ip`: the built program on the fixture tables (and once on the real ones).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/run_program.h"
#include "ip/ip_test_util.h"
#include "ip/mmdb_writer.h"

namespace vigil::testing {
namespace {

TEST(IpCli, ExplainsEachPartAndTheData) {
  std::string data = FixtureIpData().string();
  ProgramResult r = RunProgram(
      VIGIL_BINARY, {"ip", "175.45.178.10", "8.8.8.8", "2001:4860:4860::8888", "--ip-data", data});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("country      KP  (geo-whois-asn-country-ipv4.csv line 9: "
                       "175.45.176.0-175.45.179.255)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("AS131279 Star Joint Venture Co. Ltd."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SANCTIONED   KP North Korea, program DPRK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DPRK range   in 175.45.176.0/22"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("8.8.8.8 (IPv4)\n  country      US"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sanctioned   no (US is not in the sanctioned jurisdictions table)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("2001:4860:4860::8888 (IPv6)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("@ip-location-db/geo-whois-asn-country 2.3.2026061719 (data of "
                       "2026-06-17)"),
            std::string::npos)
      << r.out;
}

TEST(IpCli, MalformedAddressIsExitTwoOthersAnswered) {
  std::string data = FixtureIpData().string();
  ProgramResult r =
      RunProgram(VIGIL_BINARY, {"ip", "8.8.8.8", "1.2.3.256", "10.0.0.1", "--ip-data", data});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("not an IP address: '1.2.3.256': octet 256 out of range"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("8.8.8.8 (IPv4)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("special      private (RFC 1918)"), std::string::npos) << r.out;

  r = RunProgram(VIGIL_BINARY, {"ip", "8.8.8.8", "nonsense", "--json", "--ip-data", data});
  EXPECT_EQ(r.code, 2);
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_array()) << r.out;
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["country"], "US");
  EXPECT_EQ(j[0]["sanctioned"], false);
  EXPECT_EQ(j[1]["ip"], "nonsense");
  EXPECT_NE(j[1]["error"].get<std::string>().find("not an IP address"), std::string::npos);

  // One address: one object.
  r = RunProgram(VIGIL_BINARY, {"ip", "175.45.178.10", "--json", "--ip-data", data});
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["asn"], 131279);
  EXPECT_EQ(j["dprk_range"]["cidr"], "175.45.176.0/22");
}

TEST(IpCli, MissingDataAndMmdb) {
  ProgramResult r =
      RunProgram(VIGIL_BINARY, {"ip", "8.8.8.8", "--ip-data", ScratchDir("nothing").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("tools/deps.sh"), std::string::npos) << r.err;

  MmdbWriter w;
  ASSERT_TRUE(w.Add("5.5.5.0/24", Located("UA", "43")));
  std::string mmdb = (ScratchDir("mmdb") / "crimea.mmdb").string();
  w.Write(mmdb);
  r = RunProgram(VIGIL_BINARY,
                 {"ip", "5.5.5.5", "--ip-data", FixtureIpData().string(), "--ip-db", mmdb});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("region       UA-43  (crimea.mmdb: 5.5.5.0/24)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("SANCTIONED   UA-43 Crimea, program UKRAINE-EO13685"), std::string::npos)
      << r.out;
}

TEST(IpCli, RealTablesMustShow) {
  if (ip::DefaultDataDir().empty()) {
    GTEST_SKIP() << "the @ip-location-db packages are not installed (run tools/deps.sh)";
  }
  ProgramResult r = RunProgram(VIGIL_BINARY, {"ip", "175.45.178.10", "8.8.8.8", "2001:4860::1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("country      KP"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("AS131279"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SANCTIONED   KP North Korea, program DPRK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("8.8.8.8 (IPv4)\n  country      US"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2001:4860::1 (IPv6)\n  country      US"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bugs"), std::string::npos) << r.out;  // the README's warning
}

}  // namespace
}  // namespace vigil::testing
