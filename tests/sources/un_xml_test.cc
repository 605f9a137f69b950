// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "sources/common.h"
#include "vigil/list.h"

namespace vigil::sources {
namespace {

namespace fs = std::filesystem;

const fs::path kFixture = fs::path(VIGIL_FIXTURES) / "un" / "consolidated.xml";

const Entity* Find(const LoadedList& list, std::string_view id) {
  auto it = std::find_if(list.entities.begin(), list.entities.end(),
                         [&](const Entity& e) { return e.id == id; });
  return it == list.entities.end() ? nullptr : &*it;
}

// Writes `bytes` to a fresh file under the test temp dir and returns its path.
fs::path WriteTemp(std::string_view name, std::string_view bytes) {
  fs::path path = fs::path(::testing::TempDir()) / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

bool HasWarning(const LoadedList& list, size_t line, std::string_view text) {
  return std::any_of(list.info.warnings.begin(), list.info.warnings.end(),
                     [&](const LoadWarning& w) {
                       return w.line == line && w.message.find(text) != std::string::npos;
                     });
}

// A list that a failed load must leave exactly as it was.
LoadedList Sentinel() {
  LoadedList list;
  list.info.source = "sentinel";
  Entity e;
  e.id = "sentinel:1";
  list.entities.push_back(e);
  return list;
}

void ExpectUntouched(const LoadedList& list) {
  EXPECT_EQ(list.info.source, "sentinel");
  EXPECT_TRUE(list.info.files.empty());
  ASSERT_EQ(list.entities.size(), 1u);
  EXPECT_EQ(list.entities[0].id, "sentinel:1");
}

TEST(UnXmlTest, ReadsListInfo) {
  LoadedList list;
  ASSERT_TRUE(LoadUnXml(kFixture, &list).ok());
  EXPECT_EQ(list.info.source, "un_sc");
  EXPECT_EQ(list.info.title, "UN Security Council Consolidated List");
  EXPECT_EQ(list.info.format, "un_xml");
  EXPECT_EQ(list.info.published, "2026-02-27T00:00:09.554Z");
  EXPECT_EQ(list.info.published_source, "file");  // stated in the file, not its date
  EXPECT_EQ(list.info.rows_read, 3u);
  ASSERT_EQ(list.info.files.size(), 1u);
  EXPECT_EQ(list.info.files[0].path, kFixture.string());
  EXPECT_EQ(list.info.files[0].sha256.size(), 64u);
  EXPECT_EQ(list.info.files[0].bytes, fs::file_size(kFixture));
  ASSERT_EQ(list.entities.size(), 3u);
  EXPECT_EQ(list.entities[0].id, "un_sc:KPi.990");
  EXPECT_EQ(list.entities[1].id, "un_sc:QDi.991");
  EXPECT_EQ(list.entities[2].id, "un_sc:KPe.992");
}

TEST(UnXmlTest, MapsDprkIndividual) {
  LoadedList list;
  ASSERT_TRUE(LoadUnXml(kFixture, &list).ok());
  const Entity* e = Find(list, "un_sc:KPi.990");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->source, "un_sc");
  EXPECT_EQ(e->source_id, "KPi.990");
  EXPECT_EQ(e->kind, EntityKind::kPerson);

  // The exact duplicate alias "PAK YONG CHOL" and the empty alias are dropped.
  ASSERT_EQ(e->names.size(), 4u);
  EXPECT_EQ(e->names[0].full, "PAK YONG CHOL");
  EXPECT_EQ(e->names[0].kind, NameKind::kPrimary);
  EXPECT_EQ(e->names[0].given, "");
  EXPECT_EQ(e->names[0].family, "");
  EXPECT_EQ(e->primary_name(), "PAK YONG CHOL");
  EXPECT_EQ(e->names[1].full, "박영철");
  EXPECT_EQ(e->names[1].kind, NameKind::kOriginalScript);
  EXPECT_EQ(e->names[2].full, "Pak Yong-chol");
  EXPECT_EQ(e->names[2].kind, NameKind::kStrongAlias);
  EXPECT_EQ(e->names[3].full, "Comrade Pak");
  EXPECT_EQ(e->names[3].kind, NameKind::kWeakAlias);

  EXPECT_EQ(e->programs, std::vector<std::string>{"DPRK"});
  EXPECT_EQ(e->listed_on, "2017-12-22");
  EXPECT_EQ(e->updated_on, "2021-07-15");  // the latest of three
  EXPECT_EQ(e->remarks, "Test remark one.\nSecond line.");
  EXPECT_EQ(e->gender, "male");
  EXPECT_EQ(e->titles, std::vector<std::string>{"Director"});
  EXPECT_EQ(e->properties, (std::vector<Property>{{"designation", "Chief of the Example Bureau"}}));
  EXPECT_EQ(e->countries, (std::vector<CountryLink>{{"KP", "Democratic People's Republic of Korea",
                                                     CountryRole::kNationality}}));

  ASSERT_EQ(e->birth_dates.size(), 2u);
  EXPECT_EQ(e->birth_dates[0].from, (PartialDate{1965, 4, 12}));
  EXPECT_TRUE(e->birth_dates[0].to.empty());
  EXPECT_FALSE(e->birth_dates[0].circa);
  EXPECT_EQ(e->birth_dates[0].text, "1965-04-12");
  EXPECT_EQ(e->birth_dates[1].from, (PartialDate{1963, 0, 0}));
  EXPECT_EQ(e->birth_dates[1].to, (PartialDate{1964, 0, 0}));
  EXPECT_FALSE(e->birth_dates[1].circa);
  EXPECT_EQ(e->birth_dates[1].text, "1963 to 1964");
  EXPECT_EQ(e->birth_places, std::vector<std::string>{
                                 "Hamhung, South Hamgyong, Democratic People's Republic of Korea"});

  // The empty <INDIVIDUAL_ADDRESS/> is skipped.
  ASSERT_EQ(e->addresses.size(), 1u);
  Address want;
  want.city = "Pyongyang";
  want.country = "KP";
  want.country_name = "Democratic People's Republic of Korea";
  EXPECT_EQ(e->addresses[0], want);

  ASSERT_EQ(e->identifiers.size(), 1u);
  const Identifier& passport = e->identifiers[0];
  EXPECT_EQ(passport.kind, IdKind::kPassport);
  EXPECT_EQ(passport.type, "Passport");
  EXPECT_EQ(passport.value, "745310012");
  EXPECT_EQ(passport.country, "KP");
  EXPECT_EQ(passport.note, "issued 2014-06-02; expires 2019-06-02");
}

TEST(UnXmlTest, MapsApproximateDatesAndWarnsOnImpossibleOnes) {
  LoadedList list;
  ASSERT_TRUE(LoadUnXml(kFixture, &list).ok());
  const Entity* e = Find(list, "un_sc:QDi.991");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->primary_name(), "ABU EXAMPLE AL-TESTI");
  EXPECT_EQ(e->programs, std::vector<std::string>{"Al-Qaida"});
  EXPECT_EQ(e->updated_on, "");
  EXPECT_EQ(e->remarks, "");
  EXPECT_EQ(e->gender, "");

  // 1975-02-30 does not exist: skipped with a warning on its line, text kept.
  ASSERT_EQ(e->birth_dates.size(), 1u);
  EXPECT_EQ(e->birth_dates[0].from, (PartialDate{1970, 0, 0}));
  EXPECT_TRUE(e->birth_dates[0].circa);
  EXPECT_EQ(e->birth_dates[0].text, "circa 1970");
  EXPECT_TRUE(HasWarning(list, 104, "QDi.991: date of birth \"EXACT 1975-02-30\""));
  EXPECT_EQ(list.info.warnings[0].file, kFixture.string());

  // "na" is "not available", not Namibia.
  ASSERT_EQ(e->countries.size(), 1u);
  EXPECT_EQ(e->countries[0].code, "");
  EXPECT_EQ(e->countries[0].name, "na");

  ASSERT_EQ(e->identifiers.size(), 1u);
  EXPECT_EQ(e->identifiers[0].kind, IdKind::kNationalId);
  EXPECT_EQ(e->identifiers[0].type, "Yemeni identity card number");
  EXPECT_EQ(e->identifiers[0].value, "216040");
  EXPECT_EQ(list.info.warnings.size(), 1u);
}

TEST(UnXmlTest, MapsEntity) {
  LoadedList list;
  ASSERT_TRUE(LoadUnXml(kFixture, &list).ok());
  const Entity* e = Find(list, "un_sc:KPe.992");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, EntityKind::kOrganization);
  ASSERT_EQ(e->names.size(), 4u);
  EXPECT_EQ(e->names[0].full, "KOREA EXAMPLE TRADING CORPORATION");
  EXPECT_EQ(e->names[0].kind, NameKind::kPrimary);
  EXPECT_EQ(e->names[1].full, "조선례제무역회사");
  EXPECT_EQ(e->names[1].kind, NameKind::kOriginalScript);
  EXPECT_EQ(e->names[2].full, "KETC");
  EXPECT_EQ(e->names[2].kind, NameKind::kStrongAlias);
  EXPECT_EQ(e->names[3].full, "Example General Trading");
  EXPECT_EQ(e->names[3].kind, NameKind::kFormerName);
  EXPECT_EQ(e->programs, std::vector<std::string>{"DPRK"});
  EXPECT_EQ(e->listed_on, "2016-03-02");
  EXPECT_EQ(e->remarks, "Trades in example goods.");
  EXPECT_TRUE(e->birth_dates.empty());
  EXPECT_TRUE(e->identifiers.empty());
  ASSERT_EQ(e->addresses.size(), 1u);
  const Address& a = e->addresses[0];
  EXPECT_EQ(a.street, "Sosong-guyok");
  EXPECT_EQ(a.city, "Pyongyang");
  EXPECT_EQ(a.region, "");
  EXPECT_EQ(a.postal_code, "");
  EXPECT_EQ(a.country, "KP");
  EXPECT_EQ(a.country_name, "Democratic People's Republic of Korea");
  EXPECT_EQ(a.note, "head office");
}

// The UN has no field for IMO numbers; its comments state them, in several wordings. They
// become kImo identifiers (so the same company on OFAC is one party); other numbers do not.
TEST(UnXmlTest, ImoNumbersInCommentsBecomeIdentifiers) {
  std::ifstream in(kFixture, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string old_comment = "Trades in example goods.";
  size_t at = bytes.find(old_comment);
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, old_comment.size(),
                "Owner of SAM MA 2. IMO number: 5954061. Company Number IMO 5434358; "
                "International Maritime Organization (IMO) Number: 1790183. Tonnage IMO "
                "12345678; SIMON 7654321.");
  LoadedList list;
  ASSERT_TRUE(LoadUnXml(WriteTemp("un_imo.xml", bytes), &list).ok());
  const Entity* e = Find(list, "un_sc:KPe.992");
  ASSERT_NE(e, nullptr);
  std::vector<std::string> numbers;
  for (const Identifier& id : e->identifiers) {
    EXPECT_EQ(id.kind, IdKind::kImo);
    numbers.push_back(id.value);
  }
  EXPECT_EQ(numbers, (std::vector<std::string>{"5954061", "5434358", "1790183"}));
}

TEST(UnXmlTest, SkipsRecordsWithoutReferenceAndDuplicates) {
  fs::path path = WriteTemp("un_dups.xml", R"(<?xml version="1.0"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <FIRST_NAME>FIRST</FIRST_NAME>
      <REFERENCE_NUMBER>TAi.001</REFERENCE_NUMBER>
      <LIST_TYPE><VALUE>Other List</VALUE></LIST_TYPE>
    </INDIVIDUAL>
    <INDIVIDUAL>
      <FIRST_NAME>NO REFERENCE</FIRST_NAME>
    </INDIVIDUAL>
    <INDIVIDUAL>
      <FIRST_NAME>SECOND</FIRST_NAME>
      <REFERENCE_NUMBER>TAi.001</REFERENCE_NUMBER>
    </INDIVIDUAL>
    <INDIVIDUAL><REFERENCE_NUMBER>TAi.002</REFERENCE_NUMBER></INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES/>
</CONSOLIDATED_LIST>
)");
  LoadedList list;
  Status s = LoadUnXml(path, &list);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(list.info.rows_read, 4u);
  ASSERT_EQ(list.entities.size(), 1u);
  EXPECT_EQ(list.entities[0].primary_name(), "FIRST");
  EXPECT_EQ(list.entities[0].properties, (std::vector<Property>{{"un_list", "Other List"}}));
  EXPECT_EQ(list.info.warnings.size(), 3u);
  EXPECT_TRUE(HasWarning(list, 9, "without REFERENCE_NUMBER"));
  EXPECT_TRUE(HasWarning(list, 12, "duplicate reference number TAi.001"));
  EXPECT_TRUE(HasWarning(list, 16, "TAi.002: record without a name"));
}

TEST(UnXmlTest, TruncatedXmlNamesFileAndLine) {
  std::string text;
  {
    std::ifstream in(kFixture, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  fs::path path = WriteTemp("un_truncated.xml", text.substr(0, text.size() / 2));
  LoadedList list = Sentinel();
  Status s = LoadUnXml(path, &list);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find(path.string()), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("line"), std::string::npos) << s.message();
  ExpectUntouched(list);
}

TEST(UnXmlTest, RejectsWrongRootElement) {
  fs::path path = WriteTemp("un_wrong_root.xml", "<?xml version=\"1.0\"?>\n<sdnList/>\n");
  LoadedList list = Sentinel();
  Status s = LoadUnXml(path, &list);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find(path.string()), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("CONSOLIDATED_LIST"), std::string::npos) << s.message();
  ExpectUntouched(list);
}

TEST(UnXmlTest, RejectsInvalidUtf8) {
  fs::path path = WriteTemp("un_latin1.xml",
                            "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n"
                            "<INDIVIDUAL><FIRST_NAME>JOS\xC9</FIRST_NAME></INDIVIDUAL>\n"
                            "</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n");
  LoadedList list = Sentinel();
  Status s = LoadUnXml(path, &list);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find(path.string() + ":4:"), std::string::npos) << s.message();
  ExpectUntouched(list);
}

TEST(UnXmlTest, RejectsEmptyAndMissingFiles) {
  fs::path empty = WriteTemp("un_empty.xml", "");
  LoadedList list = Sentinel();
  Status s = LoadUnXml(empty, &list);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(empty.string()), std::string::npos) << s.message();
  ExpectUntouched(list);

  fs::path missing = fs::path(::testing::TempDir()) / "un_no_such_file.xml";
  s = LoadUnXml(missing, &list);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(missing.string()), std::string::npos) << s.message();
  ExpectUntouched(list);
}

TEST(UnXmlTest, LoadsRealList) {
  const fs::path dir = fs::path(VIGIL_SHARED_LISTS) / "un_sc" / "2026-02";
  if (!fs::is_directory(dir)) {
    GTEST_SKIP() << "../shared/lists not found (" << dir.string() << "); skipping real-list test";
  }
  LoadedList list;
  Status s = LoadList(dir, &list);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(list.info.source, "un_sc");
  EXPECT_EQ(list.info.rows_read, 1003u);
  ASSERT_EQ(list.entities.size(), 1003u);
  auto kinds = CountByKind(list);
  EXPECT_EQ(kinds["person"], 730u);
  EXPECT_EQ(kinds["organization"], 273u);
  EXPECT_EQ(CountByProgram(list)["DPRK"], 155u);

  const Entity* kim = Find(list, "un_sc:KPi.066");
  ASSERT_NE(kim, nullptr);
  EXPECT_EQ(kim->primary_name(), "KIM JONG SIK");
  EXPECT_EQ(kim->programs, std::vector<std::string>{"DPRK"});
  ASSERT_EQ(kim->birth_dates.size(), 1u);
  EXPECT_EQ(kim->birth_dates[0].text, "1967 to 1969");

  const Entity* saddam = Find(list, "un_sc:IQi.001");
  ASSERT_NE(saddam, nullptr);
  EXPECT_EQ(saddam->primary_name(), "SADDAM HUSSEIN AL-TIKRITI");
  EXPECT_TRUE(std::any_of(saddam->names.begin(), saddam->names.end(), [](const Name& n) {
    return n.kind == NameKind::kOriginalScript && n.full == "صدام حسين التكريتي";
  }));
  const Entity* aiai = Find(list, "un_sc:QDe.002");
  ASSERT_NE(aiai, nullptr);
  EXPECT_EQ(aiai->kind, EntityKind::kOrganization);
  EXPECT_TRUE(std::any_of(aiai->names.begin(), aiai->names.end(), [](const Name& n) {
    return n.kind == NameKind::kOriginalScript && n.full == "الاتحاد الاسلامي";
  }));

  // 378 records carry a NAME_ORIGINAL_SCRIPT; QDe.164's merely repeats its Latin primary name.
  size_t with_script =
      std::count_if(list.entities.begin(), list.entities.end(), [](const Entity& e) {
        return e.names.size() > 1 && e.names[1].kind == NameKind::kOriginalScript;
      });
  EXPECT_EQ(with_script, 377u);
  for (const Entity& e : list.entities) {
    EXPECT_FALSE(e.primary_name().empty()) << e.id;
    for (const BirthDate& b : e.birth_dates) EXPECT_GE(b.from.year, 1800) << e.id;
  }
}

}  // namespace
}  // namespace vigil::sources
