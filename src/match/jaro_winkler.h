// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Jaro-Winkler similarity of two byte strings (normalized ASCII tokens in practice).
// O(|a| * window) time, no heap allocation for strings up to 64 bytes. 1.0 means equal,
// 0.0 means nothing in common. Prefix scale 0.1 over at most 4 bytes, as Winkler defined.

#ifndef VIGIL_MATCH_JARO_WINKLER_H_
#define VIGIL_MATCH_JARO_WINKLER_H_

#include <string_view>

namespace vigil::match {

double JaroWinkler(std::string_view a, std::string_view b);

}  // namespace vigil::match

#endif  // VIGIL_MATCH_JARO_WINKLER_H_
