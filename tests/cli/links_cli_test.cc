// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// `vigil ownership import/list`, `vigil exposure` and the links of `vigil show`, run as a
// user runs them, on the hand-written fixture tests/fixtures/links and (when present) the
// real OFAC list in ../shared/lists.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/run_program.h"
#include "test_util.h"

namespace vigil {
namespace {

using nlohmann::json;
using testing::ProgramResult;
using testing::RunProgram;

ProgramResult Vigil(const std::vector<std::string>& args) {
  return RunProgram(VIGIL_BINARY, args, {"USER=tester"});
}

std::string FixtureLists() { return testing::Fixture("links").string(); }

// A store with parties P-1 (Acme Trading) and P-2 (Unrelated Bakery).
std::string MakeStore(const std::string& name) {
  std::filesystem::path dir = testing::ScratchDir(name);
  std::string db = (dir / "vigil.db").string();
  std::filesystem::path parties = dir / "parties.jsonl";
  testing::WriteFile(parties,
                     "{\"id\": \"P-1\", \"kind\": \"organization\", \"name\": \"Acme Trading\"}\n"
                     "{\"id\": \"P-2\", \"kind\": \"organization\", \"name\": \"Unrelated "
                     "Bakery\"}\n");
  ProgramResult r = Vigil({"--lists", FixtureLists(), "parties", "import", parties.string(), "--db",
                           db, "--no-screen"});
  EXPECT_EQ(r.code, 0) << r.err;
  return db;
}

TEST(LinksCli, ShowListsLinksBothWays) {
  ProgramResult r = Vigil({"--lists", FixtureLists(), "show", "us_ofac_sdn:500"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("linked from   linked_to: KANG, Il Nam [us_ofac_sdn:501]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("linked from   linked_to: SILVER BAY TRADING LLC [us_ofac_sdn:502]"),
            std::string::npos)
      << r.out;
  r = Vigil({"--lists", FixtureLists(), "show", "us_ofac_sdn:502"});
  EXPECT_NE(r.out.find("links to      linked_to: NORTHERN STAR MINING CORPORATION "
                       "[us_ofac_sdn:500]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("linked from   linked_to: HARBOUR LINE SHIPPING CO [us_ofac_sdn:503]"),
            std::string::npos)
      << r.out;
  r = Vigil({"--lists", FixtureLists(), "--json", "show", "us_ofac_sdn:502"});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["links"]["outgoing"].size(), 1u);
  EXPECT_EQ(j["links"]["outgoing"][0]["to"], "us_ofac_sdn:500");
  ASSERT_EQ(j["links"]["incoming"].size(), 1u);
  EXPECT_EQ(j["links"]["incoming"][0]["from"], "us_ofac_sdn:503");
}

// The must-show with the real list: an OFAC entity with "Linked To:" remarks, its links
// both ways. KOREA MINING DEVELOPMENT TRADING CORPORATION (us_ofac_sdn:9345) is named by
// its representatives; KIM, Kwang Hyok (18848) names it.
TEST(LinksCli, ShowOnTheRealOfacList) {
  VIGIL_REQUIRE_SHARED(sdn, "us_ofac_sdn/2024-05");
  ProgramResult r = Vigil({"--lists", sdn.string(), "--json", "show", "us_ofac_sdn:9345"});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = json::parse(r.out);
  bool from_kim = false;
  for (const json& e : j["links"]["incoming"]) {
    EXPECT_EQ(e["to"], "us_ofac_sdn:9345");
    EXPECT_EQ(e["type"], "linked_to");
    if (e["from"] == "us_ofac_sdn:18848") from_kim = true;
  }
  EXPECT_TRUE(from_kim) << j["links"].dump();
  EXPECT_GE(j["links"]["incoming"].size(), 5u);
  r = Vigil({"--lists", sdn.string(), "show", "us_ofac_sdn:18848"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("links to      linked_to: KOREA MINING DEVELOPMENT TRADING CORPORATION "
                       "[us_ofac_sdn:9345]"),
            std::string::npos)
      << r.out;
}

TEST(LinksCli, ImportListAndExposure) {
  const std::string db = MakeStore("links_cli_import");
  std::filesystem::path dir = testing::ScratchDir("links_cli_import_files");
  std::filesystem::path csv = dir / "owners.csv";
  testing::WriteFile(csv,
                     "owner,owned,percentage,kind,source,as_of\n"
                     "Silver Bay Trading LLC,P-1,30,ownership,registry,2025-01-31\n"
                     "us_ofac_sdn:501,P-1,10,,registry,\n"
                     "Jane Q. Nobody Holdings,P-1,,director,,\n");
  ProgramResult r = Vigil({"--lists", FixtureLists(), "ownership", "import", csv.string(), "--db",
                           db, "--by", "carol"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("3 edges imported; 1 ends matched by name (to review), 1 kept"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("SILVER BAY TRADING LLC [us_ofac_sdn:502]"), std::string::npos) << r.out;

  r = Vigil({"ownership", "list", "--db", db, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json edges = json::parse(r.out)["edges"];
  ASSERT_EQ(edges.size(), 3u);
  EXPECT_EQ(edges[0]["owner"]["how"], "name_match");
  EXPECT_EQ(edges[0]["owner"]["matched_id"], "us_ofac_sdn:502");
  EXPECT_EQ(edges[0]["review"], "to_review");
  EXPECT_EQ(edges[0]["by"], "carol");
  EXPECT_EQ(edges[1]["owner"]["how"], "entity");
  EXPECT_EQ(edges[1]["owned"]["node"], "party:P-1");
  EXPECT_EQ(edges[2]["owner"]["node"], "name:Jane Q. Nobody Holdings");

  r = Vigil({"--lists", FixtureLists(), "--json", "exposure", "P-1", "--db", db, "--alert-level",
             "0.25"});
  ASSERT_EQ(r.code, 0) << r.err;
  json x = json::parse(r.out);
  EXPECT_EQ(x["id"], "party:P-1");
  ASSERT_FALSE(x["paths"].empty());
  // Best: 30% owned by SILVER BAY (listed, one hop) = 0.3.
  EXPECT_EQ(x["paths"][0]["entity_id"], "us_ofac_sdn:502");
  EXPECT_NEAR(x["paths"][0]["score"].get<double>(), 0.3, 1e-9);
  // The edge rests on a name match nobody reviewed yet: it counts, and the path says so.
  const std::string why = x["paths"][0]["explanation"];
  EXPECT_EQ(why.rfind("Acme Trading (party:P-1) is owned 30% by SILVER BAY TRADING LLC "
                      "(us_ofac_sdn:502) [ownership import owners.csv] (name match ",
                      0),
            0u)
      << why;
  EXPECT_NE(why.find(", to review), listed on us_ofac_sdn (DPRK2)"), std::string::npos) << why;
  // Only 502 reaches 0.25: 500 and 503 through it score 0.3 * 0.9 * 0.8 = 0.216.
  EXPECT_EQ(x["alerts"]["new_alerts"], 1);
  r = Vigil({"alerts", "list", "--db", db, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("exposure:us_ofac_sdn:502"), std::string::npos) << r.out;

  // Text; an unknown party; a bad file (nothing imported).
  r = Vigil({"--lists", FixtureLists(), "exposure", "P-1", "--db", db, "--no-alerts"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("50% rule"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1. 0.30  1 hop  Acme Trading"), std::string::npos) << r.out;
  r = Vigil({"--lists", FixtureLists(), "exposure", "P-9", "--db", db});
  EXPECT_EQ(r.code, 1);
  std::filesystem::path bad = dir / "bad.csv";
  testing::WriteFile(bad, "owner,owned,percentage\nP-1,P-2,50\nP-1,,50\n");
  r = Vigil({"--lists", FixtureLists(), "ownership", "import", bad.string(), "--db", db});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bad.csv:3: owned is empty"), std::string::npos) << r.err;
  r = Vigil({"ownership", "list", "--db", db, "--json"});
  EXPECT_EQ(json::parse(r.out)["edges"].size(), 3u);
}

// `vigil ownership list --to-review` and `vigil ownership review`: accept keeps the match,
// reject re-points the end (kept as an outside node, or to the node given), each audited.
TEST(LinksCli, ReviewNameMatches) {
  const std::string db = MakeStore("links_cli_review");
  std::filesystem::path dir = testing::ScratchDir("links_cli_review_files");
  std::filesystem::path csv = dir / "owners.csv";
  testing::WriteFile(csv,
                     "owner,owned,percentage\n"
                     "Silver Bay Trading LLC,P-1,60\n"
                     "Harbour Line Shipping,P-2,60\n"
                     "us_ofac_sdn:501,P-2,10\n");
  ProgramResult r = Vigil({"--lists", FixtureLists(), "ownership", "import", csv.string(), "--db",
                           db, "--by", "carol"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Vigil({"ownership", "list", "--db", db, "--to-review", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json edges = json::parse(r.out)["edges"];
  ASSERT_EQ(edges.size(), 2u) << r.out;
  const int64_t silver = edges[0]["id"], harbour = edges[1]["id"];
  EXPECT_EQ(edges[0]["owner"]["review"], "to_review");
  EXPECT_EQ(edges[1]["owner"]["matched_id"], "us_ofac_sdn:503");

  // Accept.
  // The import opened an exposure alert for each party: both are blocked through the match.
  r = Vigil({"alerts", "list", "--db", db, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("exposure:us_ofac_sdn:503"), std::string::npos) << r.out;

  r = Vigil({"--lists", FixtureLists(), "ownership", "review", std::to_string(silver), "--db", db,
             "--accept", "--note", "same registry number", "--by", "dave"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("accepted"), std::string::npos) << r.out;
  // Reject, kept as an outside node by its name.
  r = Vigil({"--lists", FixtureLists(), "--json", "ownership", "review", std::to_string(harbour),
             "--db", db, "--reject", "--end", "owner", "--by", "dave"});
  ASSERT_EQ(r.code, 0) << r.err;
  json out = json::parse(r.out);
  // The review re-evaluated P-2: its exposure alert on 503 no longer holds and is closed.
  EXPECT_EQ(out["exposure"]["trigger"], "ownership review " + std::to_string(harbour));
  EXPECT_GE(out["exposure"]["parties_evaluated"].get<int>(), 1);
  EXPECT_GE(out["exposure"]["closed"].get<int>(), 1) << out["exposure"].dump();
  r = Vigil({"alerts", "list", "--db", db, "--json", "--party", "P-2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("exposure:us_ofac_sdn:503"), std::string::npos) << r.out;  // closed
  json after = out["edge"];
  EXPECT_EQ(after["owner"]["node"], "name:Harbour Line Shipping");
  EXPECT_EQ(after["owner"]["how"], "rejected_match");
  EXPECT_EQ(after["owner"]["matched_id"], "us_ofac_sdn:503");
  EXPECT_EQ(after["review"], "accepted");
  r = Vigil({"ownership", "list", "--db", db, "--to-review"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("0 edges to review"), std::string::npos) << r.out;

  // The graph follows: P-2 is no longer 40% owned by the listed 503.
  r = Vigil({"--lists", FixtureLists(), "--json", "exposure", "P-2", "--db", db, "--no-alerts",
             "--hops", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  const json x = json::parse(r.out);
  for (const json& p : x["paths"]) EXPECT_NE(p["entity_id"], "us_ofac_sdn:503");

  // Refused: reviewed already, no such edge, both flags, a node not on the lists.
  r = Vigil({"ownership", "review", std::to_string(silver), "--db", db, "--reject", "--no-alerts"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not to review"), std::string::npos) << r.err;
  r = Vigil({"ownership", "review", "999", "--db", db, "--accept", "--no-alerts"});
  EXPECT_EQ(r.code, 1);
  r = Vigil({"ownership", "review", std::to_string(silver), "--db", db, "--accept", "--reject"});
  EXPECT_NE(r.code, 0);
  r = Vigil({"--lists", FixtureLists(), "ownership", "review", std::to_string(silver), "--db", db,
             "--reject", "--node", "us_ofac_sdn:424242"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not a listed entity"), std::string::npos) << r.err;

  r = Vigil({"audit", "export", "--db", db});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ownership.review"), std::string::npos);
}

// `vigil ownership import` and `vigil rescreen` re-evaluate exposure (graph/exposure_alerts.h).
TEST(LinksCli, ImportAndRescreenReevaluateExposure) {
  const std::string db = MakeStore("links_cli_reevaluate");
  std::filesystem::path dir = testing::ScratchDir("links_cli_reevaluate_files");
  std::filesystem::path csv = dir / "owners.csv";
  testing::WriteFile(csv,
                     "owner,owned,percentage,kind,source,as_of\n"
                     "us_ofac_sdn:502,P-1,30,ownership,registry,2025-01-31\n");
  ProgramResult r = Vigil({"--lists", FixtureLists(), "--json", "ownership", "import", csv.string(),
                           "--db", db, "--alert-level", "0.25"});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["exposure"]["parties_evaluated"], 1) << r.out;  // P-1, not the bakery
  EXPECT_EQ(j["exposure"]["new_alerts"], 1) << r.out;
  EXPECT_EQ(j["exposure"]["trigger"], "ownership import " + csv.string());

  // The first re-screen is a full one: every party re-evaluated; at the default level (0.5)
  // the 0.3 path no longer holds and its alert is closed.
  r = Vigil({"--lists", FixtureLists(), "--json", "rescreen", "--db", db});
  ASSERT_EQ(r.code, 0) << r.err;
  j = json::parse(r.out);
  EXPECT_EQ(j["exposure"]["parties_evaluated"], 2) << r.out;
  EXPECT_EQ(j["exposure"]["closed"], 1) << r.out;
  // Unchanged lists: nothing to re-evaluate.
  r = Vigil(
      {"--lists", FixtureLists(), "--json", "rescreen", "--db", db, "--exposure-level", "0.25"});
  ASSERT_EQ(r.code, 0) << r.err;
  j = json::parse(r.out);
  EXPECT_EQ(j["exposure"]["path"], "nothing changed") << r.out;
  r = Vigil({"--lists", FixtureLists(), "--json", "rescreen", "--db", db, "--no-exposure"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(json::parse(r.out).contains("exposure")) << r.out;
}

// `vigil parties import` evaluates the exposure of the parties it adds or changes (any
// field: an address links a party as a website does): a party with a listed entity's
// website gets an exposure alert at once; a re-import that replaces the website closes it.
TEST(LinksCli, PartyImportEvaluatesExposure) {
  std::filesystem::path dir = testing::ScratchDir("links_cli_party_import");
  std::string db = (dir / "vigil.db").string();
  std::filesystem::path parties = dir / "parties.jsonl";
  auto write = [&](const std::string& website) {
    testing::WriteFile(parties,
                       "{\"id\": \"P-8\", \"kind\": \"organization\", \"name\": \"Quiet "
                       "Exports\", \"identifiers\": [{\"type\": \"website\", \"value\": \"" +
                           website +
                           "\"}]}\n"
                           "{\"id\": \"P-9\", \"kind\": \"organization\", \"name\": \"Corner "
                           "Bakery\"}\n");
  };
  write("https://www.Northern-Star-Mining.test/contact");
  ProgramResult r = Vigil(
      {"--lists", FixtureLists(), "--json", "parties", "import", parties.string(), "--db", db});
  ASSERT_EQ(r.code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["exposure"]["parties_evaluated"], 2) << r.out;
  // One alert per listed entity reached at 0.5 or more: the website's owner (0.8) and the two
  // entries "Linked To:" it (0.8 x 0.9 x 0.8 for the second hop = 0.58).
  EXPECT_EQ(j["exposure"]["new_alerts"], 3) << r.out;
  EXPECT_EQ(j["exposure"]["trigger"], "party import " + parties.string());
  r = Vigil({"--json", "alerts", "list", "--db", db});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("exposure:us_ofac_sdn:500"), std::string::npos) << r.out;

  // Unchanged: nothing evaluated. The website replaced: the alert no longer holds.
  r = Vigil(
      {"--lists", FixtureLists(), "--json", "parties", "import", parties.string(), "--db", db});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(json::parse(r.out).contains("exposure")) << r.out;
  write("https://quiet-exports.test");
  r = Vigil(
      {"--lists", FixtureLists(), "--json", "parties", "import", parties.string(), "--db", db});
  ASSERT_EQ(r.code, 0) << r.err;
  j = json::parse(r.out);
  EXPECT_EQ(j["exposure"]["parties_evaluated"], 1) << r.out;
  EXPECT_EQ(j["exposure"]["closed"], 3) << r.out;
  // --no-screen: neither screened nor evaluated.
  write("https://www.northern-star-mining.test");
  r = Vigil({"--lists", FixtureLists(), "--json", "parties", "import", parties.string(), "--db", db,
             "--no-screen"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(json::parse(r.out).contains("exposure")) << r.out;
}

// A party whose email equals a listed entity's is exposed to it through that shared value.
TEST(LinksCli, ExposureThroughASharedEmail) {
  std::filesystem::path dir = testing::ScratchDir("links_cli_shared");
  std::string db = (dir / "vigil.db").string();
  std::filesystem::path parties = dir / "parties.jsonl";
  testing::WriteFile(parties,
                     "{\"id\": \"P-7\", \"kind\": \"organization\", \"name\": \"Quiet Imports\", "
                     "\"identifiers\": [{\"type\": \"email\", \"value\": "
                     "\"Trade@Northern-Star-Mining.test\"}]}\n");
  ProgramResult r = Vigil({"--lists", FixtureLists(), "parties", "import", parties.string(), "--db",
                           db, "--no-screen"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Vigil({"--lists", FixtureLists(), "--json", "exposure", "P-7", "--db", db, "--hops", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  json x = json::parse(r.out);
  ASSERT_FALSE(x["paths"].empty()) << x.dump(1);
  const json& p = x["paths"][0];
  EXPECT_EQ(p["entity_id"], "us_ofac_sdn:500");
  EXPECT_EQ(p["steps"][0]["edge"]["source"], "shared attributes");
  bool email = false;
  for (const json& q : x["paths"]) {
    if (q["steps"][0]["edge"]["type"] == "shares_email") {
      email = true;
      EXPECT_EQ(q["steps"][0]["edge"]["evidence"]["value"], "trade@northern-star-mining.test");
      EXPECT_NE(q["explanation"].get<std::string>().find("shares the email"), std::string::npos);
    }
  }
  EXPECT_TRUE(email) << x.dump(1);
}

}  // namespace
}  // namespace vigil
