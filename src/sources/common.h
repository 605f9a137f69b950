// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// What every source loader shares: reading a list file (recording its sha256 and size in
// the report), warnings, and the loader entry points that LoadList() dispatches to.
//
// A loader fills a LoadedList it owns locally and only moves it into *out when the whole
// load succeeded, so a failed load never leaves a half-filled list behind.

#ifndef VIGIL_SOURCES_COMMON_H_
#define VIGIL_SOURCES_COMMON_H_

#include <filesystem>
#include <string>
#include <string_view>

#include "vigil/list.h"
#include "vigil/status.h"

namespace vigil::sources {

// Reads `path` into *bytes and appends it (path, sha256, size) to list->info.files.
// An empty file is an error (a list is never empty) unless `may_be_empty`: a companion file
// such as OFAC's sdn_comments.csv can legitimately hold no records.
Status ReadListFile(const std::filesystem::path& path, LoadedList* list, std::string* bytes,
                    bool may_be_empty = false);

void Warn(LoadedList* list, std::string_view file, size_t line, std::string message);

// Loaders, one per format, each given its main file (OFAC: sdn.csv or cons_prim.csv, the
// companions are read from the same folder).
// OFAC legacy CSV set: sdn.csv (+ alt.csv, add.csv, sdn_comments.csv when present), or the
// non-SDN consolidated set cons_prim.csv (+ cons_alt.csv, cons_add.csv, cons_comments.csv).
Status LoadOfacCsv(const std::filesystem::path& main_file, LoadedList* out);
// UN Security Council consolidated XML.
Status LoadUnXml(const std::filesystem::path& file, LoadedList* out);
// US Consolidated Screening List CSV (trade.gov consolidated.csv).
Status LoadCsl(const std::filesystem::path& file, LoadedList* out);
// BIS Denied Persons List, tab-separated with quoted fields (dpl.txt).
Status LoadDpl(const std::filesystem::path& file, LoadedList* out);

}  // namespace vigil::sources

#endif  // VIGIL_SOURCES_COMMON_H_
