// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/party.h"

#include <gtest/gtest.h>

namespace vigil::model {
namespace {

using nlohmann::json;

const char* kFull = R"({"id": "P-000123", "kind": "person", "name": "Kim Il Sung",
  "aliases": ["Kim Song Ju"], "dob": "1990-05-01", "nationality": "KP", "country": "United States",
  "addresses": [{"kind": "home", "street": "1 Main St", "city": "Springfield",
                 "postal_code": "12345", "country": "US"}],
  "identifiers": [{"type": "email", "value": "kim@example.com"},
                  {"type": "wallet", "value": "0xabc", "currency": "USDT", "holder": "X",
                   "country": "CN"}],
  "logins": [{"ip": "1.2.3.4", "time": "2026-03-05T16:37:00Z"}],
  "remote_access": ["rdp", "anydesk"], "tags": ["contractor"],
  "risk_rating": {"level": 3, "by": "onboarding"}})";

std::string Line(const char* s) {
  std::string out;
  for (const char* p = s; *p != '\0'; ++p) out.push_back(*p == '\n' ? ' ' : *p);
  return out;
}

Status Parse(std::string_view line, Party* p, std::vector<std::string>* w = nullptr) {
  std::vector<std::string> ignored;
  return ParsePartyLine(line, p, w != nullptr ? w : &ignored);
}

TEST(PartyTest, ParsesEveryField) {
  Party p;
  std::vector<std::string> warnings;
  ASSERT_TRUE(Parse(Line(kFull), &p, &warnings).ok());
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(p.id, "P-000123");
  EXPECT_EQ(p.kind, EntityKind::kPerson);
  EXPECT_EQ(p.name, "Kim Il Sung");
  ASSERT_EQ(p.aliases.size(), 1u);
  EXPECT_EQ(p.dob, "1990-05-01");
  EXPECT_EQ(p.nationality, "KP");
  EXPECT_EQ(p.country, "US");  // a country name is mapped to its code
  ASSERT_EQ(p.addresses.size(), 1u);
  EXPECT_EQ(p.addresses[0].city, "Springfield");
  ASSERT_EQ(p.identifiers.size(), 2u);
  EXPECT_EQ(p.identifiers[1].currency, "USDT");
  EXPECT_EQ(p.identifiers[1].country, "CN");
  ASSERT_EQ(p.logins.size(), 1u);
  EXPECT_EQ(p.logins[0].ip, "1.2.3.4");
  EXPECT_EQ(p.remote_access.size(), 2u);
  EXPECT_EQ(p.tags, std::vector<std::string>{"contractor"});
}

TEST(PartyTest, KeepsUnknownFieldsAndTheRecordAsGiven) {
  Party p;
  ASSERT_TRUE(Parse(Line(kFull), &p).ok());
  const json& r = ToJson(p);
  EXPECT_EQ(r.at("risk_rating").at("level"), 3);
  EXPECT_EQ(r.at("country"), "United States");  // as given; the typed field holds "US"

  Party q;
  ASSERT_TRUE(Parse(R"({"id":"1","name":"A","kind":"company","x":[1,{"y":null}]})", &q).ok());
  EXPECT_EQ(q.kind, EntityKind::kOrganization);
  EXPECT_EQ(ToJson(q).at("kind"), "company");
  EXPECT_EQ(ToJson(q).at("x"), json::parse(R"([1,{"y":null}])"));
}

TEST(PartyTest, BadFieldsAreNamed) {
  struct Case {
    const char* line;
    const char* expect;
  } cases[] = {
      {R"({"name":"A"})", "id: required"},
      {R"({"id":"1"})", "name: required"},
      {R"({"id":"1","name":"  "})", "name: required"},
      {R"({"id":2,"name":"A"})", "id must be a string, not a number"},
      {R"({"id":"1","name":"A","kind":"robot"})", "kind: must be person, organization"},
      {R"({"id":"1","name":"A","dob":"1984-02-30"})", "dob: '1984-02-30' is not a date"},
      {R"({"id":"1","name":"A","dob":"01/02/1984"})", "dob: '01/02/1984' is ambiguous"},
      {R"({"id":"1","name":"A","nationality":"Atlantis"})",
       "nationality: 'Atlantis' is not a known country"},
      {R"({"id":"1","name":"A","country":"ZZ"})", "country: 'ZZ' is not a known country"},
      {R"({"id":"1","name":"A","aliases":"B"})", "aliases must be an array of strings"},
      {R"({"id":"1","name":"A","aliases":["B",3]})", "aliases[1] must be a string"},
      {R"({"id":"1","name":"A","identifiers":[{"type":"email"}]})",
       "identifiers[0].value: required"},
      {R"({"id":"1","name":"A","addresses":[{"city":5}]})", "addresses[0].city must be a string"},
      {R"({"id":"1","name":"A","id":"2"})", "the key \"id\" is given twice"},
      {R"({"id":"1","name":"A","x":{"k":1,"k":2}})", "the key \"k\" is given twice"},
      {R"(["id"])", "not a JSON object"},
      {R"({"id":"1","name":)", "not a JSON object"},
  };
  for (const Case& c : cases) {
    Party p;
    Status s = Parse(c.line, &p);
    ASSERT_FALSE(s.ok()) << c.line;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << c.line << " -> " << s.message();
  }
}

TEST(PartyTest, DoubtfulFieldsAreWarningsAndKept) {
  Party p;
  std::vector<std::string> w;
  ASSERT_TRUE(Parse(R"({"id":"1","name":"A","identifiers":[{"type":"fax","value":"123"}],
                        "addresses":[{"kind":"summer","country":"Atlantis"}]})",
                    &p, &w)
                  .ok());
  ASSERT_EQ(w.size(), 3u);
  EXPECT_NE(w[0].find("addresses[0].kind"), std::string::npos);
  EXPECT_NE(w[1].find("addresses[0].country"), std::string::npos);
  EXPECT_NE(w[2].find("identifiers[0].type: 'fax'"), std::string::npos);
  EXPECT_EQ(p.identifiers[0].type, "fax");
}

TEST(PartyTest, ScreenedFieldsAndHash) {
  Party a, b;
  ASSERT_TRUE(Parse(R"({"id":"1","name":"A","kind":"company","aliases":["B","C"],"tags":["x"],
      "identifiers":[{"type":"email","value":"a@b"},{"type":"phone","value":"1"}],
      "logins":[{"ip":"1.1.1.1"}]})",
                    &a)
                  .ok());
  // The same screened fields in another order, other unscreened fields, kind written alike.
  ASSERT_TRUE(Parse(R"({"name":"A","id":"1","kind":"organization","aliases":["C","B"],
      "identifiers":[{"type":"phone","value":"1"},{"type":"email","value":"a@b"}]})",
                    &b)
                  .ok());
  json fa = ScreenedFields(a);
  EXPECT_EQ(fa, ScreenedFields(b));
  EXPECT_EQ(fa.at("kind"), "organization");
  EXPECT_FALSE(fa.contains("tags"));
  EXPECT_FALSE(fa.contains("logins"));
  EXPECT_EQ(JsonHash(fa), JsonHash(ScreenedFields(b)));
  EXPECT_EQ(JsonHash(fa).size(), 64u);
  // Stable across runs and builds: keys sorted, compact; the sha256sum of {"a":"x","b":1}.
  EXPECT_EQ(JsonHash(json::parse(R"({"b":1,"a":"x"})")),
            "cdab067e9f3beb32d1252cfd63e492592fecbf591b0d08cadb24bb17f3864246");
  Party c;
  ASSERT_TRUE(Parse(R"({"id":"1","name":"A","kind":"company","aliases":["B","C"],
      "dob":"1990"})",
                    &c)
                  .ok());
  EXPECT_NE(JsonHash(ScreenedFields(c)), JsonHash(fa));
}

TEST(PartyTest, FieldDiff) {
  json before = json::parse(
      R"({"name":"A","dob":"1990-01-01","aliases":["X","Y"],"country":"US","same":[1,2]})");
  json after = json::parse(
      R"({"name":"A","dob":"1991-01-01","aliases":["Y","Z"],"nationality":"KP","same":[2,1]})");
  json d = FieldDiff(before, after);
  ASSERT_TRUE(d.is_array());
  ASSERT_EQ(d.size(), 4u) << d.dump();
  // Fields in name order.
  EXPECT_EQ(d[0].at("field"), "aliases");
  EXPECT_EQ(d[0].at("added"), json::array({"Z"}));
  EXPECT_EQ(d[0].at("removed"), json::array({"X"}));
  EXPECT_EQ(d[1].at("field"), "country");
  EXPECT_EQ(d[1].at("before"), "US");
  EXPECT_TRUE(d[1].at("after").is_null());
  EXPECT_EQ(d[2].at("field"), "dob");
  EXPECT_EQ(d[2].at("before"), "1990-01-01");
  EXPECT_EQ(d[2].at("after"), "1991-01-01");
  EXPECT_EQ(d[3].at("field"), "nationality");
  EXPECT_EQ(FieldDiff(before, before), json::array());
  // A missing side (no earlier record) shows every field as added.
  json from_null = FieldDiff(json(), json::parse(R"({"a":1})"));
  ASSERT_EQ(from_null.size(), 1u);
  EXPECT_EQ(from_null[0].at("after"), 1);
}

TEST(PartyTest, ReadsJsonlReportingBadLines) {
  std::vector<PartyLine> lines;
  ReadPartiesJsonl(
      "{\"id\":\"1\",\"name\":\"A\"}\n\n{\"id\":\"2\"}\r\n{\"id\":\"3\",\"name\":\"C\"}", &lines);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[0].status.ok());
  EXPECT_EQ(lines[0].line, 1u);
  EXPECT_FALSE(lines[1].status.ok());
  EXPECT_EQ(lines[1].line, 3u);
  EXPECT_NE(lines[1].status.message().find("name: required"), std::string::npos);
  EXPECT_TRUE(lines[2].status.ok());
  EXPECT_EQ(lines[2].line, 4u);
  EXPECT_EQ(lines[2].party.name, "C");
}

TEST(PartyTest, ReadsCsv) {
  std::vector<PartyLine> lines;
  std::string csv =
      "ID,Kind,Name,Aliases,DOB,Nationality,Email,Wallet,Street,City,Address_Country,Segment\n"
      "P-1,person,Kim Il Sung,Kim Song Ju; K.I.S.,1912-04-15,KP,a@b.c;d@e.f,0xabc,"
      "\"1 Main St, Apt 2\",Pyongyang,KP,retail\n"
      "P-2,person,Bad Date,,1912-13-01,,,,,,,\n"
      "P-3,company,Acme,,,,,,,,,\n"
      "P-4,too,few\n";
  ASSERT_TRUE(ReadPartiesCsv(csv, "p.csv", &lines).ok());
  ASSERT_EQ(lines.size(), 4u);
  ASSERT_TRUE(lines[0].status.ok()) << lines[0].status.ToString();
  const Party& p = lines[0].party;
  EXPECT_EQ(p.id, "P-1");
  EXPECT_EQ(p.aliases, (std::vector<std::string>{"Kim Song Ju", "K.I.S."}));
  EXPECT_EQ(p.dob, "1912-04-15");
  ASSERT_EQ(p.identifiers.size(), 3u);
  EXPECT_EQ(p.identifiers[0].type, "email");
  EXPECT_EQ(p.identifiers[1].value, "d@e.f");
  EXPECT_EQ(p.identifiers[2].type, "wallet");
  ASSERT_EQ(p.addresses.size(), 1u);
  EXPECT_EQ(p.addresses[0].street, "1 Main St, Apt 2");
  EXPECT_EQ(p.addresses[0].country, "KP");
  EXPECT_EQ(ToJson(p).at("Segment"), "retail");  // an unknown column, kept
  EXPECT_EQ(lines[1].line, 3u);
  ASSERT_FALSE(lines[1].status.ok());
  EXPECT_NE(lines[1].status.message().find("dob: '1912-13-01'"), std::string::npos);
  EXPECT_TRUE(lines[2].status.ok());
  EXPECT_EQ(lines[2].party.kind, EntityKind::kOrganization);
  EXPECT_FALSE(ToJson(lines[2].party).contains("addresses"));
  ASSERT_FALSE(lines[3].status.ok());
  EXPECT_NE(lines[3].status.message().find("3 fields where the header has 12"), std::string::npos);
}

TEST(PartyTest, CsvHeaderProblemsNameTheFile) {
  std::vector<PartyLine> lines;
  Status s = ReadPartiesCsv("id,kind\n1,person\n", "p.csv", &lines);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("p.csv:1: the header needs an id and a name"), std::string::npos);
  s = ReadPartiesCsv("id,name,Name\n", "p.csv", &lines);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("named twice"), std::string::npos);
  s = ReadPartiesCsv("", "p.csv", &lines);
  EXPECT_FALSE(s.ok());
  s = ReadPartiesCsv("id,name\n1,\"open\n", "p.csv", &lines);
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace vigil::model
