// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "util/data.h"
#include "util/strings.h"

namespace vigil::util {

std::vector<std::vector<std::string>> DataRows(std::string_view name) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : SplitTrimmed(EmbeddedData(name), "\n")) {
    if (line.empty() || line[0] == '#') continue;
    rows.push_back(SplitTrimmed(line, "\t"));
  }
  return rows;
}

}  // namespace vigil::util
