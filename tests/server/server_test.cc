// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The screening service, in process on a loopback port chosen by the system: the /v1 API,
// errors and limits, API keys, operations endpoints, and the lists reloaded under load.

#include "server/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "server/service.h"
#include "server_test_util.h"
#include "test_util.h"

namespace vigil::server {
namespace {

using nlohmann::json;
using testing::RunningServer;

constexpr const char* kKimId = "us_ofac_sdn:20157";

// Sends `bytes` on a new connection and returns everything the server sends back until it
// closes the connection (or 5 s pass).
std::string Exchange(int port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string in;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return in;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1))
    ++n;
  return n;
}

int Generation(RunningServer& s) {
  auto r = s.client().Get("/readyz");
  return r ? json::parse(r->body)["generation"].get<int>() : -1;
}

TEST(ServerTest, HealthAndReadiness) {
  ServerOptions o;
  std::atomic<bool> release{false};
  // Lists that take until `release` to "load": /readyz says 503 meanwhile, /healthz 200.
  o.list_paths = [&release](std::vector<std::string>* p) {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    *p = {testing::SampleDir()};
    return Status::Ok();
  };
  RunningServer s(o, /*load=*/false);
  std::thread loader([&] { ASSERT_TRUE(s.server().Reload(nullptr).ok()); });
  auto health = s.client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body)["status"], "ok");
  auto ready = s.client().Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  auto screen = s.Post("/v1/screen", R"({"name": "Kim Jong Un"})");
  EXPECT_EQ(screen.status, 503);
  EXPECT_EQ(screen.body["error"]["code"], "not_ready");
  release = true;
  loader.join();
  ready = s.client().Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  json r = json::parse(ready->body);
  EXPECT_EQ(r["status"], "ready");
  EXPECT_EQ(r["generation"], 1);
  EXPECT_EQ(r["entities"], 40);
}

TEST(ServerTest, ScreenOneQuery) {
  RunningServer s;
  auto r = s.Post("/v1/screen",
                  R"({"name": "Kim Jong-un", "kind": "person", "dob": "1984-01-08",
                      "country": "North Korea", "top": 3})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["lists_version"].get<std::string>().size(), 12u);
  const json& m = r.body["matches"];
  ASSERT_GE(m.size(), 1u);
  EXPECT_LE(m.size(), 3u);
  EXPECT_EQ(m[0]["id"], kKimId);
  EXPECT_EQ(m[0]["decision"], "match");
  EXPECT_GE(m[0]["score"].get<double>(), 0.85);
  ASSERT_TRUE(m[0].contains("explanation"));
  EXPECT_FALSE(m[0]["explanation"]["tokens"].empty());
  ASSERT_TRUE(m[0].contains("evidence"));  // date of birth and country
  bool dob = false;
  for (const json& e : m[0]["evidence"]) dob |= e["attribute"] == "birth_date";
  EXPECT_TRUE(dob) << m[0].dump();
  for (size_t i = 1; i < m.size(); ++i) {
    EXPECT_LE(m[i]["score"].get<double>(), m[i - 1]["score"].get<double>());
  }
}

TEST(ServerTest, ScreenHangulAndIdentifiers) {
  RunningServer s;
  auto r = s.Post("/v1/screen", R"({"name": "김정은", "explain": false})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_FALSE(r.body["matches"].empty());
  EXPECT_EQ(r.body["matches"][0]["id"], kKimId);
  EXPECT_FALSE(r.body["matches"][0].contains("explanation"));
}

TEST(ServerTest, ScreenBatchKeepsOrderAndIds) {
  RunningServer s;
  auto r = s.Post("/v1/screen", R"({"queries": [
      {"id": "a", "name": "Kim Jong Un"},
      {"id": "b", "name": "Nobody Atall Whatsoever"},
      {"id": "c", "name": "KOREA MINING DEVELOPMENT TRADING CORPORATION", "kind": "organization"}
    ], "top": 2})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const json& res = r.body["results"];
  ASSERT_EQ(res.size(), 3u);
  EXPECT_EQ(res[0]["id"], "a");
  EXPECT_EQ(res[0]["matches"][0]["id"], kKimId);
  EXPECT_EQ(res[1]["id"], "b");
  for (const json& m : res[1]["matches"]) EXPECT_NE(m["decision"], "match") << m.dump();
  EXPECT_EQ(res[2]["id"], "c");
  ASSERT_FALSE(res[2]["matches"].empty());
  EXPECT_EQ(res[2]["matches"][0]["kind"], "organization");
  EXPECT_LE(res[2]["matches"].size(), 2u);
}

// Every bad input gets a 4xx with the error shape and a message that names the problem,
// and the server goes on answering.
TEST(ServerTest, BadInputGetsClearErrors) {
  ServerOptions o;
  o.max_batch = 3;
  o.max_body_bytes = 4096;
  RunningServer s(o);
  struct Case {
    std::string body;
    int status;
    std::string code;
    std::string mentions;
  };
  std::string big_name(5000, 'a');
  std::vector<Case> cases = {
      {"{\"name\": ", 400, "invalid_json", "not valid JSON"},
      {"[1, 2]", 400, "invalid_request", "JSON object"},
      {"\"Kim\"", 400, "invalid_request", "JSON object"},
      {"   ", 400, "invalid_json", "empty"},
      {R"({"name": 42})", 400, "invalid_request", "name must be a string"},
      {R"({"name": "Kim", "kind": "dragon"})", 400, "invalid_request", "kind"},
      {R"({"name": "Kim", "dob": "yesterday"})", 400, "invalid_request", "not a date"},
      {R"({"name": "Kim", "country": "Atlantis"})", 400, "invalid_request", "not a known country"},
      {R"({"name": "Kim", "identifiers": "P123"})", 400, "invalid_request", "array of strings"},
      {R"({"name": "Kim", "identifiers": [1]})", 400, "invalid_request", "identifiers[0]"},
      {R"({"name": "Kim", "top": 0})", 400, "invalid_request", "top"},
      {R"({"name": "Kim", "top": 1.5})", 400, "invalid_request", "top"},
      {R"({"name": "Kim", "min_score": 2})", 400, "invalid_request", "min_score"},
      {R"({"name": "Kim", "explain": "yes"})", 400, "invalid_request", "explain"},
      {R"({"name": "  "})", 400, "invalid_request", "needs a name"},
      {R"({"nmae": "Kim"})", 400, "invalid_request", "unknown field \"nmae\""},
      {R"({"queries": {}})", 400, "invalid_request", "array"},
      {R"({"queries": []})", 400, "invalid_request", "empty"},
      {R"({"queries": [{"name": "a"}, 7]})", 400, "invalid_request", "queries[1]"},
      {R"({"queries": [{"name": "a", "top": 3}]})", 400, "invalid_request", "queries[0].top"},
      {R"({"queries": [{"name": "a"}], "extra": 1})", 400, "invalid_request", "extra"},
      {R"({"queries": [{"name":"a"},{"name":"b"},{"name":"c"},{"name":"d"}]})", 413,
       "batch_too_large", "limit is 3"},
      {"{\"name\": \"K\xff\xfem\"}", 400, "invalid_utf8", "UTF-8"},
      {"{\"name\": \"" + big_name + "\"}", 413, "body_too_large", "larger"},
      {"{\"name\": \"" + std::string(1500, 'b') + "\"}", 400, "invalid_request", "longer than"},
      // A number beyond double's range is a 400 (it was a 500 and an error log line).
      {R"({"name": "Kim", "min_score": 1e400})", 400, "invalid_json", "number overflow"},
      {R"({"queries": [{"name": "a"}], "top": -1e999})", 400, "invalid_json", "number overflow"},
      // A key given twice is refused (it silently took the last value).
      {R"({"name": "Kim", "name": "Lee"})", 400, "invalid_json", "\"name\" twice"},
      {R"({"queries": [{"name": "a", "id": "1", "id": "2"}]})", 400, "invalid_json",
       "\"id\" twice"},
  };
  for (const Case& c : cases) {
    auto r = s.Post("/v1/screen", c.body);
    EXPECT_EQ(r.status, c.status) << c.body.substr(0, 80) << " -> " << r.raw.substr(0, 300);
    ASSERT_TRUE(r.body.is_object()) << r.raw.substr(0, 300);
    EXPECT_EQ(r.body["error"]["code"], c.code) << c.body.substr(0, 80);
    EXPECT_EQ(r.body["error"]["status"], c.status);
    std::string message = r.body["error"]["message"].get<std::string>();
    EXPECT_NE(message.find(c.mentions), std::string::npos) << message;
    EXPECT_EQ(r.body["detail"], message);
  }
  // Search parameters.
  for (const std::string& target :
       {std::string("/v1/search"), std::string("/v1/search?q=Kim&limit=0"),
        std::string("/v1/search?q=Kim&limit=x"), std::string("/v1/search?q=Kim&kind=dragon"),
        std::string("/v1/search?q=%FF%FE"), std::string("/v1/search?q=Kim&min_score=-1")}) {
    auto r = s.client().Get(target.c_str());
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 400) << target << " " << r->body;
    EXPECT_EQ(json::parse(r->body)["error"]["status"], 400);
  }
  // Wrong method, unknown route, unknown entity: JSON errors too.
  auto get_screen = s.client().Get("/v1/screen");
  ASSERT_TRUE(get_screen);
  EXPECT_EQ(get_screen->status, 405);
  EXPECT_EQ(get_screen->get_header_value("Allow"), "POST");
  auto nowhere = s.client().Get("/v1/nowhere");
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(nowhere->status, 404);
  EXPECT_EQ(json::parse(nowhere->body)["error"]["code"], "not_found");
  auto no_entity = s.client().Get("/v1/entities/us_ofac_sdn:0");
  ASSERT_TRUE(no_entity);
  EXPECT_EQ(no_entity->status, 404);
  EXPECT_NE(
      json::parse(no_entity->body)["error"]["message"].get<std::string>().find("us_ofac_sdn:0"),
      std::string::npos);
  // Still serving.
  EXPECT_EQ(s.Post("/v1/screen", R"({"name": "Kim Jong Un"})").status, 200);
}

TEST(ServerTest, PostWithoutLengthIsAnsweredAtOnce) {
  RunningServer s;
  httplib::Client raw("127.0.0.1", s.port());
  raw.set_read_timeout(3, 0);       // an answer, not a wait for a body that never comes
  auto r = raw.Post("/v1/screen");  // no body: httplib's client sends no Content-Length
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415) << r->body;  // nor a Content-Type: not JSON
}

TEST(ServerTest, SearchEntityAndLists) {
  RunningServer s;
  auto search = s.client().Get("/v1/search?q=Kim%20Jong%20Un&limit=5");
  ASSERT_TRUE(search);
  ASSERT_EQ(search->status, 200) << search->body;
  json sj = json::parse(search->body);
  EXPECT_EQ(sj["query"], "Kim Jong Un");
  ASSERT_FALSE(sj["matches"].empty());
  EXPECT_EQ(sj["matches"][0]["id"], kKimId);
  EXPECT_TRUE(sj["matches"][0].contains("explanation"));
  EXPECT_TRUE(sj["matches"][0].contains("programs"));

  auto entity = s.client().Get((std::string("/v1/entities/") + kKimId).c_str());
  ASSERT_TRUE(entity);
  ASSERT_EQ(entity->status, 200) << entity->body;
  json ej = json::parse(entity->body);
  EXPECT_EQ(ej["entity"]["id"], kKimId);
  EXPECT_EQ(ej["entity"]["name"], "KIM, Jong Un");
  EXPECT_EQ(ej["list"]["source"], "us_ofac_sdn");
  EXPECT_TRUE(ej["related"].is_array());

  auto lists = s.client().Get("/v1/lists");
  ASSERT_TRUE(lists);
  ASSERT_EQ(lists->status, 200);
  json lj = json::parse(lists->body);
  EXPECT_EQ(lj["generation"], 1);
  EXPECT_EQ(lj["entities"], 40);
  ASSERT_EQ(lj["lists"].size(), 1u);
  const json& l = lj["lists"][0];
  EXPECT_EQ(l["source"], "us_ofac_sdn");
  EXPECT_EQ(l["entities"], 40);
  EXPECT_EQ(l["files"][0]["sha256"].get<std::string>().size(), 64u);
  EXPECT_FALSE(l["version"].get<std::string>().empty());
  EXPECT_TRUE(l.contains("load_seconds"));
  EXPECT_TRUE(lj.contains("loaded_at"));
}

// Related entities: an entity another one links to lists it as incoming.
TEST(ServerTest, EntityShowsRelatedBothWays) {
  RunningServer s;
  auto lists = json::parse(s.client().Get("/v1/search?q=JINMYONG%20JOINT%20BANK")->body);
  ASSERT_FALSE(lists["matches"].empty());
  std::string bank = lists["matches"][0]["id"];
  auto r = s.client().Get(("/v1/entities/" + bank).c_str());
  ASSERT_TRUE(r);
  json j = json::parse(r->body);
  bool incoming = false;
  for (const json& x : j["related"]) incoming |= x["direction"] == "incoming";
  EXPECT_TRUE(incoming) << j["related"].dump();
}

TEST(ServerTest, ApiKeysAndRoles) {
  ServerOptions o;
  o.api_keys = {"screen:" + testing::Sha("reader-key"), "admin:" + testing::Sha("admin-key")};
  RunningServer s(o);
  const std::string body = R"({"name": "Kim Jong Un"})";
  auto none = s.Post("/v1/screen", body);
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.body["error"]["message"].get<std::string>().find("API key is required"),
            std::string::npos);
  EXPECT_EQ(s.Post("/v1/screen", body, {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(s.Post("/v1/screen", body, {{"Authorization", "Bearer reader-key"}}).status, 200);
  EXPECT_EQ(s.Post("/v1/screen", body, {{"X-API-Key", "reader-key"}}).status, 200);
  EXPECT_EQ(s.Post("/v1/screen", body, {{"Authorization", "ApiKey admin-key"}}).status, 200);
  // yente routes need a key too; health, readiness, metrics and the page do not.
  EXPECT_EQ(s.Post("/match/default", R"({"queries": {}})").status, 401);
  EXPECT_EQ(s.client().Get("/healthz")->status, 200);
  EXPECT_EQ(s.client().Get("/readyz")->status, 200);
  EXPECT_EQ(s.client().Get("/")->status, 200);
  // Metrics need a key (any role) once keys are configured, unless made public.
  EXPECT_EQ(s.client().Get("/metrics")->status, 401);
  EXPECT_EQ(s.client().Get("/metrics", {{"Authorization", "Bearer reader-key"}})->status, 200);
  // Reload is for admins.
  auto reader = s.Post("/v1/lists/reload", "{}", {{"Authorization", "Bearer reader-key"}});
  EXPECT_EQ(reader.status, 403);
  EXPECT_NE(reader.body["error"]["message"].get<std::string>().find("admin"), std::string::npos);
  EXPECT_EQ(s.Post("/v1/lists/reload", "{}", {{"Authorization", "Bearer admin-key"}}).status, 200);
}

TEST(ServerTest, MetricsCanBeMadePublicBesideKeys) {
  ServerOptions o;
  o.api_keys = {"screen:" + testing::Sha("reader-key")};
  o.metrics_public = true;
  RunningServer s(o);
  auto m = s.client().Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_NE(m->body.find("vigil_ready 1"), std::string::npos);
  EXPECT_EQ(s.Post("/v1/screen", R"({"name": "Kim Jong Un"})").status, 401);  // the rest is not
}

TEST(ServerTest, BadApiKeyConfigurationIsRefused) {
  for (const std::string& bad : {std::string("reader:") + std::string(64, 'a'),
                                 std::string("screen:abc"), std::string("plaintext-key")}) {
    ServerOptions o;
    o.api_keys = {bad};
    o.port = 0;
    Server server(o);
    int port = 0;
    Status st = server.Bind(&port);
    EXPECT_FALSE(st.ok()) << bad;
    EXPECT_NE(st.message().find("sha256"), std::string::npos) << st.message();
  }
}

TEST(ServerTest, MetricsCountRequestsAndListVersions) {
  RunningServer s;
  for (int i = 0; i < 3; ++i) s.Post("/v1/screen", R"({"name": "Kim Jong Un"})");
  s.Post("/v1/screen", "{bad");
  auto m = s.client().Get("/metrics");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->status, 200);
  EXPECT_NE(m->get_header_value("Content-Type").find("text/plain"), std::string::npos);
  const std::string& t = m->body;
  EXPECT_NE(t.find("vigil_http_requests_total{route=\"/v1/screen\",code=\"200\"} 3"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("vigil_http_requests_total{route=\"/v1/screen\",code=\"400\"} 1"),
            std::string::npos);
  EXPECT_NE(
      t.find("vigil_http_request_duration_seconds_bucket{route=\"/v1/screen\",le=\"+Inf\"} 4"),
      std::string::npos);
  EXPECT_NE(t.find("# TYPE vigil_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(t.find("vigil_list_info{source=\"us_ofac_sdn\""), std::string::npos);
  EXPECT_NE(t.find("vigil_list_entities{source=\"us_ofac_sdn\"} 40"), std::string::npos);
  EXPECT_NE(t.find("vigil_lists_age_seconds "), std::string::npos);
  EXPECT_NE(t.find("vigil_reloads_total{result=\"success\"} 1"), std::string::npos);
  EXPECT_NE(t.find("vigil_screen_queries_total 3"), std::string::npos);
  // The test's keep-alive client holds the one connection open.
  EXPECT_NE(t.find("vigil_http_connections_open 1\n"), std::string::npos);
  // Well-formed: every sample line is "name{labels} value" or "name value"; each family's
  // samples follow its # TYPE line and do not reappear later.
  std::set<std::string> closed;
  std::string current;
  std::istringstream in(t);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_EQ(closed.count(name), 0u) << "family repeated: " << name;
      if (!current.empty()) closed.insert(current);
      current = name;
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    std::string name = line.substr(0, line.find_first_of("{ "));
    EXPECT_EQ(name.rfind(current, 0), 0u) << line << " outside family " << current;
    std::string value = line.substr(line.rfind(' ') + 1);
    EXPECT_NO_THROW((void)std::stod(value)) << line;
  }
}

// A reload that fails (a list that is not what its format promises) says why and leaves
// the old lists serving; a good reload then swaps in the new ones.
TEST(ServerTest, FailedReloadKeepsOldListsServing) {
  auto dir = testing::ScratchDir("lists");
  testing::CopySample(dir / "good");
  std::filesystem::create_directories(dir / "broken");
  testing::WriteFile(dir / "broken" / "sdn.csv", "1,\"unclosed\n");
  std::string current = (dir / "good").string();
  std::mutex mu;
  ServerOptions o;
  o.list_paths = [&](std::vector<std::string>* p) {
    std::lock_guard<std::mutex> lock(mu);
    *p = {current};
    return Status::Ok();
  };
  RunningServer s(o);
  std::string v1 = s.Post("/v1/screen", R"({"name": "Kim Jong Un"})").body["lists_version"];
  {
    std::lock_guard<std::mutex> lock(mu);
    current = (dir / "broken").string();
  }
  auto failed = s.Post("/v1/lists/reload", "{}");
  EXPECT_EQ(failed.status, 500) << failed.raw;
  EXPECT_EQ(failed.body["error"]["code"], "reload_failed");
  EXPECT_NE(failed.body["error"]["message"].get<std::string>().find("sdn.csv"), std::string::npos)
      << failed.raw;
  EXPECT_EQ(failed.body["serving"]["lists_version"], v1);
  auto after = s.Post("/v1/screen", R"({"name": "Kim Jong Un"})");
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body["lists_version"], v1);
  EXPECT_EQ(after.body["matches"][0]["id"], kKimId);
  auto metrics = s.client().Get("/metrics")->body;
  EXPECT_NE(metrics.find("vigil_reloads_total{result=\"failure\"} 1"), std::string::npos);

  testing::CopySample(dir / "changed");
  testing::AppendTestPerson(dir / "changed");
  {
    std::lock_guard<std::mutex> lock(mu);
    current = (dir / "changed").string();
  }
  auto ok = s.Post("/v1/lists/reload", "{}");
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["generation"], 2);
  EXPECT_NE(ok.body["lists_version"], v1);
  auto found = s.Post("/v1/screen", R"({"name": "Zebulon Quixotic Testperson"})");
  EXPECT_EQ(found.body["lists_version"], ok.body["lists_version"]);
  ASSERT_FALSE(found.body["matches"].empty());
  EXPECT_EQ(found.body["matches"][0]["id"], "us_ofac_sdn:999999");
}

// Clients screen without pause while the lists are reloaded again and again: no request
// fails, and every answer is wholly from one version (the test entity is found exactly when
// the answer says it came from the version that has it).
TEST(ServerTest, ReloadUnderLoadLosesNoRequest) {
  auto dir = testing::ScratchDir("lists");
  testing::CopySample(dir / "a");
  testing::CopySample(dir / "b");
  testing::AppendTestPerson(dir / "b");
  std::atomic<int> turn{0};
  ServerOptions o;
  o.access_log = false;
  o.list_paths = [&](std::vector<std::string>* p) {
    *p = {((turn++ % 2) == 0 ? dir / "a" : dir / "b").string()};
    return Status::Ok();
  };
  RunningServer s(o);
  std::string version_a = s.Post("/v1/screen", R"({"name": "x"})").body["lists_version"];

  std::atomic<bool> stop{false};
  std::atomic<int> requests{0}, failures{0}, inconsistent{0};
  std::mutex versions_mu;
  std::set<std::string> versions;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client cli("127.0.0.1", s.port());
      cli.set_keep_alive(true);
      const char* body = c % 2 == 0 ? R"({"name": "Zebulon Quixotic Testperson", "top": 1})"
                                    : R"({"queries": [{"name": "Zebulon Quixotic Testperson"},
                                                      {"name": "Kim Jong Un"}], "top": 1})";
      while (!stop) {
        auto r = cli.Post(c % 2 == 0 ? "/v1/screen" : "/v1/screen", body, "application/json");
        ++requests;
        if (!r || r->status != 200) {
          ++failures;
          continue;
        }
        json j = json::parse(r->body);
        std::string v = j["lists_version"];
        const json& m = c % 2 == 0 ? j["matches"] : j["results"][0]["matches"];
        bool has_test_person = !m.empty() && m[0]["id"] == "us_ofac_sdn:999999";
        if (has_test_person == (v == version_a)) ++inconsistent;
        std::lock_guard<std::mutex> lock(versions_mu);
        versions.insert(v);
      }
    });
  }
  int reloads = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  httplib::Client admin("127.0.0.1", s.port());
  while (std::chrono::steady_clock::now() < until) {
    auto r = admin.Post("/v1/lists/reload", "{}", "application/json");
    bool ok = r && r->status == 200;
    EXPECT_TRUE(ok) << (r ? r->body : "no answer");
    if (!ok) break;
    ++reloads;
  }
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_GE(reloads, 3);
  EXPECT_GT(requests.load(), 50);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_EQ(versions.size(), 2u);
}

TEST(ServerTest, ConcurrentReloadIsRefused) {
  std::atomic<bool> release{false};
  std::atomic<int> calls{0};
  ServerOptions o;
  o.list_paths = [&](std::vector<std::string>* p) {
    if (calls++ > 0) {
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    *p = {testing::SampleDir()};
    return Status::Ok();
  };
  RunningServer s(o);
  std::thread slow([&] {
    httplib::Client own("127.0.0.1", s.port());
    auto r = own.Post("/v1/lists/reload", "{}", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  });
  while (calls < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto busy = s.Post("/v1/lists/reload", "{}");
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(busy.body["error"]["code"], "reload_running");
  release = true;
  slow.join();
}

// Issue 12 item 5: a reload smuggled in the body of a request with Transfer-Encoding: gzip
// (which Beast reads as no body) gets one 400 and a close, and never runs.
TEST(ServerTest, SmuggledReloadInABodyNeverRuns) {
  RunningServer s;
  ASSERT_EQ(Generation(s), 1);
  const std::string reload =
      "POST /v1/lists/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
  for (const std::string te : {"gzip", "chunked, chunked", "gzip, chunked"}) {
    std::string body = te == "gzip" ? reload : "0\r\n\r\n" + reload;
    std::string answer =
        Exchange(s.port(),
                 "POST /v1/screen HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: " +
                     te + "\r\n\r\n" + body);
    EXPECT_EQ(Count(answer, "Content-Length:"), 1u) << te << ": " << answer;  // one answer
    EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0u) << te << ": " << answer;
    EXPECT_NE(answer.find("Transfer-Encoding"), std::string::npos) << answer;
    EXPECT_EQ(answer.find("reloaded"), std::string::npos) << answer;
  }
  EXPECT_EQ(Generation(s), 1);
  auto metrics = s.client().Get("/metrics")->body;
  EXPECT_EQ(metrics.find("vigil_reloads_total{result=\"success\"} 2"), std::string::npos);
}

// Issue 12 item 6 (CSRF): JSON routes take only JSON bodies (415 otherwise: a browser sends
// text/plain and forms to any site without asking), and a POST from a page on another site
// (Origin, Sec-Fetch-Site) is refused with 403. Nothing refused reloads.
TEST(ServerTest, RequestsFromOtherSitesAndNonJsonBodiesAreRefused) {
  RunningServer s;
  const std::string self = "http://127.0.0.1:" + std::to_string(s.port());
  const std::string kim = R"({"name": "Kim Jong Un"})";
  auto post = [&](const char* path, const std::string& body, const char* type,
                  httplib::Headers h = {}) {
    auto r = type == nullptr ? s.client().Post(path, h) : s.client().Post(path, h, body, type);
    return r ? std::make_pair(r->status, json::parse(r->body, nullptr, false))
             : std::make_pair(0, json());
  };
  // The reproducer: a text/plain reload from evil.example.
  auto evil = post("/v1/lists/reload", "{}", "text/plain", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(evil.first, 403);
  EXPECT_EQ(evil.second["error"]["code"], "cross_origin");
  EXPECT_EQ(post("/v1/lists/reload", "{}", "text/plain").first, 415);
  EXPECT_EQ(post("/v1/lists/reload", "x=1", "application/x-www-form-urlencoded").first, 415);
  for (const char* path : {"/v1/screen", "/match/default"}) {
    std::string body =
        std::string(path) == "/v1/screen" ? kim : R"({"queries": {"q": {"schema": "Person",
                                 "properties": {"name": ["Kim Jong Un"]}}}})";
    for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                             "multipart/form-data; boundary=x", "application/jsonx"}) {
      auto r = post(path, body, type);
      EXPECT_EQ(r.first, 415) << path << " " << type;
      EXPECT_EQ(r.second["error"]["code"], "unsupported_media_type") << path << " " << type;
    }
    EXPECT_EQ(post(path, body, "application/json; charset=utf-8").first, 200) << path;
    EXPECT_EQ(post(path, body, "Application/JSON").first, 200) << path;
    // Same origin (what the web page sends) passes; another site does not.
    EXPECT_EQ(post(path, body, "application/json", {{"Origin", self}}).first, 200) << path;
    EXPECT_EQ(post(path, body, "application/json", {{"Sec-Fetch-Site", "same-origin"}}).first, 200);
    for (const httplib::Headers& h :
         {httplib::Headers{{"Origin", "http://evil.example"}}, httplib::Headers{{"Origin", "null"}},
          httplib::Headers{{"Origin", "http://localhost:" + std::to_string(s.port())}},
          httplib::Headers{{"Origin", "http://127.0.0.1:1"}},
          httplib::Headers{{"Origin", self}, {"Sec-Fetch-Site", "cross-site"}}}) {
      EXPECT_EQ(post(path, body, "application/json", h).first, 403)
          << path << " " << h.begin()->second;
    }
  }
  // GET stays open to links from anywhere (a page elsewhere cannot read the answer).
  EXPECT_EQ(s.client().Get("/v1/lists", {{"Sec-Fetch-Site", "cross-site"}})->status, 200);
  EXPECT_EQ(Generation(s), 1);
  // A reload without a body needs no Content-Type (curl -X POST), from the same origin.
  EXPECT_EQ(post("/v1/lists/reload", "", nullptr).first, 200);
  EXPECT_EQ(post("/v1/lists/reload", "{}", "application/json", {{"Origin", self}}).first, 200);
  EXPECT_EQ(Generation(s), 3);
}

// Issue 12 item 6 (DNS rebinding): only localhost names, the bound address and
// --allowed-host names are served; another Host gets 421.
TEST(ServerTest, OnlyConfiguredHostNamesAreServed) {
  RunningServer s;
  auto get = [&](RunningServer& srv, const std::string& host) {
    auto r = srv.client().Get("/v1/lists", {{"Host", host}});
    return r ? r->status : 0;
  };
  std::string port = std::to_string(s.port());
  for (const std::string& host :
       std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST",
                                "[::1]:" + port, "localhost.:" + port, std::string("127.0.0.1")}) {
    EXPECT_EQ(get(s, host), 200) << host;
  }
  for (const std::string& host :
       std::vector<std::string>{"evil.example:" + port, "evil.example", "127.0.0.2:" + port,
                                "localhost.evil.example", "[::1", "user@localhost"}) {
    EXPECT_EQ(get(s, host), 421) << host;
  }
  auto r = s.client().Get("/v1/lists", {{"Host", "evil.example"}});
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "host_not_allowed");
  // Also the page and the POST routes.
  EXPECT_EQ(s.client().Get("/", {{"Host", "evil.example"}})->status, 421);
  EXPECT_EQ(s.Post("/v1/lists/reload", "{}", {{"Host", "evil.example"}}).status, 421);
  EXPECT_EQ(Generation(s), 1);

  ServerOptions o;
  o.allowed_hosts = {"vigil.internal", "10.0.0.7:8000"};
  RunningServer named(o);
  EXPECT_EQ(get(named, "vigil.internal:8000"), 200);
  EXPECT_EQ(get(named, "Vigil.Internal"), 200);
  EXPECT_EQ(get(named, "10.0.0.7"), 200);
  EXPECT_EQ(get(named, "evil.example"), 421);
  ServerOptions any;
  any.allowed_hosts = {"*"};
  RunningServer open(any);
  EXPECT_EQ(get(open, "evil.example"), 200);
}

// Issue 12 item 6: answers never show where the lists are on the server, only the file
// name and its folder's name.
TEST(ServerTest, AnswersShowFileNamesNotServerPaths) {
  auto dir = std::filesystem::absolute(testing::ScratchDir("paths"));
  testing::CopySample(dir / "deep" / "good");
  std::filesystem::create_directories(dir / "deep" / "broken");
  testing::WriteFile(dir / "deep" / "broken" / "sdn.csv", "1,\"unclosed\n");
  std::atomic<bool> broken{false};
  ServerOptions o;
  o.list_paths = [&](std::vector<std::string>* p) {
    *p = {(dir / "deep" / (broken ? "broken" : "good")).string()};
    return Status::Ok();
  };
  RunningServer s(o);
  auto lists = s.client().Get("/v1/lists");
  ASSERT_TRUE(lists);
  EXPECT_EQ(lists->body.find(dir.string()), std::string::npos) << lists->body.substr(0, 500);
  json j = json::parse(lists->body);
  EXPECT_EQ(j["lists"][0]["files"][0]["path"], "good/sdn.csv");
  broken = true;
  auto failed = s.Post("/v1/lists/reload", "{}");
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.raw.find(dir.string()), std::string::npos) << failed.raw;
  EXPECT_NE(failed.body["error"]["message"].get<std::string>().find("broken/sdn.csv"),
            std::string::npos)
      << failed.raw;
}

TEST(ServerTest, PathsAreShownAsFolderAndFileName) {
  EXPECT_EQ(ShowPath("/srv/lists/us_ofac_sdn/2024-05/sdn.csv"), "2024-05/sdn.csv");
  EXPECT_EQ(ShowPath("/srv/lists/un_sc/2026-02/"), "un_sc/2026-02");
  EXPECT_EQ(ShowPath("sdn.csv"), "sdn.csv");
  EXPECT_EQ(ShowPath("/sdn.csv"), "sdn.csv");
  EXPECT_EQ(RedactPaths("/srv/x/2024-05/sdn.csv:12: bad row; see ../a/b/c.xml, (~/l/m/n)"),
            "2024-05/sdn.csv:12: bad row; see b/c.xml, (m/n)");
  EXPECT_EQ(RedactPaths("expected YYYY-MM-DD or 01/02/2024, application/json"),
            "expected YYYY-MM-DD or 01/02/2024, application/json");
}

// Issue 12 item 8: a reload asked for (SIGHUP) while another runs is not dropped or counted
// as a failure: it waits, and many asks make one reload after the running one.
TEST(ServerTest, RequestedReloadsWaitForTheRunningOneAndCoalesce) {
  std::atomic<bool> release{false};
  std::atomic<int> calls{0};
  std::mutex mu;
  std::vector<std::string> outcomes;
  ServerOptions o;
  o.list_paths = [&](std::vector<std::string>* p) {
    if (calls++ == 1) {  // the HTTP reload below holds until released
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    *p = {testing::SampleDir()};
    return Status::Ok();
  };
  o.reload_done = [&](const Status& st, const std::string& summary,
                      const std::vector<std::string>&) {
    std::lock_guard<std::mutex> lock(mu);
    outcomes.push_back(st.ok() ? summary : "failed: " + st.ToString());
  };
  RunningServer s(o);
  std::thread http([&] {
    httplib::Client own("127.0.0.1", s.port());
    auto r = own.Post("/v1/lists/reload", "{}", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  });
  while (calls < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (int i = 0; i < 10; ++i) s.server().RequestReload();  // a SIGHUP storm
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_TRUE(outcomes.empty());  // waiting, not failed
  }
  release = true;
  http.join();
  for (int i = 0; i < 500 && Generation(s) < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // no further reload comes
  EXPECT_EQ(Generation(s), 3);  // the load, the HTTP reload, one for the ten asks
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_NE(outcomes[0].find("generation 3"), std::string::npos) << outcomes[0];
  auto metrics = s.client().Get("/metrics")->body;
  EXPECT_EQ(metrics.find("vigil_reloads_total{result=\"failure\"} 1"), std::string::npos);
}

TEST(ServerTest, WebPageIsServed) {
  RunningServer s;
  auto page = s.client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("app.js"), std::string::npos);
  for (const char* asset : {"/dom.js", "/app.js", "/style.css"}) {
    auto r = s.client().Get(asset);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << asset;
    EXPECT_GT(r->body.size(), 100u) << asset;
  }
  // The case pages: one HTML page for the queue, an alert and a party; its script reads
  // the path.
  for (const char* path : {"/alerts", "/alerts/17", "/parties/P-000123", "/parties/a%2Fb"}) {
    auto r = s.client().Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos) << path;
    EXPECT_NE(r->body.find("/cases.js"), std::string::npos) << path;
  }
  auto script = s.client().Get("/cases.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_NE(script->get_header_value("Content-Type").find("javascript"), std::string::npos);
  EXPECT_EQ(s.client().Get("/alerts/17/more")->status, 404);
}

// A reload asked over HTTP writes a log line, as SIGHUP does (it wrote none).
TEST(ServerTest, HttpReloadIsLogged) {
  std::filesystem::path file = testing::ScratchDir("reload_log") / "stderr.log";
  int saved = ::dup(STDERR_FILENO);
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
  {
    RunningServer s;  // no access log
    EXPECT_EQ(s.Post("/v1/lists/reload", "{}").status, 200);
  }
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::ifstream in(file);
  std::vector<json> reloaded;
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line, nullptr, false);
    if (j.is_object() && j["msg"] == "reloaded") reloaded.push_back(j);
  }
  ASSERT_EQ(reloaded.size(), 1u);
  EXPECT_EQ(reloaded[0]["level"], "info");
  EXPECT_EQ(reloaded[0]["via"], "POST /v1/lists/reload");
  EXPECT_NE(reloaded[0]["lists"].get<std::string>().find("generation 2"), std::string::npos)
      << reloaded[0];
}

// The access log: one JSON line per answer (routed, refused or unknown), with the route
// pattern and no query string or body (names screened are personal data).
TEST(ServerTest, AccessLogIsOneJsonLinePerAnswerWithoutPersonalData) {
  std::filesystem::path file = testing::ScratchDir("access_log") / "stderr.log";
  int saved = ::dup(STDERR_FILENO);
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
  ::setenv("VIGIL_TEST_ACCESS_LOG", "1", 1);
  {
    RunningServer s;
    EXPECT_EQ(s.Post("/v1/screen", R"({"name": "Kim Jong Un"})").status, 200);
    auto search = s.client().Get("/v1/search?q=Secretive+Person");
    ASSERT_TRUE(search);
    auto odd = s.client().Get("/v1/entities/%FF%22x");  // invalid UTF-8 and a quote
    ASSERT_TRUE(odd);
    EXPECT_EQ(odd->status, 404);
    httplib::Client raw("127.0.0.1", s.port());
    auto bad = raw.Get("/v1/screen", {{"Content-Length", "nope"}});  // refused by the transport
  }
  ::unsetenv("VIGIL_TEST_ACCESS_LOG");
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);

  std::ifstream in(file);
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_EQ(line.find("Kim Jong Un"), std::string::npos) << line;
    EXPECT_EQ(line.find("Secretive"), std::string::npos) << line;
    if (j.contains("status")) lines.push_back(j);
  }
  auto find = [&](const std::string& path) -> json {
    for (const json& j : lines) {
      if (j["path"] == path) return j;
    }
    return json();
  };
  json screen = find("/v1/screen");
  ASSERT_TRUE(screen.is_object()) << lines.size() << " lines";
  EXPECT_EQ(screen["method"], "POST");
  EXPECT_EQ(screen["route"], "/v1/screen");
  EXPECT_EQ(screen["status"], 200);
  EXPECT_EQ(screen["remote"], "127.0.0.1");
  EXPECT_GT(screen["bytes"].get<int>(), 100);
  EXPECT_GE(screen["ms"].get<double>(), 0.0);
  EXPECT_EQ(screen["ts"].get<std::string>().size(), 24u) << screen["ts"];  // ...T..:..:..mmmZ
  EXPECT_EQ(find("/v1/search")["route"], "/v1/search");
  json odd = find("/v1/entities/\xEF\xBF\xBD\"x");  // U+FFFD for the invalid byte
  ASSERT_TRUE(odd.is_object());
  EXPECT_EQ(odd["route"], "/v1/entities/{id}");
  EXPECT_EQ(odd["status"], 404);
  bool refused = false;
  for (const json& j : lines) refused = refused || j["status"] == 400;
  EXPECT_TRUE(refused);
}

}  // namespace
}  // namespace vigil::server
