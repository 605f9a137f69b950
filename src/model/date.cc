// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/date.h"

#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "util/strings.h"

namespace vigil::model {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};

bool ParseInt(std::string_view s, int* out) {
  if (s.empty() || s.size() > 4) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  std::from_chars(s.data(), s.data() + s.size(), *out);
  return true;
}

int MonthFromName(std::string_view s) {
  if (s.size() < 3) return 0;
  std::string lower = util::AsciiLower(s);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (lower.compare(0, 3, kMonths[i]) == 0) {
      // "January" or "Jan" or "Sept": the rest must be letters of the month's name.
      static constexpr std::array<std::string_view, 12> kFull = {
          "january", "february", "march",     "april",   "may",      "june",
          "july",    "august",   "september", "october", "november", "december"};
      if (kFull[i].substr(0, lower.size()) == lower) return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool Valid(int y, int m, int d) {
  if (y < 1800 || y > 2100) return false;
  if (m == 0) return d == 0;
  if (m < 1 || m > 12) return false;
  if (d == 0) return true;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = kDays[static_cast<size_t>(m - 1)] + (m == 2 && IsLeap(y) ? 1 : 0);
  return d >= 1 && d <= max;
}

std::vector<std::string_view> Words(std::string_view s, std::string_view seps) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && seps.find(s[i]) != std::string_view::npos) ++i;
    size_t j = i;
    while (j < s.size() && seps.find(s[j]) == std::string_view::npos) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

bool ParseDate(std::string_view text, PartialDate* out) {
  text = util::Trim(text);
  if (text.empty()) return false;
  int y = 0, m = 0, d = 0;
  std::vector<std::string_view> w;
  if (text.find('/') != std::string_view::npos) {
    w = Words(text, "/");
    if (w.size() != 3 || !ParseInt(w[0], &m) || !ParseInt(w[1], &d) || !ParseInt(w[2], &y) ||
        w[2].size() != 4) {
      return false;
    }
  } else if (text.size() >= 4 && IsDigits(text.substr(0, 4)) &&
             (text.size() == 4 || text[4] == '-')) {
    w = Words(text, "-");
    if (w.empty() || w.size() > 3 || w[0].size() != 4 || !ParseInt(w[0], &y)) return false;
    if (w.size() >= 2 && (w[1].size() != 2 || !ParseInt(w[1], &m))) return false;
    if (w.size() == 3 && (w[2].size() != 2 || !ParseInt(w[2], &d))) return false;
  } else {
    w = Words(text, " ,-");
    if (w.size() == 3) {
      if (!ParseInt(w[0], &d) || (m = MonthFromName(w[1])) == 0 || !ParseInt(w[2], &y)) {
        return false;
      }
    } else if (w.size() == 2) {
      if ((m = MonthFromName(w[0])) == 0 || !ParseInt(w[1], &y)) return false;
    } else {
      return false;
    }
    if (w.back().size() != 4) return false;
  }
  if (!Valid(y, m, d)) return false;
  *out = PartialDate{y, m, d};
  return true;
}

bool ParseBirthDate(std::string_view text, BirthDate* out) {
  std::string_view t = util::Trim(text);
  BirthDate bd;
  bd.text = std::string(t);
  for (std::string_view prefix : {"circa ", "approximately ", "approx. ", "about ", "c. "}) {
    if (util::StartsWithIgnoreCase(t, prefix)) {
      bd.circa = true;
      t = util::Trim(t.substr(prefix.size()));
      break;
    }
  }
  if (util::StartsWithIgnoreCase(t, "between ")) {
    t = util::Trim(t.substr(8));
    size_t and_pos = util::FindIgnoreCase(t, " and ");
    if (and_pos == std::string_view::npos) return false;
    if (!ParseDate(t.substr(0, and_pos), &bd.from) || !ParseDate(t.substr(and_pos + 5), &bd.to)) {
      return false;
    }
    *out = std::move(bd);
    return true;
  }
  size_t to_pos = util::FindIgnoreCase(t, " to ");
  if (to_pos != std::string_view::npos) {
    if (!ParseDate(t.substr(0, to_pos), &bd.from) || !ParseDate(t.substr(to_pos + 4), &bd.to)) {
      return false;
    }
    *out = std::move(bd);
    return true;
  }
  // "1960-1965": two bare years.
  if (t.size() == 9 && t[4] == '-') {
    int a = 0, b = 0;
    if (std::from_chars(t.data(), t.data() + 4, a).ec == std::errc() &&
        std::from_chars(t.data() + 5, t.data() + 9, b).ec == std::errc() && a < b &&
        Valid(a, 0, 0) && Valid(b, 0, 0)) {
      bd.from = PartialDate{a, 0, 0};
      bd.to = PartialDate{b, 0, 0};
      *out = std::move(bd);
      return true;
    }
  }
  if (!ParseDate(t, &bd.from)) return false;
  *out = std::move(bd);
  return true;
}

int DaysFromEpoch(const PartialDate& date) {
  // Howard Hinnant's days_from_civil.
  int y = date.year;
  unsigned m = date.month == 0 ? 1u : static_cast<unsigned>(date.month);
  unsigned d = date.day == 0 ? 1u : static_cast<unsigned>(date.day);
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

}  // namespace vigil::model
