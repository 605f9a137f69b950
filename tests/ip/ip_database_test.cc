// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// IP screening (src/ip): parsing, the tables (fixtures written here, and the real
// @ip-location-db tables when installed), special ranges, DPRK ranges and sanctioned
// jurisdictions, MaxMind databases (written by tests/ip/mmdb_writer.h).

#include "ip/ip_database.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "ip/ip_test_util.h"
#include "ip/mmdb_writer.h"
#include "test_util.h"

namespace vigil::ip {
namespace {

using testing::FixtureIpData;
using testing::WriteIpTables;

Address Parse(std::string_view text) {
  Address a;
  Status s = ParseAddress(text, &a);
  EXPECT_TRUE(s.ok()) << text << ": " << s.ToString();
  return a;
}

std::string ParseError(std::string_view text) {
  Address a;
  Status s = ParseAddress(text, &a);
  EXPECT_FALSE(s.ok()) << text << " parsed";
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  return s.message();
}

std::unique_ptr<IpDatabase> OpenDir(const std::filesystem::path& dir, Status* status = nullptr,
                                    std::vector<std::filesystem::path> mmdb = {}) {
  OpenOptions o;
  o.data_dir = dir;
  o.mmdb_files = std::move(mmdb);
  std::unique_ptr<IpDatabase> db;
  Status s = IpDatabase::Open(o, &db);
  if (status != nullptr) {
    *status = s;
  } else {
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return db;
}

const Evidence* FindEvidence(const Answer& a, std::string_view part) {
  for (const Evidence& e : a.evidence) {
    if (e.part == part) return &e;
  }
  return nullptr;
}

TEST(IpParse, GoodAddresses) {
  Address a = Parse("175.45.178.10");
  EXPECT_TRUE(a.v4);
  EXPECT_EQ(FormatAddress(a), "175.45.178.10");
  EXPECT_EQ(static_cast<uint32_t>(a.value), (175u << 24) | (45u << 16) | (178u << 8) | 10u);
  EXPECT_EQ(FormatAddress(Parse("  8.8.8.8\t")), "8.8.8.8");
  EXPECT_EQ(FormatAddress(Parse("0.0.0.0")), "0.0.0.0");
  EXPECT_EQ(FormatAddress(Parse("255.255.255.255")), "255.255.255.255");

  Address b = Parse("2001:0DB8:0:0:0:0:0:1");
  EXPECT_FALSE(b.v4);
  EXPECT_EQ(FormatAddress(b), "2001:db8::1");  // RFC 5952: lower case, :: for the zeros
  EXPECT_EQ(FormatAddress(Parse("2001:db8:0:1:1:1:1:1")), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(FormatAddress(Parse("::")), "::");

  // An IPv4-mapped IPv6 address is that IPv4 address: same value, answered as IPv4.
  Address m = Parse("::ffff:1.2.3.4");
  EXPECT_TRUE(m.v4);
  EXPECT_EQ(m.value, Parse("1.2.3.4").value);
  EXPECT_EQ(FormatAddress(m), "1.2.3.4");
  EXPECT_EQ(Parse("::ffff:0102:0304").value, Parse("1.2.3.4").value);
}

TEST(IpParse, BadAddressesSayWhy) {
  EXPECT_NE(ParseError("1.2.3.256").find("octet 256 out of range"), std::string::npos);
  EXPECT_NE(ParseError("1.2.3").find("3 octets instead of 4"), std::string::npos);
  EXPECT_NE(ParseError("1.2.3.4.5").find("5 octets"), std::string::npos);
  EXPECT_NE(ParseError("1..3.4").find("empty octet"), std::string::npos);
  EXPECT_NE(ParseError("01.2.3.4").find("leading zero"), std::string::npos);
  EXPECT_NE(ParseError("1.2.3.x").find("'x' is not a number"), std::string::npos);
  EXPECT_NE(ParseError("").find("empty"), std::string::npos);
  EXPECT_NE(ParseError("   ").find("empty"), std::string::npos);
  EXPECT_NE(ParseError("fe80::1%eth0").find("zone id"), std::string::npos);
  EXPECT_NE(ParseError("10.0.0.0/8").find("prefix"), std::string::npos);
  EXPECT_NE(ParseError("2001:db8::1::2").find("'::' appears more than once"), std::string::npos);
  EXPECT_NE(ParseError("2001:db8:::1").find(":::"), std::string::npos);
  EXPECT_NE(ParseError("2001:db8::12345").find("more than 4"), std::string::npos);
  EXPECT_NE(ParseError("2001:dg8::1").find("'g'"), std::string::npos);
  EXPECT_NE(ParseError("1:2:3:4:5:6:7:8:9").find("8 groups"), std::string::npos);
  EXPECT_NE(ParseError("example.com").find("not an IP address: 'example.com'"), std::string::npos);
  // A long input is cut in the message.
  std::string m = ParseError(std::string(500, '1'));
  EXPECT_LT(m.size(), 200u);
}

TEST(IpTables, FixtureLookupsNameTheRow) {
  std::unique_ptr<IpDatabase> db = OpenDir(FixtureIpData());
  Answer a;
  ASSERT_TRUE(db->Lookup("8.8.8.8", &a).ok());
  EXPECT_EQ(a.country, "US");
  EXPECT_EQ(a.asn, 15169u);
  EXPECT_EQ(a.as_org, "Google LLC");
  EXPECT_FALSE(a.sanctioned);
  const Evidence* c = FindEvidence(a, "country");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->table, "geo-whois-asn-country-ipv4.csv");
  EXPECT_EQ(c->row, 7u);
  EXPECT_EQ(c->range, "8.8.8.0-8.8.8.255");
  const Evidence* as = FindEvidence(a, "asn");
  ASSERT_NE(as, nullptr);
  EXPECT_EQ(as->table, "asn-ipv4.csv");
  EXPECT_EQ(as->row, 2u);

  // A quoted organization with "" inside.
  ASSERT_TRUE(db->Lookup("5.5.5.5", &a).ok());
  EXPECT_EQ(a.as_org, "Krym \"Test\", LLC");
  EXPECT_EQ(a.country, "UA");
  // Crimea and the DNR/LNR need subdivisions, which the tables do not have.
  ASSERT_FALSE(a.not_covered.empty());
  EXPECT_NE(a.not_covered[0].find("Crimea"), std::string::npos);

  // IPv6.
  ASSERT_TRUE(db->Lookup("2001:4860:4860::8888", &a).ok());
  EXPECT_EQ(a.version, 6);
  EXPECT_EQ(a.country, "US");
  EXPECT_EQ(a.asn, 15169u);
  EXPECT_EQ(FindEvidence(a, "country")->table, "geo-whois-asn-country-ipv6.csv");

  // Nowhere in the tables.
  ASSERT_TRUE(db->Lookup("9.9.9.9", &a).ok());
  EXPECT_TRUE(a.country.empty());
  EXPECT_EQ(a.asn, 0u);
  EXPECT_FALSE(a.sanctioned);
  EXPECT_FALSE(a.not_covered.empty());

  // Sources: both packages with version and date.
  ASSERT_GE(db->sources().size(), 2u);
  EXPECT_EQ(db->sources()[0].name, "@ip-location-db/geo-whois-asn-country");
  EXPECT_EQ(db->sources()[0].version, "2.3.2026061719");
  EXPECT_EQ(db->sources()[0].date, "2026-06-17");
  EXPECT_EQ(db->sources()[1].name, "@ip-location-db/asn");

  EXPECT_FALSE(db->Lookup("8.8.8.999", &a).ok());
}

TEST(IpTables, NestedRowsTheNarrowestWins) {
  std::unique_ptr<IpDatabase> db = OpenDir(FixtureIpData());
  Answer a;
  ASSERT_TRUE(db->Lookup("2.58.197.15", &a).ok());
  EXPECT_EQ(a.country, "BE");
  EXPECT_EQ(FindEvidence(a, "country")->row, 3u);
  ASSERT_TRUE(db->Lookup("2.58.197.14", &a).ok());
  EXPECT_EQ(a.country, "DE");
  EXPECT_EQ(FindEvidence(a, "country")->row, 2u);
  EXPECT_EQ(FindEvidence(a, "country")->range, "2.58.196.0-2.58.197.255");
  ASSERT_TRUE(db->Lookup("2.58.197.16", &a).ok());
  EXPECT_EQ(FindEvidence(a, "country")->row, 4u);

  // Partial overlaps, and a wide row holding several narrow ones, in any order.
  std::filesystem::path dir = testing::ScratchDir("overlap");
  WriteIpTables(dir,
                "10.0.0.0,10.0.0.255,AA\n"
                "1.0.0.0,1.0.0.255,AU\n"
                "1.0.0.128,1.0.1.127,CN\n"
                "1.0.0.0,1.0.3.255,JP\n"
                "1.0.2.0,1.0.2.0,KR\n");
  db = OpenDir(dir);
  auto country = [&](std::string_view ip) {
    Answer x;
    EXPECT_TRUE(db->Lookup(ip, &x).ok());
    return x.country;
  };
  EXPECT_EQ(country("1.0.0.1"), "AU");
  EXPECT_EQ(country("1.0.0.200"), "CN");  // AU and CN are as wide: the later row wins
  EXPECT_EQ(country("1.0.1.0"), "CN");
  EXPECT_EQ(country("1.0.1.200"), "JP");
  EXPECT_EQ(country("1.0.2.0"), "KR");
  EXPECT_EQ(country("1.0.2.1"), "JP");
  EXPECT_EQ(country("1.0.3.255"), "JP");
  EXPECT_EQ(country("1.0.4.0"), "");
  EXPECT_EQ(country("10.0.0.9"), "");  // special (private): no country
}

TEST(IpTables, MalformedRowsNameFileAndLine) {
  struct Case {
    std::string geo4, asn4, file, line, words;
  };
  const std::vector<Case> cases = {
      {"1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.1.256,CN\n", "", "geo-whois-asn-country-ipv4.csv",
       ":2:", "range end '1.0.1.256' is not an IPv4 address"},
      {"1.0.0.0,1.0.0.255,AU\n\n1.0.3.0,1.0.2.0,CN\n", "", "geo-whois-asn-country-ipv4.csv",
       ":3:", "range end 1.0.2.0 before start 1.0.3.0"},
      {"1.0.0.0,1.0.0.255,Australia\n", "", "geo-whois-asn-country-ipv4.csv",
       ":1:", "not a two-letter ISO code"},
      {"1.0.0.0,1.0.0.255\n", "", "geo-whois-asn-country-ipv4.csv", ":1:", "expected 3 fields"},
      {"1.0.0.0,1.0.0.255,AU,x\n", "", "geo-whois-asn-country-ipv4.csv", ":1:", "found more"},
      {"", "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\n", "asn-ipv4.csv",
       ":1:", "unterminated quote"},
      {"", "1.0.0.0,1.0.0.255,AS13335,Cloudflare\n", "asn-ipv4.csv",
       ":1:", "AS number 'AS13335' is not a number"},
      {"", "1.0.0.0,1.0.0.255,1,\"a\"b\n", "asn-ipv4.csv", ":1:", "after the closing quote"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    std::filesystem::path dir = testing::ScratchDir("bad" + std::to_string(i));
    WriteIpTables(dir, c.geo4, c.asn4);
    Status s;
    std::unique_ptr<IpDatabase> db = OpenDir(dir, &s);
    ASSERT_FALSE(s.ok()) << i;
    EXPECT_EQ(db, nullptr);
    EXPECT_NE(s.message().find(c.file + c.line), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(c.words), std::string::npos) << s.message();
  }
  // IPv6 too.
  std::filesystem::path dir = testing::ScratchDir("bad6");
  WriteIpTables(dir, "", "", "2001:db8::,2001:db8::zz,US\n");
  Status s;
  OpenDir(dir, &s);
  EXPECT_NE(s.message().find("geo-whois-asn-country-ipv6.csv:1: range end '2001:db8::zz' is not "
                             "an IPv6 address"),
            std::string::npos)
      << s.message();
}

TEST(IpTables, MissingDataSaysHowToInstall) {
  Status s;
  OpenDir(testing::ScratchDir("empty"), &s);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_NE(s.message().find("tools/deps.sh"), std::string::npos) << s.message();
  // ipv4_only: the IPv6 tables are not read.
  std::filesystem::path dir = testing::ScratchDir("v4only");
  WriteIpTables(dir, "", "", "garbage\n");
  OpenOptions o;
  o.data_dir = dir;
  o.ipv4_only = true;
  std::unique_ptr<IpDatabase> db;
  ASSERT_TRUE(IpDatabase::Open(o, &db).ok());
  Answer a;
  ASSERT_TRUE(db->Lookup("2001:4860::1", &a).ok());
  EXPECT_TRUE(a.country.empty());
  EXPECT_NE(a.not_covered[0].find("IPv6 tables were not loaded"), std::string::npos);
  // The npm prefix folder (…/data/ip-location-db) is accepted as well as the packages'.
  std::filesystem::path prefix = testing::ScratchDir("prefix");
  WriteIpTables(prefix / "node_modules" / "@ip-location-db");
  db = OpenDir(prefix);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Lookup("8.8.8.8", &a).ok());
  EXPECT_EQ(a.country, "US");
}

TEST(IpTables, SpecialRangesHaveNoLocation) {
  std::unique_ptr<IpDatabase> db = OpenDir(FixtureIpData());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"10.1.2.3", "private"},
      {"172.16.5.4", "private"},
      {"192.168.1.1", "private"},
      {"100.64.1.1", "carrier"},
      {"127.0.0.1", "loopback"},
      {"169.254.1.1", "link-local"},
      {"192.0.2.1", "documentation"},
      {"198.51.100.7", "documentation"},
      {"203.0.113.9", "documentation"},
      {"224.0.0.1", "multicast"},
      {"255.255.255.255", "reserved"},
      {"::1", "loopback"},
      {"::", "unspecified"},
      {"fe80::1", "link-local"},
      {"fd12:3456::1", "unique local"},
      {"fc00::1", "unique local"},
      {"ff02::1", "multicast"},
      {"2001:db8::1", "documentation"},
      {"::ffff:192.168.0.1", "private"},
  };
  for (const auto& [ip, kind] : cases) {
    Answer a;
    ASSERT_TRUE(db->Lookup(ip, &a).ok()) << ip;
    EXPECT_TRUE(a.special) << ip;
    EXPECT_NE(a.special_kind.find(kind), std::string::npos) << ip << ": " << a.special_kind;
    EXPECT_TRUE(a.country.empty()) << ip;
    EXPECT_FALSE(a.sanctioned) << ip;
    Brief b = db->LookupBrief(Parse(ip));
    EXPECT_TRUE(b.special) << ip;
    EXPECT_FALSE(b.sanctioned) << ip;
  }
  for (std::string ip : {"1.0.0.1", "8.8.8.8", "100.128.0.1", "2001:4860::1"}) {
    Answer a;
    ASSERT_TRUE(db->Lookup(ip, &a).ok());
    EXPECT_FALSE(a.special) << ip;
  }
}

TEST(IpTables, SanctionsAndDprkRanges) {
  std::unique_ptr<IpDatabase> db = OpenDir(FixtureIpData());
  Answer a;
  ASSERT_TRUE(db->Lookup("175.45.178.10", &a).ok());
  EXPECT_EQ(a.country, "KP");
  EXPECT_TRUE(a.sanctioned);
  ASSERT_EQ(a.sanctions.size(), 1u);
  EXPECT_EQ(a.sanctions[0].program, "DPRK");
  EXPECT_NE(a.sanctions[0].source.find("31 CFR part 510"), std::string::npos);
  ASSERT_TRUE(a.dprk.has_value());
  EXPECT_EQ(a.dprk->cidr, "175.45.176.0/22");
  EXPECT_EQ(a.dprk->asn, 131279u);
  EXPECT_EQ(FindEvidence(a, "dprk_range")->table, "dprk_ranges.tsv");
  EXPECT_GT(FindEvidence(a, "dprk_range")->row, 0u);
  EXPECT_EQ(FindEvidence(a, "sanction")->table, "sanctioned_jurisdictions.tsv");

  // A DPRK range whatever the country table says (77.94.35.0/24 is RU in the fixture).
  ASSERT_TRUE(db->Lookup("77.94.35.20", &a).ok());
  EXPECT_EQ(a.country, "RU");
  ASSERT_TRUE(a.dprk.has_value());
  EXPECT_EQ(a.dprk->cidr, "77.94.35.0/24");
  EXPECT_NE(a.dprk->source.find("Recorded Future"), std::string::npos);
  EXPECT_EQ(a.dprk->date, "2017");
  EXPECT_TRUE(a.sanctioned);
  ASSERT_EQ(a.sanctions.size(), 1u);
  EXPECT_EQ(a.sanctions[0].country, "KP");
  Brief b = db->LookupBrief(Parse("77.94.35.20"));
  EXPECT_TRUE(b.dprk);
  EXPECT_TRUE(b.sanctioned);
  EXPECT_EQ(std::string(b.country.data(), 2), "RU");
  ASSERT_TRUE(db->Lookup("77.94.36.1", &a).ok());
  EXPECT_FALSE(a.dprk.has_value());
  EXPECT_FALSE(a.sanctioned);
  ASSERT_TRUE(db->Lookup("210.52.109.1", &a).ok());
  ASSERT_TRUE(a.dprk.has_value());
  EXPECT_EQ(a.dprk->cidr, "210.52.109.0/24");

  // A sanctioned country without a DPRK range.
  ASSERT_TRUE(db->Lookup("5.160.1.1", &a).ok());
  EXPECT_TRUE(a.sanctioned);
  EXPECT_EQ(a.sanctions[0].program, "IRAN");
  EXPECT_FALSE(a.dprk.has_value());

  // The table itself.
  for (const char* c : {"KP", "IR", "CU", "SY"}) EXPECT_NE(db->SanctionedCountry(c), nullptr) << c;
  EXPECT_EQ(db->SanctionedCountry("US"), nullptr);
  EXPECT_EQ(db->SanctionedCountry("UA-43"), nullptr);  // a region, not a country
  EXPECT_EQ(db->SanctionedCountry("KR"), nullptr);
  EXPECT_EQ(db->SanctionedCountry("CN"), nullptr);
  EXPECT_EQ(db->SanctionedCountry("RU"), nullptr);

  nlohmann::json j = ToJson(a, db->sources());
  EXPECT_EQ(j["country"], "IR");
  EXPECT_EQ(j["sanctioned"], true);
  EXPECT_TRUE(j["dprk_range"].is_null());
  EXPECT_TRUE(j["special"].is_null());
  EXPECT_EQ(j["sanctions"][0]["program"], "IRAN");
  EXPECT_FALSE(j["evidence"].empty());
  EXPECT_FALSE(j["sources"].empty());
}

// A MaxMind database with a Crimean network (UA / 43), a Donetsk oblast one (UA / 14: only
// part of it is the so-called DNR), one with a registered country and AS only, and an IPv6
// one.
std::filesystem::path WriteTestMmdb(const std::filesystem::path& dir) {
  testing::MmdbWriter w;
  EXPECT_TRUE(w.Add("5.5.5.0/24", testing::Located("UA", "43")));
  EXPECT_TRUE(w.Add("5.5.6.0/24", testing::Located("UA", "14")));
  EXPECT_TRUE(w.Add("9.9.9.0/24", testing::Registered("CU", 64512, "Test AS")));
  EXPECT_TRUE(w.Add("2a02:1::/32", testing::Located("UA", "40", 64513)));
  std::filesystem::path p = dir / "test-city.mmdb";
  w.Write(p.string());
  return p;
}

TEST(IpMmdb, ConsultedFirstTablesFillTheRest) {
  std::filesystem::path mmdb = WriteTestMmdb(testing::ScratchDir("mmdb"));
  std::unique_ptr<IpDatabase> db = OpenDir(FixtureIpData(), nullptr, {mmdb});
  ASSERT_NE(db, nullptr);
  Answer a;
  ASSERT_TRUE(db->Lookup("5.5.5.7", &a).ok());
  EXPECT_EQ(a.country, "UA");
  EXPECT_EQ(a.subdivision, "UA-43");
  EXPECT_TRUE(a.sanctioned);
  ASSERT_EQ(a.sanctions.size(), 1u);
  EXPECT_EQ(a.sanctions[0].country, "UA-43");
  EXPECT_EQ(a.sanctions[0].name, "Crimea");
  EXPECT_NE(a.sanctions[0].source.find("13685"), std::string::npos);
  const Evidence* c = FindEvidence(a, "country");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->table, "test-city.mmdb");
  EXPECT_EQ(c->row, 0u);
  EXPECT_EQ(c->range, "5.5.5.0/24");
  EXPECT_EQ(FindEvidence(a, "region")->value, "UA-43");
  // The AS the database lacks comes from the tables.
  EXPECT_EQ(a.asn, 65001u);
  EXPECT_EQ(FindEvidence(a, "asn")->table, "asn-ipv4.csv");
  EXPECT_TRUE(a.not_covered.empty());
  Brief b = db->LookupBrief(Parse("5.5.5.7"));
  EXPECT_TRUE(b.sanctioned);
  EXPECT_FALSE(b.dprk);
  EXPECT_EQ(std::string(b.country.data(), 2), "UA");

  // Donetsk oblast: reported, not counted as sanctioned.
  ASSERT_TRUE(db->Lookup("5.5.6.1", &a).ok());
  EXPECT_EQ(a.subdivision, "UA-14");
  EXPECT_FALSE(a.sanctioned);
  ASSERT_EQ(a.not_covered.size(), 1u);
  EXPECT_NE(a.not_covered[0].find("so-called DNR"), std::string::npos) << a.not_covered[0];
  EXPECT_FALSE(db->LookupBrief(Parse("5.5.6.1")).sanctioned);

  // Elsewhere in UA: the tables, and the regions not covered.
  ASSERT_TRUE(db->Lookup("5.5.7.1", &a).ok());
  EXPECT_EQ(a.country, "UA");
  EXPECT_EQ(FindEvidence(a, "country")->table, "geo-whois-asn-country-ipv4.csv");
  EXPECT_FALSE(a.not_covered.empty());

  // The registered country when there is no country; the database's AS.
  ASSERT_TRUE(db->Lookup("9.9.9.9", &a).ok());
  EXPECT_EQ(a.country, "CU");
  EXPECT_NE(FindEvidence(a, "country")->value.find("registered"), std::string::npos);
  EXPECT_EQ(a.asn, 64512u);
  EXPECT_EQ(a.as_org, "Test AS");
  EXPECT_EQ(FindEvidence(a, "asn")->table, "test-city.mmdb");
  EXPECT_TRUE(a.sanctioned);

  // IPv6: Sevastopol.
  ASSERT_TRUE(db->Lookup("2a02:1::5", &a).ok());
  EXPECT_EQ(a.subdivision, "UA-40");
  EXPECT_TRUE(a.sanctioned);
  EXPECT_EQ(FindEvidence(a, "region")->range, "2a02:1::/32");

  // The database is a source.
  EXPECT_EQ(db->sources()[0].name, "test-city.mmdb");
  EXPECT_EQ(db->sources()[0].date, "2026-06-17");
  EXPECT_NE(db->sources()[0].note.find("Vigil-Test-City"), std::string::npos);
}

TEST(IpMmdb, BadFilesNameTheFile) {
  std::filesystem::path dir = testing::ScratchDir("mmdb");
  Status s;
  std::unique_ptr<IpDatabase> db;
  OpenOptions o;
  std::filesystem::path bad = dir / "bad.mmdb";
  testing::WriteFile(bad, "this is not a MaxMind database");
  o.mmdb_files = {bad};
  o.data_dir = FixtureIpData();
  s = IpDatabase::Open(o, &db);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bad.mmdb"), std::string::npos) << s.message();
  o.mmdb_files = {dir / "missing.mmdb"};
  s = IpDatabase::Open(o, &db);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("missing.mmdb"), std::string::npos) << s.message();
}

// ---- the real tables (tools/deps.sh installs them) ----

TEST(IpReal, MustShowAnswers) {
  VIGIL_REQUIRE_IP_TABLES(db);
  Answer a;
  ASSERT_TRUE(db->Lookup("175.45.178.10", &a).ok());
  EXPECT_EQ(a.country, "KP");
  EXPECT_EQ(a.asn, 131279u);
  EXPECT_NE(a.as_org.find("Star Joint Venture"), std::string::npos);
  EXPECT_TRUE(a.sanctioned);
  EXPECT_EQ(a.sanctions.at(0).program, "DPRK");
  ASSERT_TRUE(a.dprk.has_value());
  EXPECT_EQ(a.dprk->cidr, "175.45.176.0/22");
  EXPECT_GT(FindEvidence(a, "country")->row, 1u);
  const DataSource& geo = db->sources().at(0);
  EXPECT_EQ(geo.name, "@ip-location-db/geo-whois-asn-country");
  EXPECT_EQ(geo.version, "2.3.2026061719");
  EXPECT_EQ(geo.date, "2026-06-17");
  EXPECT_NE(geo.licence.find("NRO_LICENSE"), std::string::npos);
  EXPECT_FALSE(geo.note.empty());  // the README's data-bug warning

  ASSERT_TRUE(db->Lookup("8.8.8.8", &a).ok());
  EXPECT_EQ(a.country, "US");
  EXPECT_EQ(a.asn, 15169u);
  EXPECT_FALSE(a.sanctioned);
  EXPECT_FALSE(a.dprk.has_value());

  ASSERT_TRUE(db->Lookup("2001:4860:4860::8888", &a).ok());
  EXPECT_EQ(a.version, 6);
  EXPECT_EQ(a.country, "US");
  EXPECT_EQ(a.asn, 15169u);
  EXPECT_FALSE(a.sanctioned);
}

TEST(IpReal, BriefAgreesWithTheFullAnswer) {
  VIGIL_REQUIRE_IP_TABLES(db);
  std::mt19937_64 rng(16);
  for (int i = 0; i < 3000; ++i) {
    Address a;
    if (i % 3 == 2) {
      // IPv6 in 2000::/3, where the allocations are.
      a.value = (static_cast<Uint128>(rng()) << 64) | rng();
      a.value = (a.value >> 3) | (static_cast<Uint128>(1) << 125);
    } else {
      a = Address{(static_cast<Uint128>(0xffff) << 32) | static_cast<uint32_t>(rng()), true};
    }
    Answer full = db->Lookup(a);
    Brief b = db->LookupBrief(a);
    std::string country = b.country[0] ? std::string(b.country.data(), 2) : "";
    EXPECT_EQ(country, full.country) << FormatAddress(a);
    EXPECT_EQ(b.asn, full.asn) << FormatAddress(a);
    EXPECT_EQ(b.sanctioned, full.sanctioned) << FormatAddress(a);
    EXPECT_EQ(b.special, full.special) << FormatAddress(a);
    EXPECT_EQ(b.dprk, full.dprk.has_value() || full.country == "KP") << FormatAddress(a);
  }
}

}  // namespace
}  // namespace vigil::ip
