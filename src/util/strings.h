// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Small byte-string helpers shared by every layer. ASCII-only case handling: Unicode
// case folding lives in src/text.

#ifndef VIGIL_UTIL_STRINGS_H_
#define VIGIL_UTIL_STRINGS_H_

#include <string>
#include <string_view>
#include <vector>

namespace vigil::util {

// Removes ASCII white space (and NBSP written as UTF-8) from both ends.
std::string_view Trim(std::string_view s);

// Splits on `sep`, trimming each piece; empty pieces are dropped.
std::vector<std::string> SplitTrimmed(std::string_view s, std::string_view sep);

std::string AsciiUpper(std::string_view s);
std::string AsciiLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
// Position of `needle` in `hay` ignoring ASCII case, or npos.
size_t FindIgnoreCase(std::string_view hay, std::string_view needle, size_t from = 0);

// Collapses runs of white space into one space and trims.
std::string CollapseSpaces(std::string_view s);

// "path:line: message" (line omitted when 0).
std::string Where(std::string_view file, size_t line, std::string_view message);

}  // namespace vigil::util

#endif  // VIGIL_UTIL_STRINGS_H_
