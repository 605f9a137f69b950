// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// `vigil watch --once` against a mirror on the loopback interface: the first round
// re-screens the stored parties, a new list version raises the alert it brings, a failed
// download keeps the list on disk, exits 1 and is audited.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run_program.h"
#include "local_http_server.h"
#include "test_util.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ProgramResult;
using testing::ReadAll;
using testing::ScratchDir;
using testing::TestServer;
using testing::WriteFile;

ProgramResult Vigil(const std::vector<std::string>& args) {
  return testing::RunProgram(VIGIL_BINARY, args, {"USER=tester"});
}

// The fixture's sdn.csv with one more person, us_ofac_sdn:999999.
std::string SdnWithTestPerson() {
  std::string bytes = ReadAll(testing::Fixture("ofac") / "sdn.csv");
  while (!bytes.empty() && bytes.back() == '\x1a') bytes.pop_back();
  if (!bytes.empty() && bytes.back() != '\n') bytes += "\r\n";
  return bytes +
         "999999,\"TESTPERSON, Zebulon Quixotic\",\"individual\",\"DPRK4\",-0- ,-0- ,-0- ,-0- ,"
         "-0- ,-0- ,-0- ,\"DOB 01 Jan 1970.\"\r\n\x1a";
}

// dir/us_ofac_sdn: a copy of the OFAC fixture (the list a watch loads and refreshes).
fs::path CopyOfacFixture(const fs::path& dir) {
  fs::path lists = dir / "us_ofac_sdn";
  fs::create_directories(lists);
  for (const char* f : {"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"}) {
    fs::copy_file(testing::Fixture("ofac") / f, lists / f);
  }
  return lists;
}

// Imports the parties of `jsonl` into the store `db` (dir/parties.jsonl).
void ImportParties(const fs::path& dir, const std::string& db, const std::string& jsonl) {
  WriteFile(dir / "parties.jsonl", jsonl);
  ProgramResult r = Vigil({"parties", "import", (dir / "parties.jsonl").string(), "--db", db});
  ASSERT_EQ(r.code, 0) << r.err;
}

// The JSON line `vigil watch --json` printed last.
json LastLine(const std::string& out) {
  std::istringstream in(out);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return json::parse(last, nullptr, false);
}

TEST(WatchCli, OnceFetchesReScreensAndReportsAFailedDownload) {
  fs::path dir = ScratchDir("watch");
  fs::path lists = CopyOfacFixture(dir);
  std::atomic<int> phase{0};  // 0: the fixture, 1: with the new person, 2: 404
  const std::string new_sdn = SdnWithTestPerson();
  TestServer mirror;
  mirror.server().Get(
      "/m/us_ofac_sdn/(.*)", [&](const httplib::Request& req, httplib::Response& res) {
        std::string name = req.matches[1];
        if (phase == 2) {
          res.status = 404;
          return;
        }
        res.set_content(
            phase == 1 && name == "sdn.csv" ? new_sdn : ReadAll(testing::Fixture("ofac") / name),
            "text/csv");
      });
  ASSERT_NO_FATAL_FAILURE(mirror.Start());

  std::string db = (dir / "cases.db").string();
  ASSERT_NO_FATAL_FAILURE(
      ImportParties(dir, db,
                    R"({"id":"P-ZQ","kind":"person","name":"Zebulon Quixotic Testperson"})"
                    "\n"
                    R"({"id":"P-N","kind":"person","name":"Nobody Inparticular"})"
                    "\n"));
  ProgramResult r;
  const std::vector<std::string> watch = {"--json", "--lists",          lists.string(),
                                          "watch",  "--once",           "--db",
                                          db,       "--fetch-base-url", mirror.Url("/m")};

  // First round: nothing changed upstream; the parties are brought up to date.
  r = Vigil(watch);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  json round = LastLine(r.out);
  ASSERT_TRUE(round.is_object()) << r.out;
  EXPECT_TRUE(round["ok"].get<bool>()) << round;
  EXPECT_FALSE(round["reloaded"].get<bool>()) << round;
  ASSERT_TRUE(round["rescreen"].is_object()) << round;
  EXPECT_EQ(round["fetched"][0]["changed"], false) << round;

  // A new version with a person who matches P-ZQ: fetched, re-screened, alert raised.
  phase = 1;
  r = Vigil(watch);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  round = LastLine(r.out);
  EXPECT_TRUE(round["reloaded"].get<bool>()) << round;
  ASSERT_TRUE(round["rescreen"].is_object()) << round;
  EXPECT_GE(round["rescreen"]["new_alerts"].get<int>(), 1) << round;
  EXPECT_EQ(ReadAll(lists / "sdn.csv"), new_sdn);
  r = Vigil({"alerts", "list", "--db", db, "--status", "all", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json page = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(page.is_object()) << r.out;
  bool found = false;
  for (const json& a : page["alerts"]) {
    if (a["party_id"] == "P-ZQ" && a["entity_id"] == "us_ofac_sdn:999999") found = true;
    EXPECT_NE(a["party_id"], "P-N") << a;
  }
  EXPECT_TRUE(found) << r.out;

  // The mirror fails: exit 1, the list on disk stays, the failure is audited.
  phase = 2;
  r = Vigil(watch);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("404"), std::string::npos) << r.err;
  EXPECT_EQ(ReadAll(lists / "sdn.csv"), new_sdn);
  round = LastLine(r.out);
  EXPECT_FALSE(round["ok"].get<bool>()) << round;
  EXPECT_TRUE(round["rescreen"].is_null()) << round;
  r = Vigil({"audit", "export", "--db", db});
  ASSERT_EQ(r.code, 0) << r.err;
  json last;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    json rec = json::parse(line, nullptr, false);
    if (rec.is_object() && rec["action"] == "lists.refresh") last = rec;
  }
  ASSERT_TRUE(last.is_object()) << r.out.substr(0, 1000);
  EXPECT_FALSE(last["detail"]["ok"].get<bool>()) << last;
  EXPECT_NE(last["detail"]["error"].get<std::string>().find("404"), std::string::npos) << last;
  EXPECT_EQ(last["detail"]["data_in_use"]["lists"][0]["source"], "us_ofac_sdn") << last;
  EXPECT_EQ(Vigil({"audit", "verify", "--db", db}).code, 0);
}

// Several rounds in one process (--rounds): the first delta run that needs the reverse
// index of the parties builds it, and the next round uses it warm ("party_index" of the
// run), raising the alert the later version brings.
TEST(WatchCli, RoundsKeepTheReverseIndexOfThePartiesWarm) {
  fs::path dir = ScratchDir("watch_rounds");
  fs::path lists = CopyOfacFixture(dir);
  // Each round fetches sdn.csv once: the fixture, then one new person, then a second one.
  const std::string v2 = SdnWithTestPerson();
  std::string v3 = v2.substr(0, v2.size() - 1) +
                   "999998,\"TESTWOMAN, Philippa Quintessa\",\"individual\",\"DPRK4\",-0- ,-0- ,"
                   "-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 02 Feb 1972.\"\r\n\x1a";
  std::atomic<int> sdn_requests{0};
  TestServer mirror;
  mirror.server().Get("/m/us_ofac_sdn/(.*)",
                      [&](const httplib::Request& req, httplib::Response& res) {
                        std::string name = req.matches[1];
                        if (name != "sdn.csv") {
                          res.set_content(ReadAll(testing::Fixture("ofac") / name), "text/csv");
                          return;
                        }
                        const int n = ++sdn_requests;
                        res.set_content(n == 1   ? ReadAll(testing::Fixture("ofac") / name)
                                        : n == 2 ? v2
                                                 : v3,
                                        "text/csv");
                      });
  ASSERT_NO_FATAL_FAILURE(mirror.Start());

  std::string db = (dir / "cases.db").string();
  ASSERT_NO_FATAL_FAILURE(
      ImportParties(dir, db,
                    R"({"id":"P-ZQ","kind":"person","name":"Zebulon Quixotic Testperson"})"
                    "\n"
                    R"({"id":"P-PQ","kind":"person","name":"Philippa Quintessa Testwoman"})"
                    "\n"
                    R"({"id":"P-N","kind":"person","name":"Nobody Inparticular"})"
                    "\n"));
  ProgramResult r = Vigil({"--json", "--lists", lists.string(), "watch", "--rounds", "3", "--every",
                           "200ms", "--db", db, "--fetch-base-url", mirror.Url("/m")});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  std::vector<json> rounds;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("rescreen")) rounds.push_back(j);
  }
  ASSERT_EQ(rounds.size(), 3u) << r.out;
  EXPECT_EQ(sdn_requests.load(), 3);
  // 1: the first run of the store screens every party: no index needed.
  EXPECT_EQ(rounds[0]["rescreen"]["kind"], "full") << rounds[0];
  EXPECT_EQ(rounds[0]["rescreen"]["party_index"], "none") << rounds[0];
  // 2: TESTPERSON added: the run builds the index and keeps it.
  EXPECT_TRUE(rounds[1]["reloaded"].get<bool>()) << rounds[1];
  EXPECT_EQ(rounds[1]["rescreen"]["party_index"], "built") << rounds[1];
  EXPECT_EQ(rounds[1]["rescreen"]["new_alerts"], 1) << rounds[1];
  // 3: TESTWOMAN added: the kept index, warm.
  EXPECT_TRUE(rounds[2]["reloaded"].get<bool>()) << rounds[2];
  EXPECT_EQ(rounds[2]["rescreen"]["party_index"], "warm") << rounds[2];
  EXPECT_EQ(rounds[2]["rescreen"]["new_alerts"], 1) << rounds[2];

  r = Vigil({"alerts", "list", "--db", db, "--status", "all", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json page = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(page.is_object()) << r.out;
  std::set<std::pair<std::string, std::string>> alerts;
  for (const json& a : page["alerts"]) {
    alerts.emplace(a["party_id"].get<std::string>(), a["entity_id"].get<std::string>());
  }
  EXPECT_EQ(alerts, (std::set<std::pair<std::string, std::string>>{{"P-ZQ", "us_ofac_sdn:999999"},
                                                                   {"P-PQ", "us_ofac_sdn:999998"}}))
      << r.out;
}

TEST(WatchCli, BadOptionsAreRefusedClearly) {
  fs::path dir = ScratchDir("watch_bad");
  std::string db = (dir / "cases.db").string();
  ProgramResult r = Vigil({"watch", "--once", "--db", db, "--every", "soon"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("'soon' is not a duration"), std::string::npos) << r.err;
  r = Vigil({"watch", "--once", "--db", db, "--webhook", "https://hooks.example.org/x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("secret"), std::string::npos) << r.err;
  r = Vigil({"watch", "--once"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--db"), std::string::npos) << r.err;
  r = Vigil({"watch", "--once", "--rounds", "2", "--db", db});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--rounds"), std::string::npos) << r.err;
  r = Vigil({"watch", "--rounds", "0", "--db", db});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--rounds"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace vigil
