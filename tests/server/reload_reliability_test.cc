// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Reloads that must fail as `reload_failed` with the old lists serving and the failure
// counted (issue 12): a list folder that becomes a symbolic link loop, an exception while
// loading, a truncated list, a list far smaller than the one serving; and a truncated list
// accepted on purpose, shown in /readyz and /v1/lists.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/server.h"
#include "server_test_util.h"
#include "test_util.h"

namespace vigil::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::RunningServer;

// A server whose list path is `current`, changeable between reloads.
struct Switchable {
  std::mutex mu;
  std::string current;
  ServerOptions Options() {
    ServerOptions o;
    o.list_paths = [this](std::vector<std::string>* p) {
      std::lock_guard<std::mutex> lock(mu);
      *p = {current};
      return Status::Ok();
    };
    return o;
  }
  void Set(const fs::path& p) {
    std::lock_guard<std::mutex> lock(mu);
    current = p.string();
  }
};

std::string Metrics(RunningServer& s) { return s.client().Get("/metrics")->body; }

bool Has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

// The reload failed with reload_failed, the version `v1` still serves, and the metric
// counts `failures` failures.
void ExpectFailedReload(RunningServer& s, const RunningServer::Answer& a, const std::string& v1,
                        int failures, std::string_view message) {
  EXPECT_EQ(a.status, 500) << a.raw;
  EXPECT_EQ(a.body["error"]["code"], "reload_failed") << a.raw;
  EXPECT_TRUE(Has(a.body["error"]["message"].get<std::string>(), message)) << a.raw;
  EXPECT_EQ(a.body["serving"]["lists_version"], v1) << a.raw;
  auto after = s.Post("/v1/screen", R"({"name": "Kim Jong Un"})");
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body["lists_version"], v1);
  EXPECT_EQ(after.body["matches"][0]["id"], "us_ofac_sdn:20157");
  EXPECT_TRUE(
      Has(Metrics(s), "vigil_reloads_total{result=\"failure\"} " + std::to_string(failures) + "\n"))
      << Metrics(s);
}

// The list folder is a symbolic link that becomes a loop, then the folder's sdn.csv does:
// a SIGHUP killed the server and the HTTP reload answered 500 `internal` before.
TEST(ReloadReliabilityTest, SymlinkLoopIsReloadFailed) {
  fs::path dir = testing::ScratchDir("lists");
  testing::CopySample(dir / "good");
  fs::create_symlink(dir / "good", dir / "current");
  Switchable sw;
  sw.Set(dir / "current");
  RunningServer s(sw.Options());
  std::string v1 = s.Post("/v1/screen", R"({"name": "Kim Jong Un"})").body["lists_version"];

  fs::remove(dir / "current");
  fs::create_symlink(dir / "current", dir / "current");
  ExpectFailedReload(s, s.Post("/v1/lists/reload", "{}"), v1, 1,
                     "Too many levels of symbolic links");
  // What SIGHUP calls: a Status, never an exception.
  Status direct;
  ASSERT_NO_THROW(direct = s.server().Reload(nullptr));
  EXPECT_TRUE(Has(direct.message(), "Too many levels of symbolic links")) << direct.ToString();

  testing::CopySample(dir / "loop");
  fs::remove(dir / "loop" / "sdn.csv");
  fs::create_symlink("sdn.csv", dir / "loop" / "sdn.csv");
  sw.Set(dir / "loop");
  // The answer names the file as folder and file name, not where it is on the server.
  ExpectFailedReload(s, s.Post("/v1/lists/reload", "{}"), v1, 3, " loop/sdn.csv: Too many levels");
}

// Any exception while loading (here from the list-path callback) is a failed reload.
TEST(ReloadReliabilityTest, ExceptionWhileLoadingIsReloadFailed) {
  std::atomic<bool> fail{false};
  ServerOptions o;
  o.list_paths = [&fail](std::vector<std::string>* p) -> Status {
    if (fail) throw std::runtime_error("the config vanished");
    *p = {testing::SampleDir()};
    return Status::Ok();
  };
  RunningServer s(o);
  std::string v1 = s.Post("/v1/screen", R"({"name": "Kim Jong Un"})").body["lists_version"];
  fail = true;
  ExpectFailedReload(s, s.Post("/v1/lists/reload", "{}"), v1, 1, "the config vanished");
}

// The sample without OFAC's 0x1A line: refused by default; with accept_truncated it serves
// and /readyz, /v1/lists and the reload answer say so.
TEST(ReloadReliabilityTest, TruncatedListIsRefusedUnlessAccepted) {
  fs::path dir = testing::ScratchDir("lists");
  testing::CopySample(dir / "cut");
  std::string sdn = testing::ReadAll(dir / "cut" / "sdn.csv");
  while (!sdn.empty() && sdn.back() == '\x1a') sdn.pop_back();
  testing::WriteFile(dir / "cut" / "sdn.csv", sdn);
  const std::string cut_file = (dir / "cut" / "sdn.csv").string();

  Switchable sw;
  sw.Set(testing::SampleDir());
  {
    RunningServer s(sw.Options());
    std::string v1 = s.Post("/v1/screen", R"({"name": "Kim Jong Un"})").body["lists_version"];
    EXPECT_EQ(s.client().Get("/readyz")->body.find("\"truncated\":[]") != std::string::npos, true);
    sw.Set(dir / "cut");
    ExpectFailedReload(s, s.Post("/v1/lists/reload", "{}"), v1, 1, "end-of-file line");
  }

  ServerOptions o = sw.Options();
  o.accept_truncated = true;
  RunningServer s(o);
  auto ok = s.Post("/v1/lists/reload", "{}");
  ASSERT_EQ(ok.status, 200) << ok.raw;
  ASSERT_EQ(ok.body["truncated"].size(), 1u) << ok.raw;
  EXPECT_EQ(ok.body["truncated"][0]["source"], "us_ofac_sdn");
  json ready = json::parse(s.client().Get("/readyz")->body);
  ASSERT_EQ(ready["truncated"].size(), 1u) << ready.dump();
  // Shown as folder and file name, never where the files are on the server.
  EXPECT_EQ(ready["truncated"][0]["truncation"][0]["file"], "cut/sdn.csv");
  json lists = json::parse(s.client().Get("/v1/lists")->body);
  ASSERT_EQ(lists["lists"][0]["truncation"].size(), 1u) << lists.dump();
  EXPECT_TRUE(Has(lists["lists"][0]["truncation"][0]["message"].get<std::string>(), "0x1A"));
  EXPECT_TRUE(Has(Metrics(s), "vigil_list_truncation_signs{source=\"us_ofac_sdn\"} 1\n"))
      << Metrics(s);
  std::vector<std::string> signs;
  ASSERT_TRUE(s.server().Reload(nullptr, &signs).ok());  // what SIGHUP logs
  ASSERT_EQ(signs.size(), 1u);
  EXPECT_TRUE(Has(signs[0], "us_ofac_sdn: " + cut_file + ":")) << signs[0];
}

// The sample serves 40 entities; a reload to a list of the same source with 4 is refused
// (max_entity_drop 0.2), and loads when the check is turned off.
TEST(ReloadReliabilityTest, EntityDropAgainstServingIsRefused) {
  Switchable sw;
  sw.Set(testing::SampleDir());
  {
    RunningServer s(sw.Options());
    std::string v1 = s.Post("/v1/screen", R"({"name": "Kim Jong Un"})").body["lists_version"];
    sw.Set(testing::Fixture("ofac"));
    ExpectFailedReload(s, s.Post("/v1/lists/reload", "{}"), v1, 1,
                       "4 entities where the version before has 40");
  }
  sw.Set(testing::SampleDir());
  ServerOptions o = sw.Options();
  o.max_entity_drop = 1;
  RunningServer s(o);
  sw.Set(testing::Fixture("ofac"));
  auto ok = s.Post("/v1/lists/reload", "{}");
  EXPECT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(json::parse(s.client().Get("/readyz")->body)["entities"], 4);
}

}  // namespace
}  // namespace vigil::server
