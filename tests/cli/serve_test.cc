// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// `vigil serve` as a program: the config file read again at every reload (a config that
// does not parse, names no lists, or is a folder fails the start with exit 1, and a reload
// with reload_failed while the old lists serve), and SIGHUP.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "serve_process.h"
#include "sources/httplib.h"
#include "test_util.h"


namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// `vigil --config CONFIG serve --port 0`, standard error in CONFIG.log.
class Serve : public vigil::testing::ServeProcess {
 public:
  explicit Serve(const fs::path& config)
      : ServeProcess({"--config", config.string(), "serve", "--port", "0", "--no-access-log"},
                     config.string() + ".log") {}
};

struct BadConfig {
  std::string name;
  std::string text;  // written as the config; "" with folder: a folder in its place
  bool folder = false;
  std::string mentions;  // in the error
};

std::vector<BadConfig> BadConfigs() {
  return {
      {"unclosed.toml", "lists = [\n", false, "unclosed.toml:1: the array of `lists`"},
      {"unclosed2.toml", "# lists\nlists = [\"a\",\n[serve]\n", false, "unclosed2.toml:3"},
      {"empty.toml", "", false, "no top-level `lists"},
      {"nolists.toml", "[serve]\nport = 8000\n", false, "no top-level `lists"},
      {"emptylists.toml", "lists = [ ]\n", false, "`lists` is empty"},
      {"bare.toml", "lists = [sample]\n", false, "paths in quotes"},
      {"twice.toml", "lists = [\"a\"]\nlists = [\"b\"]\n", false,
       "twice.toml:2: `lists` is given twice"},
      {"folder.toml", "", true, "not a regular file"},
  };
}

void Write(const fs::path& p, const BadConfig& c) {
  fs::remove_all(p);
  if (c.folder) {
    fs::create_directories(p);
  } else {
    vigil::testing::WriteFile(p, c.text);
  }
}

TEST(ServeTest, ABadConfigFailsTheStartWithExitOne) {
  fs::path dir = vigil::testing::ScratchDir("serve_bad_config");
  for (const BadConfig& c : BadConfigs()) {
    fs::path config = dir / c.name;
    Write(config, c);
    Serve s(config);
    EXPECT_EQ(s.Wait(std::chrono::seconds(20)), 1) << c.name << ": " << s.Log();
    if (c.name != "folder.toml" && c.name != "emptylists.toml") {  // CLI11 reads these first
      EXPECT_NE(s.Log().find(c.mentions), std::string::npos) << c.name << ": " << s.Log();
    }
  }
}

TEST(ServeTest, ABadConfigFailsTheReloadAndTheOldListsServe) {
  fs::path dir = vigil::testing::ScratchDir("serve_reload_config");
  fs::path config = dir / "vigil.toml";
  std::string good = "lists = [\n  \"" + std::string(VIGIL_SAMPLE_DIR) + "\",  # the sample\n]\n";
  vigil::testing::WriteFile(config, good);
  Serve s(config);
  int port = s.Ready();
  ASSERT_GT(port, 0) << s.Log();
  httplib::Client c("127.0.0.1", port);
  int generation = 1;
  for (const BadConfig& b : BadConfigs()) {
    Write(config, b);
    auto r = c.Post("/v1/lists/reload");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500) << b.name << ": " << r->body;
    json j = json::parse(r->body);
    EXPECT_EQ(j["error"]["code"], "reload_failed") << b.name;
    std::string want = b.mentions;
    if (size_t at = want.find(b.name); at != std::string::npos) {
      want.replace(at, b.name.size(), "vigil.toml");
    }
    EXPECT_NE(j["error"]["message"].get<std::string>().find(want), std::string::npos)
        << b.name << ": " << r->body;
    EXPECT_EQ(j["serving"]["generation"], generation);
  }
  // SIGHUP with a bad config: logged as failed, the old lists serve.
  Write(config, BadConfigs()[0]);
  ::kill(s.pid(), SIGHUP);
  auto until = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < until && s.Log().find("\"via\":\"SIGHUP\"") == std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(s.Log().find("reload failed"), std::string::npos) << s.Log();
  // A good config again reloads.
  vigil::testing::WriteFile(config, good);
  auto ok = c.Post("/v1/lists/reload");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(json::parse(ok->body)["generation"], generation + 1);
  EXPECT_NE(s.Log().find("\"via\":\"POST /v1/lists/reload\""), std::string::npos) << s.Log();
}

}  // namespace
