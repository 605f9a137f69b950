// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "redflags/values.h"

#include <array>
#include <cctype>
#include <vector>

#include "text/normalize.h"
#include "util/strings.h"

namespace vigil::redflags {
namespace {

bool IsAsciiAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Letters and digits (any byte >= 0x80 is kept: UTF-8 letters), other bytes to one blank.
std::string Fold(std::string_view s) {
  std::string out;
  bool blank = false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || IsAsciiAlnum(c)) {
      if (blank && !out.empty()) out += ' ';
      blank = false;
      out += static_cast<char>(std::tolower(u));
    } else {
      blank = true;
    }
  }
  return out;
}

// Street words written long or short alike.
std::string AbbreviateStreet(const std::string& folded) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kShort = {{
      {"street", "st"},
      {"avenue", "ave"},
      {"road", "rd"},
      {"boulevard", "blvd"},
      {"drive", "dr"},
      {"lane", "ln"},
      {"court", "ct"},
      {"place", "pl"},
      {"square", "sq"},
      {"apartment", "apt"},
      {"suite", "ste"},
      {"highway", "hwy"},
  }};
  std::string out;
  for (const std::string& w : util::SplitTrimmed(folded, " ")) {
    std::string_view word = w;
    for (const auto& [longw, shortw] : kShort) {
      if (word == longw) word = shortw;
    }
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

bool IsSuffix(std::string_view w) {
  std::string l = util::AsciiLower(w);
  while (!l.empty() && l.back() == '.') l.pop_back();
  return l == "jr" || l == "sr" || l == "ii" || l == "iii" || l == "iv" || l == "phd" ||
         l == "md" || l == "mtro" || l == "dr";
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string NormalizeValue(std::string_view type, std::string_view value) {
  value = util::Trim(value);
  if (type == "phone") {
    std::string d;
    for (char c : value) {
      if (c >= '0' && c <= '9') d += c;
    }
    if (d.size() > 2 && d[0] == '0' && d[1] == '0') d.erase(0, 2);
    return d;
  }
  if (type == "email") return util::AsciiLower(value);
  if (type == "wallet") {
    if (value.size() > 2 && value[0] == '0' && (value[1] == 'x' || value[1] == 'X')) {
      return util::AsciiLower(value);
    }
    return std::string(value);
  }
  std::string out;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || IsAsciiAlnum(c)) out += static_cast<char>(std::tolower(u));
  }
  return out;
}

std::string AddressKey(const model::PartyAddress& a) {
  std::string street = AbbreviateStreet(Fold(a.street));
  if (street.empty()) return {};
  return street + "|" + Fold(a.city) + "|" + Fold(a.postal_code) + "|" +
         util::AsciiUpper(util::Trim(a.country));
}

std::string FamilyNameKey(std::string_view name) {
  std::vector<std::string> words = util::SplitTrimmed(name, " ");
  while (words.size() > 1 && IsSuffix(words.back())) words.pop_back();
  if (words.empty()) return {};
  if (words.size() == 1) {
    const std::string& w = words[0];
    auto lead = static_cast<unsigned char>(w[0]);
    if (lead >= 0xE0) {  // a character of three or four bytes: CJK, Hangul
      size_t n = lead >= 0xF0 ? 4 : 3;
      return w.substr(0, std::min(n, w.size()));
    }
  }
  std::string f = text::Normalize(words.back());
  return f.empty() ? util::AsciiLower(words.back()) : f;
}

std::string HouseholdKey(const model::Party& p) {
  for (const model::PartyAddress& a : p.addresses) {
    if (a.kind != "home") continue;
    std::string key = AddressKey(a);
    if (!key.empty()) return key + "|" + FamilyNameKey(p.name);
  }
  return "party:" + p.id;
}

double Distinctiveness(size_t households, size_t strong) {
  if (households < 2) return 0;
  if (strong == 0 || households <= strong) return 1;
  return static_cast<double>(strong) / static_cast<double>(households);
}

std::optional<int64_t> ParseTime(std::string_view s) {
  s = util::Trim(s);
  int y, mo, d, h, mi, sec = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 16 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi)) {
    return std::nullopt;
  }
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &sec)) return std::nullopt;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  int64_t offset = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh, om = 0;
      if (!Digits(s, pos + 1, 2, &oh)) return std::nullopt;
      size_t p = pos + 3;
      if (p < s.size() && s[p] == ':') ++p;
      if (p < s.size() && !Digits(s, p, 2, &om)) return std::nullopt;
      if (p < s.size()) p += 2;
      offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
      pos = p;
    }
    if (pos != s.size()) return std::nullopt;
  }
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + sec - offset;
}

}  // namespace vigil::redflags
