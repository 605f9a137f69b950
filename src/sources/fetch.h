// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Downloading a list's official files (`vigil fetch`).
//
// The official addresses are reviewed data (data/names/official_sources.tsv, compiled in).
// A fetch downloads every file of the list into a staging folder inside the destination,
// loads the staged folder with LoadList() to check it is a whole, readable list, and only
// then moves the files into the destination (one rename per file). A failed download or a
// list that does not load leaves the destination as it was.

#ifndef VIGIL_SOURCES_FETCH_H_
#define VIGIL_SOURCES_FETCH_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "vigil/list.h"
#include "vigil/status.h"

namespace vigil::sources {

// One official file of a list.
struct OfficialFile {
  std::string list;  // "us_ofac_sdn", "us_ofac_cons", "un_sc", "us_csl"
  std::string name;  // file name, e.g. "sdn.csv"
  std::string url;   // official address
};

// Every official file, in table order.
const std::vector<OfficialFile>& OfficialFiles();

// The lists FetchList() knows, in table order.
std::vector<std::string> FetchableLists();

struct FetchOptions {
  int connect_timeout_seconds = 10;
  int read_timeout_seconds = 60;
  uint64_t max_file_bytes = uint64_t{512} << 20;  // 512 MiB per file
  // As LoadOptions: the downloaded list is refused when it shows signs of truncation,
  // including (when the destination already holds a version of the list that loads) more
  // than `max_entity_drop` fewer entities than that version, unless `accept_truncated`.
  bool accept_truncated = false;
  double max_entity_drop = 0.2;
};

struct FetchedFile {
  std::string name;  // file name in the destination
  std::string url;   // where it was downloaded from
  uint64_t bytes = 0;
  std::string sha256;  // lower-case hex
  // The server's Last-Modified header, when it sent one: the file's modification time is
  // set to it, so that a list whose file states no date is dated by its publication, not by
  // the download (ListInfo::published_source "file_date").
  std::string last_modified;
};

struct FetchReport {
  std::string list;
  std::filesystem::path dest;
  std::vector<FetchedFile> files;
  size_t entities = 0;  // entities in the list as loaded for validation
};

// Downloads the files of `list` into `dest_dir` (created when missing). A non-empty
// `base_url_override` replaces everything before the file name in each official URL
// (e.g. "http://127.0.0.1:8080/us_ofac_sdn/2021-07/"; a missing trailing '/' is added).
// Redirects are followed. On any error (bad list name or URL, HTTP status other than 200,
// connection failure, timeout, a file over the size cap, a body shorter than its
// Content-Length, a list that does not load or looks truncated) the
// Status names the URL or file and the reason, and dest_dir is left unchanged.
// *report is filled on success only.
Status FetchList(const std::string& list, const std::string& base_url_override,
                 const std::filesystem::path& dest_dir, FetchReport* report,
                 const FetchOptions& options = FetchOptions());

// ---- Refreshing loaded lists (`vigil serve --refresh`, `vigil watch`) ----

// A loaded list to fetch again: its source, the folder its files were loaded from, and the
// sha256 of each file as loaded (by file name).
struct RefreshTarget {
  std::string list;
  std::filesystem::path dir;
  std::map<std::string, std::string> sha256;
};

// The lists of `lists` that FetchList() knows (the bundled sample is never one), each with
// the folder of its main file.
std::vector<RefreshTarget> RefreshTargets(const std::vector<LoadedList>& lists);

struct RefreshOutcome {
  std::string list;
  std::filesystem::path dir;
  bool ok = false;       // fetched and validated (the folder now holds the fetched files)
  bool changed = false;  // ok, and some file differs from the one loaded
  std::string error;     // why not ok (the folder was left as it was)
  FetchReport report;    // when ok
};

// Fetches every target into its folder (FetchList), one after the other. A non-empty
// `base_url` replaces the official addresses: list L is fetched from `base_url`/L/. One
// that fails leaves its folder unchanged and does not stop the others.
std::vector<RefreshOutcome> RefreshLists(const std::vector<RefreshTarget>& targets,
                                         const std::string& base_url,
                                         const FetchOptions& options = FetchOptions());

// The data folder: where `vigil fetch` puts the lists when no --dest is given (one
// subfolder per list: us_ofac_sdn, un_sc, ...) and where every command looks for them when
// neither --lists nor a config file names any. $VIGIL_DATA_DIR when set, else
// $XDG_DATA_HOME/vigil/lists, else $HOME/.local/share/vigil/lists (for root as for anyone
// else). Empty when none of these variables is set.
std::filesystem::path DefaultDataDir();

// The list folders in data folder `dir`, sorted: every subfolder named as a list `vigil fetch`
// stores (FetchableLists(); not a fetch's staging folder, a backup or notes beside them) that
// holds at least one file. A missing `dir` has
// none (OK, *paths empty); one that cannot be read is an error naming it.
Status ListsInDataDir(const std::filesystem::path& dir, std::vector<std::string>* paths);

}  // namespace vigil::sources

#endif  // VIGIL_SOURCES_FETCH_H_
