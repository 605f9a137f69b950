// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Helpers shared by the tests: fixture paths, scratch folders, the shared lists.

#ifndef VIGIL_TESTS_TEST_UTIL_H_
#define VIGIL_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "vigil/entity.h"
#include "vigil/list.h"
#include "vigil/status.h"

namespace vigil::testing {

inline std::filesystem::path Fixture(std::string_view rel) {
  return std::filesystem::path(VIGIL_FIXTURES) / rel;
}

// The shared snapshot folder (../shared/lists/<rel>), or empty when it is absent.
inline std::filesystem::path SharedList(std::string_view rel) {
  std::filesystem::path p = std::filesystem::path(VIGIL_SHARED_LISTS) / rel;
  return std::filesystem::exists(p) ? p : std::filesystem::path();
}

#define VIGIL_REQUIRE_SHARED(path_var, rel)                                                  \
  const std::filesystem::path path_var = ::vigil::testing::SharedList(rel);                  \
  if (path_var.empty()) {                                                                    \
    GTEST_SKIP() << "../shared/lists/" << (rel) << " not found beside the repository; this " \
                 << "test needs the real list snapshots";                                    \
  }

// This test process's own folder under ::testing::TempDir(): test processes running at the
// same time (ctest -j, two checkouts on one machine) never share or delete each other's
// files. Removed when the process ends.
inline const std::filesystem::path& ScratchRoot() {
  struct Root {
    std::filesystem::path path = std::filesystem::path(::testing::TempDir()) /
                                 ("vigil-" + std::to_string(static_cast<long>(::getpid())));
    ~Root() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static Root root;
  return root.path;
}

// A fresh, empty folder for one test.
inline std::filesystem::path ScratchDir(std::string_view name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path p =
      ScratchRoot() / (std::string(info->test_suite_name()) + "." + info->name()) / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

inline void WriteFile(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// One OFAC sdn.csv row: ent_num, name, type, programs, seven empty fields, remarks.
inline std::string OfacRow(int id, const std::string& name, bool person,
                           const std::string& programs, const std::string& remarks = "") {
  return std::to_string(id) + ",\"" + name + "\"," + (person ? "individual" : "-0- ") + ",\"" +
         programs + "\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ," +
         (remarks.empty() ? "-0- " : "\"" + remarks + "\"") + "\r\n";
}

// `dir` holding one version of an OFAC list: sdn.csv (`rows` and OFAC's end-of-file byte)
// and empty companion files.
inline std::filesystem::path WriteOfacVersion(const std::filesystem::path& dir,
                                              const std::string& rows) {
  std::filesystem::create_directories(dir);
  WriteFile(dir / "sdn.csv", rows + "\x1a");
  for (const char* f : {"alt.csv", "add.csv", "sdn_comments.csv"}) WriteFile(dir / f, "\x1a");
  return dir;
}

inline std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes `bytes` to a file named `name` in this test's own scratch folder (kept across
// calls within the test) and returns its path.
inline std::filesystem::path WriteTemp(std::string_view name, std::string_view bytes) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "vigil" /
                              (std::string(info->test_suite_name()) + "." + info->name()) / "tmp";
  std::filesystem::create_directories(dir);
  std::filesystem::path p = dir / name;
  WriteFile(p, bytes);
  return p;
}

inline const Entity* FindEntity(const LoadedList& l, std::string_view id) {
  for (const Entity& e : l.entities) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

inline bool HasProperty(const Entity& e, const std::string& key, const std::string& value) {
  for (const Property& p : e.properties) {
    if (p.key == key && p.value == value) return true;
  }
  return false;
}

// A list that a failed load must leave exactly as it was; IsSentinel() checks it.
inline LoadedList Sentinel() {
  LoadedList l;
  l.info.source = "sentinel";
  l.entities.emplace_back().id = "sentinel:1";
  return l;
}

inline bool IsSentinel(const LoadedList& l) {
  return l.info.source == "sentinel" && l.info.files.empty() && l.info.warnings.empty() &&
         l.info.rows_read == 0 && l.entities.size() == 1 && l.entities[0].id == "sentinel:1";
}

// The status message names `file` followed by ":<line>:".
inline void ExpectNamesFileAndLine(const Status& s, const std::filesystem::path& file,
                                   size_t line) {
  EXPECT_NE(s.message().find(file.string() + ":" + std::to_string(line) + ":"), std::string::npos)
      << s.message();
}

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_TEST_UTIL_H_
