// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "util/strings.h"

#include <algorithm>
#include <cctype>

namespace vigil::util {
namespace {
bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
}  // namespace

std::string_view Trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && IsSpace(static_cast<unsigned char>(s.front()))) {
      s.remove_prefix(1);
    } else if (s.size() >= 2 && s.substr(0, 2) == "\xC2\xA0") {
      s.remove_prefix(2);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && IsSpace(static_cast<unsigned char>(s.back()))) {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

std::vector<std::string> SplitTrimmed(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view piece = Trim(s.substr(start, end - start));
    if (!piece.empty()) out.emplace_back(piece);
    start = end + sep.size();
    if (end == s.size()) break;
  }
  return out;
}

std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

size_t FindIgnoreCase(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (EqualsIgnoreCase(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char c : Trim(s)) {
    if (IsSpace(static_cast<unsigned char>(c))) {
      pending_space = true;
    } else {
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      out.push_back(c);
    }
  }
  return out;
}

std::string Where(std::string_view file, size_t line, std::string_view message) {
  std::string out(file);
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  out += message;
  return out;
}

}  // namespace vigil::util
