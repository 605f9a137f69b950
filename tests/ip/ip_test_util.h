// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Shared by the IP tests: small fixture tables in the layout of the @ip-location-db
// packages, and the real tables (loaded once per test binary) when they are installed.

#ifndef VIGIL_TESTS_IP_IP_TEST_UTIL_H_
#define VIGIL_TESTS_IP_IP_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "ip/ip_database.h"
#include "test_util.h"

namespace vigil::testing {

// Writes the four tables (and a package.json each) under `dir`; any text given replaces
// the default of that table.
inline void WriteIpTables(const std::filesystem::path& dir, std::string geo4 = "",
                          std::string asn4 = "", std::string geo6 = "", std::string asn6 = "") {
  namespace fs = std::filesystem;
  if (geo4.empty()) {
    geo4 =
        "1.0.0.0,1.0.0.255,AU\n"
        "2.58.196.0,2.58.197.255,DE\n"
        "2.58.197.15,2.58.197.15,BE\n"
        "2.58.197.16,2.58.197.255,DE\n"
        "5.5.0.0,5.5.255.255,UA\n"
        "5.160.0.0,5.160.255.255,IR\n"
        "8.8.8.0,8.8.8.255,US\n"
        "77.94.32.0,77.94.47.255,RU\n"
        "175.45.176.0,175.45.179.255,KP\n";
  }
  if (asn4.empty()) {
    asn4 =
        "5.5.5.0,5.5.5.255,65001,\"Krym \"\"Test\"\", LLC\"\n"
        "8.8.8.0,8.8.8.255,15169,Google LLC\n"
        "175.45.176.0,175.45.179.255,131279,Star Joint Venture Co. Ltd.\n";
  }
  if (geo6.empty()) geo6 = "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,US\n";
  if (asn6.empty()) asn6 = "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\n";
  fs::create_directories(dir / "geo-whois-asn-country");
  fs::create_directories(dir / "asn");
  const std::string pkg = R"({"version": "2.3.2026061719"})";
  WriteFile(dir / "geo-whois-asn-country" / "package.json", pkg);
  WriteFile(dir / "asn" / "package.json", pkg);
  WriteFile(dir / "geo-whois-asn-country" / "geo-whois-asn-country-ipv4.csv", geo4);
  WriteFile(dir / "geo-whois-asn-country" / "geo-whois-asn-country-ipv6.csv", geo6);
  WriteFile(dir / "asn" / "asn-ipv4.csv", asn4);
  WriteFile(dir / "asn" / "asn-ipv6.csv", asn6);
}

// The fixture tables in this test's scratch folder.
inline std::filesystem::path FixtureIpData() {
  std::filesystem::path d = ScratchDir("ip_fixture_tables");
  WriteIpTables(d);
  return d;
}

// The real tables (tools/deps.sh installs them), loaded once; null when not installed.
inline const ip::IpDatabase* RealIpDatabase() {
  static const std::unique_ptr<ip::IpDatabase> db = []() -> std::unique_ptr<ip::IpDatabase> {
    if (ip::DefaultDataDir().empty()) return nullptr;
    std::unique_ptr<ip::IpDatabase> d;
    Status s = ip::IpDatabase::Open({}, &d);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return d;
  }();
  return db.get();
}

#define VIGIL_REQUIRE_IP_TABLES(db_var)                                                      \
  const ::vigil::ip::IpDatabase* db_var = ::vigil::testing::RealIpDatabase();                \
  if (db_var == nullptr) {                                                                   \
    GTEST_SKIP() << "the @ip-location-db packages are not installed (run tools/deps.sh, or " \
                    "set VIGIL_IP_DATA); this test needs the real IP tables";                \
  }

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_IP_IP_TEST_UTIL_H_
