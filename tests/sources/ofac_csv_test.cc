// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "sources/common.h"
#include "sources/ofac/remarks.h"
#include "test_util.h"
#include "vigil/list.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;
using testing::Fixture;
using testing::IsSentinel;
using testing::ReadAll;
using testing::ScratchDir;
using testing::Sentinel;
using testing::WriteFile;
const auto& Find = testing::FindEntity;

const Identifier* FindId(const Entity& e, IdKind kind) {
  for (const Identifier& i : e.identifiers) {
    if (i.kind == kind) return &i;
  }
  return nullptr;
}

// A copy of the fixture set in a scratch folder, with `name` replaced by `bytes`.
fs::path FixtureWith(const std::string& name, std::string_view bytes) {
  fs::path dir = ScratchDir("ofac");
  for (const auto& f : fs::directory_iterator(Fixture("ofac"))) {
    fs::copy_file(f.path(), dir / f.path().filename());
  }
  WriteFile(dir / name, bytes);
  return dir;
}

void ExpectFailsNaming(const fs::path& dir, const std::string& file, size_t line) {
  LoadedList out = Sentinel();
  Status s = LoadList(dir, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(file), std::string::npos) << s.message();
  if (line > 0) {
    EXPECT_NE(s.message().find(file + ":" + std::to_string(line) + ":"), std::string::npos)
        << s.message();
  }
  EXPECT_TRUE(IsSentinel(out));
}

TEST(OfacCsvTest, LoadsFixtureSet) {
  LoadedList l;
  Status s = LoadList(Fixture("ofac"), &l);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(l.info.source, "us_ofac_sdn");
  EXPECT_EQ(l.info.format, "ofac_csv");
  EXPECT_EQ(l.entities.size(), 4u);
  EXPECT_EQ(l.info.files.size(), 4u);
  for (const SourceFile& f : l.info.files) EXPECT_EQ(f.sha256.size(), 64u);
}

TEST(OfacCsvTest, MapsOrganizationWithIdentifiersAndAliases) {
  LoadedList l;
  ASSERT_TRUE(LoadList(Fixture("ofac"), &l).ok());
  const Entity* e = Find(l, "us_ofac_sdn:100");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, EntityKind::kOrganization);
  EXPECT_EQ(e->primary_name(), "EXAMPLE TRADING CO., LTD.");
  EXPECT_EQ(e->programs, (std::vector<std::string>{"DPRK3", "DPRK4"}));
  ASSERT_EQ(e->names.size(), 3u);
  EXPECT_EQ(e->names[1].full, "EXAMPLE TRADING COMPANY LIMITED");
  EXPECT_EQ(e->names[1].kind, NameKind::kStrongAlias);
  EXPECT_EQ(e->names[2].kind, NameKind::kFormerName);
  const Identifier* uscc = FindId(*e, IdKind::kRegistration);
  ASSERT_NE(uscc, nullptr);
  EXPECT_EQ(uscc->type, "Unified Social Credit Code (USCC)");
  EXPECT_EQ(uscc->value, "91210106MA0YG1A23K");
  EXPECT_EQ(uscc->country, "CN");
  ASSERT_NE(FindId(*e, IdKind::kWebsite), nullptr);
  EXPECT_EQ(FindId(*e, IdKind::kWebsite)->value, "www.example-trading.test");
  EXPECT_EQ(FindId(*e, IdKind::kEmail)->value, "info@example-trading.test");
  EXPECT_EQ(FindId(*e, IdKind::kPhone)->value, "8613300000000");
  ASSERT_EQ(e->addresses.size(), 1u);
  EXPECT_EQ(e->addresses[0].street, "12 Example Street");
  EXPECT_EQ(e->addresses[0].city, "Dandong, Liaoning");
  EXPECT_EQ(e->addresses[0].country, "CN");
  ASSERT_EQ(e->relationships.size(), 1u);
  EXPECT_EQ(e->relationships[0].target_name, "PAK, Chol Su");
  EXPECT_EQ(e->relationships[0].target_id, "us_ofac_sdn:101");
  ASSERT_FALSE(e->properties.empty());
  EXPECT_EQ(e->properties[0].key, "Secondary sanctions risk");
}

TEST(OfacCsvTest, MapsPersonRemarks) {
  LoadedList l;
  ASSERT_TRUE(LoadList(Fixture("ofac"), &l).ok());
  const Entity* e = Find(l, "us_ofac_sdn:101");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, EntityKind::kPerson);
  EXPECT_EQ(e->names[0].family, "PAK");
  EXPECT_EQ(e->names[0].given, "Chol Su");
  ASSERT_EQ(e->birth_dates.size(), 2u);
  EXPECT_EQ(e->birth_dates[0].from.ToString(), "1975-03-15");
  EXPECT_TRUE(e->birth_dates[1].circa);
  EXPECT_EQ(e->birth_dates[1].from.year, 1976);
  EXPECT_EQ(e->birth_places, (std::vector<std::string>{"Pyongyang, Korea, North"}));
  ASSERT_EQ(e->countries.size(), 1u);
  EXPECT_EQ(e->countries[0].code, "KP");
  EXPECT_EQ(e->countries[0].role, CountryRole::kNationality);
  EXPECT_EQ(e->gender, "male");
  const Identifier* pass = FindId(*e, IdKind::kPassport);
  ASSERT_NE(pass, nullptr);
  EXPECT_EQ(pass->value, "745310001");
  EXPECT_EQ(pass->country, "KP");
  EXPECT_EQ(pass->note, "expires 10 Jan 2023");
  const Identifier* xbt = FindId(*e, IdKind::kDigitalCurrency);
  ASSERT_NE(xbt, nullptr);
  EXPECT_EQ(xbt->currency, "XBT");
  EXPECT_EQ(xbt->value, "1ExampLeAddr3ssXXXXXXXXXXXXXXXXXX");
  // Remark alias and alt.csv alias, both kept, no duplicates.
  std::vector<std::string> names;
  for (const Name& n : e->names) names.push_back(n.full);
  EXPECT_EQ(names, (std::vector<std::string>{"PAK, Chol Su", "PARK, Cheol Soo", "PAK, Chol-su"}));
  // An unknown segment is kept as text, not dropped.
  EXPECT_EQ(e->unparsed_remarks, (std::vector<std::string>{"Scientific Studies Officer"}));
  EXPECT_EQ(e->relationships[0].target_id, "us_ofac_sdn:100");
}

TEST(OfacCsvTest, MapsVesselColumnsAndWindows1252) {
  LoadedList l;
  ASSERT_TRUE(LoadList(Fixture("ofac"), &l).ok());
  const Entity* v = Find(l, "us_ofac_sdn:102");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->kind, EntityKind::kVessel);
  EXPECT_EQ(v->primary_name(), "SEA \u201cSTAR\u201d");  // 0x93/0x94 are curly quotes
  EXPECT_EQ(FindId(*v, IdKind::kImo)->value, "8000001");
  EXPECT_EQ(FindId(*v, IdKind::kMmsi)->value, "445000001");
  EXPECT_EQ(FindId(*v, IdKind::kCallSign)->value, "HMAB1");
  ASSERT_EQ(v->countries.size(), 1u);
  EXPECT_EQ(v->countries[0].role, CountryRole::kFlag);
  EXPECT_EQ(v->countries[0].code, "KP");
  bool owner = false;
  for (const Property& p : v->properties)
    owner |= p.key == "Vessel Owner" && p.value == "EXAMPLE SHIPPING";
  EXPECT_TRUE(owner);
  const Entity* m = Find(l, "us_ofac_sdn:103");
  EXPECT_EQ(m->primary_name(), "M\u00dcLLER, J\u00fcrgen");
}

TEST(OfacCsvTest, RemarksOverflowIsJoinedBeforeParsing) {
  LoadedList l;
  ASSERT_TRUE(LoadList(Fixture("ofac"), &l).ok());
  const Entity* e = Find(l, "us_ofac_sdn:103");
  ASSERT_NE(e, nullptr);
  // "...; Regist" + "ration Number HRB 1234 (Germany)." from sdn_comments.csv.
  const Identifier* reg = FindId(*e, IdKind::kRegistration);
  ASSERT_NE(reg, nullptr);
  EXPECT_EQ(reg->value, "HRB 1234");
  EXPECT_EQ(reg->country, "DE");
  ASSERT_EQ(e->birth_dates.size(), 1u);
  EXPECT_EQ(e->birth_dates[0].from.year, 1960);
  EXPECT_EQ(e->birth_dates[0].to.year, 1962);
  EXPECT_EQ(FindId(*e, IdKind::kDigitalCurrency)->currency, "ETH");
  EXPECT_EQ(FindId(*e, IdKind::kTaxId)->value, "DE123456");
}

TEST(OfacCsvTest, OrphanRowsAreWarningsNamingFileAndLine) {
  LoadedList l;
  ASSERT_TRUE(LoadList(Fixture("ofac"), &l).ok());
  std::vector<std::string> where;
  for (const LoadWarning& w : l.info.warnings) {
    where.push_back(fs::path(w.file).filename().string() + ":" + std::to_string(w.line));
  }
  std::sort(where.begin(), where.end());
  EXPECT_EQ(where, (std::vector<std::string>{"add.csv:3", "alt.csv:4"}));
  bool atlantis = false;
  for (const LoadWarning& w : l.info.warnings)
    atlantis |= w.message.find("Atlantis") != std::string::npos;
  EXPECT_FALSE(atlantis) << "an orphan row is skipped before its country is looked at";
}

TEST(OfacCsvTest, MissingFolderOrMainFile) {
  ExpectFailsNaming(ScratchDir("nothing") / "absent", "absent", 0);
  fs::path empty_dir = ScratchDir("empty");
  LoadedList out;
  Status s = LoadList(empty_dir, &out);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("no list recognised"), std::string::npos);
}

TEST(OfacCsvTest, EmptyFileIsAnError) {
  ExpectFailsNaming(FixtureWith("sdn.csv", ""), "sdn.csv", 0);
  ExpectFailsNaming(FixtureWith("sdn.csv", "\r\n\x1a"), "sdn.csv", 0);
}

TEST(OfacCsvTest, MissingCompanionIsAWarningSayingWhatIsNotLoaded) {
  fs::path dir = FixtureWith("sdn.csv", ReadAll(Fixture("ofac/sdn.csv")));
  fs::remove(dir / "alt.csv");
  LoadedList l;
  ASSERT_TRUE(LoadList(dir, &l).ok());
  // The fixture's add.csv has one orphan row (a warning of its own); the missing file is
  // the other.
  ASSERT_EQ(l.info.warnings.size(), 2u);
  const LoadWarning& w = l.info.warnings[0];
  EXPECT_EQ(w.file, (dir / "alt.csv").string());
  EXPECT_EQ(w.line, 0u);
  EXPECT_TRUE(w.message.starts_with("alt.csv missing: aliases not loaded")) << w.message;
  EXPECT_NE(l.info.warnings[1].message.find("998"), std::string::npos);
  ASSERT_EQ(l.info.incomplete.size(), 1u);
  EXPECT_EQ(l.info.incomplete[0], w.message);
  // --strict refuses it, naming what is missing.
  LoadOptions strict;
  strict.strict = true;
  Status s = LoadList(dir, strict, &l);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("alt.csv missing"), std::string::npos) << s.ToString();

  // The whole set lacks nothing.
  ASSERT_TRUE(LoadList(Fixture("ofac"), &l).ok());
  EXPECT_TRUE(l.info.incomplete.empty());
  for (const LoadWarning& x : l.info.warnings) {
    EXPECT_EQ(x.message.find("missing"), std::string::npos) << x.message;
  }
}

TEST(OfacCsvTest, UndatedListIsDatedByItsFileAndMarkedSo) {
  fs::path dir = FixtureWith("sdn.csv", ReadAll(Fixture("ofac/sdn.csv")));
  // 2024-05-03 14:02:11 UTC
  fs::last_write_time(dir / "sdn.csv", std::chrono::file_clock::from_sys(std::chrono::sys_seconds{
                                           std::chrono::seconds{1714744931}}));
  LoadedList l;
  ASSERT_TRUE(LoadList(dir, &l).ok());
  EXPECT_EQ(l.info.published, "2024-05-03T14:02:11Z");
  EXPECT_EQ(l.info.published_source, "file_date");
  EXPECT_FALSE(l.info.sample);
  // The bundled sample is marked as such when LoadOptions names it, by any path.
  LoadOptions o;
  o.sample_path = (dir / ".." / dir.filename()).string();
  ASSERT_TRUE(LoadList(dir, o, &l).ok());
  EXPECT_TRUE(l.info.sample);
}

TEST(OfacCsvTest, EmptyCompanionFilesAreFine) {
  // A release with no remarks overflow or no aliases ships the file holding only 0x1A.
  fs::path dir = FixtureWith("sdn_comments.csv", "\x1a");
  WriteFile(dir / "alt.csv", "");
  LoadedList l;
  Status s = LoadList(dir, &l);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(l.entities.size(), 4u);
  EXPECT_EQ(Find(l, "us_ofac_sdn:100")->names.size(), 1u);
}

TEST(OfacCsvTest, TruncatedFileIsAnErrorNamingTheLine) {
  std::string bytes = ReadAll(Fixture("ofac/sdn.csv"));
  // Cut inside the third record's quoted name.
  size_t third = bytes.find("102,\"SEA");
  ExpectFailsNaming(FixtureWith("sdn.csv", bytes.substr(0, third + 8)), "sdn.csv", 3);
  // Cut after a field boundary: too few fields.
  size_t comma = bytes.find(",vessel,");
  ExpectFailsNaming(FixtureWith("sdn.csv", bytes.substr(0, comma)), "sdn.csv", 3);
}

TEST(OfacCsvTest, MalformedCompanionFilesFailTheWholeLoad) {
  ExpectFailsNaming(FixtureWith("alt.csv", "100,1000,\"aka\"\r\n"), "alt.csv", 1);
  ExpectFailsNaming(FixtureWith("add.csv", "x,1,-0- ,-0- ,-0- ,-0- \r\n"), "add.csv", 1);
}

TEST(OfacCsvTest, WrongEncodingAndRandomBytes) {
  // UTF-16 (NUL bytes) is not Windows-1252 text.
  std::string utf16 = std::string("\xFF\xFE", 2) + std::string("1\0,\0\"\0A\0\"\0", 10);
  ExpectFailsNaming(FixtureWith("sdn.csv", utf16), "sdn.csv", 1);
  // 0x81 is undefined in Windows-1252.
  std::string bytes = ReadAll(Fixture("ofac/sdn.csv"));
  bytes.insert(bytes.find("PAK, Chol Su\",individual"), "\x81");
  ExpectFailsNaming(FixtureWith("sdn.csv", bytes), "sdn.csv", 2);
  std::mt19937 gen(42);
  for (int round = 0; round < 20; ++round) {
    std::string noise(2048, '\0');
    for (char& c : noise) c = static_cast<char>(gen() % 256);
    LoadedList out = Sentinel();
    Status s = LoadList(FixtureWith("sdn.csv", noise), &out);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("sdn.csv"), std::string::npos) << s.message();
    EXPECT_TRUE(IsSentinel(out));
  }
}

TEST(OfacRemarksTest, UnknownSegmentsAreKept) {
  Entity e;
  e.kind = EntityKind::kPerson;
  sources::ofac::ParseRemarks("DOB 31 Feb 1990; Minister of Fun; nationality Atlantis.", &e);
  EXPECT_TRUE(e.birth_dates.empty());
  EXPECT_EQ(e.unparsed_remarks, (std::vector<std::string>{"DOB 31 Feb 1990", "Minister of Fun"}));
  ASSERT_EQ(e.countries.size(), 1u);
  EXPECT_EQ(e.countries[0].code, "");
  EXPECT_EQ(e.countries[0].name, "Atlantis");
}

TEST(OfacRealTest, Snapshot2021HasEveryEntity) {
  VIGIL_REQUIRE_SHARED(dir, "us_ofac_sdn/2021-07");
  LoadedList l;
  Status s = LoadList(dir, &l);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(l.entities.size(), 8976u);
  EXPECT_EQ(l.info.files.size(), 4u);
  const Entity* kcc = Find(l, "us_ofac_sdn:22323");
  ASSERT_NE(kcc, nullptr);
  EXPECT_EQ(kcc->primary_name(), "KOREA COMPUTER CENTER");
  EXPECT_EQ(kcc->names.size(), 4u);
  EXPECT_EQ(kcc->programs, (std::vector<std::string>{"DPRK3"}));
  EXPECT_NE(kcc->remarks.find("Secondary sanctions risk"), std::string::npos);
  const Entity* ys = Find(l, "us_ofac_sdn:24977");
  ASSERT_NE(ys, nullptr);
  const Identifier* uscc = FindId(*ys, IdKind::kRegistration);
  ASSERT_NE(uscc, nullptr);
  EXPECT_EQ(uscc->value, "91222401MA0Y31E659");
  // Most remark segments are understood.
  size_t segments = 0;
  for (const Entity& e : l.entities) {
    segments += e.birth_dates.size() + e.identifiers.size() + e.countries.size() +
                e.relationships.size() + e.unparsed_remarks.size();
  }
  EXPECT_LT(l.info.unparsed_remarks * 10, segments);
}

TEST(OfacRealTest, Snapshot2024ReadsAliasesFromRemarks) {
  VIGIL_REQUIRE_SHARED(dir, "us_ofac_sdn/2024-05");
  LoadedList l;
  ASSERT_TRUE(LoadList(dir, &l).ok());
  EXPECT_EQ(l.entities.size(), 14965u);
  // The folder has sdn.csv only: each missing companion is a warning saying what is lost.
  std::vector<std::string> warned;
  for (const LoadWarning& w : l.info.warnings) warned.push_back(w.message);
  ASSERT_EQ(warned.size(), 3u) << ::testing::PrintToString(warned);
  EXPECT_TRUE(warned[0].starts_with("sdn_comments.csv missing: remarks")) << warned[0];
  EXPECT_TRUE(warned[1].starts_with("alt.csv missing: aliases not loaded")) << warned[1];
  EXPECT_EQ(warned[2], "add.csv missing: addresses not loaded");
  EXPECT_EQ(l.info.incomplete, warned);
  // PARK Jin Hyok: 8 aliases in 2021-07 (alt.csv), none here.
  ASSERT_NE(Find(l, "us_ofac_sdn:24918"), nullptr);
  EXPECT_EQ(Find(l, "us_ofac_sdn:24918")->names.size(), 1u);
  const Entity* bnc = Find(l, "us_ofac_sdn:306");
  ASSERT_NE(bnc, nullptr);
  bool alias = false;
  for (const Name& n : bnc->names) alias |= n.full == "BNC" && n.kind == NameKind::kStrongAlias;
  EXPECT_TRUE(alias);
}

TEST(OfacCsvTest, ReadsTheNonSdnConsolidatedSetWithTheSameCode) {
  fs::path dir = ScratchDir("cons");
  const std::pair<const char*, const char*> kRename[] = {{"sdn.csv", "cons_prim.csv"},
                                                         {"alt.csv", "cons_alt.csv"},
                                                         {"add.csv", "cons_add.csv"},
                                                         {"sdn_comments.csv", "cons_comments.csv"}};
  for (const auto& [from, to] : kRename) fs::copy_file(Fixture("ofac") / from, dir / to);
  LoadedList l;
  Status s = LoadList(dir, &l);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(l.info.source, "us_ofac_cons");
  ASSERT_EQ(l.entities.size(), 4u);
  EXPECT_EQ(l.entities[0].id, "us_ofac_cons:100");
  EXPECT_EQ(l.entities[0].names.size(), 3u);      // aliases from cons_alt.csv
  EXPECT_EQ(l.entities[0].addresses.size(), 1u);  // address from cons_add.csv
  const Entity* m = Find(l, "us_ofac_cons:103");  // remarks overflow from cons_comments.csv
  ASSERT_NE(m, nullptr);
  bool reg = false;
  for (const Identifier& i : m->identifiers) reg |= i.value == "HRB 1234";
  EXPECT_TRUE(reg);
}

}  // namespace
}  // namespace vigil
