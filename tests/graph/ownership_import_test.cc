// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Reading ownership files (src/graph/ownership_import.h): CSV and JSONL, ends resolved by
// the caller, every bad line named FILE:LINE and nothing returned when there is one.

#include "graph/ownership_import.h"

#include <gtest/gtest.h>

namespace vigil::graph {
namespace {

// Ends starting with "P-" are parties, "us_ofac_sdn:" listed entities, "Korea" a name
// match, anything else unresolved.
void Resolve(std::string_view given, store::OwnershipEnd* e) {
  std::string g(given);
  if (g.rfind("P-", 0) == 0) {
    e->node = "party:" + g;
    e->how = "party";
  } else if (g.rfind("us_ofac_sdn:", 0) == 0) {
    e->node = g;
    e->how = "entity";
  } else if (g.find("Korea") != std::string::npos) {
    e->node = "us_ofac_sdn:9345";
    e->how = "name_match";
    e->score = 0.9;
    e->matched_id = "us_ofac_sdn:9345";
    e->matched_name = "KOREA MINING DEVELOPMENT TRADING CORPORATION";
  } else {
    e->node = "name:" + g;
    e->how = "unresolved";
  }
}

TEST(OwnershipImport, ReadsCsv) {
  std::vector<store::OwnershipEdgeRecord> out;
  Status s = ParseOwnershipText(
      "owner,owned,percentage,kind,source,as_of\n"
      "us_ofac_sdn:9345,P-1,60,ownership,registry extract,2025-01-31\n"
      "Korea Mining Development,P-2,25-50,,annual report,\n"
      "\"Smith, John\",P-2,,director,,\n",
      "/tmp/x/owners.csv", Resolve, &out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].owner.node, "us_ofac_sdn:9345");
  EXPECT_EQ(out[0].owned.node, "party:P-1");
  EXPECT_EQ(out[0].low, 60);
  EXPECT_EQ(out[0].high, 60);
  EXPECT_EQ(out[0].kind, "ownership");
  EXPECT_EQ(out[0].as_of, "2025-01-31");
  EXPECT_EQ(out[0].file, "owners.csv");
  EXPECT_EQ(out[0].line, 2);
  EXPECT_EQ(out[0].review, "accepted");
  EXPECT_EQ(out[1].owner.how, "name_match");
  EXPECT_EQ(out[1].review, "to_review");
  EXPECT_EQ(out[1].kind, "ownership");  // empty kind: ownership
  EXPECT_EQ(out[1].low, 25);
  EXPECT_EQ(out[1].high, 50);
  EXPECT_EQ(out[2].owner.node, "name:Smith, John");
  EXPECT_EQ(out[2].owner.how, "unresolved");
  EXPECT_EQ(out[2].kind, "director");
  EXPECT_EQ(out[2].low, 0);
  EXPECT_EQ(out[2].high, 100);  // unknown
}

TEST(OwnershipImport, ReadsJsonl) {
  std::vector<store::OwnershipEdgeRecord> out;
  Status s = ParseOwnershipText(
      "{\"owner\": \"us_ofac_sdn:1\", \"owned\": \"P-1\", \"percentage\": 50}\n"
      "\n"
      "{\"owner\": \"P-1\", \"owned\": \"P-3\", \"percentage\": \"25-50\", \"kind\": "
      "\"control\", \"as_of\": \"2024-06\"}\n"
      "{\"owner\": \"P-3\", \"owned\": \"P-4\", \"percentage\": null}\n",
      "edges.jsonl", Resolve, &out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].percentage, "50");
  EXPECT_EQ(out[0].low, 50);
  EXPECT_EQ(out[1].line, 3);
  EXPECT_EQ(out[1].kind, "control");
  EXPECT_EQ(out[1].as_of, "2024-06");
  EXPECT_EQ(out[2].percentage, "");
  EXPECT_EQ(out[2].high, 100);
}

TEST(OwnershipImport, BadLinesAreNamedAndNothingIsReturned) {
  std::vector<store::OwnershipEdgeRecord> out(1);
  Status s = ParseOwnershipText(
      "owner,owned,percentage,kind,source,as_of\n"
      "P-1,P-2,60,ownership,,\n"
      "P-1,,60,ownership,,\n"
      "P-1,P-3,120,ownership,,\n"
      "P-1,P-4,10,partner,,\n"
      "P-1,P-5,10,ownership,,2024-13-45\n"
      "P-1,P-1,10,ownership,,\n",
      "owners.csv", Resolve, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  const std::string m = s.message();
  EXPECT_NE(m.find("owners.csv:3: owned is empty"), std::string::npos) << m;
  EXPECT_NE(m.find("owners.csv:4: "), std::string::npos) << m;
  EXPECT_NE(m.find("120"), std::string::npos) << m;
  EXPECT_NE(m.find("owners.csv:5: "), std::string::npos) << m;
  EXPECT_NE(m.find("partner"), std::string::npos) << m;
  EXPECT_NE(m.find("owners.csv:6: as_of"), std::string::npos) << m;
  EXPECT_NE(m.find("owners.csv:7: owner and owned are the same"), std::string::npos) << m;
  EXPECT_NE(m.find("nothing imported (5 bad lines)"), std::string::npos) << m;
  EXPECT_EQ(out.size(), 1u);  // untouched

  s = ParseOwnershipText("owner,owned,share\nP-1,P-2,1\n", "o.csv", Resolve, &out);
  EXPECT_NE(s.message().find("o.csv:1: unknown column 'share'"), std::string::npos) << s.message();
  s = ParseOwnershipText("{\"owner\": \"P-1\", \"owned\": \"P-2\"}\n{oops\n", "o.jsonl", Resolve,
                         &out);
  EXPECT_NE(s.message().find("o.jsonl:2: not a JSON object"), std::string::npos) << s.message();
  s = ParseOwnershipText("{\"owner\": 5, \"owned\": \"P-2\"}\n", "o.jsonl", Resolve, &out);
  EXPECT_NE(s.message().find("o.jsonl:1: owner: expected a string"), std::string::npos)
      << s.message();
  s = ParseOwnershipText("", "o.csv", Resolve, &out);
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace vigil::graph
