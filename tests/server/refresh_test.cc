// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// `vigil serve --db DB --refresh` against a mirror on the loopback interface that first
// serves OFAC SDN 2021-07, then 2024-05, then nothing: the alerts of 2024-05 appear without
// a restart (a delta re-screen after the reload, sent to a webhook), screening requests do
// not fail meanwhile, and the failed download keeps 2024-05 serving and is reported in
// /metrics, /readyz and the audit trail.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "local_http_server.h"
#include "notify/webhook.h"
#include "serve_process.h"
#include "sources/httplib.h"
#include "test_util.h"

namespace vigil::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using ::vigil::testing::ReadAll;
using ::vigil::testing::ScratchDir;
using ::vigil::testing::TestServer;

constexpr char kSecret[] = "refresh-test-secret";

json GetJson(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(60, 0);
  auto r = c.Get(path.c_str());
  if (!r) return json();
  return json::parse(r->body, nullptr, false);
}

std::string GetText(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(60, 0);
  auto r = c.Get(path.c_str());
  return r ? r->body : "";
}

// The value of the metric line that starts with `name` (labels included); -1 when absent.
double Metric(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  return -1;
}

// Polls `done` every 100 ms until it is true or `limit` passed.
template <typename F>
bool WaitFor(F done, std::chrono::seconds limit) {
  auto until = Clock::now() + limit;
  while (Clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

std::vector<json> AuditRecords(int port, const std::string& action) {
  std::istringstream in(GetText(port, "/v1/audit"));
  std::vector<json> out;
  std::string line;
  while (std::getline(in, line)) {
    json r = json::parse(line, nullptr, false);
    if (r.is_object() && r["action"] == action) out.push_back(r);
  }
  return out;
}

// The open alerts of a party on one entity.
std::vector<json> AlertsOn(int port, const std::string& party, const std::string& entity) {
  json page = GetJson(port, "/v1/alerts?status=all&party=" + party);
  std::vector<json> out;
  if (!page.is_object()) return out;
  for (const json& a : page["alerts"]) {
    if (a["entity_id"] == entity) out.push_back(a);
  }
  return out;
}

TEST(ServeRefreshTest, NewListVersionRaisesAlertsWithoutARestartAndAFailedFetchIsReported) {
  VIGIL_REQUIRE_SHARED(old_dir, "us_ofac_sdn/2021-07");
  VIGIL_REQUIRE_SHARED(new_dir, "us_ofac_sdn/2024-05");
  fs::path dir = ScratchDir("refresh");
  fs::path lists = dir / "lists" / "us_ofac_sdn";
  fs::create_directories(lists);
  for (const char* f : {"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"}) {
    fs::copy_file(old_dir / f, lists / f);
  }
  ::vigil::testing::WriteFile(dir / "secret", std::string(kSecret) + "\n");

  // The mirror: 0 = 2021-07, 1 = 2024-05 (only sdn.csv exists: the others are served as
  // empty lists), 2 = every file 404. And the webhook receiver: its first request fails.
  std::atomic<int> phase{0};
  std::mutex mu;
  std::vector<std::string> hook_bodies;  // guarded by mu
  int hook_requests = 0, hook_bad_signatures = 0;
  TestServer mirror;
  mirror.server().Get("/mirror/us_ofac_sdn/(.*)",
                      [&](const httplib::Request& req, httplib::Response& res) {
                        std::string name = req.matches[1];
                        int p = phase.load();
                        if (p == 2) {
                          res.status = 404;
                          return;
                        }
                        fs::path src = (p == 0 ? old_dir : new_dir) / name;
                        res.set_content(fs::exists(src) ? ReadAll(src) : std::string(), "text/csv");
                      });
  mirror.server().Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    ++hook_requests;
    if (!notify::VerifySignature(kSecret, req.get_header_value("X-Vigil-Timestamp"), req.body,
                                 req.get_header_value("X-Vigil-Signature"))) {
      ++hook_bad_signatures;
      res.status = 400;
      return;
    }
    if (hook_requests == 1) {
      res.status = 500;  // the first attempt fails: the message is retried
      return;
    }
    hook_bodies.push_back(req.body);
    res.status = 200;
  });
  ASSERT_NO_FATAL_FAILURE(mirror.Start());

  std::string db = (dir / "cases.db").string();
  ::vigil::testing::ServeProcess serve({"serve",
                                        "--port",
                                        "0",
                                        "--lists",
                                        lists.string(),
                                        "--db",
                                        db,
                                        "--threads",
                                        "2",
                                        "--no-access-log",
                                        "--refresh",
                                        "2s",
                                        "--fetch-base-url",
                                        mirror.Url("/mirror"),
                                        "--webhook",
                                        mirror.Url("/hook"),
                                        "--webhook-secret-file",
                                        (dir / "secret").string(),
                                        "--webhook-backoff",
                                        "200ms"},
                                       (dir / "serve.log").string());
  int port = serve.Ready(std::chrono::seconds(120));
  ASSERT_GT(port, 0) << serve.Log();
  EXPECT_EQ(GetJson(port, "/readyz")["generation"], 1);

  // Parties, screened at once against 2021-07: RED BOX ENERGY SERVICES PTE LTD
  // (us_ofac_sdn:48803) and IDA ASANSOR ... (48801) are designated in 2024-05 only.
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(60, 0);
  std::string parties =
      R"({"id":"P-RED","kind":"organization","name":"Red Box Energy Services Pte Ltd"})"
      "\n"
      R"({"id":"P-IDA","kind":"organization","name":"IDA Asansor Sanayii ve Ticaret Limited Sirketi"})"
      "\n"
      R"({"id":"P-JANE","kind":"person","name":"Jane Quietperson"})"
      "\n";
  auto imported = c.Post("/v1/parties/import", parties, "application/x-ndjson");
  ASSERT_TRUE(imported);
  ASSERT_EQ(imported->status, 200) << imported->body;
  json ij = json::parse(imported->body);
  EXPECT_EQ(ij["added"], 3);
  ASSERT_TRUE(ij["screened"].is_object()) << imported->body;
  EXPECT_EQ(ij["screened"]["parties"], 3) << imported->body;
  EXPECT_TRUE(AlertsOn(port, "P-RED", "us_ofac_sdn:48803").empty());

  // Screening without pause on two threads through everything that follows.
  std::atomic<bool> stop{false};
  std::atomic<int> screened{0}, failed{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 2; ++t) {
    load.emplace_back([&, port] {
      httplib::Client lc("127.0.0.1", port);
      lc.set_read_timeout(60, 0);
      while (!stop.load()) {
        auto r =
            lc.Post("/v1/screen", R"({"name": "Red Box Energy Services"})", "application/json");
        if (r && r->status == 200) {
          ++screened;
        } else {
          ++failed;
        }
      }
    });
  }

  // A refresh with the same files: nothing reloaded.
  ASSERT_TRUE(WaitFor(
      [&] {
        return Metric(GetText(port, "/metrics"), "vigil_refreshes_total{result=\"success\"}") >= 1;
      },
      std::chrono::seconds(120)))
      << serve.Log();
  EXPECT_EQ(GetJson(port, "/readyz")["generation"], 1);

  // 2024-05 is published: reloaded, re-screened, the new alerts raised and sent.
  phase = 1;
  ASSERT_TRUE(WaitFor([&] { return GetJson(port, "/readyz")["generation"] == 2; },
                      std::chrono::seconds(180)))
      << serve.Log();
  ASSERT_TRUE(WaitFor([&] { return !AlertsOn(port, "P-RED", "us_ofac_sdn:48803").empty(); },
                      std::chrono::seconds(180)))
      << serve.Log();
  json alert = AlertsOn(port, "P-RED", "us_ofac_sdn:48803")[0];
  EXPECT_EQ(alert["state"], "open");
  EXPECT_FALSE(AlertsOn(port, "P-IDA", "us_ofac_sdn:48801").empty());
  EXPECT_TRUE(alert["rescreen_run"].is_number()) << alert;  // raised by the list update
  json jane = GetJson(port, "/v1/alerts?status=all&party=P-JANE");
  EXPECT_EQ(jane["total"], 0) << jane;

  ASSERT_TRUE(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return !hook_bodies.empty();
      },
      std::chrono::seconds(60)))
      << serve.Log();
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(hook_bad_signatures, 0);
    EXPECT_GE(hook_requests, 2);  // the failed attempt, then the delivery
    json m = json::parse(hook_bodies[0]);
    EXPECT_EQ(m["event"], "rescreen.alerts");
    bool found = false;
    for (const json& a : m["alerts"]) found = found || a["id"] == alert["id"];
    EXPECT_TRUE(found) << hook_bodies[0].substr(0, 500);
    EXPECT_GT(m["run"]["run_id"].get<int64_t>(), 0);
  }
  // Counted once the delivery is over (the receiver may see the body a moment before).
  EXPECT_TRUE(WaitFor(
      [&] {
        return Metric(GetText(port, "/metrics"),
                      "vigil_webhook_messages_total{result=\"delivered\"}") >= 1;
      },
      std::chrono::seconds(60)));
  std::string metrics = GetText(port, "/metrics");
  EXPECT_GE(Metric(metrics, "vigil_rescreens_total{result=\"success\"}"), 1) << metrics;
  EXPECT_GE(Metric(metrics, "vigil_rescreen_alerts_total"), 2) << metrics;
  EXPECT_GE(Metric(metrics, "vigil_webhook_messages_total{result=\"delivered\"}"), 1) << metrics;
  json ready = GetJson(port, "/readyz");
  EXPECT_EQ(ready["rescreen"]["failures"], 0) << ready;
  EXPECT_FALSE(ready["rescreen"]["last_run"].is_null()) << ready;

  // The mirror fails: 2024-05 keeps serving; the failure is reported with the data's age.
  // (Count from here: a slow machine may have seen a failure before, e.g. a timeout.)
  const double failures_before =
      Metric(GetText(port, "/metrics"), "vigil_refreshes_total{result=\"failure\"}");
  phase = 2;
  ASSERT_TRUE(WaitFor(
      [&] {
        return Metric(GetText(port, "/metrics"), "vigil_refreshes_total{result=\"failure\"}") >
                   failures_before &&
               !GetJson(port, "/readyz")["refresh"]["ok"].get<bool>();
      },
      std::chrono::seconds(120)))
      << serve.Log();
  stop = true;
  for (std::thread& t : load) t.join();
  EXPECT_EQ(failed.load(), 0) << "screening requests failed during the refresh";
  EXPECT_GT(screened.load(), 0);

  ready = GetJson(port, "/readyz");
  EXPECT_EQ(ready["status"], "ready");
  EXPECT_EQ(ready["generation"], 2);
  EXPECT_FALSE(ready["refresh"]["ok"].get<bool>()) << ready;
  EXPECT_NE(ready["refresh"]["last_error"].get<std::string>().find("404"), std::string::npos)
      << ready;
  EXPECT_TRUE(ready["data_in_use"]["age_seconds"].is_number()) << ready;
  metrics = GetText(port, "/metrics");
  EXPECT_GT(Metric(metrics, "vigil_last_refresh_failure_timestamp_seconds"), 0);
  EXPECT_GE(Metric(metrics, "vigil_lists_data_age_seconds"), 0);
  std::vector<json> refreshes = AuditRecords(port, "lists.refresh");
  ASSERT_FALSE(refreshes.empty());
  json last = refreshes.back()["detail"];
  EXPECT_FALSE(last["ok"].get<bool>()) << last;
  EXPECT_FALSE(last["errors"].empty()) << last;
  EXPECT_TRUE(last["data_in_use"]["age_seconds"].is_number()) << last;
  EXPECT_EQ(last["data_in_use"]["lists_version"], ready["lists_version"]) << last;
  // The folder still holds 2024-05's sdn.csv (a failed fetch changes nothing).
  EXPECT_EQ(ReadAll(lists / "sdn.csv"), ReadAll(new_dir / "sdn.csv"));
  std::vector<json> reloads = AuditRecords(port, "lists.reload");
  ASSERT_EQ(reloads.size(), 2u);
  EXPECT_EQ(reloads[1]["detail"]["via"], "refresh");
}

}  // namespace
}  // namespace vigil::server
