// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// What the service's answers say about the lists serving: the bundled sample (in words,
// on every answer), each list's version, publication date, its source and age, a list over
// the age limit, a list loaded without a companion file.

#include "model/list_status.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "server/server_test_util.h"
#include "test_util.h"

namespace vigil::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::RunningServer;

bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

json Get(RunningServer& s, const std::string& path) {
  auto r = s.client().Get(path.c_str());
  EXPECT_TRUE(r);
  if (!r) return json();
  EXPECT_EQ(r->status, 200) << path << ": " << r->body;
  return json::parse(r->body, nullptr, false);
}

// Every answer the page and clients read: sample, warnings and lists.
std::vector<std::pair<std::string, json>> Answers(RunningServer& s) {
  std::vector<std::pair<std::string, json>> out;
  out.emplace_back("/readyz", Get(s, "/readyz"));
  out.emplace_back("/v1/lists", Get(s, "/v1/lists"));
  out.emplace_back("/v1/search", Get(s, "/v1/search?q=Kim+Jong+Un"));
  out.emplace_back("/v1/screen", s.Post("/v1/screen", R"({"name": "Viktor Bout"})").body);
  out.emplace_back("/v1/screen batch",
                   s.Post("/v1/screen", R"({"queries": [{"name": "Viktor Bout"}]})").body);
  out.emplace_back("/v1/entities", Get(s, "/v1/entities/us_ofac_sdn:20157"));
  out.emplace_back(
      "/match",
      s.Post("/match/default",
             R"({"queries": {"q": {"schema": "Person", "properties": {"name": ["Viktor Bout"]}}}})")
          .body);
  return out;
}

TEST(ServerListStatusTest, TheSampleIsSaidInEveryAnswer) {
  ServerOptions o;
  o.sample_path = testing::SampleDir();
  RunningServer s(o);
  for (const auto& [route, j] : Answers(s)) {
    EXPECT_EQ(j["sample"], true) << route << ": " << j.dump();
    ASSERT_TRUE(j["warnings"].is_array()) << route;
    ASSERT_FALSE(j["warnings"].empty()) << route;
    EXPECT_TRUE(Contains(j["warnings"][0], "40-entry SAMPLE list, not the official")) << route;
    EXPECT_TRUE(Contains(j["warnings"][0], "vigil fetch")) << route;
  }
  EXPECT_TRUE(Contains(s.server().ListWarnings().at(0), "SAMPLE"));
}

// The batch output's lists_version ends with the files' version, the same the API answers.
TEST(ServerListStatusTest, FilesVersionIsTheApisListsVersion) {
  RunningServer s;
  std::vector<LoadedList> lists;
  ASSERT_TRUE(LoadLists({testing::SampleDir()}, LoadOptions(), &lists).ok());
  model::ListsStatus st = model::GetListsStatus(lists, 45, std::chrono::system_clock::now());
  EXPECT_EQ(st.files_version, Get(s, "/readyz")["lists_version"]);
  EXPECT_TRUE(model::ListsVersionString(st).ends_with(" [" + st.files_version + "]"));
}

TEST(ServerListStatusTest, OfficialListsCarryVersionPublicationAndAgeWithoutSampleWarning) {
  fs::path dir = testing::ScratchDir("served");
  testing::CopySample(dir);  // a copy is not the sample folder: as if fetched
  fs::last_write_time(dir / "sdn.csv",
                      fs::file_time_type::clock::now() - std::chrono::hours(24 * 3 + 1));
  ServerOptions o;
  o.sample_path = testing::SampleDir();
  o.list_paths = [dir](std::vector<std::string>* p) {
    *p = {dir.string()};
    return Status::Ok();
  };
  RunningServer s(o);
  for (const auto& [route, j] : Answers(s)) {
    EXPECT_EQ(j["sample"], false) << route << ": " << j.dump();
    EXPECT_EQ(j["warnings"], json::array()) << route;
    const json& l = route == "/v1/entities" ? j["list"] : j["lists"][0];
    EXPECT_EQ(l["source"], "us_ofac_sdn") << route;
    EXPECT_EQ(l["published_source"], "file_date") << route;
    EXPECT_EQ(l["age_days"], 3) << route;
    EXPECT_EQ(l["version"].get<std::string>().size(), 10u) << route << ": " << l.dump();
    EXPECT_EQ(l["published"].get<std::string>().substr(0, 10), l["version"]) << route;
  }
}

TEST(ServerListStatusTest, StaleAndIncompleteListsAreWarnings) {
  fs::path dir = testing::ScratchDir("stale");
  testing::CopySample(dir);
  fs::remove(dir / "alt.csv");
  fs::last_write_time(dir / "sdn.csv",
                      fs::file_time_type::clock::now() - std::chrono::hours(24 * 60 + 1));
  ServerOptions o;
  o.max_list_age_days = 45;
  o.list_paths = [dir](std::vector<std::string>* p) {
    *p = {dir.string()};
    return Status::Ok();
  };
  RunningServer s(o);
  for (const auto& [route, j] : Answers(s)) {
    ASSERT_EQ(j["warnings"].size(), 2u) << route << ": " << j.dump();
    EXPECT_TRUE(Contains(j["warnings"][0], "us_ofac_sdn: published ")) << route;
    EXPECT_TRUE(Contains(j["warnings"][0], "60 days ago")) << route;
    EXPECT_TRUE(Contains(j["warnings"][1], "alt.csv missing: aliases not loaded")) << route;
  }
  json lists = Get(s, "/v1/lists");
  EXPECT_EQ(lists["lists"][0]["stale"], true);
  EXPECT_EQ(lists["lists"][0]["incomplete"].size(), 1u);
  EXPECT_GT(lists["lists"][0]["warning_count"].get<int>(), 0);
  EXPECT_EQ(lists["max_list_age_days"], 45);
  json entity = Get(s, "/v1/entities/us_ofac_sdn:20157");
  EXPECT_TRUE(Contains(entity["list"]["incomplete"][0], "aliases not loaded")) << entity.dump();

  // The same lists under a larger limit: only the missing file is a warning.
  o.max_list_age_days = 365;
  RunningServer t(o);
  json ready = Get(t, "/readyz");
  ASSERT_EQ(ready["warnings"].size(), 1u) << ready.dump();
  EXPECT_TRUE(Contains(ready["warnings"][0], "alt.csv missing")) << ready.dump();
}

}  // namespace
}  // namespace vigil::server
