// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "match/levenshtein.h"

#include <algorithm>
#include <array>
#include <vector>

namespace vigil::match {

size_t BoundedLevenshtein(std::string_view a, std::string_view b, size_t max) {
  if (a.size() > b.size()) std::swap(a, b);
  const size_t la = a.size(), lb = b.size();
  if (lb - la > max) return max + 1;
  if (la == 0) return lb;
  const size_t big = max + 1;
  // Rows i - 2, i - 1 and i of the matrix. Only the band |i - j| <= max is computed, and
  // the cell on each side of a row's band is set to `big`: the next rows read nothing
  // else, so no row is cleared.
  std::array<size_t, 64> buf0, buf1, buf2;
  std::vector<size_t> heap;
  size_t* older = buf0.data();  // row i - 2
  size_t* prev = buf1.data();   // row i - 1
  size_t* cur = buf2.data();    // row i
  if (lb + 2 > buf0.size()) {
    heap.resize(3 * (lb + 2));
    older = heap.data();
    prev = older + lb + 2;
    cur = prev + lb + 2;
  }
  const size_t first_hi = std::min(lb, max);
  for (size_t j = 0; j <= first_hi; ++j) prev[j] = j;
  prev[first_hi + 1] = big;
  for (size_t i = 1; i <= la; ++i) {
    const size_t lo = i > max ? i - max : 1;
    const size_t hi = std::min(lb, i + max);
    cur[lo - 1] = lo == 1 ? std::min(i, big) : big;
    size_t row_min = cur[lo - 1];
    for (size_t j = lo; j <= hi; ++j) {
      size_t d =
          std::min({prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d = std::min(d, older[j - 2] + 1);
      }
      cur[j] = std::min(d, big);
      row_min = std::min(row_min, cur[j]);
    }
    cur[hi + 1] = big;
    if (row_min > max) return big;
    std::swap(older, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[lb], big);
}

}  // namespace vigil::match
