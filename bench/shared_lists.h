// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The benchmarks' default lists: the newest snapshot of each list in ../shared/lists.

#ifndef VIGIL_BENCH_SHARED_LISTS_H_
#define VIGIL_BENCH_SHARED_LISTS_H_

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace vigil::bench {

// The newest snapshot folder of each list under `root` (one folder per list, its snapshots
// as subfolders named by date, so the greatest name is the newest).
inline std::vector<std::string> NewestSnapshots(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::vector<fs::path> lists;
  for (const auto& d : fs::directory_iterator(root)) {
    if (d.is_directory()) lists.push_back(d.path());
  }
  std::sort(lists.begin(), lists.end());
  for (const fs::path& l : lists) {
    std::vector<fs::path> snaps;
    for (const auto& d : fs::directory_iterator(l)) {
      if (d.is_directory()) snaps.push_back(d.path());
    }
    if (!snaps.empty()) out.push_back(std::max_element(snaps.begin(), snaps.end())->string());
  }
  return out;
}

}  // namespace vigil::bench

#endif  // VIGIL_BENCH_SHARED_LISTS_H_
