// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The one validation of a screening query (screen/query.h) that the CLI, batch files and
// the API share.

#include "screen/query.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vigil::screen {
namespace {

using nlohmann::json;

bool Has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

TEST(QueryTest, KindMustBeKnown) {
  Query q;
  std::string err;
  EXPECT_FALSE(SetQueryKind("vesel", "type", &q, &err));
  EXPECT_TRUE(Has(err, "type must be person, organization, vessel, aircraft or any")) << err;
  EXPECT_TRUE(Has(err, "'vesel'")) << err;
  EXPECT_EQ(q.kind, EntityKind::kUnknown);
  ASSERT_TRUE(SetQueryKind("Vessel", "type", &q, &err)) << err;
  EXPECT_EQ(q.kind, EntityKind::kVessel);
  ASSERT_TRUE(SetQueryKind("any", "type", &q, &err)) << err;
  EXPECT_EQ(q.kind, EntityKind::kUnknown);
  ASSERT_TRUE(SetQueryKind("", "type", &q, &err)) << err;
}

TEST(QueryTest, DatesMustExistAndBeUnambiguous) {
  Query q;
  std::string err;
  for (const char* bad : {"yesterday", "1984-02-30", "1984-13", "3017", "1960 to 1965"}) {
    EXPECT_FALSE(SetQueryDob(bad, "dob", &q, &err)) << bad;
    EXPECT_TRUE(Has(err, "is not a date")) << bad << ": " << err;
  }
  // Day/month or month/day: refused, not guessed (nor read as anything else).
  for (const char* ambiguous : {"08/01/1984", "12/25/1984", "1984/01/08"}) {
    EXPECT_FALSE(SetQueryDob(ambiguous, "dob", &q, &err)) << ambiguous;
    EXPECT_TRUE(Has(err, "ambiguous")) << err;
  }
  EXPECT_EQ(q.dob, "");
  for (const char* good : {"1984-01-08", "1984-01", "1984", "8 January 1984", "1984-02-29"}) {
    ASSERT_TRUE(SetQueryDob(good, "dob", &q, &err)) << good << ": " << err;
    EXPECT_EQ(q.dob, good);
  }
  EXPECT_FALSE(SetQueryDob("1983-02-29", "dob", &q, &err));  // not a leap year
}

TEST(QueryTest, CountryMustBeKnown) {
  Query q;
  std::string err;
  EXPECT_FALSE(SetQueryCountry("Narnia", "country", &q, &err));
  EXPECT_TRUE(Has(err, "country 'Narnia' is not a known country")) << err;
  ASSERT_TRUE(SetQueryCountry("Korea, North", "country", &q, &err)) << err;
  EXPECT_EQ(q.country, "KP");
  ASSERT_TRUE(SetQueryCountry("ir", "country", &q, &err)) << err;
  EXPECT_EQ(q.country, "IR");
}

TEST(QueryTest, TextMustBeUtf8WithoutNulAndWithinLimits) {
  Query q;
  std::string err;
  EXPECT_FALSE(SetQueryName("K\xffm", "name", &q, &err));
  EXPECT_TRUE(Has(err, "not valid UTF-8 (byte 0xFF at offset 1")) << err;
  EXPECT_FALSE(SetQueryName(std::string("Ki\0m", 4), "name", &q, &err));
  EXPECT_TRUE(Has(err, "NUL")) << err;
  EXPECT_FALSE(SetQueryName(std::string(kMaxNameBytes + 1, 'a'), "name", &q, &err));
  EXPECT_TRUE(Has(err, "longer than 1000 bytes")) << err;
  EXPECT_TRUE(SetQueryName(std::string(kMaxNameBytes, 'a'), "name", &q, &err)) << err;
  // A name of megabytes is refused without being read.
  std::string huge(5'100'000, 'a');
  EXPECT_FALSE(SetQueryName(huge, "name", &q, &err));
  EXPECT_TRUE(Has(err, "longer than 1000 bytes")) << err;
  EXPECT_FALSE(SetQueryCountry("K\xc3", "country", &q, &err));  // cut in a character
  EXPECT_TRUE(Has(err, "UTF-8")) << err;
}

TEST(QueryTest, IdentifiersAreLimited) {
  Query q;
  std::string err;
  for (size_t i = 0; i < kMaxIdentifiers; ++i) {
    ASSERT_TRUE(AddQueryIdentifier("P" + std::to_string(i), "--id", &q, &err)) << err;
  }
  EXPECT_TRUE(AddQueryIdentifier("  ", "--id", &q, &err));  // blank: passed over
  EXPECT_FALSE(AddQueryIdentifier("P99", "--id", &q, &err));
  EXPECT_TRUE(Has(err, "more than 20")) << err;
  EXPECT_EQ(q.identifiers.size(), kMaxIdentifiers);
}

TEST(QueryTest, NeedsANameOrAnIdentifier) {
  Query q;
  std::string err;
  q.name = "  ";
  EXPECT_FALSE(CheckQueryHasName(q, "name", &err));
  EXPECT_TRUE(Has(err, "needs a name")) << err;
  q.identifiers.push_back("IMO 1234567");
  EXPECT_TRUE(CheckQueryHasName(q, "name", &err));
}

// A JSON query: wrong types and unknown members are problems; a bad optional field is left
// out, a bad name makes the query unusable.
TEST(QueryTest, JsonQueryReportsEveryProblem) {
  json j = json::parse(R"({"name": "Kim Jong Un", "type": ["person"], "dob": {"a": [1]},
                           "country": "Narnia", "cuntry": "KP", "identifiers": ["P1", 7]})");
  Query q;
  std::string id;
  std::vector<QueryProblem> problems;
  JsonQueryRules rules;
  rules.where = "queries[2]";
  EXPECT_FALSE(ReadJsonQuery(j, rules, &q, &id, &problems));
  ASSERT_EQ(problems.size(), 5u);
  EXPECT_TRUE(Has(problems[0].message, "unknown field \"queries[2].cuntry\""))
      << problems[0].message;
  EXPECT_EQ(problems[0].unknown_field, "cuntry");
  EXPECT_TRUE(Has(problems[1].message, "queries[2].type must be a string, not an array"));
  EXPECT_TRUE(Has(problems[2].message, "queries[2].dob must be a string, not an object"));
  EXPECT_TRUE(Has(problems[3].message, "queries[2].country 'Narnia'"));
  EXPECT_TRUE(Has(problems[4].message, "queries[2].identifiers[1] must be a string"));
  for (const QueryProblem& p : problems) EXPECT_FALSE(p.fatal) << p.message;
  EXPECT_EQ(q.name, "Kim Jong Un");
  EXPECT_EQ(q.kind, EntityKind::kUnknown);
  EXPECT_EQ(q.dob, "");
  EXPECT_EQ(q.country, "");
  EXPECT_EQ(q.identifiers, std::vector<std::string>{"P1"});

  problems.clear();
  Query bad;
  EXPECT_FALSE(
      ReadJsonQuery(json::parse(R"({"name": 42})"), JsonQueryRules{}, &bad, &id, &problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(problems[0].fatal);
  EXPECT_TRUE(Has(problems[0].message, "name must be a string, not a number"));

  problems.clear();
  EXPECT_FALSE(ReadJsonQuery(json::parse(R"(["Kim"])"), JsonQueryRules{}, &bad, &id, &problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(problems[0].fatal);
}

}  // namespace
}  // namespace vigil::screen
