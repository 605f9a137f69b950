// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "match/jaro_winkler.h"

#include <algorithm>
#include <array>
#include <memory>

namespace vigil::match {
namespace {

double Jaro(std::string_view a, std::string_view b, bool* a_flags, bool* b_flags) {
  const size_t la = a.size(), lb = b.size();
  const size_t window = std::max(la, lb) / 2 > 0 ? std::max(la, lb) / 2 - 1 : 0;
  size_t matches = 0;
  for (size_t i = 0; i < la; ++i) {
    size_t lo = i > window ? i - window : 0;
    size_t hi = std::min(lb, i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (!b_flags[j] && a[i] == b[j]) {
        a_flags[i] = b_flags[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  size_t transpositions = 0;
  for (size_t i = 0, j = 0; i < la; ++i) {
    if (!a_flags[i]) continue;
    while (!b_flags[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  double m = static_cast<double>(matches);
  return (m / static_cast<double>(la) + m / static_cast<double>(lb) +
          (m - static_cast<double>(transpositions) / 2.0) / m) /
         3.0;
}

}  // namespace

double JaroWinkler(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 1.0 : 0.0;
  if (a == b) return 1.0;
  double jaro;
  if (a.size() <= 64 && b.size() <= 64) {
    std::array<bool, 64> fa{}, fb{};
    jaro = Jaro(a, b, fa.data(), fb.data());
  } else {
    auto fa = std::make_unique<bool[]>(a.size());
    auto fb = std::make_unique<bool[]>(b.size());
    jaro = Jaro(a, b, fa.get(), fb.get());
  }
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

}  // namespace vigil::match
