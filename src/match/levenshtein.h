// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Bounded edit distance (optimal string alignment: Levenshtein plus adjacent
// transpositions): the number of single-byte insertions, deletions, substitutions and swaps
// of neighbours turning `a` into `b` ("wlaid" -> "walid" is 1), or `max + 1` as soon as it
// is known to exceed `max`. O(|a| * (2 * max + 1)) time (a band around the diagonal), no
// heap allocation for strings up to 63 bytes.

#ifndef VIGIL_MATCH_LEVENSHTEIN_H_
#define VIGIL_MATCH_LEVENSHTEIN_H_

#include <cstddef>
#include <string_view>

namespace vigil::match {

size_t BoundedLevenshtein(std::string_view a, std::string_view b, size_t max);

}  // namespace vigil::match

#endif  // VIGIL_MATCH_LEVENSHTEIN_H_
