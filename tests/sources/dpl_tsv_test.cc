// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "sources/common.h"
#include "test_util.h"
#include "util/file.h"
#include "vigil/list.h"

namespace vigil::sources {
namespace {

namespace fs = std::filesystem;
using testing::ExpectNamesFileAndLine;
using testing::HasProperty;
using testing::IsSentinel;
using testing::ReadAll;
using testing::Sentinel;
using testing::WriteTemp;
const auto& Find = testing::FindEntity;

const fs::path kFixture = fs::path(VIGIL_FIXTURES) / "dpl" / "dpl.txt";
const fs::path kReal = fs::path(VIGIL_SHARED_LISTS) / "us_bis_dpl" / "2022-09";

const char kHeader[] =
    "\"Name\"\t\"Street_Address\"\t\"City\"\t\"State\"\t\"Country\"\t\"Postal_Code\"\t"
    "\"Effective_Date\"\t\"Expiration_Date\"\t\"Standard_Order\"\t\"Last_Update\"\t\"Action\"\t"
    "\"FR_Citation\"\r\n";

TEST(DplTsvTest, MapsFixture) {
  LoadedList l;
  Status s = LoadDpl(kFixture, &l);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(l.info.source, "us_bis_dpl");
  EXPECT_EQ(l.info.title, "BIS Denied Persons List");
  EXPECT_EQ(l.info.format, "dpl_tsv");
  EXPECT_EQ(l.info.rows_read, 6u);
  ASSERT_EQ(l.entities.size(), 4u);
  EXPECT_EQ(l.entities[0].id, "us_bis_dpl:1");
  EXPECT_EQ(l.entities[1].id, "us_bis_dpl:2");
  EXPECT_EQ(l.entities[2].id, "us_bis_dpl:5");  // same name, another order
  EXPECT_EQ(l.entities[3].id, "us_bis_dpl:6");

  ASSERT_EQ(l.info.warnings.size(), 2u);
  EXPECT_EQ(l.info.warnings[0].file, kFixture.string());
  EXPECT_EQ(l.info.warnings[0].line, 4u);
  EXPECT_NE(l.info.warnings[0].message.find("Last_Update \"3017-08-22\""), std::string::npos);
  EXPECT_EQ(l.info.warnings[1].line, 7u);
  EXPECT_NE(l.info.warnings[1].message.find("Last_Update \"0222-05-18\""), std::string::npos);

  const Entity& ash = l.entities[0];
  EXPECT_EQ(ash.source, "us_bis_dpl");
  EXPECT_EQ(ash.source_id, "1");
  EXPECT_EQ(ash.kind, EntityKind::kUnknown);
  ASSERT_EQ(ash.names.size(), 1u);
  EXPECT_EQ(ash.names[0].full, "I. ASH");
  EXPECT_EQ(ash.names[0].kind, NameKind::kPrimary);
  EXPECT_EQ(ash.programs, std::vector<std::string>{"DPL"});
  EXPECT_EQ(ash.listed_on, "2003-06-19");
  EXPECT_EQ(ash.updated_on, "2007-01-31");
  ASSERT_EQ(ash.addresses.size(), 1u);
  EXPECT_EQ(ash.addresses[0], (Address{"FCI SEAGOVILLE, 2113 NORTH HIGHWAY 175", "SEAGOVILLE", "TX",
                                       "75159", "US", "US", ""}));
  EXPECT_TRUE(HasProperty(ash, "expiration_date", "2056-06-29"));
  EXPECT_TRUE(HasProperty(ash, "standard_order", "Y"));
  EXPECT_TRUE(HasProperty(ash, "action", "FEDERAL REGISTER NOTICE UPDATED"));
  EXPECT_TRUE(HasProperty(ash, "fr_citation", "68 F.R. 38290 6/27/03"));
}

TEST(DplTsvTest, GroupsAddressesOfOneOrder) {
  LoadedList l;
  ASSERT_TRUE(LoadDpl(kFixture, &l).ok());
  const Entity& air = l.entities[1];
  EXPECT_EQ(air.names[0].full, "AIR FREIGHT LTD");
  // Rows 2-4: one order, two distinct addresses (row 4 repeats row 2's address).
  ASSERT_EQ(air.addresses.size(), 2u);
  EXPECT_EQ(air.addresses[0], (Address{"P.O. BOX 1", "DUBAI", "", "", "AE", "AE", ""}));
  EXPECT_EQ(air.addresses[1], (Address{"2 MAIN ROAD", "ISTANBUL", "", "34000", "TR", "TR", ""}));
  EXPECT_EQ(air.listed_on, "2016-10-05");
  EXPECT_EQ(air.updated_on, "2017-01-02");  // the latest possible Last_Update of the group
  EXPECT_TRUE(HasProperty(air, "fr_citation", "81 F.R. 70390 10/12/2016"));

  const Entity& renewed = l.entities[2];
  EXPECT_EQ(renewed.names[0].full, "AIR FREIGHT LTD");
  EXPECT_EQ(renewed.listed_on, "2019-03-01");
  ASSERT_EQ(renewed.addresses.size(), 1u);

  const Entity& doe = l.entities[3];
  EXPECT_EQ(doe.names[0].full, "JOHN \"JACK\" DOE");
  EXPECT_EQ(doe.updated_on, "");  // 0222-05-18 skipped
  EXPECT_EQ(doe.addresses[0].country, "");
  EXPECT_EQ(doe.addresses[0].region, "TX");
  EXPECT_FALSE(std::any_of(doe.properties.begin(), doe.properties.end(),
                           [](const Property& p) { return p.key == "expiration_date"; }));
}

TEST(DplTsvTest, ReadsWindows1252) {
  std::string bytes =
      std::string(kHeader) +
      "\"JOS\xC9 P\xC9REZ\"\t\"CALLE 1\"\t\"MADRID\"\t\"\"\t\"ES\"\t\"28001\"\t"
      "\"01/02/2020\"\t\"\"\t\"Y\"\t\"2020-01-05\"\t\"\"\t\"85 F.R. 1 1/5/2020\"\r\n";
  LoadedList l;
  Status s = LoadDpl(WriteTemp("cp1252.txt", bytes), &l);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(l.entities.size(), 1u);
  EXPECT_EQ(l.entities[0].names[0].full, "JOS\xC3\x89 P\xC3\x89REZ");
}

TEST(DplTsvTest, MissingFileFailsAndLeavesOutUntouched) {
  LoadedList out = Sentinel();
  fs::path p = fs::path(VIGIL_FIXTURES) / "dpl" / "no_such.txt";
  Status s = LoadDpl(p, &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(p.string()), std::string::npos) << s.message();  // no line exists
  EXPECT_TRUE(IsSentinel(out));
}

TEST(DplTsvTest, EmptyFileFails) {
  LoadedList out = Sentinel();
  fs::path p = WriteTemp("empty.txt", "");
  Status s = LoadDpl(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find(p.string()), std::string::npos) << s.message();
  EXPECT_TRUE(IsSentinel(out));
}

TEST(DplTsvTest, HeaderOnlyFails) {
  LoadedList out = Sentinel();
  fs::path p = WriteTemp("header_only.txt", kHeader);
  Status s = LoadDpl(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  ExpectNamesFileAndLine(s, p, 2);
  EXPECT_TRUE(IsSentinel(out));
}

// A file that ends inside a quoted field is a sign of truncation: refused by default,
// loaded without the cut row when truncation is accepted.
TEST(DplTsvTest, TruncatedFileIsRefusedUnlessAccepted) {
  std::string bytes;
  ASSERT_TRUE(util::ReadFile(kFixture, &bytes).ok());
  bytes += "\"TRUNCATED PARTY\"\t\"1 MAIN";
  LoadedList out = Sentinel();
  fs::path p = WriteTemp("dpl.txt", bytes);
  Status s = LoadList(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  ExpectNamesFileAndLine(s, p, 8);
  EXPECT_TRUE(IsSentinel(out));

  LoadOptions accept;
  accept.accept_truncated = true;
  ASSERT_TRUE(LoadList(p, accept, &out).ok());
  ASSERT_EQ(out.info.truncation.size(), 1u);
  EXPECT_EQ(out.info.truncation[0].line, 8u);
  for (const Entity& e : out.entities) EXPECT_NE(e.primary_name(), "TRUNCATED PARTY");
}

// A row with another field count than the header's fails the load (one rule with OFAC's
// files; the real 2022-09 file has none).
TEST(DplTsvTest, WrongFieldCountFailsNamingLine) {
  std::string bytes;
  ASSERT_TRUE(util::ReadFile(kFixture, &bytes).ok());
  bytes += "\"SHORT ROW\"\t\"1 MAIN ST\"\n";
  LoadedList out = Sentinel();
  fs::path p = WriteTemp("dpl.txt", bytes);
  Status s = LoadList(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  ExpectNamesFileAndLine(s, p, 8);
  EXPECT_NE(s.message().find("2 fields, the header 12"), std::string::npos) << s.message();
  EXPECT_TRUE(IsSentinel(out));
}

TEST(DplTsvTest, RandomBytesFail) {
  std::mt19937 gen(20220901);
  std::string bytes(4096, '\0');
  for (char& c : bytes) c = static_cast<char>(gen() & 0xFF);
  bytes[1000] = '\0';
  LoadedList out = Sentinel();
  fs::path p = WriteTemp("random.txt", bytes);
  Status s = LoadDpl(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  size_t at = s.message().find(p.string() + ":");
  ASSERT_NE(at, std::string::npos) << s.message();
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(s.message()[at + p.string().size() + 1])))
      << s.message();
  EXPECT_TRUE(IsSentinel(out));
}

TEST(DplTsvTest, HeaderWithoutRequiredColumnsFails) {
  LoadedList out = Sentinel();
  fs::path p = WriteTemp("no_columns.txt", "\"Name\"\t\"City\"\r\n\"X\"\t\"Y\"\r\n");
  Status s = LoadDpl(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  ExpectNamesFileAndLine(s, p, 1);
  EXPECT_NE(s.message().find("Effective_Date"), std::string::npos) << s.message();
  EXPECT_TRUE(IsSentinel(out));
}

TEST(DplRealTest, LoadsSnapshot) {
  if (!fs::exists(fs::path(VIGIL_SHARED_LISTS) / "us_csl" / "2023-11") || !fs::exists(kReal)) {
    GTEST_SKIP() << "../shared/lists not found";
  }
  LoadedList l;
  Status s = LoadList(kReal, &l);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(l.info.source, "us_bis_dpl");
  EXPECT_EQ(l.info.rows_read, 581u);
  // Grouped by (Name, Effective_Date, FR_Citation).
  EXPECT_EQ(l.entities.size(), 487u);
  std::string all;
  for (const LoadWarning& w : l.info.warnings)
    all += std::to_string(w.line) + ": " + w.message + "\n";
  // Three impossible Last_Update years; the rows themselves are kept.
  ASSERT_EQ(l.info.warnings.size(), 3u) << all;
  EXPECT_EQ(l.info.warnings[0].line, 35u);
  EXPECT_NE(l.info.warnings[0].message.find("Last_Update \"0222-05-18\""), std::string::npos);
  EXPECT_EQ(l.info.warnings[1].line, 306u);
  EXPECT_NE(l.info.warnings[1].message.find("Last_Update \"2922-09-01\""), std::string::npos);
  EXPECT_EQ(l.info.warnings[2].line, 343u);
  EXPECT_NE(l.info.warnings[2].message.find("Last_Update \"3017-08-22\""), std::string::npos);
  for (const LoadWarning& w : l.info.warnings) EXPECT_EQ(w.file, (kReal / "dpl.txt").string());
  size_t air_freight = 0;
  for (const Entity& e : l.entities) {
    EXPECT_EQ(e.programs, std::vector<std::string>{"DPL"});
    EXPECT_FALSE(e.listed_on.empty()) << e.id;
    if (e.names[0].full == "AIR FREIGHT LTD") ++air_freight;
  }
  EXPECT_EQ(air_freight, 2u);  // four rows: one order with three addresses, one renewal
  EXPECT_EQ(l.entities.front().id, "us_bis_dpl:1");
}

}  // namespace
}  // namespace vigil::sources
