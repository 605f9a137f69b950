// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Loading official lists into the entity model.
//
// LoadList() looks at a path (a folder or a single file), recognises the list format by
// the files it holds, and hands it to the loader for that format. A load either fully
// succeeds (entities plus a report with warnings for rows that were skipped or only
// partly understood) or returns a non-OK Status naming the file and line and leaves
// *out untouched: a half-loaded list is never returned.
//
// Thread safety: loading functions are re-entrant; a LoadedList is plain data.

#ifndef VIGIL_LIST_H_
#define VIGIL_LIST_H_

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "vigil/entity.h"
#include "vigil/status.h"

namespace vigil {

// Something in a list that was skipped or only partly understood. The load went on.
struct LoadWarning {
  std::string file;  // file name as given
  size_t line = 0;   // 1-based line (or record) number; 0 when not tied to a line
  std::string message;
};

struct SourceFile {
  std::string path;
  std::string sha256;  // lower-case hex of the file's bytes
  uint64_t bytes = 0;
};

struct ListInfo {
  std::string source;  // "us_ofac_sdn", "un_sc", "us_csl", "us_bis_dpl"
  std::string title;   // a human title, e.g. "OFAC Specially Designated Nationals"
  std::string format;  // "ofac_csv", "un_xml", "csl_csv", "dpl_tsv"
  // When the list was published: as the file states it (the UN's dateGenerated,
  // "2026-02-27T00:00:09.554Z"; published_source "file"), else the main file's modification
  // time ("2026-05-03T14:02:11Z"; published_source "file_date", which `vigil fetch` sets
  // from the server's Last-Modified). Empty only when neither is known.
  std::string published;
  std::string published_source;  // "file", "file_date" or empty
  std::vector<SourceFile> files;
  std::vector<LoadWarning> warnings;
  // Signs that the list is incomplete (see LoadOptions::accept_truncated): a missing
  // end-of-file marker, a last record cut inside a quoted field, far fewer entities than
  // the version serving. Each names the file and line (0 when not tied to one). A list with
  // any is refused unless the caller accepted truncation; then each is also a warning.
  std::vector<LoadWarning> truncation;
  // What the list lacks because a companion file is missing, one line each, as the
  // warning says it ("alt.csv missing: aliases not loaded ..."). Also in `warnings`.
  std::vector<std::string> incomplete;
  // The bundled 40-entry sample (LoadOptions::sample_path), not an official list.
  bool sample = false;
  size_t rows_read = 0;         // data records read from the main file
  size_t unparsed_remarks = 0;  // remark segments kept as text (see Entity::unparsed_remarks)
  double load_seconds = 0;
};

struct LoadedList {
  ListInfo info;
  std::vector<Entity> entities;  // in file order; ids unique within the list
};

// How lists are loaded. The defaults refuse anything that may be incomplete.
struct LoadOptions {
  // A list that loads with warnings is an error.
  bool strict = false;
  // Load a list that shows signs of truncation (ListInfo::truncation) instead of refusing
  // it. The signs stay in the report (and are warnings, so `strict` still refuses them).
  bool accept_truncated = false;
  // A list whose entity count is below the count in `previous_entities` for its source by
  // more than this share (0.2: more than 20% fewer) shows a sign of truncation. 1 or more
  // turns the check off.
  double max_entity_drop = 0.2;
  // Entities per source in the version now serving (or already on disk), to compare with;
  // empty for a first load.
  std::map<std::string, size_t> previous_entities;
  // The bundled sample's folder: a list loaded from it (by any path to it) is marked
  // ListInfo::sample. Empty: none is.
  std::string sample_path;
};

// Loads the list at `path`: a folder (recognised by its files: sdn.csv / cons_prim.csv for
// OFAC, *.xml with CONSOLIDATED_LIST for the UN, the CSL's consolidated.csv, the DPL's
// dpl.txt) or one of those files. A folder holding more than one list is refused (naming
// every list file found): give each as its own path. Only regular files are read. Never
// throws: file system errors (a symbolic link loop, ...) are a Status naming the path. On
// error *out is unchanged.
Status LoadList(const std::filesystem::path& path, LoadedList* out);  // default LoadOptions
Status LoadList(const std::filesystem::path& path, const LoadOptions& options, LoadedList* out);

// Loads every path (in parallel), all or nothing: on the first error (in `paths` order)
// returns it, naming the path, and leaves *out unchanged. `strict`, `accept_truncated` and
// the entity-count check apply to each list.
Status LoadLists(const std::vector<std::string>& paths, const LoadOptions& options,
                 std::vector<LoadedList>* out);

// Counts by kind and by program, for reports.
std::map<std::string, size_t> CountByKind(const LoadedList& list);
std::map<std::string, size_t> CountByProgram(const LoadedList& list);

}  // namespace vigil

#endif  // VIGIL_LIST_H_
