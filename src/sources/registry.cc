// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// LoadList(): recognises a list by the files in a folder and dispatches to its loader;
// LoadLists(): every list of a configuration, all or nothing, with the checks that refuse
// an incomplete list.

#include <fmt/core.h>

#include <chrono>
#include <ctime>
#include <exception>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <system_error>

#include "sources/common.h"
#include "util/file.h"
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

// The files in folder `dir` that each identify one list, in a fixed order. A name that is
// there but is not a regular file (a FIFO called sdn.csv) counts: reading it fails clearly.
Status ListFilesIn(const fs::path& dir, std::vector<fs::path>* found) {
  for (const char* name : {"sdn.csv", "cons_prim.csv", "consolidated.csv", "dpl.txt"}) {
    util::PathKind kind;
    if (Status s = util::GetPathKind(dir / name, &kind); !s.ok()) return s;
    if (kind != util::PathKind::kMissing) found->push_back(dir / name);
  }
  std::set<fs::path> xmls;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    if (!util::EqualsIgnoreCase(p.extension().string(), ".xml")) continue;
    util::PathKind kind;
    if (Status s = util::GetPathKind(p, &kind); !s.ok()) return s;
    if (kind == util::PathKind::kFile) xmls.insert(p);
  }
  if (ec) return Status::IoError(dir.string() + ": cannot list the folder: " + ec.message());
  for (const fs::path& x : xmls) {
    if (LooksLikeUnXml(x)) found->push_back(x);
  }
  return Status::Ok();
}

Status LoadFile(const fs::path& path, LoadedList* out) {
  std::string name = util::AsciiLower(path.filename().string());
  if (name == "sdn.csv" || name == "cons_prim.csv") return sources::LoadOfacCsv(path, out);
  if (name == "dpl.txt") return sources::LoadDpl(path, out);
  if (name.ends_with(".xml")) return sources::LoadUnXml(path, out);
  if (name.ends_with(".csv")) return sources::LoadCsl(path, out);
  return Status::InvalidArgument(path.string() + ": not a list file Vigil recognises");
}

Status Dispatch(const fs::path& path, LoadedList* out) {
  util::PathKind kind;
  if (Status s = util::GetPathKind(path, &kind); !s.ok()) return s;
  if (kind == util::PathKind::kMissing) {
    return Status::NotFound(path.string() + ": no such file or folder");
  }
  if (kind == util::PathKind::kOther) {
    return Status::InvalidArgument(path.string() +
                                   ": not a regular file (a device, FIFO or socket); only "
                                   "regular files are read as lists");
  }
  if (kind != util::PathKind::kFolder) return LoadFile(path, out);
  std::vector<fs::path> found;
  if (Status s = ListFilesIn(path, &found); !s.ok()) return s;
  if (found.empty()) {
    return Status::InvalidArgument(
        path.string() +
        ": no list recognised in this folder (expected sdn.csv or cons_prim.csv for OFAC, a UN "
        "consolidated XML, the CSL's consolidated.csv, or the DPL's dpl.txt)");
  }
  if (found.size() > 1) {
    std::string names;
    for (const fs::path& f : found) names += (names.empty() ? "" : ", ") + f.filename().string();
    return Status::InvalidArgument(
        path.string() + ": this folder holds " + std::to_string(found.size()) + " lists (" + names +
        "); a folder is loaded as one list, so give each file as its own path (or put each "
        "list in its own folder)");
  }
  return LoadFile(found.front(), out);
}

// Adds the entity-count sign of truncation when the list shrank by more than allowed.
void CheckEntityDrop(const LoadOptions& options, LoadedList* list) {
  auto it = options.previous_entities.find(list->info.source);
  if (it == options.previous_entities.end() || it->second == 0) return;
  if (!(options.max_entity_drop < 1)) return;
  const double before = static_cast<double>(it->second);
  const double now = static_cast<double>(list->entities.size());
  if (now >= before * (1 - options.max_entity_drop)) return;
  std::string file = list->info.files.empty() ? "" : list->info.files.front().path;
  list->info.truncation.push_back(LoadWarning{
      file, 0,
      fmt::format("{} entities where the version before has {} ({:.0f}% fewer; more than "
                  "max_entity_drop {:.0f}% is a sign of a truncated list)",
                  list->entities.size(), it->second, 100 * (1 - now / before),
                  100 * options.max_entity_drop)});
}

// A list whose file states no publication date is dated by its main file's modification
// time, marked as such.
void DateFromFile(LoadedList* list) {
  if (!list->info.published.empty()) {
    if (list->info.published_source.empty()) list->info.published_source = "file";
    return;
  }
  if (list->info.files.empty()) return;
  std::error_code ec;
  fs::file_time_type t = fs::last_write_time(list->info.files.front().path, ec);
  if (ec) return;
  auto sys = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      std::chrono::file_clock::to_sys(t));
  std::time_t tt = std::chrono::system_clock::to_time_t(sys);
  std::tm tm{};
  if (gmtime_r(&tt, &tm) == nullptr) return;
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  list->info.published = buf;
  list->info.published_source = "file_date";
}

bool SamePath(const fs::path& a, const std::string& b) {
  if (b.empty()) return false;
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

}  // namespace

Status LoadList(const fs::path& path, LoadedList* out) { return LoadList(path, {}, out); }

Status LoadList(const fs::path& path, const LoadOptions& options, LoadedList* out) {
  auto start = std::chrono::steady_clock::now();
  LoadedList list;
  Status s;
  try {
    s = Dispatch(path, &list);
  } catch (const std::exception& e) {  // a loader bug or an allocation failure: report it
    s = Status::IoError(path.string() + ": " + e.what());
  }
  if (!s.ok()) return s;
  DateFromFile(&list);
  list.info.sample = SamePath(path, options.sample_path);
  CheckEntityDrop(options, &list);
  if (!list.info.truncation.empty()) {
    if (!options.accept_truncated) {
      std::string signs;
      for (const LoadWarning& t : list.info.truncation) {
        signs += (signs.empty() ? "" : "; ") + util::Where(t.file, t.line, t.message);
      }
      return Status::Corruption(
          signs +
          "; the list looks truncated and is refused (accept it with --accept-truncated, "
          "config accept_truncated = true)");
    }
    for (const LoadWarning& w : list.info.truncation) {
      list.info.warnings.push_back(
          LoadWarning{w.file, w.line, "accepted despite a sign of truncation: " + w.message});
    }
  }
  if (options.strict && !list.info.warnings.empty()) {
    const LoadWarning& w = list.info.warnings.front();
    return Status::Corruption(fmt::format(
        "{}: loaded with {} warning(s) and strict is set (--strict); first: {}", path.string(),
        list.info.warnings.size(), util::Where(w.file, w.line, w.message)));
  }
  list.info.load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  *out = std::move(list);
  return Status::Ok();
}

Status LoadLists(const std::vector<std::string>& paths, const LoadOptions& options,
                 std::vector<LoadedList>* out) {
  if (paths.empty()) return Status::InvalidArgument("no lists to load");
  std::vector<std::future<std::pair<Status, LoadedList>>> jobs;
  jobs.reserve(paths.size());
  for (const std::string& p : paths) {
    auto job = [p, &options] {
      LoadedList l;
      Status s = LoadList(p, options, &l);
      return std::make_pair(s, std::move(l));
    };
    try {
      jobs.push_back(std::async(std::launch::async, job));
    } catch (const std::system_error&) {  // no thread to be had: load it when waited for
      jobs.push_back(std::async(std::launch::deferred, job));
    }
  }
  std::vector<LoadedList> lists;
  Status first_error;
  for (auto& job : jobs) {
    auto [s, l] = job.get();  // every job is waited for, even after an error
    if (!first_error.ok()) continue;
    if (!s.ok()) {
      first_error = s;
      continue;
    }
    lists.push_back(std::move(l));
  }
  if (!first_error.ok()) return first_error;
  *out = std::move(lists);
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
