// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// LoadList(): recognises a list by the files in a folder and dispatches to its loader.

#include <chrono>
#include <fstream>
#include <map>
#include <set>

#include "sources/common.h"
#include "util/strings.h"
#include "vigil/list.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

bool LooksLikeUnXml(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char buf[1024] = {};
  in.read(buf, sizeof buf - 1);
  return std::string_view(buf).find("CONSOLIDATED_LIST") != std::string_view::npos;
}

Status Dispatch(const fs::path& path, LoadedList* out) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound(path.string() + ": no such file or folder");
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "sdn.csv") || fs::exists(path / "cons_prim.csv")) {
      return sources::LoadOfacCsv(path, out);
    }
    if (fs::exists(path / "consolidated.csv"))
      return sources::LoadCsl(path / "consolidated.csv", out);
    if (fs::exists(path / "dpl.txt")) return sources::LoadDpl(path / "dpl.txt", out);
    std::set<fs::path> xmls;
    for (const auto& e : fs::directory_iterator(path, ec)) {
      if (e.is_regular_file() && util::EqualsIgnoreCase(e.path().extension().string(), ".xml")) {
        xmls.insert(e.path());
      }
    }
    for (const fs::path& x : xmls) {
      if (LooksLikeUnXml(x)) return sources::LoadUnXml(x, out);
    }
    return Status::InvalidArgument(
        path.string() +
        ": no list recognised in this folder (expected sdn.csv or cons_prim.csv for OFAC, a UN "
        "consolidated XML, the CSL's consolidated.csv, or the DPL's dpl.txt)");
  }
  std::string name = util::AsciiLower(path.filename().string());
  if (name == "sdn.csv" || name == "cons_prim.csv")
    return sources::LoadOfacCsv(path.parent_path(), out);
  if (name == "dpl.txt") return sources::LoadDpl(path, out);
  if (name.ends_with(".xml")) return sources::LoadUnXml(path, out);
  if (name.ends_with(".csv")) return sources::LoadCsl(path, out);
  return Status::InvalidArgument(path.string() + ": not a list file Vigil recognises");
}

}  // namespace

Status LoadList(const fs::path& path, LoadedList* out) {
  auto start = std::chrono::steady_clock::now();
  LoadedList list;
  Status s = Dispatch(path, &list);
  if (!s.ok()) return s;
  list.info.load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  *out = std::move(list);
  return Status::Ok();
}

std::map<std::string, size_t> CountByKind(const LoadedList& list) {
  std::map<std::string, size_t> out;
  for (const Entity& e : list.entities) ++out[std::string(ToString(e.kind))];
  return out;
}

std::map<std::string, size_t> CountByProgram(const LoadedList& list) {
  std::map<std::string, size_t> out;
  for (const Entity& e : list.entities) {
    for (const std::string& p : e.programs) ++out[p];
  }
  return out;
}

}  // namespace vigil
