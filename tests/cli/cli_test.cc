// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// End-to-end tests of the `vigil` program: each test runs the built binary (VIGIL_BINARY)
// with posix_spawn, captures standard output, standard error and the exit code, and checks
// what a user would see.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run_program.h"
#include "test_util.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Fixture;
using testing::ReadAll;
using testing::ScratchDir;
using testing::WriteFile;

using Result = testing::ProgramResult;

// Runs `vigil args...` (testing::RunProgram: no list, data folder or store of the machine's
// own), plus `env` ("NAME=value" each).
Result Vigil(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
  return testing::RunProgram(VIGIL_BINARY, args, std::move(env));
}

bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The lines of a text answer without its WARNING lines (the bundled sample, old lists),
// which come first.
std::vector<std::string> BodyLines(const std::string& text) {
  std::vector<std::string> lines = Lines(text);
  size_t k = 0;
  while (k < lines.size() && lines[k].starts_with("WARNING: ")) ++k;
  return std::vector<std::string>(lines.begin() + static_cast<long>(k), lines.end());
}

json ParseJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON:\n" << text;
  return j;
}

// The run failed cleanly: non-zero exit, no crash or sanitizer report, no results printed.
void ExpectCleanFailure(const Result& r) {
  EXPECT_NE(r.code, 0) << r.err;
  EXPECT_LT(r.code, 128) << "crashed: " << r.err;
  EXPECT_FALSE(Contains(r.err, "Sanitizer")) << r.err;
  EXPECT_FALSE(Contains(r.err, "internal error")) << r.err;
  EXPECT_EQ(r.out, "") << "printed something on failure";
  EXPECT_TRUE(Contains(r.err, "vigil: ")) << r.err;
}

// A copy of the OFAC fixture set in a scratch folder.
fs::path CopyFixture(std::string_view name) {
  fs::path dir = ScratchDir(name);
  for (const auto& f : fs::directory_iterator(Fixture("ofac"))) {
    fs::copy_file(f.path(), dir / f.path().filename());
  }
  return dir;
}

// ---- screen (one name) ----------------------------------------------------------------

TEST(CliScreenTest, TextOutputRanksKimJongUnFirst) {
  Result r = Vigil({"screen", "Kim Jong Un"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> lines = BodyLines(r.out);
  ASSERT_GE(lines.size(), 2u) << r.out;
  EXPECT_TRUE(Contains(lines[0], "rank")) << lines[0];
  EXPECT_TRUE(Contains(lines[0], "score")) << lines[0];
  EXPECT_TRUE(Contains(lines[1], "us_ofac_sdn:20157")) << lines[1];
  EXPECT_TRUE(Contains(lines[1], "KIM, Jong Un")) << lines[1];
  EXPECT_TRUE(Contains(lines[1], "1.000")) << lines[1];
}

TEST(CliScreenTest, JsonOutputHasTopMatchAndScore) {
  Result r = Vigil({"screen", "Kim Jong Un", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = ParseJson(r.out);
  EXPECT_EQ(j["query"], "Kim Jong Un");
  ASSERT_TRUE(j["matches"].is_array());
  ASSERT_FALSE(j["matches"].empty());
  EXPECT_EQ(j["matches"][0]["id"], "us_ofac_sdn:20157");
  EXPECT_GE(j["matches"][0]["score"].get<double>(), 0.99);
  // Ranked best first.
  for (size_t k = 1; k < j["matches"].size(); ++k) {
    EXPECT_LE(j["matches"][k]["score"].get<double>(), j["matches"][k - 1]["score"].get<double>());
  }
  // Without --explain there is no explanation.
  EXPECT_FALSE(j["matches"][0].contains("explanation"));
}

TEST(CliScreenTest, ExplainJsonAlignsTokens) {
  Result r = Vigil({"screen", "Kim Jong Un", "--explain", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = ParseJson(r.out);
  ASSERT_FALSE(j["matches"].empty());
  const json& top = j["matches"][0];
  EXPECT_EQ(top["id"], "us_ofac_sdn:20157");
  ASSERT_TRUE(top["explanation"]["tokens"].is_array()) << top.dump(2);
  const json& tokens = top["explanation"]["tokens"];
  // The words as written on both sides, not the normalized tokens.
  auto kim =
      std::find_if(tokens.begin(), tokens.end(), [](const json& t) { return t["query"] == "Kim"; });
  ASSERT_NE(kim, tokens.end()) << tokens.dump(2);
  EXPECT_EQ((*kim)["list"], "KIM");
  EXPECT_EQ((*kim)["rule"], "");
  EXPECT_GE((*kim)["similarity"].get<double>(), 0.99);
  std::vector<std::string> query_tokens;
  for (const json& t : tokens) query_tokens.push_back(t["query"]);
  EXPECT_EQ(query_tokens, (std::vector<std::string>{"Kim", "Jong", "Un"}));
}

TEST(CliScreenTest, ExplainTextShowsWordsAndRules) {
  // The sample lists PARK, Jin Hyok: "Hyuk" and "Hyok" romanize one Korean syllable.
  Result r = Vigil({"screen", "Park Jin Hyuk", "--explain"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "PARK, Jin Hyok")) << r.out;
  EXPECT_TRUE(Contains(r.out, "same Korean syllable 혁")) << r.out;
  EXPECT_FALSE(Contains(r.out, "HYOK")) << r.out;  // the key the matcher compared
  EXPECT_FALSE(Contains(r.out, " PAK ")) << r.out;
}

TEST(CliScreenTest, TypeOrganizationNeverReturnsPeople) {
  Result r = Vigil({"screen", "Kim Jong Un", "--type", "organization", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = ParseJson(r.out);
  ASSERT_TRUE(j["matches"].is_array());
  for (const json& m : j["matches"]) {
    EXPECT_EQ(m["kind"], "organization") << m.dump();
    EXPECT_NE(m["id"], "us_ofac_sdn:20157");
  }
  // The text form agrees.
  Result t = Vigil({"screen", "Kim Jong Un", "--type", "organization"});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_FALSE(Contains(t.out, " person ")) << t.out;
  EXPECT_FALSE(Contains(t.out, "us_ofac_sdn:20157")) << t.out;
}

TEST(CliScreenTest, BadArgumentsFailCleanly) {
  Result r = Vigil({"screen", "Kim Jong Un", "--type", "spaceship"});
  ExpectCleanFailure(r);
  EXPECT_TRUE(Contains(r.err, "--type")) << r.err;
  Result d = Vigil({"screen", "Kim Jong Un", "--dob", "yesterday"});
  ExpectCleanFailure(d);
  EXPECT_TRUE(Contains(d.err, "yesterday")) << d.err;
  Result n = Vigil({"screen"});
  ExpectCleanFailure(n);
  EXPECT_TRUE(Contains(n.err, "NAME")) << n.err;
}

// ---- show -------------------------------------------------------------------------------

TEST(CliShowTest, ShowsOrganizationWithAliasesProgramAndRemarks) {
  Result r = Vigil({"show", "us_ofac_sdn:22323"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> lines = BodyLines(r.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "us_ofac_sdn:22323  KOREA COMPUTER CENTER");
  for (const char* alias :
       {"KOREA COMPUTER COMPANY", "CHOSON COMPUTER CENTER", "CHUNG SUN COMPUTER CENTER"}) {
    EXPECT_TRUE(Contains(r.out, std::string("strong_alias  ") + alias)) << alias << "\n" << r.out;
  }
  EXPECT_TRUE(Contains(r.out, "  kind          organization\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "  programs      DPRK3\n")) << r.out;
  EXPECT_TRUE(Contains(r.out,
                       "  remarks       Secondary sanctions risk: North Korea Sanctions "
                       "Regulations, sections 510.201 and 510.210"))
      << r.out;
}

TEST(CliShowTest, JsonCarriesRegistrationIdentifier) {
  Result r = Vigil({"show", "us_ofac_sdn:24977", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = ParseJson(r.out);
  EXPECT_EQ(j["id"], "us_ofac_sdn:24977");
  ASSERT_TRUE(j["identifiers"].is_array()) << j.dump(2);
  bool found = false;
  for (const json& i : j["identifiers"]) {
    if (i["kind"] == "registration" && i["value"] == "91222401MA0Y31E659") found = true;
  }
  EXPECT_TRUE(found) << j["identifiers"].dump(2);
}

TEST(CliShowTest, UnknownIdFailsNamingIt) {
  Result r = Vigil({"show", "nope:1"});
  ExpectCleanFailure(r);
  EXPECT_TRUE(Contains(r.err, "nope:1")) << r.err;
}

// ---- lists ------------------------------------------------------------------------------

TEST(CliListsTest, JsonDescribesBundledSample) {
  Result r = Vigil({"lists", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = ParseJson(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["source"], "us_ofac_sdn");
  EXPECT_EQ(j[0]["format"], "ofac_csv");
  EXPECT_EQ(j[0]["entities"], 40);
  ASSERT_TRUE(j[0]["files"].is_array());
  ASSERT_FALSE(j[0]["files"].empty());
  bool has_sdn = false;
  for (const json& f : j[0]["files"]) {
    std::string sha = f["sha256"];
    EXPECT_EQ(sha.size(), 64u) << sha;
    EXPECT_TRUE(std::all_of(sha.begin(), sha.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    })) << sha;
    EXPECT_GT(f["bytes"].get<uint64_t>(), 0u);
    if (fs::path(f["path"].get<std::string>()).filename() == "sdn.csv") has_sdn = true;
  }
  EXPECT_TRUE(has_sdn) << j[0]["files"].dump(2);
}

TEST(CliListsTest, ConfigFileNamesTheLists) {
  fs::path dir = ScratchDir("cfg");
  WriteFile(dir / "cfg.toml", "lists = [\"" + Fixture("ofac").string() + "\"]\n");
  Result r = Vigil({"--config", (dir / "cfg.toml").string(), "lists", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = ParseJson(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["source"], "us_ofac_sdn");
  EXPECT_EQ(j[0]["entities"], 4);  // the fixture's, not the sample's 40
  // The text form, too.
  Result t = Vigil({"--config", (dir / "cfg.toml").string(), "lists"});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_TRUE(Contains(t.out, "  entities    4 (from 4 records)")) << t.out;
}

// ---- where the lists come from, and what every answer says about them -------------------

// A data folder holding a copy of the OFAC fixture as its us_ofac_sdn list, its file dated
// `days_old` days ago.
fs::path DataDirWithFixture(std::string_view name, int days_old = 0) {
  fs::path data = ScratchDir(name);
  fs::path dir = data / "us_ofac_sdn";
  fs::create_directories(dir);
  for (const auto& f : fs::directory_iterator(Fixture("ofac"))) {
    fs::copy_file(f.path(), dir / f.path().filename());
  }
  fs::last_write_time(dir / "sdn.csv",
                      fs::file_time_type::clock::now() - std::chrono::hours(24 * days_old + 1));
  return data;
}

TEST(CliSampleTest, WithNothingFetchedEveryAnswerSaysItScreenedTheSample) {
  // The issue's case: Viktor Bout is not in the 40-entry sample.
  Result r = Vigil({"screen", "Viktor Bout"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err,
                       "vigil: warning: Screened against the bundled 40-entry SAMPLE list, "
                       "not the official sanctions lists"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "vigil fetch")) << r.err;
  EXPECT_TRUE(r.out.starts_with("WARNING: Screened against the bundled 40-entry SAMPLE")) << r.out;
  EXPECT_TRUE(Contains(r.out,
                       "no matches for 'Viktor Bout' in the bundled SAMPLE list (not the "
                       "official lists)"))
      << r.out;

  Result j = Vigil({"screen", "Viktor Bout", "--json"});
  ASSERT_EQ(j.code, 0) << j.err;
  json a = ParseJson(j.out);
  EXPECT_EQ(a["sample"], true);
  ASSERT_FALSE(a["warnings"].empty());
  EXPECT_TRUE(Contains(a["warnings"][0], "SAMPLE")) << a.dump(2);
  EXPECT_TRUE(Contains(a["warnings"][0], "vigil fetch")) << a.dump(2);
  EXPECT_EQ(a["lists"][0]["sample"], true);

  Result l = Vigil({"lists", "--json"});
  ASSERT_EQ(l.code, 0) << l.err;
  EXPECT_EQ(ParseJson(l.out)[0]["sample"], true);
  EXPECT_TRUE(Contains(ParseJson(l.out)[0]["sample_warning"], "vigil fetch"));
  Result lt = Vigil({"lists"});
  EXPECT_TRUE(Contains(lt.out, "the bundled SAMPLE, not the official list")) << lt.out;

  Result s = Vigil({"show", "us_ofac_sdn:22323", "--json"});
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_EQ(ParseJson(s.out)["sample"], true);
}

TEST(CliSampleTest, BatchOutputSaysItOnEveryRecord) {
  fs::path dir = ScratchDir("sample_batch");
  WriteFile(dir / "in.jsonl",
            "{\"qid\":\"a\",\"name\":\"Viktor Bout\"}\n"
            "{\"qid\":\"b\",\"name\":\"Kim Jong Un\"}\n");
  Result r = Vigil(
      {"screen", "--input", (dir / "in.jsonl").string(), "--output", (dir / "out.jsonl").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "40-entry SAMPLE")) << r.err;
  std::vector<std::string> lines = Lines(ReadAll(dir / "out.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  for (const std::string& line : lines) {
    json j = ParseJson(line);
    EXPECT_EQ(j["sample"], true) << line;
    EXPECT_TRUE(Contains(j["warning"], "SAMPLE")) << line;
    EXPECT_TRUE(j["lists_version"].get<std::string>().starts_with("SAMPLE, not the official"))
        << line;
  }
}

TEST(CliDataDirTest, FetchedListsAreUsedByDefaultWithoutTheSampleWarning) {
  fs::path data = DataDirWithFixture("data_dir");
  const std::string env = "VIGIL_DATA_DIR=" + data.string();
  Result r = Vigil({"screen", "PAK Chol Su", "--json"}, {env});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = ParseJson(r.out);
  EXPECT_EQ(j["matches"][0]["id"], "us_ofac_sdn:101");  // the fixture's, not the sample's
  EXPECT_EQ(j["sample"], false);
  EXPECT_EQ(j["warnings"], json::array()) << j.dump(2);
  ASSERT_EQ(j["lists"].size(), 1u);
  EXPECT_EQ(j["lists"][0]["source"], "us_ofac_sdn");
  EXPECT_EQ(j["lists"][0]["published_source"], "file_date");
  EXPECT_EQ(j["lists"][0]["age_days"], 0);
  EXPECT_FALSE(Contains(r.err, "warning")) << r.err;

  Result t = Vigil({"screen", "Viktor Bout"}, {env});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_FALSE(Contains(t.out, "SAMPLE")) << t.out;
  EXPECT_FALSE(Contains(t.out, "WARNING")) << t.out;
  EXPECT_FALSE(Contains(t.err, "SAMPLE")) << t.err;
  EXPECT_TRUE(Contains(t.out, "list: us_ofac_sdn — version ")) << t.out;
  EXPECT_TRUE(Contains(t.out, "(file date), 0 days old")) << t.out;

  // XDG_DATA_HOME/vigil/lists when VIGIL_DATA_DIR is not set.
  fs::path xdg = ScratchDir("xdg");
  fs::create_directories(xdg / "vigil");
  fs::rename(data, xdg / "vigil" / "lists");
  Result x = Vigil({"screen", "PAK Chol Su", "--json"},
                   {"VIGIL_DATA_DIR=", "XDG_DATA_HOME=" + xdg.string()});
  ASSERT_EQ(x.code, 0) << x.err;
  EXPECT_EQ(ParseJson(x.out)["matches"][0]["id"], "us_ofac_sdn:101");
  EXPECT_EQ(ParseJson(x.out)["sample"], false);
}

TEST(CliDataDirTest, ABrokenListInTheDataFolderFailsInsteadOfFallingBackToTheSample) {
  fs::path data = DataDirWithFixture("broken_data_dir");
  WriteFile(data / "us_ofac_sdn" / "sdn.csv", "");
  Result r = Vigil({"screen", "Kim Jong Un"}, {"VIGIL_DATA_DIR=" + data.string()});
  ExpectCleanFailure(r);
  EXPECT_TRUE(Contains(r.err, "sdn.csv")) << r.err;
  EXPECT_FALSE(Contains(r.err, "SAMPLE")) << r.err;
}

TEST(CliListAgeTest, AListOlderThanTheLimitIsAWarningEverywhere) {
  fs::path data = DataDirWithFixture("old_data_dir", 100);
  const std::string env = "VIGIL_DATA_DIR=" + data.string();
  Result r = Vigil({"screen", "PAK Chol Su"}, {env});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "vigil: warning: us_ofac_sdn: published ")) << r.err;
  EXPECT_TRUE(Contains(r.err, "100 days ago: older than the limit of 45 days")) << r.err;
  EXPECT_TRUE(Contains(r.out, "WARNING: us_ofac_sdn: published ")) << r.out;

  Result j = Vigil({"screen", "PAK Chol Su", "--json"}, {env});
  json a = ParseJson(j.out);
  EXPECT_EQ(a["lists"][0]["stale"], true);
  EXPECT_EQ(a["lists"][0]["age_days"], 100);
  ASSERT_EQ(a["warnings"].size(), 1u) << a.dump(2);

  Result l = Vigil({"lists"}, {env});
  EXPECT_TRUE(Contains(l.out, "100 days old: STALE, over the limit of 45 days")) << l.out;

  fs::path dir = ScratchDir("old_batch");
  WriteFile(dir / "in.jsonl", "{\"qid\":\"a\",\"name\":\"PAK Chol Su\"}\n");
  Result b = Vigil(
      {"screen", "--input", (dir / "in.jsonl").string(), "--output", (dir / "out.jsonl").string()},
      {env});
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_TRUE(Contains(b.err, "older than the limit")) << b.err;
  json line = ParseJson(ReadAll(dir / "out.jsonl"));
  EXPECT_TRUE(Contains(line["lists_version"], "us_ofac_sdn ")) << line.dump();
  EXPECT_TRUE(Contains(line["lists_version"], "(file date) STALE 100 days")) << line.dump();
  // ... and the files' version, as the API's lists_version: " [12 hex digits]".
  std::string version = line["lists_version"];
  ASSERT_GE(version.size(), 15u);
  EXPECT_EQ(version.substr(version.size() - 15, 2), " [") << version;
  EXPECT_EQ(version.back(), ']') << version;
  EXPECT_FALSE(line.contains("sample")) << line.dump();

  // A larger limit: no warning, and the list is as current as it is.
  Result ok = Vigil({"--max-list-age", "365", "screen", "PAK Chol Su", "--json"}, {env});
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ParseJson(ok.out)["warnings"], json::array());
  EXPECT_EQ(ParseJson(ok.out)["lists"][0]["stale"], false);
  EXPECT_FALSE(Contains(ok.err, "warning")) << ok.err;
  // The config file's max_list_age does the same.
  WriteFile(dir / "cfg.toml",
            "lists = [\"" + (data / "us_ofac_sdn").string() + "\"]\nmax_list_age = 365\n");
  Result c = Vigil({"--config", (dir / "cfg.toml").string(), "screen", "PAK Chol Su", "--json"});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(ParseJson(c.out)["warnings"], json::array());
}

TEST(CliIncompleteTest, OfacWithoutAltCsvSaysAliasesAreNotLoaded) {
  fs::path dir = CopyFixture("no_alt");
  fs::remove(dir / "alt.csv");
  Result l = Vigil({"lists", "--lists", dir.string()});
  ASSERT_EQ(l.code, 0) << l.err;
  EXPECT_TRUE(Contains(l.out, "  INCOMPLETE  alt.csv missing: aliases not loaded")) << l.out;
  EXPECT_TRUE(Contains(l.out, "  warnings    2\n")) << l.out;  // + the fixture's orphan address
  EXPECT_TRUE(Contains(l.err, "vigil: warning: us_ofac_sdn: alt.csv missing")) << l.err;

  Result s = Vigil({"show", "us_ofac_sdn:100", "--lists", dir.string()});
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_TRUE(Contains(s.out, "NOT LOADED    alt.csv missing: aliases not loaded")) << s.out;
  Result sj = Vigil({"show", "us_ofac_sdn:100", "--lists", dir.string(), "--json"});
  json j = ParseJson(sj.out);
  ASSERT_EQ(j["list"]["incomplete"].size(), 1u) << j.dump(2);
  EXPECT_TRUE(Contains(j["list"]["incomplete"][0], "aliases not loaded"));
}

TEST(CliIncompleteTest, Ofac2024ShowsWhatItLacks) {
  VIGIL_REQUIRE_SHARED(sdn2024, "us_ofac_sdn/2024-05");
  Result s = Vigil({"show", "us_ofac_sdn:24918", "--lists", sdn2024.string()});
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_TRUE(Contains(s.out, "PARK, Jin Hyok")) << s.out;
  EXPECT_TRUE(Contains(s.out, "NOT LOADED    alt.csv missing: aliases not loaded")) << s.out;
  EXPECT_TRUE(Contains(s.out, "NOT LOADED    add.csv missing: addresses not loaded")) << s.out;
  Result l = Vigil({"lists", "--lists", sdn2024.string()});
  ASSERT_EQ(l.code, 0) << l.err;
  EXPECT_TRUE(Contains(l.out, "  warnings    3\n")) << l.out;
}

// ---- --strict ---------------------------------------------------------------------------

TEST(CliStrictTest, WarningsArePrintedAndStrictFails) {
  const std::string fixture = Fixture("ofac").string();
  Result r = Vigil({"lists", "--lists", fixture});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "  warnings    2\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "alt.csv:4: refers to ent_num 999")) << r.out;
  EXPECT_TRUE(Contains(r.out, "add.csv:3: refers to ent_num 998")) << r.out;

  for (const auto& args : {std::vector<std::string>{"--strict", "lists", "--lists", fixture},
                           std::vector<std::string>{"lists", "--lists", fixture, "--strict"}}) {
    Result s = Vigil(args);
    ExpectCleanFailure(s);
    EXPECT_TRUE(Contains(s.err, "--strict")) << s.err;
    EXPECT_TRUE(Contains(s.err, "2 warning(s)")) << s.err;
    EXPECT_TRUE(Contains(s.err, "alt.csv:4: refers to ent_num 999")) << s.err;
  }
  // A list without warnings passes --strict.
  Result ok = Vigil({"--strict", "lists", "--json"});
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ParseJson(ok.out)[0]["entities"], 40);
}

TEST(CliStrictTest, StrictAppliesToScreening) {
  Result s = Vigil({"--strict", "--lists", Fixture("ofac").string(), "screen", "PAK Chol Su"});
  ExpectCleanFailure(s);
  EXPECT_TRUE(Contains(s.err, "alt.csv:4")) << s.err;
  Result r = Vigil({"--lists", Fixture("ofac").string(), "screen", "PAK Chol Su", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(ParseJson(r.out)["matches"][0]["id"], "us_ofac_sdn:101");
}

// ---- batch ------------------------------------------------------------------------------

TEST(CliBatchTest, JsonlKeepsOrderAndQids) {
  fs::path dir = ScratchDir("batch");
  WriteFile(dir / "in.jsonl",
            "{\"qid\":\"q-kim\",\"name\":\"Kim Jong Un\"}\n"
            "{\"qid\":\"q-kcc\",\"query\":{\"name\":\"Korea Computer Center\","
            "\"type\":\"organization\"}}\n"
            "{\"qid\":7,\"query\":{\"name\":\"Yanbian Silverstar\"}}\n");
  Result r = Vigil(
      {"screen", "--input", (dir / "in.jsonl").string(), "--output", (dir / "out.jsonl").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(Contains(r.out, "us_ofac_sdn")) << "results went to stdout: " << r.out;
  EXPECT_TRUE(Contains(r.err, "screened 3 queries")) << r.err;
  std::vector<std::string> lines = Lines(ReadAll(dir / "out.jsonl"));
  ASSERT_EQ(lines.size(), 3u);
  std::vector<json> out;
  for (const std::string& l : lines) out.push_back(ParseJson(l));
  EXPECT_EQ(out[0]["qid"], "q-kim");
  EXPECT_EQ(out[1]["qid"], "q-kcc");
  EXPECT_EQ(out[2]["qid"], "7");
  ASSERT_FALSE(out[0]["matches"].empty());
  EXPECT_EQ(out[0]["matches"][0]["id"], "us_ofac_sdn:20157");
  ASSERT_FALSE(out[1]["matches"].empty());
  EXPECT_EQ(out[1]["matches"][0]["id"], "us_ofac_sdn:22323");
  for (const json& m : out[1]["matches"]) EXPECT_EQ(m["kind"], "organization") << m.dump();
  ASSERT_FALSE(out[2]["matches"].empty());
  EXPECT_EQ(out[2]["matches"][0]["id"], "us_ofac_sdn:24977");
}

TEST(CliBatchTest, CsvInAndOut) {
  fs::path dir = ScratchDir("batch");
  WriteFile(dir / "in.csv",
            "name,type,dob,country,id\n"
            "Kim Jong Un,person,,,c1\n"
            "Korea Computer Center,organization,,,c2\n"
            "Zzyzx Qwvj,,,,c3\n");
  Result r = Vigil({"screen", "--input", (dir / "in.csv").string(), "--output",
                    (dir / "out.csv").string(), "--top", "2", "--min-score", "0", "--all"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> lines = Lines(ReadAll(dir / "out.csv"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0],
            "query_id,query_name,rank,match_id,match_name,matched_name,score,decision,list,kind,"
            "lists_version,evidence");
  std::vector<std::string> c1, c2, c3;
  std::string order;
  for (size_t k = 1; k < lines.size(); ++k) {
    const std::string& l = lines[k];
    if (l.rfind("c1,", 0) == 0) c1.push_back(l), order += '1';
    if (l.rfind("c2,", 0) == 0) c2.push_back(l), order += '2';
    if (l.rfind("c3,", 0) == 0) c3.push_back(l), order += '3';
  }
  EXPECT_EQ(c1.size() + c2.size() + c3.size(), lines.size() - 1) << "rows of no query";
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << "rows out of input order: " << order;
  ASSERT_EQ(c1.size(), 2u);
  EXPECT_EQ(c1[0].rfind("c1,Kim Jong Un,1,us_ofac_sdn:20157,\"KIM, Jong Un\",", 0), 0u) << c1[0];
  ASSERT_EQ(c2.size(), 2u);
  EXPECT_EQ(c2[0].rfind("c2,Korea Computer Center,1,us_ofac_sdn:22323,KOREA COMPUTER CENTER,", 0),
            0u)
      << c2[0];
  // A query with no match still has one row, with empty match columns.
  ASSERT_EQ(c3.size(), 1u);
  EXPECT_EQ(c3[0].rfind("c3,Zzyzx Qwvj,,,,,,none,,,", 0), 0u) << c3[0];

  // Without --all only what an analyst must look at; --excel: BOM and CRLF.
  r = Vigil({"screen", "--input", (dir / "in.csv").string(), "--output",
             (dir / "excel.csv").string(), "--top", "2", "--min-score", "0", "--excel"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string excel = ReadAll(dir / "excel.csv");
  EXPECT_EQ(excel.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(excel.find("evidence\r\n"), std::string::npos);
  lines = Lines(excel.substr(3));
  size_t rows = 0;
  for (size_t k = 1; k < lines.size(); ++k) {
    if (lines[k].empty()) continue;
    ++rows;
    EXPECT_TRUE(Contains(lines[k], ",match,") || Contains(lines[k], ",review,") ||
                lines[k].rfind("c3,Zzyzx Qwvj,,,,,,none,", 0) == 0)
        << lines[k];
  }
  EXPECT_EQ(rows, 3u);  // Kim Jong Un, Korea Computer Center, and c3's none row
  r = Vigil({"screen", "--input", (dir / "in.csv").string(), "--excel"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Contains(r.err, "--excel writes CSV")) << r.err;
}

TEST(CliBatchTest, MalformedJsonlLineNamesFileAndLine) {
  fs::path dir = ScratchDir("batch");
  WriteFile(dir / "in.jsonl",
            "{\"qid\":\"a\",\"name\":\"Kim Jong Un\"}\n"
            "{\"qid\":\"b\",\"name\":\n"
            "{\"qid\":\"c\",\"name\":\"Korea Computer Center\"}\n");
  Result r = Vigil(
      {"screen", "--input", (dir / "in.jsonl").string(), "--output", (dir / "out.jsonl").string()});
  ExpectCleanFailure(r);
  EXPECT_TRUE(Contains(r.err, "in.jsonl:2")) << r.err;
  EXPECT_FALSE(Contains(ReadAll(dir / "out.jsonl"), "\"qid\":\"c\""));
}

// A record without a name is skipped with a warning naming its line; --strict fails there.
TEST(CliBatchTest, JsonlLineWithoutNameNamesLine) {
  fs::path dir = ScratchDir("batch");
  WriteFile(dir / "in.jsonl",
            "{\"qid\":\"a\",\"name\":\"Kim Jong Un\"}\n"
            "{\"qid\":\"b\",\"query\":{\"type\":\"person\"}}\n");
  Result r = Vigil(
      {"screen", "--input", (dir / "in.jsonl").string(), "--output", (dir / "out.jsonl").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(
      Contains(r.err, "warning: " + (dir / "in.jsonl").string() + ":2: query.name needs a name"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "screened 1 queries")) << r.err;
  EXPECT_TRUE(Contains(r.err, "1 records skipped")) << r.err;
  std::vector<std::string> lines = Lines(ReadAll(dir / "out.jsonl"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(ParseJson(lines[0])["qid"], "a");
  Result strict = Vigil({"screen", "--strict", "--input", (dir / "in.jsonl").string(), "--output",
                         (dir / "strict.jsonl").string()});
  ExpectCleanFailure(strict);
  EXPECT_TRUE(Contains(strict.err, "in.jsonl:2")) << strict.err;
  EXPECT_FALSE(fs::exists(dir / "strict.jsonl"));
}

TEST(CliBatchTest, CsvWithoutNameColumnNamesLineOne) {
  fs::path dir = ScratchDir("batch");
  WriteFile(dir / "in.csv", "nom,type,id\nKim Jong Un,person,x1\n");
  Result r = Vigil(
      {"screen", "--input", (dir / "in.csv").string(), "--output", (dir / "out.csv").string()});
  ExpectCleanFailure(r);
  EXPECT_TRUE(Contains(r.err, "in.csv:1")) << r.err;
  EXPECT_TRUE(Contains(r.err, "name")) << r.err;
}

// --output naming the input, by any path, is refused before anything is written.
TEST(CliBatchTest, OutputOverTheInputIsRefused) {
  fs::path dir = ScratchDir("batch");
  const std::string input = "{\"qid\":\"a\",\"name\":\"Kim Jong Un\"}\n";
  WriteFile(dir / "in.jsonl", input);
  fs::create_symlink(dir / "in.jsonl", dir / "link.jsonl");
  fs::create_hard_link(dir / "in.jsonl", dir / "hard.jsonl");
  for (const fs::path& out : {dir / "in.jsonl", dir / "link.jsonl", dir / "hard.jsonl",
                              dir / "." / "in.jsonl", dir / ".." / "batch" / "in.jsonl"}) {
    SCOPED_TRACE(out.string());
    Result r = Vigil({"screen", "--input", (dir / "in.jsonl").string(), "--output", out.string()});
    ExpectCleanFailure(r);
    EXPECT_TRUE(Contains(r.err, "is the input file")) << r.err;
    EXPECT_EQ(ReadAll(dir / "in.jsonl"), input);
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 3)
      << "a file was left behind";
}

// 20,000 queries, line 15,001 of which fails: the previous output stays byte for byte, the
// results screened before the failure are kept as <output>.partial, and the message says so.
TEST(CliBatchTest, FailureLateInTheBatchLeavesThePreviousOutput) {
  fs::path dir = ScratchDir("batch");
  const std::vector<std::string> names = {"Kim Jong Un", "Korea Computer Center", "Lazarus Group",
                                          "Nobody Particular"};
  for (const std::string& bad :
       {std::string(R"({"qid":"bad","query":{"name":"Kim","dob":"yesterday"}})"),
        std::string(R"({"qid":"bad","name":)")}) {
    const bool strict = bad.find("yesterday") != std::string::npos;
    SCOPED_TRACE(strict ? "bad date, --strict" : "unreadable line");
    std::string input;
    for (int i = 1; i <= 20000; ++i) {
      input += i == 15001 ? bad
                          : R"({"qid":"q)" + std::to_string(i) + R"(","name":")" +
                                names[static_cast<size_t>(i) % names.size()] + "\"}";
      input += "\n";
    }
    WriteFile(dir / "in.jsonl", input);
    const std::string previous = "{\"qid\":\"old\",\"matches\":[]}\n";
    WriteFile(dir / "out.jsonl", previous);
    fs::remove(dir / "out.jsonl.partial");
    std::vector<std::string> args = {"screen",
                                     "--input",
                                     (dir / "in.jsonl").string(),
                                     "--output",
                                     (dir / "out.jsonl").string(),
                                     "--threads",
                                     "2"};
    if (strict) args.push_back("--strict");
    Result r = Vigil(args);
    ExpectCleanFailure(r);
    EXPECT_TRUE(Contains(r.err, "in.jsonl:15001:")) << r.err;
    EXPECT_EQ(ReadAll(dir / "out.jsonl"), previous) << "the previous output was changed";
    EXPECT_TRUE(Contains(r.err, (dir / "out.jsonl").string() + " is unchanged")) << r.err;
    EXPECT_TRUE(Contains(r.err, (dir / "out.jsonl.partial").string() + " (incomplete)")) << r.err;
    std::vector<std::string> partial = Lines(ReadAll(dir / "out.jsonl.partial"));
    ASSERT_FALSE(partial.empty());
    EXPECT_LE(partial.size(), 15000u);
    EXPECT_TRUE(Contains(r.err, "results of the " + std::to_string(partial.size()) + " queries"))
        << r.err;
    EXPECT_EQ(ParseJson(partial.back())["qid"], "q" + std::to_string(partial.size()));
    // No temporary file left behind.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 3);
  }
}

// A successful batch replaces the output (keeping its permissions) and leaves nothing else;
// a device is written to, not replaced; no --output streams to standard output.
TEST(CliBatchTest, SuccessReplacesTheOutputWhole) {
  fs::path dir = ScratchDir("batch");
  WriteFile(dir / "in.csv", "name,id\nKim Jong Un,k1\n");
  WriteFile(dir / "out.csv", "old results\n");
  fs::permissions(dir / "out.csv", fs::perms::owner_read | fs::perms::owner_write);
  Result r = Vigil(
      {"screen", "--input", (dir / "in.csv").string(), "--output", (dir / "out.csv").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string out = ReadAll(dir / "out.csv");
  EXPECT_EQ(out.rfind("query_id,", 0), 0u) << out;
  EXPECT_TRUE(Contains(out, "k1,Kim Jong Un,1,us_ofac_sdn:20157")) << out;
  EXPECT_EQ(fs::status(dir / "out.csv").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 2);

  Result null = Vigil({"screen", "--input", (dir / "in.csv").string(), "--output", "/dev/null"});
  ASSERT_EQ(null.code, 0) << null.err;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));

  Result stdout_run = Vigil({"screen", "--input", (dir / "in.csv").string()});
  ASSERT_EQ(stdout_run.code, 0) << stdout_run.err;
  EXPECT_TRUE(Contains(stdout_run.out, "us_ofac_sdn:20157")) << stdout_run.out;
}

// Bogus CSV values: each a warning naming its line, counted in the summary; --strict stops
// at the first. Invalid UTF-8 never reaches the output.
TEST(CliBatchTest, BogusCsvFieldsAreWarningsNamingTheLine) {
  fs::path dir = ScratchDir("batch");
  WriteFile(dir / "in.csv",
            "id,name,type,dob,country,note\n"
            "c1,Kim Jong Un,vesel,,,x\n"
            "c2,Kim Jong Un,,1984-02-30,Narnia,x\n"
            "c3,K\xffm Jong Un,,,,x\n"
            "c4,Lazarus Group,,,,x\n");
  Result r = Vigil(
      {"screen", "--input", (dir / "in.csv").string(), "--output", (dir / "out.csv").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string in = (dir / "in.csv").string();
  EXPECT_TRUE(Contains(r.err, in + ":1: column 6 (\"note\")")) << r.err;
  EXPECT_TRUE(Contains(r.err, in + ":2: type must be person")) << r.err;
  EXPECT_TRUE(Contains(r.err, in + ":3: dob '1984-02-30' is not a date")) << r.err;
  EXPECT_TRUE(Contains(r.err, in + ":3: country 'Narnia' is not a known country")) << r.err;
  EXPECT_TRUE(Contains(r.err, in + ":4: name is not valid UTF-8")) << r.err;
  EXPECT_TRUE(Contains(r.err, "screened 3 queries")) << r.err;
  EXPECT_TRUE(Contains(r.err, "1 records skipped (not screened), 5 warnings")) << r.err;
  std::string out = ReadAll(dir / "out.csv");
  EXPECT_FALSE(Contains(out, "\xff")) << "raw invalid bytes copied to the output";
  EXPECT_FALSE(Contains(out, "c3,")) << out;
  Result strict = Vigil({"--strict", "screen", "--input", (dir / "in.csv").string(), "--output",
                         (dir / "strict.csv").string()});
  ExpectCleanFailure(strict);
  EXPECT_TRUE(Contains(strict.err, in + ":1: column 6")) << strict.err;
  EXPECT_FALSE(fs::exists(dir / "strict.csv"));
}

TEST(CliBatchTest, MissingInputFileFails) {
  fs::path dir = ScratchDir("batch");
  Result r = Vigil({"screen", "--input", (dir / "absent.jsonl").string()});
  ExpectCleanFailure(r);
  EXPECT_TRUE(Contains(r.err, "absent.jsonl")) << r.err;
}

// ---- bad lists --------------------------------------------------------------------------

// Runs the commands that load lists against `path`; each must fail cleanly and name
// `names` in its message.
void ExpectListFails(const fs::path& path, const std::string& names) {
  for (const auto& cmd :
       {std::vector<std::string>{"lists"}, std::vector<std::string>{"screen", "Kim Jong Un"},
        std::vector<std::string>{"show", "us_ofac_sdn:20157"}}) {
    std::vector<std::string> args = {"--lists", path.string()};
    args.insert(args.end(), cmd.begin(), cmd.end());
    Result r = Vigil(args);
    SCOPED_TRACE(cmd[0]);
    ExpectCleanFailure(r);
    EXPECT_TRUE(Contains(r.err, names)) << r.err;
  }
}

TEST(CliBadListTest, MissingFolder) {
  fs::path dir = ScratchDir("bad") / "no-such-folder";
  ExpectListFails(dir, dir.string());
}

TEST(CliBadListTest, EmptySdnCsv) {
  fs::path dir = ScratchDir("bad");
  WriteFile(dir / "sdn.csv", "");
  ExpectListFails(dir, (dir / "sdn.csv").string());
}

TEST(CliBadListTest, TruncatedSdnCsv) {
  fs::path dir = ScratchDir("bad");
  std::string sdn = ReadAll(Fixture("ofac/sdn.csv"));
  // Cut in the middle of line 2's remarks field: its closing quote is gone.
  size_t line2 = sdn.find("\r\n101,") + 2;
  size_t cut = sdn.find("Passport", line2);
  ASSERT_NE(cut, std::string::npos);
  WriteFile(dir / "sdn.csv", sdn.substr(0, cut));
  ExpectListFails(dir, (dir / "sdn.csv").string() + ":2");
}

TEST(CliBadListTest, RandomBytes) {
  std::mt19937 gen(20240501);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string bytes;
  for (int k = 0; k < 8192; ++k) bytes.push_back(static_cast<char>(byte(gen)));
  bytes[100] = '\x81';
  bytes[5000] = '\0';
  fs::path dir = ScratchDir("bad");
  WriteFile(dir / "sdn.csv", bytes);
  ExpectListFails(dir, (dir / "sdn.csv").string() + ":");
}

TEST(CliBadListTest, RandomTextWithUndefinedByte) {
  // No NUL this time, so the loader gets past the binary check and meets 0x81.
  std::mt19937 gen(7);
  std::uniform_int_distribution<int> byte(' ', '~');
  std::string bytes = "1,\"A\",-0- \r\n2,\"B";
  for (int k = 0; k < 200; ++k) bytes.push_back(static_cast<char>(byte(gen)));
  bytes += "\x81\"\r\n";
  fs::path dir = ScratchDir("bad");
  WriteFile(dir / "sdn.csv", bytes);
  ExpectListFails(dir, (dir / "sdn.csv").string() + ":");
}

TEST(CliBadListTest, FolderWithNoList) {
  fs::path dir = ScratchDir("bad");
  WriteFile(dir / "readme.txt", "nothing to see here\n");
  WriteFile(dir / "data.json", "{}\n");
  ExpectListFails(dir, dir.string());
}

// The fixture's sdn.csv without OFAC's final 0x1A line.
fs::path FixtureWithoutEofLine() {
  fs::path dir = CopyFixture("cut");
  std::string sdn = ReadAll(dir / "sdn.csv");
  while (!sdn.empty() && sdn.back() == '\x1a') sdn.pop_back();
  WriteFile(dir / "sdn.csv", sdn);
  return dir;
}

// sdn.csv linked to itself: "internal error" (exit 2) from an uncaught filesystem_error
// before; now exit 1 naming the file and the system's reason.
TEST(CliBadListTest, SymlinkLoop) {
  fs::path dir = ScratchDir("bad");
  fs::create_symlink("sdn.csv", dir / "sdn.csv");
  ExpectListFails(dir, (dir / "sdn.csv").string() + ": Too many levels of symbolic links");
  Result r = Vigil({"lists", "--lists", dir.string()});
  EXPECT_EQ(r.code, 1) << r.err;
}

// `vigil serve` with such a folder aborted (exit 134) before: now exit 1 with the message.
TEST(CliBadListTest, ServeWithSymlinkLoopExitsOne) {
  fs::path dir = ScratchDir("bad");
  fs::create_symlink("sdn.csv", dir / "sdn.csv");
  Result r = Vigil({"--lists", dir.string(), "serve", "--port", "0", "--no-access-log"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(Contains(r.err, "cannot load the lists")) << r.err;
  EXPECT_TRUE(Contains(r.err, (dir / "sdn.csv").string() + ": Too many levels of symbolic links"))
      << r.err;
  // A truncated list stops it too, unless accepted.
  fs::path cut = FixtureWithoutEofLine();
  r = Vigil({"--lists", cut.string(), "serve", "--port", "0", "--no-access-log"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(Contains(r.err, "end-of-file line")) << r.err;
}

TEST(CliBadListTest, FolderWithSeveralLists) {
  fs::path dir = ScratchDir("bad");
  fs::copy_file(Fixture("dpl/dpl.txt"), dir / "dpl.txt");
  fs::copy_file(Fixture("csl/consolidated.csv"), dir / "consolidated.csv");
  fs::copy_file(Fixture("un/consolidated.xml"), dir / "consolidated.xml");
  ExpectListFails(dir, "consolidated.csv, dpl.txt, consolidated.xml");
}

TEST(CliBadListTest, FifoAndDevice) {
  fs::path dir = ScratchDir("bad");
  ASSERT_EQ(::mkfifo((dir / "sdn.csv").c_str(), 0600), 0);
  ExpectListFails(dir, (dir / "sdn.csv").string() + ": not a regular file");
  ExpectListFails("/dev/zero", "/dev/zero: not a regular file");
}

// ---- truncated lists --------------------------------------------------------------------

TEST(CliTruncationTest, RefusedByDefaultAndStrictAcceptedWithTheFlag) {
  fs::path dir = FixtureWithoutEofLine();
  const std::string sdn = (dir / "sdn.csv").string();
  ExpectListFails(dir, sdn + ":");
  for (const auto& args :
       {std::vector<std::string>{"lists", "--lists", dir.string()},
        std::vector<std::string>{"--strict", "lists", "--lists", dir.string()}}) {
    Result r = Vigil(args);
    ExpectCleanFailure(r);
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(Contains(r.err, "end-of-file line")) << r.err;
    EXPECT_TRUE(Contains(r.err, "--accept-truncated")) << r.err;
  }
  Result t = Vigil({"--accept-truncated", "lists", "--lists", dir.string()});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_TRUE(Contains(
      t.out, "  TRUNCATED   accepted with --accept-truncated despite 1 sign(s):\n    " + sdn + ":"))
      << t.out;
  Result j = Vigil({"lists", "--lists", dir.string(), "--accept-truncated", "--json"});
  ASSERT_EQ(j.code, 0) << j.err;
  json trunc = ParseJson(j.out)[0]["truncation"];
  ASSERT_EQ(trunc.size(), 1u) << j.out;
  EXPECT_EQ(trunc[0]["file"], sdn);
  // --strict still refuses it: an accepted sign is a warning.
  ExpectCleanFailure(Vigil({"--strict", "--accept-truncated", "lists", "--lists", dir.string()}));
  // The config key does what the flag does.
  WriteFile(dir.parent_path() / "cfg.toml",
            "accept_truncated = true\nlists = [\"" + dir.string() + "\"]\n");
  Result c = Vigil({"--config", (dir.parent_path() / "cfg.toml").string(), "lists", "--json"});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(ParseJson(c.out)[0]["truncation"].size(), 1u);
  // A whole list shows an empty truncation array.
  Result w = Vigil({"lists", "--lists", Fixture("ofac").string(), "--json"});
  EXPECT_EQ(ParseJson(w.out)[0]["truncation"], json::array());
}

// The issue's reproducers: exit 0 with half the list before.
TEST(CliTruncationTest, RealReproducersAreRefused) {
  VIGIL_REQUIRE_SHARED(sdn2021, "us_ofac_sdn/2021-07");
  VIGIL_REQUIRE_SHARED(sdn2024, "us_ofac_sdn/2024-05");
  fs::path a = ScratchDir("a");
  WriteFile(a / "sdn.csv", ReadAll(sdn2021 / "sdn.csv").substr(0, 1000000) + "999999,\"UNCLOSED");
  for (const char* f : {"alt.csv", "add.csv", "sdn_comments.csv"}) {
    fs::copy_file(sdn2021 / f, a / f);
  }
  fs::path b = ScratchDir("b");
  std::string bytes = ReadAll(sdn2024 / "sdn.csv");
  size_t at = 0;
  for (int i = 0; i < 7000; ++i) at = bytes.find('\n', at) + 1;
  WriteFile(b / "sdn.csv", bytes.substr(0, at));
  for (const fs::path& dir : {a, b}) {
    for (bool strict : {false, true}) {
      std::vector<std::string> args = {"lists", "--lists", dir.string()};
      if (strict) args.push_back("--strict");
      Result r = Vigil(args);
      ExpectCleanFailure(r);
      EXPECT_EQ(r.code, 1);
      EXPECT_TRUE(Contains(r.err, (dir / "sdn.csv").string())) << r.err;
    }
    Result s = Vigil({"--lists", dir.string(), "screen", "DJIBO, Ousmane Illiassou"});
    ExpectCleanFailure(s);
  }
  Result ok = Vigil({"--accept-truncated", "--lists", b.string(), "lists", "--json"});
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ParseJson(ok.out)[0]["entities"], 7000);
}

// ---- diff -------------------------------------------------------------------------------

// Splits a fixture file into its CRLF lines; the final DOS end-of-file byte stays apart.
std::vector<std::string> CrlfLines(const std::string& bytes, std::string* eof) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t end = bytes.find("\r\n", pos);
    if (end == std::string::npos) break;
    lines.push_back(bytes.substr(pos, end - pos));
    pos = end + 2;
  }
  *eof = bytes.substr(pos);
  return lines;
}

TEST(CliDiffTest, ReportsAddedRemovedAndChanged) {
  fs::path a = CopyFixture("A");
  fs::path b = CopyFixture("B");
  std::string eof;
  std::vector<std::string> lines = CrlfLines(ReadAll(b / "sdn.csv"), &eof);
  ASSERT_EQ(eof, "\x1a");
  std::string edited;
  bool saw_100 = false;
  for (std::string line : lines) {
    if (line.rfind("103,", 0) == 0) continue;  // removed
    if (line.rfind("100,", 0) == 0) {
      size_t p = line.find("\"DPRK3] [DPRK4\"");
      ASSERT_NE(p, std::string::npos) << line;
      line.replace(p, 15, "\"DPRK3] [DPRK4] [SDGT\"");
      saw_100 = true;
    }
    edited += line + "\r\n";
  }
  ASSERT_TRUE(saw_100);
  // A new organization; its name has a Windows-1252 byte (0xC9, E acute), and its remarks
  // run over into sdn_comments.csv, as OFAC does with long remarks.
  edited +=
      "104,\"NOUVELLE SOCI\xC9T\xC9 EXEMPLE\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
      "\"Website www.nouvel\"\r\n";
  edited += eof;
  WriteFile(b / "sdn.csv", edited);
  // 103's continuation in the comments file goes with it; 104's is added.
  std::string comments_eof;
  std::vector<std::string> comments = CrlfLines(ReadAll(b / "sdn_comments.csv"), &comments_eof);
  std::string kept;
  for (const std::string& line : comments) {
    if (line.rfind("103,", 0) != 0) kept += line + "\r\n";
  }
  kept += "104,\"le.test.\"\r\n";
  WriteFile(b / "sdn_comments.csv", kept + comments_eof);

  // The edited copy still loads, and the new name was decoded from Windows-1252.
  Result show = Vigil({"--lists", b.string(), "show", "us_ofac_sdn:104"});
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_TRUE(Contains(show.out, "us_ofac_sdn:104  NOUVELLE SOCI\xC3\x89T\xC3\x89 EXEMPLE"))
      << show.out;
  EXPECT_TRUE(Contains(show.out, "www.nouvelle.test")) << show.out;

  Result r = Vigil({"diff", a.string(), b.string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = ParseJson(r.out);
  EXPECT_EQ(j["added"], json::array({"us_ofac_sdn:104"}));
  EXPECT_EQ(j["removed"], json::array({"us_ofac_sdn:103"}));
  EXPECT_EQ(j["old"]["entities"], 4);
  EXPECT_EQ(j["new"]["entities"], 4);
  bool found = false;
  for (const json& c : j["changed"]) {
    if (c["id"] != "us_ofac_sdn:100") continue;
    found = true;
    std::vector<std::string> fields = c["fields"];
    EXPECT_NE(std::find(fields.begin(), fields.end(), "programs"), fields.end()) << c.dump();
  }
  EXPECT_TRUE(found) << j["changed"].dump(2);
  // 101 and 102 were not touched.
  for (const json& c : j["changed"]) {
    EXPECT_NE(c["id"], "us_ofac_sdn:101") << c.dump();
    EXPECT_NE(c["id"], "us_ofac_sdn:102") << c.dump();
  }
  EXPECT_EQ(j["unchanged"], 2);

  Result details = Vigil({"diff", a.string(), b.string(), "--details"});
  ASSERT_EQ(details.code, 0) << details.err;
  EXPECT_TRUE(Contains(details.out, "\n+ us_ofac_sdn:104\n")) << details.out;
  EXPECT_TRUE(Contains(details.out, "\n- us_ofac_sdn:103\n")) << details.out;
  EXPECT_TRUE(Contains(details.out, "\n~ us_ofac_sdn:100 (")) << details.out;
}

TEST(CliDiffTest, SameFolderHasNoChanges) {
  Result r = Vigil({"diff", Fixture("ofac").string(), Fixture("ofac").string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = ParseJson(r.out);
  EXPECT_TRUE(j["added"].empty());
  EXPECT_TRUE(j["removed"].empty());
  EXPECT_TRUE(j["changed"].empty());
  EXPECT_EQ(j["unchanged"], 4);
  // Each version's date, and where it comes from (OFAC's files state none).
  EXPECT_EQ(j["old"]["published_source"], "file_date");
  EXPECT_EQ(j["new"]["published"].get<std::string>().size(), 20u) << j["new"].dump();
  Result t = Vigil({"diff", Fixture("un").string(), Fixture("un").string()});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_TRUE(Contains(t.out, "  old published 2026-02-27T00:00:09.554Z (stated in the file)\n"))
      << t.out;
}

TEST(CliDiffTest, DifferentListsCannotBeDiffed) {
  Result r = Vigil({"diff", Fixture("ofac").string(), Fixture("un").string()});
  ExpectCleanFailure(r);
  EXPECT_TRUE(Contains(r.err, "not versions of the same list")) << r.err;
}

TEST(CliDiffTest, RealOfacSnapshots) {
  VIGIL_REQUIRE_SHARED(old_dir, "us_ofac_sdn/2021-07");
  VIGIL_REQUIRE_SHARED(new_dir, "us_ofac_sdn/2024-05");
  Result r = Vigil({"diff", old_dir.string(), new_dir.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  auto count = [&](const std::string& label) -> long {
    for (const std::string& l : Lines(r.out)) {
      if (l.rfind("  " + label, 0) == 0) return std::stol(l.substr(2 + label.size()));
    }
    ADD_FAILURE() << "no line starting '  " << label << "' in\n" << r.out;
    return -1;
  };
  long added = count("added");
  long removed = count("removed");
  long changed = count("changed");
  long unchanged = count("unchanged");
  long old_n = count("old entities");
  long new_n = count("new entities");
  EXPECT_GT(added, 0);
  EXPECT_GT(removed, 0);
  EXPECT_GE(changed, 0);
  // Every old entity is removed, changed or unchanged; every new one added, changed or not.
  EXPECT_EQ(removed + changed + unchanged, old_n);
  EXPECT_EQ(added + changed + unchanged, new_n);
}

}  // namespace
}  // namespace vigil
