// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// What the libFuzzer harnesses in fuzz/ share: a scratch folder for loaders that read
// files, splitting one input into several files, and a Screener over the test fixtures.
//
// A harness aborts (a finding) when the code under test breaks a contract the harness can
// check: an error that does not say where, a loaded list that breaks the promises of
// vigil/list.h and vigil/entity.h, a handler that throws or answers 500.

#ifndef VIGIL_FUZZ_FUZZ_UTIL_H_
#define VIGIL_FUZZ_FUZZ_UTIL_H_

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/file.h"
#include "vigil/list.h"
#include "vigil/screen.h"

namespace vigil::fuzz {

inline std::string_view AsView(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Stops the run with a message: libFuzzer saves the input as a crash file.
[[noreturn]] inline void Fail(std::string_view what) {
  std::fprintf(stderr, "fuzz contract broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

// A folder of this process's own, emptied before each use (in /dev/shm when it exists:
// loaders read real files, and memory is faster than disk).
inline std::filesystem::path ScratchDir() {
  namespace fs = std::filesystem;
  static const fs::path* const dir = [] {
    fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    auto* d = new fs::path(base / ("vigil-fuzz-" + std::to_string(::getpid())));
    fs::create_directories(*d);
    return d;
  }();
  static const bool cleanup_registered = [] {
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(*dir, ec);
    });
    return true;
  }();
  (void)cleanup_registered;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(*dir, ec)) fs::remove_all(e.path(), ec);
  return *dir;
}

inline void WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) Fail("cannot write " + path.string());
}

// Splits `data` at each line that is exactly `marker` ("\n<marker>\n" between parts): how
// one fuzz input carries several files. Seeds are built the same way (tools/fuzz.sh).
inline std::vector<std::string_view> SplitParts(std::string_view data, std::string_view marker) {
  std::string sep = "\n" + std::string(marker) + "\n";
  std::vector<std::string_view> parts;
  for (;;) {
    size_t p = data.find(sep);
    if (p == std::string_view::npos) break;
    parts.push_back(data.substr(0, p));
    data.remove_prefix(p + sep.size());
  }
  parts.push_back(data);
  return parts;
}

// A failed load or batch must say where (the project's rule): its message names `where`
// (a file or a folder, in full or by its last component) or a file in that folder.
inline void CheckError(const Status& s, const std::filesystem::path& where) {
  if (s.ok()) return;
  if (s.message().empty()) Fail("failed with an empty message");
  std::string text = s.ToString();
  std::vector<std::string> names = {where.string(), where.filename().string()};
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(where, ec)) {
    names.push_back(e.path().filename().string());
  }
  for (const std::string& n : names) {
    if (!n.empty() && text.find(n) != std::string::npos) return;
  }
  Fail("the error does not say where (" + where.string() + "): " + text);
}

// What every loaded list promises (vigil/list.h, vigil/entity.h): ids unique within the
// list, a primary name on every entity, UTF-8 text. Then the list goes through the rest
// of the pipeline: a Screener over it, screening its first entity's primary name.
inline void CheckList(LoadedList list) {
  std::set<std::string_view> ids;
  for (const Entity& e : list.entities) {
    if (e.id.empty() || !ids.insert(e.id).second) Fail("empty or duplicate entity id: " + e.id);
    if (e.names.empty()) Fail("entity without a name: " + e.id);
    for (const Name& n : e.names) {
      if (!util::CheckUtf8(n.full, "name").ok()) Fail("name is not UTF-8 in " + e.id);
    }
    if (!util::CheckUtf8(e.id, "id").ok()) Fail("id is not UTF-8");
  }
  if (list.entities.empty()) return;
  Query q;
  q.name = list.entities.front().names.front().full;
  std::vector<LoadedList> lists;
  lists.push_back(std::move(list));
  std::unique_ptr<Screener> screener;
  if (Status s = Screener::Create(std::move(lists), &screener); !s.ok()) {
    Fail("Screener::Create on a loaded list: " + s.ToString());
  }
  screener->Screen(q, ScreenOptions{});
}

// Every list in tests/fixtures, loaded once, in one Screener.
inline const Screener& FixtureScreener() {
  static const std::unique_ptr<Screener> screener = [] {
    std::vector<LoadedList> lists;
    for (const char* sub : {"ofac", "un", "csl", "dpl"}) {
      LoadedList l;
      Status s = LoadList(std::filesystem::path(VIGIL_FIXTURES) / sub, &l);
      if (!s.ok()) Fail("fixtures: " + s.ToString());
      lists.push_back(std::move(l));
    }
    std::unique_ptr<Screener> out;
    Status s = Screener::Create(std::move(lists), &out);
    if (!s.ok()) Fail("fixtures: " + s.ToString());
    return out;
  }();
  return *screener;
}

}  // namespace vigil::fuzz

#endif  // VIGIL_FUZZ_FUZZ_UTIL_H_
