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

const fs::path kFixture = fs::path(VIGIL_FIXTURES) / "csl" / "consolidated.csv";
const fs::path kReal = fs::path(VIGIL_SHARED_LISTS) / "us_csl" / "2023-11";

TEST(CslCsvTest, MapsFixture) {
  LoadedList l;
  ASSERT_TRUE(LoadCsl(kFixture, &l).ok());
  EXPECT_EQ(l.info.source, "us_csl");
  EXPECT_EQ(l.info.title, "US Consolidated Screening List");
  EXPECT_EQ(l.info.format, "csl_csv");
  EXPECT_EQ(l.info.rows_read, 8u);  // the repeated header and skipped rows count
  ASSERT_EQ(l.info.files.size(), 1u);
  EXPECT_EQ(l.info.files[0].sha256.size(), 64u);
  ASSERT_EQ(l.entities.size(), 4u);
  EXPECT_EQ(l.entities[0].id, "us_csl:30882");
  EXPECT_EQ(l.entities[1].id, "us_csl:9647");
  // Not a number (a BIS row): the sub-list code and 8 hex digits of SHA-256 of code, name
  // and addresses; the file's _id is kept as a property.
  EXPECT_EQ(l.entities[2].id, "us_csl:EL-1289a276");
  EXPECT_EQ(l.entities[2].source_id, "EL-1289a276");
  EXPECT_TRUE(HasProperty(l.entities[2], "csl_id", "dcc742038bcb47f1bf9e805ef279484d"));
  EXPECT_EQ(l.entities[3].id, "us_csl:9999");

  ASSERT_EQ(l.info.warnings.size(), 6u);
  const auto& w = l.info.warnings;
  EXPECT_EQ(w[0].line, 2u);
  EXPECT_NE(w[0].message.find("header row repeated"), std::string::npos);
  EXPECT_EQ(w[0].file, kFixture.string());
  EXPECT_EQ(w[1].line, 4u);
  EXPECT_NE(w[1].message.find("1980-02-30"), std::string::npos);
  EXPECT_EQ(w[2].line, 7u);
  EXPECT_NE(w[2].message.find("start_date \"2021-02-30\""), std::string::npos);
  EXPECT_EQ(w[3].line, 8u);
  EXPECT_NE(w[3].message.find("empty _id"), std::string::npos);
  EXPECT_EQ(w[4].line, 9u);
  EXPECT_NE(w[4].message.find("merged into entity us_csl:9647"), std::string::npos);
  EXPECT_EQ(w[5].line, 10u);
  EXPECT_NE(w[5].message.find("duplicate _id 9999"), std::string::npos);
}

TEST(CslCsvTest, MapsCmicEntity) {
  LoadedList l;
  ASSERT_TRUE(LoadCsl(kFixture, &l).ok());
  const Entity& e = l.entities[0];
  EXPECT_EQ(e.source, "us_csl");
  EXPECT_EQ(e.source_id, "30882");
  EXPECT_EQ(e.kind, EntityKind::kOrganization);
  ASSERT_EQ(e.names.size(), 3u);  // empty and repeated aliases dropped
  EXPECT_EQ(e.names[0].full, "China Telecom Corporation Limited");
  EXPECT_EQ(e.names[0].kind, NameKind::kPrimary);
  EXPECT_EQ(e.names[1].full, "CHINA TELECOM");
  EXPECT_EQ(e.names[1].kind, NameKind::kStrongAlias);
  EXPECT_EQ(e.names[2].full, "CHINA TELECOM CO., LTD");
  EXPECT_EQ(e.programs, std::vector<std::string>{"CMIC-EO13959"});
  ASSERT_EQ(e.addresses.size(), 1u);
  EXPECT_EQ(e.addresses[0].street, "31 Jinrong Street, Xicheng District, Beijing, 100033");
  EXPECT_EQ(e.addresses[0].country, "CN");
  ASSERT_EQ(e.identifiers.size(), 2u);
  EXPECT_EQ(e.identifiers[0],
            (Identifier{IdKind::kRegistration, "Unified Social Credit Code (USCC)",
                        "9111000071093019X7", "CN", "", ""}));
  EXPECT_EQ(e.identifiers[1], (Identifier{IdKind::kOther, "ISIN", "US1694261033", "", "", ""}));
  EXPECT_TRUE(HasProperty(e, "csl_source",
                          "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - "
                          "Treasury Department"));
  EXPECT_TRUE(HasProperty(e, "Issuer Name", "China Telecom Corp Ltd"));
  EXPECT_TRUE(HasProperty(e, "Target Type", "Public Company"));
  EXPECT_TRUE(HasProperty(e, "Listing Date (CMIC)", "2021-06-03"));
  EXPECT_TRUE(HasProperty(e, "entity_number", "30882"));
  EXPECT_TRUE(
      HasProperty(e, "source_list_url",
                  "https://www.treasury.gov/ofac/downloads/sanctions/1.0/cons_advanced.xml"));
}

TEST(CslCsvTest, MapsIndividualAndMergesSecondSubList) {
  LoadedList l;
  ASSERT_TRUE(LoadCsl(kFixture, &l).ok());
  const Entity& e = l.entities[1];
  EXPECT_EQ(e.kind, EntityKind::kPerson);
  ASSERT_EQ(e.names.size(), 2u);
  EXPECT_EQ(e.names[0].full, "ZAHHAR, Mahmoud Khaled");
  // The PLC row with the same _id was merged: its primary name became an alias.
  EXPECT_EQ(e.names[1].full, "Mahmoud Khaled ZAHHAR");
  EXPECT_EQ(e.names[1].kind, NameKind::kStrongAlias);
  EXPECT_EQ(e.programs, (std::vector<std::string>{"SDGT", "SDT", "PLC"}));
  EXPECT_TRUE(HasProperty(e, "csl_source",
                          "Palestinian Legislative Council List (PLC) - Treasury Department"));
  EXPECT_EQ(e.titles, std::vector<std::string>{"Hamas leader"});
  EXPECT_EQ(e.remarks, "First line of remarks\nsecond line");
  EXPECT_EQ(e.gender, "male");
  ASSERT_EQ(e.birth_dates.size(), 2u);  // 1980-02-30 is impossible: skipped with a warning
  EXPECT_EQ(e.birth_dates[0].from.year, 1945);
  EXPECT_TRUE(e.birth_dates[1].circa);
  EXPECT_EQ(e.birth_places, (std::vector<std::string>{"Giza, Egypt", "Gaza"}));
  EXPECT_EQ(e.countries, (std::vector<CountryLink>{{"TR", "TR", CountryRole::kCitizenship},
                                                   {"EG", "EG", CountryRole::kNationality},
                                                   {"KE", "KE", CountryRole::kNationality}}));
  ASSERT_EQ(e.identifiers.size(), 6u);
  EXPECT_EQ(e.identifiers[0],
            (Identifier{IdKind::kPassport, "Passport", "U00242309", "TR", "", ""}));
  EXPECT_EQ(e.identifiers[1],
            (Identifier{IdKind::kDigitalCurrency, "Digital Currency Address - XBT", "1ABCxyz9", "",
                        "XBT", ""}));
  EXPECT_EQ(e.identifiers[2],
            (Identifier{IdKind::kWebsite, "Website", "www.example.com", "", "", ""}));
  EXPECT_EQ(e.identifiers[3],
            (Identifier{IdKind::kEmail, "Email Address", "info@example.com", "", "", ""}));
  EXPECT_EQ(e.identifiers[4],
            (Identifier{IdKind::kNationalId, "C.U.R.P.", "AIMM67125HCHRRG06", "MX", "", "1968"}));
  EXPECT_EQ(e.identifiers[5],
            (Identifier{IdKind::kTaxId, "Tax ID No.", "7702070139", "RU", "", ""}));
}

TEST(CslCsvTest, MapsUntypedBisEntryAndVessel) {
  LoadedList l;
  ASSERT_TRUE(LoadCsl(kFixture, &l).ok());
  const Entity& el = l.entities[2];
  EXPECT_EQ(el.kind, EntityKind::kUnknown);
  EXPECT_EQ(el.programs, std::vector<std::string>{"EL"});  // from "Entity List (EL) - ..."
  ASSERT_EQ(el.addresses.size(), 2u);
  EXPECT_EQ(el.addresses[0].street, "Tian Wang te Zi #1, Baqiao District, Xian");
  EXPECT_EQ(el.addresses[0].country, "CN");
  EXPECT_EQ(el.addresses[0].country_name, "China");
  EXPECT_EQ(el.addresses[1].street, "Room 5, Hong Kong");
  EXPECT_EQ(el.addresses[1].country, "HK");
  EXPECT_EQ(el.listed_on, "2020-12-23");
  EXPECT_TRUE(HasProperty(el, "federal_register_notice", "85 FR 83799"));
  EXPECT_TRUE(HasProperty(el, "license_requirement", "For all items subject to the EAR."));
  EXPECT_TRUE(HasProperty(el, "license_policy", "Presumption of denial."));

  const Entity& v = l.entities[3];
  EXPECT_EQ(v.kind, EntityKind::kVessel);
  EXPECT_EQ(v.names.size(), 1u);  // the duplicate on the same sub-list was skipped
  EXPECT_EQ(v.listed_on, "");     // 2021-02-30 is impossible
  EXPECT_EQ(v.countries, (std::vector<CountryLink>{{"PA", "Panama", CountryRole::kFlag}}));
  ASSERT_EQ(v.identifiers.size(), 2u);
  EXPECT_EQ(v.identifiers[0], (Identifier{IdKind::kImo, "Vessel Registration Identification",
                                          "7406784", "", "", ""}));
  EXPECT_EQ(v.identifiers[1], (Identifier{IdKind::kCallSign, "Call Sign", "CL2192", "", "", ""}));
  EXPECT_TRUE(HasProperty(v, "vessel_type", "Tug"));
  EXPECT_TRUE(HasProperty(v, "gross_tonnage", "2595"));
  EXPECT_TRUE(HasProperty(v, "call_sign", "CL2192"));
}

// Short ids do not depend on the file's _id (a content hash that changes with any edit) nor
// on the row's position: the same row under another _id, further down, keeps its id; a row
// equal in sub-list, name and addresses to an earlier one gets "-2".
TEST(CslCsvTest, ShortIdsAreStableAndUnique) {
  std::string bytes = ReadAll(kFixture);
  LoadedList a;
  ASSERT_TRUE(LoadCsl(kFixture, &a).ok());
  // The same file with the BIS row's _id changed and a copy of the row (new _id) appended.
  std::string changed = bytes;
  const std::string old_id = "dcc742038bcb47f1bf9e805ef279484d";
  size_t at = changed.find(old_id);
  ASSERT_NE(at, std::string::npos);
  size_t end = changed.find('\n', at);
  std::string line = changed.substr(at - 1, end - at + 2);  // with its quote and '\n'
  changed.replace(at, old_id.size(), "0123456789abcdef0123456789abcdef01234567890123456789abcd");
  std::string copy = line;
  copy.replace(1, old_id.size(), "ffffffffffffffffffffffffffffffff");
  changed += copy;
  fs::path dir = fs::path(::testing::TempDir()) / "csl_short_ids";
  fs::create_directories(dir);
  std::ofstream(dir / "consolidated.csv", std::ios::binary) << changed;
  LoadedList b;
  Status s = LoadCsl(dir / "consolidated.csv", &b);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(b.entities.size(), a.entities.size() + 1);
  for (size_t i = 0; i < a.entities.size(); ++i) EXPECT_EQ(b.entities[i].id, a.entities[i].id);
  EXPECT_EQ(b.entities.back().id, "us_csl:EL-1289a276-2");
  EXPECT_TRUE(HasProperty(b.entities.back(), "csl_id", "ffffffffffffffffffffffffffffffff"));
}

TEST(CslCsvTest, MissingFileFailsAndLeavesOutUntouched) {
  LoadedList out = Sentinel();
  fs::path p = fs::path(VIGIL_FIXTURES) / "csl" / "no_such.csv";
  Status s = LoadCsl(p, &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(p.string()), std::string::npos) << s.message();  // no line exists
  EXPECT_TRUE(IsSentinel(out));
}

TEST(CslCsvTest, EmptyFileFails) {
  LoadedList out = Sentinel();
  fs::path p = WriteTemp("empty.csv", "\r\n  \n");
  Status s = LoadCsl(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find(p.string()), std::string::npos) << s.message();
  EXPECT_TRUE(IsSentinel(out));
}

// A record with another field count than the header's fails the load, as in OFAC files (the
// real 2023-11 snapshot has none but its cut last record).
TEST(CslCsvTest, WrongFieldCountFailsNamingLine) {
  std::string bytes = ReadAll(kFixture);
  bytes.insert(bytes.find("\"9999\""), "\"123\",\"too few fields\"\n");  // becomes line 7
  fs::path p = WriteTemp("short_row.csv", bytes);
  LoadedList out = Sentinel();
  Status s = LoadList(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  ExpectNamesFileAndLine(s, p, 7);
  EXPECT_NE(s.message().find("2 fields, the header 29"), std::string::npos) << s.message();
  EXPECT_TRUE(IsSentinel(out));
}

// A file that ends inside a quoted field is a sign of truncation: refused by default,
// loaded without the cut record (reported with its line) when truncation is accepted.
TEST(CslCsvTest, TruncatedLastRecordIsRefusedUnlessAccepted) {
  LoadedList whole;
  ASSERT_TRUE(LoadList(kFixture, &whole).ok());
  std::string bytes = ReadAll(kFixture);
  bytes += "\"77\",\"Specially Designated Nationals (SDN) - Treasury Department\",\"77\",\"Ind";
  fs::path p = WriteTemp("truncated.csv", bytes);

  LoadedList out = Sentinel();
  Status s = LoadList(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  ExpectNamesFileAndLine(s, p, 11);
  EXPECT_NE(s.message().find("--accept-truncated"), std::string::npos) << s.message();
  EXPECT_TRUE(IsSentinel(out));

  LoadOptions accept;
  accept.accept_truncated = true;
  s = LoadList(p, accept, &out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out.entities.size(), whole.entities.size());
  EXPECT_EQ(out.info.rows_read, whole.info.rows_read + 1);
  ASSERT_EQ(out.info.truncation.size(), 1u);
  EXPECT_EQ(out.info.truncation[0].file, p.string());
  EXPECT_EQ(out.info.truncation[0].line, 11u);
  EXPECT_NE(out.info.truncation[0].message.find("incomplete"), std::string::npos);
  ASSERT_EQ(out.info.warnings.size(), whole.info.warnings.size() + 1);
  EXPECT_NE(out.info.warnings.back().message.find("accepted despite a sign of truncation"),
            std::string::npos);
  EXPECT_EQ(Find(out, "us_csl:77"), nullptr);

  accept.strict = true;  // an accepted sign is still a warning: strict refuses it
  EXPECT_FALSE(LoadList(p, accept, &out).ok());
}

TEST(CslCsvTest, InvalidUtf8Fails) {
  LoadedList out = Sentinel();
  std::string bytes = ReadAll(kFixture);
  bytes.insert(bytes.find("Xicheng"), "\xC3\x28");  // line 3
  fs::path p = WriteTemp("bad_utf8.csv", bytes);
  Status s = LoadCsl(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  ExpectNamesFileAndLine(s, p, 3);
  EXPECT_TRUE(IsSentinel(out));
}

TEST(CslCsvTest, RandomBytesFail) {
  std::mt19937 gen(20231101);
  std::string bytes(4096, '\0');
  for (char& c : bytes) c = static_cast<char>(gen() & 0xFF);
  bytes[1000] = '\0';
  LoadedList out = Sentinel();
  fs::path p = WriteTemp("random.csv", bytes);
  Status s = LoadCsl(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  size_t at = s.message().find(p.string() + ":");
  ASSERT_NE(at, std::string::npos) << s.message();
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(s.message()[at + p.string().size() + 1])))
      << s.message();
  EXPECT_TRUE(IsSentinel(out));
}

TEST(CslCsvTest, HeaderWithoutRequiredColumnsFails) {
  LoadedList out = Sentinel();
  fs::path p = WriteTemp("no_name.csv", "_id,source,title\n1,SDN,Mr\n");
  Status s = LoadCsl(p, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  ExpectNamesFileAndLine(s, p, 1);
  EXPECT_NE(s.message().find("name"), std::string::npos);
  EXPECT_TRUE(IsSentinel(out));
}

// The 2023-11 snapshot ends inside a quoted field (its last record, line 4233, stops in
// the middle of an address): refused by default; with accept_truncated it loads and the
// report names the cut record.
TEST(CslRealTest, TruncatedSnapshotNeedsAcceptTruncated) {
  if (!fs::exists(kReal)) GTEST_SKIP() << "../shared/lists not found";
  LoadedList out;
  Status s = LoadList(kReal, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("consolidated.csv:4233:"), std::string::npos) << s.message();

  LoadOptions accept;
  accept.accept_truncated = true;
  s = LoadList(kReal, accept, &out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out.info.rows_read, 4228u);
  EXPECT_EQ(out.entities.size(), 4219u);
  ASSERT_EQ(out.info.truncation.size(), 1u);
  EXPECT_EQ(out.info.truncation[0].line, 4233u);
  EXPECT_NE(out.info.truncation[0].message.find("incomplete"), std::string::npos);
}

// The snapshot without its incomplete last record (copied to a temporary folder, outside
// the repository): everything else in it maps.
TEST(CslRealTest, SnapshotWithoutTruncatedTailLoads) {
  if (!fs::exists(kReal)) GTEST_SKIP() << "../shared/lists not found";
  std::string bytes = ReadAll(kReal / "consolidated.csv");
  bytes.resize(bytes.rfind('\n') + 1);
  fs::path dir = fs::path(::testing::TempDir()) / "csl_real";
  fs::create_directories(dir);
  std::ofstream(dir / "consolidated.csv", std::ios::binary) << bytes;

  LoadedList l;
  Status s = LoadList(dir, &l);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(l.info.rows_read, 4227u);  // 4,228 records after the header, less the cut one
  // 4,226 entries, of which 7 repeat an _id on a second sub-list and are merged.
  EXPECT_EQ(l.entities.size(), 4219u);
  size_t header = 0;
  size_t merged = 0;
  for (const LoadWarning& w : l.info.warnings) {
    if (w.message.find("header row repeated") != std::string::npos) {
      ++header;
      EXPECT_EQ(w.line, 2u);
    } else if (w.message.find("merged into entity") != std::string::npos) {
      ++merged;
    } else {
      ADD_FAILURE() << w.file << ":" << w.line << ": " << w.message;
    }
  }
  EXPECT_EQ(header, 1u);
  EXPECT_EQ(merged, 7u);

  const Entity* cmic = Find(l, "us_csl:30882");
  ASSERT_NE(cmic, nullptr);
  EXPECT_EQ(cmic->programs, std::vector<std::string>{"CMIC-EO13959"});
  ASSERT_FALSE(cmic->identifiers.empty());
  EXPECT_EQ(cmic->identifiers[0],
            (Identifier{IdKind::kRegistration, "Unified Social Credit Code (USCC)",
                        "9111000071093019X7", "CN", "", ""}));
  for (const Entity& e : l.entities) EXPECT_FALSE(e.programs.empty()) << e.id;
}

}  // namespace
}  // namespace vigil::sources
