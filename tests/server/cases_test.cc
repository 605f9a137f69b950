// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// `vigil serve --db`: the case store over HTTP, with the real program. Roles (screen <
// analyst < admin, principals in the audit trail), the whole flow (import, screen, queue,
// decide with If-Match, a stale version's 409), the audit of starts, configuration changes
// and reloads, a store that cannot be written (503, not a crash), SIGKILL in the middle of
// decisions and imports (nothing acknowledged lost, nothing half written, the chain
// verifies), and two replicas on one PostgreSQL database.
//
// A store that cannot be written is simulated with a file size limit (RLIMIT_FSIZE set on
// the running server with prlimit(2)): writes past it fail with EFBIG, as on a full disk.
// That works as root too, where chmod does not stop writes (CI runs as root), and needs no
// mount or special file system. Making the file read-only before the start (which only
// stops a process that is not root) is checked besides when not running as root.

#include <fcntl.h>
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "serve_process.h"
#include "server/auth.h"
#include "server/http.h"
#include "server_test_util.h"
#include "sources/httplib.h"
#include "store/postgres_server.h"
#include "test_util.h"
#include "util/file.h"

namespace vigil::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// `vigil serve --port 0 --lists SAMPLE --db DB ARGS...`, standard error in DIR/NAME.log.
class Serve : public testing::ServeProcess {
 public:
  Serve(const fs::path& dir, const std::string& db, std::vector<std::string> extra = {},
        const std::string& name = "serve")
      : ServeProcess(Args(db, std::move(extra)), (dir / (name + ".log")).string()) {}

 private:
  static std::vector<std::string> Args(const std::string& db, std::vector<std::string> extra) {
    std::vector<std::string> args = {"serve", "--port", "0",         "--lists", VIGIL_SAMPLE_DIR,
                                     "--db",  db,       "--threads", "2",       "--no-access-log"};
    for (std::string& e : extra) args.push_back(std::move(e));
    return args;
  }
};

// A client with a key (empty: none).
class Client {
 public:
  struct Answer {
    int status = 0;  // 0: no answer
    json body;
    std::string raw;
    std::string etag;
  };

  Client(int port, std::string key) : cli_("127.0.0.1", port), key_(std::move(key)) {
    cli_.set_read_timeout(60, 0);
    cli_.set_connection_timeout(5, 0);
  }

  Answer Get(const std::string& path) { return Wrap(cli_.Get(path.c_str(), Headers())); }
  Answer Post(const std::string& path, const std::string& body,
              const std::string& type = "application/json", httplib::Headers extra = {}) {
    httplib::Headers h = Headers();
    for (auto& kv : extra) h.insert(kv);
    return Wrap(cli_.Post(path.c_str(), h, body, type.c_str()));
  }
  Answer Put(const std::string& path, const std::string& body) {
    return Wrap(cli_.Put(path.c_str(), Headers(), body, "application/json"));
  }

 private:
  httplib::Headers Headers() const {
    if (key_.empty()) return {};
    return {{"Authorization", "Bearer " + key_}};
  }
  static Answer Wrap(const httplib::Result& r) {
    Answer a;
    if (!r) return a;
    a.status = r->status;
    a.raw = r->body;
    a.etag = r->get_header_value("ETag");
    a.body = json::parse(r->body, nullptr, false);
    return a;
  }
  httplib::Client cli_;
  std::string key_;
};

// The names of the bundled sample's SDN entries, with their kind (for parties that hit).
std::vector<std::pair<std::string, std::string>> SampleNames() {
  std::ifstream in(fs::path(VIGIL_SAMPLE_DIR) / "sdn.csv", std::ios::binary);
  std::vector<std::pair<std::string, std::string>> out;
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find(",\"");
    if (a == std::string::npos) continue;
    size_t b = line.find('"', a + 2);
    if (b == std::string::npos) continue;
    std::string rest = line.substr(b + 1, 16);
    out.emplace_back(line.substr(a + 2, b - a - 2),
                     rest.find("individual") != std::string::npos ? "person" : "organization");
  }
  return out;
}

std::string PartyLine(const std::string& id, const std::string& name, const std::string& kind,
                      const std::string& tag = "customer") {
  return json{{"id", id}, {"name", name}, {"kind", kind}, {"tags", {tag}}}.dump();
}

// The audit trail as records, through GET /v1/audit.
std::vector<json> Audit(Client& admin) {
  Client::Answer a = admin.Get("/v1/audit");
  EXPECT_EQ(a.status, 200) << a.raw.substr(0, 300);
  std::vector<json> out;
  std::istringstream in(a.raw);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

std::vector<json> WithAction(const std::vector<json>& records, const std::string& action) {
  std::vector<json> out;
  for (const json& r : records) {
    if (r["action"] == action) out.push_back(r);
  }
  return out;
}

// The first open alert of a party, through the queue.
json FirstAlert(Client& c, const std::string& party) {
  Client::Answer q = c.Get("/v1/alerts?party=" + party);
  EXPECT_EQ(q.status, 200) << q.raw;
  if (q.status != 200 || q.body["alerts"].empty()) return json();
  return q.body["alerts"][0];
}

// ---- keys ----

TEST(CasesAuthTest, KeysTakeARoleAndAPrincipal) {
  std::string h = util::Sha256Hex("k");
  ApiKeys keys;
  ASSERT_TRUE(ApiKeys::Parse({"screen:" + util::Sha256Hex("s"), "analyst:" + h + ":alice",
                              "ADMIN:" + util::Sha256Hex("d")},
                             &keys)
                  .ok());
  ASSERT_EQ(keys.keys().size(), 3u);
  EXPECT_EQ(keys.keys()[0].principal, "key-" + util::Sha256Hex("s").substr(0, 8));
  EXPECT_EQ(keys.keys()[1].role, Role::kAnalyst);
  EXPECT_EQ(keys.keys()[1].principal, "alice");
  EXPECT_EQ(keys.keys()[2].role, Role::kAdmin);
  http::Request req;
  req.headers = {{"X-API-Key", "k"}};
  bool presented = false;
  Principal p = keys.Check(req, &presented);
  EXPECT_TRUE(presented);
  EXPECT_EQ(p.role, Role::kAnalyst);
  EXPECT_EQ(p.name, "alice");
  req.headers = {{"X-API-Key", "nope"}};
  EXPECT_EQ(keys.Check(req, &presented).role, Role::kNone);

  for (const std::string& bad :
       std::vector<std::string>{"analyst:" + h + ":", "analyst:" + h + ":two words", "auditor:" + h,
                                std::string("analyst:abc")}) {
    Status s = ApiKeys::Parse({bad}, &keys);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.message().find(h), std::string::npos) << "the hash is not repeated: " << bad;
  }
  EXPECT_FALSE(ApiKeys::Parse({"screen:" + h, "admin:" + h}, &keys).ok());

  ApiKeys none;
  ASSERT_TRUE(ApiKeys::Parse({}, &none).ok());
  req.headers.clear();
  Principal anon = none.Check(req, &presented);
  EXPECT_EQ(anon.role, Role::kAdmin);
  EXPECT_EQ(anon.name, "anonymous");
}

TEST(CasesAuthTest, WithoutAStoreTheCaseRoutesAnswerNoStore) {
  testing::RunningServer s;
  for (const char* path : {"/v1/alerts", "/v1/parties/P-1", "/v1/audit", "/v1/audit/verify"}) {
    auto r = s.client().Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(json::parse(r->body)["error"]["code"], "no_store") << path;
  }
  auto r = s.client().Post("/v1/parties", R"({"id": "P-1", "name": "X"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "no_store");
}

// ---- the program ----

struct Keys {
  std::vector<std::string> args = {
      "--api-key", "screen:" + util::Sha256Hex("screen-key"),
      "--api-key", "analyst:" + util::Sha256Hex("alice-key") + ":alice",
      "--api-key", "analyst:" + util::Sha256Hex("bob-key") + ":bob",
      "--api-key", "admin:" + util::Sha256Hex("admin-key") + ":boss"};
};

TEST(CasesServeTest, RolesAreEnforcedAndPrincipalsAudited) {
  fs::path dir = testing::ScratchDir("roles");
  std::string db = (dir / "cases.db").string();
  Serve s(dir, db, Keys().args);
  int port = s.Ready();
  ASSERT_GT(port, 0) << s.Log();
  Client none(port, ""), screen(port, "screen-key"), alice(port, "alice-key"),
      admin(port, "admin-key");

  EXPECT_EQ(none.Get("/v1/alerts").status, 401);
  Client::Answer a = screen.Get("/v1/alerts");
  EXPECT_EQ(a.status, 403) << a.raw;
  EXPECT_EQ(a.body["error"]["code"], "forbidden");
  EXPECT_EQ(
      screen.Post("/v1/parties", PartyLine("P-1", "KOREA DAESONG BANK", "organization")).status,
      403);
  EXPECT_EQ(screen.Post("/v1/screen", R"({"name": "Korea Daesong Bank"})").status, 200);

  // The analyst stores, screens and decides; may not read the audit trail or reload.
  a = alice.Post("/v1/parties", PartyLine("P-1", "KOREA DAESONG BANK", "organization"));
  ASSERT_EQ(a.status, 201) << a.raw;
  EXPECT_EQ(a.body["version"], 1);
  a = alice.Post("/v1/parties/P-1/screen", "");
  ASSERT_EQ(a.status, 200) << a.raw;
  json alert = FirstAlert(alice, "P-1");
  ASSERT_TRUE(alert.is_object());
  a = alice.Post(fmt::format("/v1/alerts/{}/decisions", alert["id"].get<int64_t>()),
                 R"({"decision": "escalate", "reason": "needs the registry extract"})",
                 "application/json", {{"If-Match", "\"1\""}});
  ASSERT_EQ(a.status, 201) << a.raw;
  EXPECT_EQ(a.body["alert"]["history"].back()["by"], "alice");
  EXPECT_EQ(alice.Get("/v1/audit").status, 403);
  EXPECT_EQ(alice.Get("/v1/audit/verify").status, 403);
  EXPECT_EQ(alice.Post("/v1/lists/reload", "").status, 403);
  EXPECT_EQ(screen.Get("/v1/audit").status, 403);

  // The admin reads the trail: every record names its principal.
  a = admin.Get("/v1/audit/verify");
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_TRUE(a.body["ok"].get<bool>()) << a.raw;
  std::vector<json> records = Audit(admin);
  ASSERT_FALSE(WithAction(records, "party.import").empty());
  EXPECT_EQ(WithAction(records, "party.import")[0]["principal"], "alice");
  ASSERT_EQ(WithAction(records, "alert.decide").size(), 1u);
  EXPECT_EQ(WithAction(records, "alert.decide")[0]["principal"], "alice");
  // Screenings: alice's, and (timing permitting) the service's own delta re-screen after its
  // start-up load, which is the system's.
  int by_alice = 0;
  for (const json& r : WithAction(records, "screening")) {
    EXPECT_TRUE(r["principal"] == "alice" || r["principal"] == "system") << r.dump();
    by_alice += r["principal"] == "alice" ? 1 : 0;
  }
  EXPECT_GE(by_alice, 1);
  // The start: the configuration with roles and principals, never a key's hash.
  std::vector<json> starts = WithAction(records, "service.start");
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0]["principal"], "system");
  std::string start_text = starts[0].dump();
  EXPECT_NE(start_text.find("\"alice\""), std::string::npos) << start_text;
  EXPECT_EQ(start_text.find(util::Sha256Hex("alice-key")), std::string::npos) << start_text;
  EXPECT_EQ(start_text.find(util::Sha256Hex("alice-key").substr(0, 16)), std::string::npos);
  // The start-up load of the lists.
  std::vector<json> reloads = WithAction(records, "lists.reload");
  ASSERT_EQ(reloads.size(), 1u);
  EXPECT_EQ(reloads[0]["detail"]["via"], "start");
  EXPECT_TRUE(reloads[0]["detail"]["ok"].get<bool>());
}

TEST(CasesServeTest, TheWholeFlowOverHttp) {
  fs::path dir = testing::ScratchDir("flow");
  Serve s(dir, (dir / "cases.db").string(), Keys().args);
  int port = s.Ready();
  ASSERT_GT(port, 0) << s.Log();
  Client alice(port, "alice-key"), bob(port, "bob-key"), admin(port, "admin-key");
  // The re-screen that follows the first load (no party yet) is over before the import, so
  // that the screenings counted below are the import's and the requests'.
  auto until = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < until) {
    json r = alice.Get("/readyz").body;
    if (r["rescreen"]["runs"] == 1 && !r["rescreen"]["running"].get<bool>()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  // Import: JSONL with a bad line; the good ones go in.
  std::string jsonl = PartyLine("P-1", "KOREA DAESONG BANK", "organization", "supplier") + "\n" +
                      "{not json\n" + PartyLine("P-2", "Jane Quietperson", "person") + "\n";
  Client::Answer a = alice.Post("/v1/parties/import", jsonl, "application/x-ndjson");
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.body["added"], 2);
  ASSERT_EQ(a.body["errors"].size(), 1u) << a.raw;
  EXPECT_EQ(a.body["errors"][0]["line"], 2);
  // The new parties were screened at once against the lists serving: P-1 hits.
  EXPECT_EQ(a.body["screened"]["parties"], 2) << a.raw;
  EXPECT_GE(a.body["screened"]["new_alerts"].get<int>(), 1) << a.raw;
  // strict: nothing imported.
  a = alice.Post("/v1/parties/import?strict=true",
                 PartyLine("P-3", "Someone", "person") + "\n{\"name\": 1}\n",
                 "application/x-ndjson");
  EXPECT_EQ(a.status, 422) << a.raw;
  EXPECT_EQ(alice.Get("/v1/parties/P-3").status, 404);
  // The same again: unchanged; a changed record: a new version (PUT, id from the path).
  a = alice.Post("/v1/parties/import", "[" + PartyLine("P-2", "Jane Quietperson", "person") + "]");
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.body["unchanged"], 1);
  EXPECT_TRUE(a.body["screened"].is_null()) << a.raw;  // nothing changed: nothing screened
  a = alice.Put("/v1/parties/P-2", R"({"name": "Jane Quietperson", "kind": "person",
                                       "dob": "1990-05-01", "tags": ["customer"]})");
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.body["version"], 2);
  EXPECT_TRUE(a.body["changed"].get<bool>());
  EXPECT_EQ(a.body["screened"]["parties"], 1) << a.raw;  // its date of birth changed
  // Only its tags change: not a screened field, so not screened again.
  a = alice.Put("/v1/parties/P-2", R"({"name": "Jane Quietperson", "kind": "person",
                                       "dob": "1990-05-01", "tags": ["customer", "vip"]})");
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.body["version"], 3);
  EXPECT_TRUE(a.body["screened"].is_null()) << a.raw;
  EXPECT_EQ(alice.Put("/v1/parties/P-2", R"({"id": "P-9", "name": "X"})").status, 400);

  // Screening P-1 again: the alert the import raised is in the queue, not duplicated.
  a = alice.Post("/v1/parties/P-1/screen", "");
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.body["summary"]["new_alerts"], 0) << a.raw;
  EXPECT_GE(a.body["summary"]["existing"].get<int>(), 1) << a.raw;
  EXPECT_FALSE(a.body["screening"]["hits"].empty());
  EXPECT_EQ(alice.Post("/v1/parties/P-404/screen", "").status, 404);
  a = alice.Get("/v1/alerts?status=open&tag=supplier");
  ASSERT_EQ(a.status, 200) << a.raw;
  ASSERT_GE(a.body["total"].get<int>(), 1) << a.raw;
  EXPECT_EQ(a.body["limit"], 50);
  json summary = a.body["alerts"][0];
  EXPECT_EQ(summary["party_id"], "P-1");
  EXPECT_EQ(summary["state"], "open");
  int64_t id = summary["id"];
  EXPECT_EQ(alice.Get("/v1/alerts?tag=customer&party=P-1").body["total"], 0);
  EXPECT_EQ(alice.Get("/v1/alerts?status=nonsense").status, 400);
  EXPECT_EQ(alice.Get("/v1/alerts/999999").status, 404);
  EXPECT_EQ(alice.Get("/v1/alerts/abc").status, 404);

  a = alice.Get(fmt::format("/v1/alerts/{}", id));
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.etag, "\"1\"");
  EXPECT_TRUE(a.body.contains("explanation"));
  std::string decisions = fmt::format("/v1/alerts/{}/decisions", id);

  // No version: 428. false_positive without a reason: 422. A bad decision: 400.
  a = alice.Post(decisions, R"({"decision": "escalate"})");
  EXPECT_EQ(a.status, 428) << a.raw;
  a = alice.Post(decisions, R"({"decision": "false_positive", "version": 1})");
  EXPECT_EQ(a.status, 422) << a.raw;
  a = alice.Post(decisions, R"({"decision": "close", "version": 1})");
  EXPECT_EQ(a.status, 400) << a.raw;

  // Alice decides against version 1; Bob, who read version 1 too, gets 409.
  a = alice.Post(decisions, R"({"decision": "false_positive", "reason": "other bank"})",
                 "application/json", {{"If-Match", "\"1\""}});
  ASSERT_EQ(a.status, 201) << a.raw;
  EXPECT_EQ(a.body["alert"]["state"], "false_positive");
  EXPECT_EQ(a.etag, "\"2\"");
  a = bob.Post(decisions, R"({"decision": "true_match", "reason": "same bank"})",
               "application/json", {{"If-Match", "\"1\""}});
  ASSERT_EQ(a.status, 409) << a.raw;
  EXPECT_EQ(a.body["error"]["code"], "conflict");
  EXPECT_EQ(a.body["current_version"], 2);
  a = alice.Get(decisions);
  ASSERT_EQ(a.status, 200) << a.raw;
  ASSERT_EQ(a.body["decisions"].size(), 1u) << a.raw;
  EXPECT_EQ(a.body["decisions"][0]["by"], "alice");
  EXPECT_EQ(a.body["decisions"][0]["decision"], "false_positive");
  EXPECT_EQ(a.body["decisions"][0]["reason"], "other bank");

  // Screening again raises nothing new for the pair: suppressed.
  a = alice.Post("/v1/parties/P-1/screen", "");
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.body["summary"]["new_alerts"], 0) << a.raw;
  EXPECT_GE(a.body["summary"]["suppressed"].get<int>(), 1) << a.raw;

  // The party with its versions, screenings and alerts.
  a = alice.Get("/v1/parties/P-1");
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.body["screenings"].size(), 3u);  // at import, and twice on request
  EXPECT_FALSE(a.body["alerts"].empty());

  // The chain holds, and an HTTP reload is audited under the admin's principal.
  a = admin.Post("/v1/lists/reload", "");
  ASSERT_EQ(a.status, 200) << a.raw;
  std::vector<json> reloads = WithAction(Audit(admin), "lists.reload");
  ASSERT_EQ(reloads.size(), 2u);
  EXPECT_EQ(reloads[1]["principal"], "boss");
  EXPECT_EQ(reloads[1]["detail"]["via"], "POST /v1/lists/reload");
  a = admin.Get("/v1/audit/verify");
  EXPECT_TRUE(a.body["ok"].get<bool>()) << a.raw;
  a = admin.Get("/v1/audit?from=2000-01-01&to=2000-01-02");
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(a.raw.empty());
  EXPECT_EQ(admin.Get("/v1/audit?from=yesterday").status, 400);
}

TEST(CasesServeTest, StartsConfigChangesAndReloadsAreAudited) {
  fs::path dir = testing::ScratchDir("config");
  std::string db = (dir / "cases.db").string();
  std::vector<std::string> one = {"--api-key", "admin:" + util::Sha256Hex("admin-key") + ":boss"};
  std::vector<std::string> two = one;
  two.insert(two.end(), {"--api-key", "analyst:" + util::Sha256Hex("carol-key") + ":carol"});
  for (const auto& args : {one, one, two}) {
    Serve s(dir, db, args);
    ASSERT_GT(s.Ready(), 0) << s.Log();
    ::kill(s.pid(), SIGTERM);
    ASSERT_EQ(s.Wait(std::chrono::seconds(20)), 0) << s.Log();
  }
  Serve s(dir, db, two);
  int port = s.Ready();
  ASSERT_GT(port, 0) << s.Log();
  Client admin(port, "admin-key");
  // SIGHUP: a reload by "system", recorded once it ran.
  size_t before = WithAction(Audit(admin), "lists.reload").size();
  ::kill(s.pid(), SIGHUP);
  auto until = Clock::now() + std::chrono::seconds(30);
  std::vector<json> reloads;
  while (Clock::now() < until) {
    reloads = WithAction(Audit(admin), "lists.reload");
    if (reloads.size() > before) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(reloads.size(), before + 1);
  EXPECT_EQ(reloads.back()["detail"]["via"], "SIGHUP");
  EXPECT_EQ(reloads.back()["principal"], "system");

  std::vector<json> records = Audit(admin);
  EXPECT_EQ(WithAction(records, "service.start").size(), 4u);
  // One change: the second start had the first's configuration, the third added a key.
  std::vector<json> changes = WithAction(records, "config.change");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0]["detail"]["before"]["api_keys"].size(), 1u);
  EXPECT_EQ(changes[0]["detail"]["after"]["api_keys"].size(), 2u);
  EXPECT_EQ(changes[0]["detail"]["after"]["api_keys"][1]["principal"], "carol");
  EXPECT_TRUE(admin.Get("/v1/audit/verify").body["ok"].get<bool>());
}

TEST(CasesServeTest, AStoreThatCannotBeOpenedFailsTheStart) {
  fs::path dir = testing::ScratchDir("bad_db");
  fs::create_directories(dir / "a_folder");
  Serve folder(dir, (dir / "a_folder").string(), {}, "folder");
  EXPECT_EQ(folder.Wait(std::chrono::seconds(30)), 1) << folder.Log();
  EXPECT_NE(folder.Log().find("case store"), std::string::npos) << folder.Log();
  testing::WriteFile(dir / "not_a_db", std::string(4096, 'x'));
  Serve garbage(dir, (dir / "not_a_db").string(), {}, "garbage");
  EXPECT_EQ(garbage.Wait(std::chrono::seconds(30)), 1) << garbage.Log();
  EXPECT_NE(garbage.Log().find("case store"), std::string::npos) << garbage.Log();
}

// A store that cannot be written from the start (a read-only file): the service starts and
// says so in its log, screening and reading the store answer, every write answers 503
// store_unavailable. `file:...?mode=ro` opens it read-only even for root, which writes a
// file without write permission all the same; without root, a chmod-ed file does too.
TEST(CasesServeTest, AReadOnlyStoreServesReadsAndAnswers503ToWrites) {
  fs::path dir = testing::ScratchDir("ro_db");
  std::string db = (dir / "ro.db").string();
  int64_t alert_id = 0;
  {
    Serve s(dir, db, {}, "create");
    int port = s.Ready();
    ASSERT_GT(port, 0) << s.Log();
    Client c(port, "");
    ASSERT_EQ(c.Post("/v1/parties", PartyLine("P-1", "KOREA DAESONG BANK", "organization")).status,
              201);
    ASSERT_EQ(c.Post("/v1/parties/P-1/screen", "").status, 200);
    json alert = FirstAlert(c, "P-1");
    ASSERT_TRUE(alert.is_object());
    alert_id = alert["id"].get<int64_t>();
  }
  std::vector<std::string> dbs = {"file:" + db + "?mode=ro"};
  if (::geteuid() != 0) {
    fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    dbs.push_back(db);
  }
  for (const std::string& where : dbs) {
    SCOPED_TRACE(where);
    Serve ro(dir, where, {}, "ro");
    int port = ro.Ready();
    ASSERT_GT(port, 0) << ro.Log();
    EXPECT_NE(ro.Log().find("the case store cannot be written"), std::string::npos) << ro.Log();
    Client c(port, "");
    Client::Answer a = c.Get("/v1/alerts");
    EXPECT_EQ(a.status, 200) << a.raw;
    EXPECT_EQ(a.body["total"], 1) << a.raw;
    EXPECT_EQ(c.Get("/v1/parties/P-1").status, 200);
    EXPECT_EQ(c.Post("/v1/screen", R"({"name": "Kim Jong Un"})").status, 200);
    a = c.Post("/v1/parties", PartyLine("P-2", "Someone Else", "person"));
    EXPECT_EQ(a.status, 503) << a.raw;
    EXPECT_EQ(a.body["error"]["code"], "store_unavailable") << a.raw;
    a = c.Post(fmt::format("/v1/alerts/{}/decisions", alert_id),
               R"({"decision": "escalate", "reason": "x", "version": 1})");
    EXPECT_EQ(a.status, 503) << a.raw;
    EXPECT_EQ(c.Get("/healthz").status, 200);
  }
}

TEST(CasesServeTest, AStoreThatCannotBeWrittenAnswers503AndRecovers) {
  fs::path dir = testing::ScratchDir("full");
  Serve s(dir, (dir / "cases.db").string());
  int port = s.Ready();
  ASSERT_GT(port, 0) << s.Log();
  Client c(port, "");
  ASSERT_EQ(c.Post("/v1/parties", PartyLine("P-1", "KOREA DAESONG BANK", "organization")).status,
            201);
  ASSERT_EQ(c.Post("/v1/parties/P-1/screen", "").status, 200);
  json alert = FirstAlert(c, "P-1");
  ASSERT_TRUE(alert.is_object());
  std::string decisions = fmt::format("/v1/alerts/{}/decisions", alert["id"].get<int64_t>());

  // The disk is full: no write may grow a file (RLIMIT_FSIZE on the server process).
  // (Only the soft limit: lowering the hard one could not be undone without privileges.)
  rlimit old{};
  ASSERT_EQ(::prlimit(s.pid(), RLIMIT_FSIZE, nullptr, &old), 0) << std::strerror(errno);
  rlimit full{1, old.rlim_max};
  ASSERT_EQ(::prlimit(s.pid(), RLIMIT_FSIZE, &full, nullptr), 0) << std::strerror(errno);
  for (int i = 0; i < 3; ++i) {
    Client::Answer a =
        c.Post(decisions, R"({"decision": "escalate", "reason": "x", "version": 1})");
    EXPECT_EQ(a.status, 503) << a.raw;
    EXPECT_EQ(a.body["error"]["code"], "store_unavailable") << a.raw;
    a = c.Post("/v1/parties/import",
               PartyLine("P-" + std::to_string(10 + i), "Someone Else", "person"),
               "application/x-ndjson");
    EXPECT_EQ(a.status, 503) << a.raw;
  }
  // Reads still answer, and the server is alive.
  EXPECT_EQ(c.Get("/v1/alerts").status, 200);
  EXPECT_EQ(c.Get("/healthz").status, 200);
  // Space again: writes succeed, and nothing of the failed ones is there.
  ASSERT_EQ(::prlimit(s.pid(), RLIMIT_FSIZE, &old, nullptr), 0);
  Client::Answer a = c.Post(decisions, R"({"decision": "escalate", "reason": "x", "version": 1})");
  EXPECT_EQ(a.status, 201) << a.raw;
  a = c.Get(decisions);
  EXPECT_EQ(a.body["decisions"].size(), 1u) << a.raw;
  EXPECT_EQ(c.Get("/v1/parties/P-10").status, 404);
  a = c.Get("/v1/audit/verify");
  EXPECT_TRUE(a.body["ok"].get<bool>()) << a.raw;
}

TEST(CasesServeTest, SigkillLosesNothingAcknowledged) {
  fs::path dir = testing::ScratchDir("sigkill");
  std::string db = (dir / "cases.db").string();
  auto names = SampleNames();
  ASSERT_GE(names.size(), 10u);
  std::vector<int64_t> alert_ids;
  {
    Serve s(dir, db, {}, "first");
    int port = s.Ready();
    ASSERT_GT(port, 0) << s.Log();
    Client c(port, "");
    std::string jsonl;
    for (size_t i = 0; i < names.size(); ++i) {
      jsonl += PartyLine("S-" + std::to_string(i), names[i].first, names[i].second) + "\n";
    }
    ASSERT_EQ(c.Post("/v1/parties/import", jsonl, "application/x-ndjson").status, 200);
    for (size_t i = 0; i < names.size(); ++i) {
      ASSERT_EQ(c.Post("/v1/parties/S-" + std::to_string(i) + "/screen", "").status, 200);
    }
    Client::Answer q = c.Get("/v1/alerts?limit=500");
    for (const json& a : q.body["alerts"]) alert_ids.push_back(a["id"]);
    ASSERT_GE(alert_ids.size(), 5u) << q.raw;

    // Three analysts decide, one client imports, until the server is killed.
    std::mutex mu;
    std::map<int64_t, std::set<int64_t>> acked_decisions;  // alert -> decision ids
    std::set<std::string> acked_parties;
    std::atomic<int> acked{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        Client cl(port, "");
        for (size_t n = t; !stop; ++n) {
          int64_t id = alert_ids[n % alert_ids.size()];
          Client::Answer a = cl.Get(fmt::format("/v1/alerts/{}", id));
          if (a.status != 200) break;
          Client::Answer d =
              cl.Post(fmt::format("/v1/alerts/{}/decisions", id),
                      R"({"decision": "escalate", "reason": "thread )" + std::to_string(t) + "\"}",
                      "application/json", {{"If-Match", a.etag}});
          if (d.status == 0) break;
          if (d.status == 201) {
            std::lock_guard<std::mutex> lock(mu);
            acked_decisions[id].insert(d.body["alert"]["history"].back()["id"].get<int64_t>());
            ++acked;
          }
        }
      });
    }
    threads.emplace_back([&] {
      Client cl(port, "");
      for (int n = 0; !stop; ++n) {
        std::string lines;
        std::vector<std::string> ids;
        for (int k = 0; k < 20; ++k) {
          ids.push_back(fmt::format("I-{}-{}", n, k));
          lines +=
              PartyLine(ids.back(), fmt::format("Imported Person {} {}", n, k), "person") + "\n";
        }
        Client::Answer a = cl.Post("/v1/parties/import", lines, "application/x-ndjson");
        if (a.status == 0) break;
        if (a.status == 200) {
          std::lock_guard<std::mutex> lock(mu);
          acked_parties.insert(ids.begin(), ids.end());
        }
      }
    });
    auto until = Clock::now() + std::chrono::seconds(60);
    while (acked < 40 && Clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    s.Kill();  // mid-way: requests are in flight
    stop = true;
    for (std::thread& t : threads) t.join();
    ASSERT_GE(acked.load(), 40);

    // Restarted on the same database.
    Serve again(dir, db, {}, "second");
    int port2 = again.Ready();
    ASSERT_GT(port2, 0) << again.Log();
    Client c2(port2, "");
    int64_t total_decisions = 0;
    for (int64_t id : alert_ids) {
      Client::Answer a = c2.Get(fmt::format("/v1/alerts/{}", id));
      ASSERT_EQ(a.status, 200) << a.raw;
      std::set<int64_t> have;
      for (const json& d : a.body["history"]) have.insert(d["id"].get<int64_t>());
      for (int64_t d : acked_decisions[id]) {
        EXPECT_TRUE(have.count(d))
            << "acknowledged decision " << d << " of alert " << id << " is lost";
      }
      // Whole decisions only: each one moved the version by one, and the state follows.
      EXPECT_EQ(a.body["version"].get<int64_t>(), 1 + static_cast<int64_t>(have.size())) << a.raw;
      EXPECT_EQ(a.body["state"], have.empty() ? "open" : "escalated");
      total_decisions += static_cast<int64_t>(have.size());
    }
    for (const std::string& p : acked_parties) {
      EXPECT_EQ(c2.Get("/v1/parties/" + p).status, 200) << "acknowledged party " << p << " lost";
    }
    // Every decision has its audit record and the chain holds.
    std::vector<json> records = Audit(c2);
    EXPECT_EQ(static_cast<int64_t>(WithAction(records, "alert.decide").size()), total_decisions);
    Client::Answer v = c2.Get("/v1/audit/verify");
    EXPECT_TRUE(v.body["ok"].get<bool>()) << v.raw;
    // And so says the command line, on the same file.
    std::string cmd = std::string(VIGIL_BINARY) + " audit verify --db '" + db + "' > '" +
                      (dir / "verify.out").string() + "' 2>&1";
    int rc = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << testing::ReadAll(dir / "verify.out");
  }
}

TEST(CasesServeTest, TwoReplicasOnOnePostgresSeeEachOther) {
  VIGIL_REQUIRE_POSTGRES(url);
  fs::path dir = testing::ScratchDir("replicas");
  Serve a(dir, url, Keys().args, "a");
  int port_a = a.Ready();
  ASSERT_GT(port_a, 0) << a.Log();
  Serve b(dir, url, Keys().args, "b");
  int port_b = b.Ready();
  ASSERT_GT(port_b, 0) << b.Log();
  Client alice(port_a, "alice-key"), bob(port_b, "bob-key");

  ASSERT_EQ(
      alice.Post("/v1/parties", PartyLine("P-1", "KOREA DAESONG BANK", "organization")).status,
      201);
  ASSERT_EQ(alice.Post("/v1/parties/P-1/screen", "").status, 200);
  // B sees A's party and alert, and reads its version before A decides.
  EXPECT_EQ(bob.Get("/v1/parties/P-1").status, 200);
  json alert = FirstAlert(bob, "P-1");
  ASSERT_TRUE(alert.is_object());
  std::string path = fmt::format("/v1/alerts/{}/decisions", alert["id"].get<int64_t>());
  Client::Answer read_by_b = bob.Get(fmt::format("/v1/alerts/{}", alert["id"].get<int64_t>()));
  ASSERT_EQ(read_by_b.status, 200);
  Client::Answer d = alice.Post(path, R"({"decision": "escalate", "reason": "ask for the ID"})",
                                "application/json", {{"If-Match", read_by_b.etag}});
  ASSERT_EQ(d.status, 201) << d.raw;
  // B sees the decision; B's decision against the version it read is a conflict.
  Client::Answer h = bob.Get(path);
  ASSERT_EQ(h.status, 200) << h.raw;
  ASSERT_EQ(h.body["decisions"].size(), 1u) << h.raw;
  EXPECT_EQ(h.body["decisions"][0]["by"], "alice");
  d = bob.Post(path, R"({"decision": "true_match", "reason": "same bank"})", "application/json",
               {{"If-Match", read_by_b.etag}});
  ASSERT_EQ(d.status, 409) << d.raw;
  EXPECT_EQ(d.body["current_version"], h.body["version"]);
  // With the current version it goes through, and A sees it.
  d = bob.Post(path, R"({"decision": "true_match", "reason": "same bank"})", "application/json",
               {{"If-Match", fmt::format("\"{}\"", h.body["version"].get<int64_t>())}});
  ASSERT_EQ(d.status, 201) << d.raw;
  h = alice.Get(path);
  ASSERT_EQ(h.body["decisions"].size(), 2u) << h.raw;
  EXPECT_EQ(h.body["decisions"][1]["by"], "bob");
  EXPECT_EQ(h.body["state"], "true_match");
  Client admin(port_b, "admin-key");
  EXPECT_TRUE(admin.Get("/v1/audit/verify").body["ok"].get<bool>());
  EXPECT_EQ(WithAction(Audit(admin), "service.start").size(), 2u);
}

}  // namespace
}  // namespace vigil::server
