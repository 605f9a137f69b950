// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Data files compiled into the program: everything under data/names/ (legal forms,
// country aliases, stop words, romanization tables ...) and data/redflags/ (the IT-worker
// red-flag rules). They stay reviewable text files
// in the repository; the build embeds them (cmake/embed_data.cmake) so the program needs
// no data path at run time.

#ifndef VIGIL_UTIL_DATA_H_
#define VIGIL_UTIL_DATA_H_

#include <string>
#include <string_view>
#include <vector>

namespace vigil::util {

// The contents of data/<name> (e.g. "names/countries.tsv"); empty when there is none.
std::string_view EmbeddedData(std::string_view name);

// The rows of an embedded tab-separated table: blank lines and '#' comments skipped, each
// row split on tabs, cells trimmed, empty cells dropped.
std::vector<std::vector<std::string>> DataRows(std::string_view name);

}  // namespace vigil::util

#endif  // VIGIL_UTIL_DATA_H_
