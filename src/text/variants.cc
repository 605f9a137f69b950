// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/variants.h"

#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/data.h"
#include "util/strings.h"

namespace vigil::text {
namespace {

struct Suffix {
  std::string from, to;
};

struct Tables {
  std::unordered_map<std::string, std::string> variants;
  std::unordered_map<std::string, std::string> particles;
  std::unordered_map<std::string, std::string> business;
  std::vector<Suffix> suffixes;
  std::vector<std::string> patronymic_endings;
};

const Tables& GetTables() {
  static const Tables* tables = [] {
    auto* t = new Tables;
    for (const std::vector<std::string>& cols : util::DataRows("names/name_variants.tsv")) {
      if (cols.size() == 3 && cols[0] == "patronymic") {
        for (const std::string& e : util::SplitTrimmed(cols[2], "|")) {
          t->patronymic_endings.push_back(e);
        }
      } else if (cols.size() == 3 && cols[0] == "suffix") {
        for (const std::string& from : util::SplitTrimmed(cols[2], "|")) {
          t->suffixes.push_back(Suffix{from, cols[1]});
        }
      } else if (cols.size() == 2) {
        for (const std::string& v : util::SplitTrimmed(cols[1], "|")) t->variants[v] = cols[0];
      }
    }
    for (const std::vector<std::string>& cols : util::DataRows("names/particles.tsv")) {
      if (cols.size() != 2) continue;
      for (const std::string& v : util::SplitTrimmed(cols[1], "|")) t->particles[v] = cols[0];
    }
    for (const std::vector<std::string>& cols :
         util::DataRows("names/business_abbreviations.tsv")) {
      if (cols.size() != 2) continue;
      for (const std::string& v : util::SplitTrimmed(cols[1], "|")) t->business[v] = cols[0];
    }
    return t;
  }();
  return *tables;
}

}  // namespace

bool IsPatronymic(std::string_view token) {
  for (const std::string& e : GetTables().patronymic_endings) {
    if (token.size() >= e.size() + 3 && token.ends_with(e)) return true;
  }
  return false;
}

bool CanonicalizeBusinessWord(std::string* token) {
  const Tables& t = GetTables();
  auto it = t.business.find(*token);
  if (it == t.business.end()) return false;
  *token = it->second;
  return true;
}

bool CanonicalizeVariant(std::string* token) {
  const Tables& t = GetTables();
  if (auto it = t.particles.find(*token); it != t.particles.end()) {
    *token = it->second;
    return true;
  }
  if (auto it = t.variants.find(*token); it != t.variants.end()) {
    *token = it->second;
    return false;
  }
  for (const Suffix& s : t.suffixes) {
    if (token->size() >= s.from.size() + 4 && token->ends_with(s.from)) {
      token->replace(token->size() - s.from.size(), s.from.size(), s.to);
      break;
    }
  }
  return false;
}

}  // namespace vigil::text
