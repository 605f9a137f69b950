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
  std::string source;     // "us_ofac_sdn", "un_sc", "us_csl", "us_bis_dpl"
  std::string title;      // a human title, e.g. "OFAC Specially Designated Nationals"
  std::string format;     // "ofac_csv", "un_xml", "csl_csv", "dpl_tsv"
  std::string published;  // publication date/time where the file has one, else empty
  std::vector<SourceFile> files;
  std::vector<LoadWarning> warnings;
  size_t rows_read = 0;         // data records read from the main file
  size_t unparsed_remarks = 0;  // remark segments kept as text (see Entity::unparsed_remarks)
  double load_seconds = 0;
};

struct LoadedList {
  ListInfo info;
  std::vector<Entity> entities;  // in file order; ids unique within the list
};

// Loads the list at `path`: a folder (recognised by its files: sdn.csv / cons_prim.csv for
// OFAC, *.xml with CONSOLIDATED_LIST for the UN, the CSL's consolidated.csv, the DPL's
// dpl.txt) or one of those files. On error *out is unchanged.
Status LoadList(const std::filesystem::path& path, LoadedList* out);

// Counts by kind and by program, for reports.
std::map<std::string, size_t> CountByKind(const LoadedList& list);
std::map<std::string, size_t> CountByProgram(const LoadedList& list);

}  // namespace vigil

#endif  // VIGIL_LIST_H_
