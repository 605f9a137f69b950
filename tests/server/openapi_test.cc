// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// /openapi.json matches what the server does: every documented route answers, with a status
// the description lists and, for JSON answers, the fields its schema requires; every route
// the server has is documented; and the routes documented as open (security: []) are the
// only ones that answer without an API key when keys are configured.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "ip/ip_test_util.h"
#include "server/metrics.h"
#include "server_test_util.h"
#include "store/store.h"
#include "test_util.h"
#include "util/strings.h"

namespace vigil::server {
namespace {

using nlohmann::json;
using testing::RunningServer;

const json& Resolve(const json& spec, const json& j) {
  if (j.contains("$ref")) {
    std::string ref = j["$ref"];  // "#/components/schemas/X"
    return spec.at(json::json_pointer(ref.substr(1)));
  }
  return j;
}

// Whether `value` has every field `schema` requires (through $ref, allOf and oneOf).
bool Satisfies(const json& spec, const json& schema_in, const json& value, std::string* why) {
  const json& schema = Resolve(spec, schema_in);
  if (schema.contains("oneOf")) {
    for (const json& alt : schema["oneOf"]) {
      std::string ignored;
      if (Satisfies(spec, alt, value, &ignored)) return true;
    }
    *why = "matches no oneOf alternative";
    return false;
  }
  if (schema.contains("allOf")) {
    for (const json& part : schema["allOf"]) {
      if (!Satisfies(spec, part, value, why)) return false;
    }
    return true;
  }
  if (schema.value("type", "") == "object" && !value.is_object()) {
    *why = "not an object";
    return false;
  }
  if (schema.contains("required")) {
    for (const json& field : schema["required"]) {
      if (!value.contains(field.get<std::string>())) {
        *why = "lacks required field " + field.get<std::string>();
        return false;
      }
    }
  }
  return true;
}

struct Call {
  std::string method, path, target, body;
  json operation;
};

std::vector<Call> DocumentedCalls(const json& spec) {
  std::vector<Call> calls;
  for (const auto& [path, item] : spec["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      Call c;
      c.method = method;
      c.path = path;
      c.operation = op;
      std::string target = path;
      std::string query;
      for (const json& p : op.value("parameters", json::array())) {
        std::string name = p["name"];
        if (p["in"] == "path") {
          target.replace(target.find("{" + name + "}"), name.size() + 2,
                         p["example"].get<std::string>());
        } else if (p["in"] == "query" && p.contains("example")) {
          query += (query.empty() ? "?" : "&") + name + "=" +
                   httplib::detail::encode_query_param(p["example"].get<std::string>());
        }
      }
      c.target = target + query;
      if (op.contains("requestBody")) {
        c.body = op["requestBody"]["content"]["application/json"]["example"].dump();
      }
      calls.push_back(std::move(c));
    }
  }
  return calls;
}

httplib::Result Send(httplib::Client& cli, const Call& c, const httplib::Headers& headers = {}) {
  if (c.method == "get") return cli.Get(c.target.c_str(), headers);
  if (c.method == "put") {
    return cli.Put(c.target.c_str(), headers, c.body.empty() ? std::string("{}") : c.body,
                   "application/json");
  }
  return cli.Post(c.target.c_str(), headers, c.body.empty() ? std::string("{}") : c.body,
                  "application/json");
}

// Options for a server with a case store in a scratch folder (and small IP tables).
ServerOptions WithStore() {
  ServerOptions o;
  o.db = (testing::ScratchDir("openapi") / "cases.db").string();
  o.ip_data = testing::FixtureIpData().string();
  return o;
}

// Stores the examples' party P-000123 (named as a listed bank), which screens it at once, so
// that alert 1 exists for the alert routes' examples; and records a list version and a
// finished re-screen run in the store `db` (the server's), so that run 1 exists.
void Seed(RunningServer& s, const std::string& db, const httplib::Headers& headers = {}) {
  auto put =
      s.client().Post("/v1/parties", headers,
                      R"({"id": "P-000123", "kind": "organization", "name": "Korea Daesong Bank"})",
                      "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 201) << put->body;
  ASSERT_GE(json::parse(put->body)["screened"]["new_alerts"].get<int>(), 1) << put->body;
  auto screen = s.client().Post("/v1/parties/P-000123/screen", headers, "", "application/json");
  ASSERT_TRUE(screen);
  ASSERT_EQ(screen->status, 200) << screen->body;
  ASSERT_GE(json::parse(screen->body)["summary"]["existing"].get<int>(), 1) << screen->body;
  std::unique_ptr<store::Store> st;
  ASSERT_TRUE(store::Store::Open(db, {}, &st).ok());
  store::ListVersionInput v;
  v.source = "us_ofac_sdn";
  v.key = std::string(64, 'a');
  v.files = {{"us_ofac_sdn", "sdn.csv", std::string(64, 'b'), "2024-05-13", 1}};
  v.published = "2024-05-13";
  v.digests = {{"us_ofac_sdn:1", "r", "s", {"A NAME"}}};
  std::vector<int64_t> ids;
  ASSERT_TRUE(st->RecordListVersions("lv-example", {v}, {"system"}, &ids).ok());
  int64_t run = 0;
  ASSERT_TRUE(
      st->BeginRescreenRun("full", "", "lv-example", {{"us_ofac_sdn", ids[0]}}, {"system"}, &run)
          .ok());
  ASSERT_TRUE(st->FinishRescreenRun(run, true, json{{"new_alerts", 0}}, "", {"system"}).ok());
  ASSERT_GE(run, 1);  // run 1 exists (the example), whoever recorded it
  // Ownership edge 1, owned by a name match to review (the review route's example).
  store::OwnershipEdgeRecord e;
  e.owner = {"Korea Daesong",
             "us_ofac_sdn:9340",
             "name_match",
             0.92,
             "us_ofac_sdn:9340",
             "KOREA DAESONG BANK",
             ""};
  e.owned = {"P-000123", "party:P-000123", "party", 0, "", "", ""};
  e.percentage = "60";
  e.low = e.high = 60;
  e.kind = "ownership";
  e.file = "owners.csv";
  e.line = 2;
  e.review = "to_review";
  store::OwnershipImportSummary os;
  ASSERT_TRUE(st->PutOwnershipEdges({e}, {"system"}, &os).ok());
}

bool Success(int status) { return status == 200 || status == 201; }

TEST(OpenApiTest, EveryDocumentedRouteAnswersAsDocumented) {
  ServerOptions o = WithStore();
  RunningServer s(o);
  Seed(s, o.db);
  auto r = s.client().Get("/openapi.json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json spec = json::parse(r->body);
  EXPECT_EQ(spec["openapi"].get<std::string>().substr(0, 2), "3.");
  std::vector<Call> calls = DocumentedCalls(spec);
  EXPECT_GE(calls.size(), 16u);
  for (const Call& c : calls) {
    SCOPED_TRACE(c.method + " " + c.target);
    auto res = Send(s.client(), c);
    ASSERT_TRUE(res);
    std::string status = std::to_string(res->status);
    ASSERT_TRUE(c.operation["responses"].contains(status))
        << "answered " << status << ", not documented: " << res->body.substr(0, 300);
    EXPECT_TRUE(Success(res->status)) << res->body.substr(0, 300);
    const json& documented = Resolve(spec, c.operation["responses"][status]);
    ASSERT_TRUE(documented.contains("content"));
    const json& content = documented["content"];
    std::string type = res->get_header_value("Content-Type");
    bool type_documented = false;
    for (const auto& [media, unused] : content.items()) {
      type_documented |= type.rfind(media, 0) == 0;
    }
    EXPECT_TRUE(type_documented) << type;
    if (content.contains("application/json") && type.rfind("application/json", 0) == 0) {
      json body = json::parse(res->body);
      std::string why;
      EXPECT_TRUE(Satisfies(spec, content["application/json"]["schema"], body, &why))
          << why << ": " << res->body.substr(0, 300);
    }
  }
}

TEST(OpenApiTest, ErrorsHaveTheDocumentedShape) {
  RunningServer s;
  json spec = json::parse(s.client().Get("/openapi.json")->body);
  const json& error_schema = spec["components"]["schemas"]["Error"];
  for (const auto& [target, body] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/screen", "{oops"}, {"/match/default", "{}"}, {"/match/nowhere", "{}"}}) {
    auto res = s.client().Post(target.c_str(), body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_GE(res->status, 400);
    std::string why;
    EXPECT_TRUE(Satisfies(spec, error_schema, json::parse(res->body), &why)) << why;
  }
}

TEST(OpenApiTest, EveryServerRouteIsDocumented) {
  RunningServer s;
  json spec = json::parse(s.client().Get("/openapi.json")->body);
  std::set<std::string> documented;
  for (const auto& [path, item] : spec["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      documented.insert(util::AsciiUpper(method) + " " + path);
    }
  }
  for (int r = 0; r < static_cast<int>(Route::kCount); ++r) {
    auto route = static_cast<Route>(r);
    if (route == Route::kOther) continue;
    std::string label(RouteLabel(route));
    label = label.substr(0, label.find(" ("));  // "/ (web page)", "/v1/parties/{id} (PUT)"
    EXPECT_EQ(documented.count(std::string(RouteMethod(route)) + " " + label), 1u) << label;
  }
  // And nothing else answers: a path the description lacks is a 404.
  EXPECT_EQ(s.client().Get("/v2/screen")->status, 404);
  EXPECT_EQ(s.client().Get("/admin")->status, 404);
}

TEST(OpenApiTest, OpenRoutesAreTheOnesDocumentedWithoutSecurity) {
  ServerOptions o = WithStore();
  o.api_keys = {"admin:" + testing::Sha("k")};
  RunningServer s(o);
  Seed(s, o.db, {{"Authorization", "Bearer k"}});
  json spec = json::parse(s.client().Get("/openapi.json")->body);
  for (const Call& c : DocumentedCalls(spec)) {
    SCOPED_TRACE(c.method + " " + c.target);
    bool open = c.operation.contains("security") && c.operation["security"].empty();
    auto res = Send(s.client(), c);
    ASSERT_TRUE(res);
    if (open) {
      EXPECT_EQ(res->status, 200);
    } else {
      EXPECT_EQ(res->status, 401);
      auto with_key = Send(s.client(), c, {{"Authorization", "Bearer k"}});
      ASSERT_TRUE(with_key);
      EXPECT_TRUE(Success(with_key->status)) << with_key->body.substr(0, 200);
    }
  }
}

}  // namespace
}  // namespace vigil::server
