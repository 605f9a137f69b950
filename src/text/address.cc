// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "text/address.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "model/country.h"
#include "text/normalize.h"
#include "util/data.h"

namespace vigil::text {
namespace {

// Every variant (and the canonical word itself) -> the canonical word.
const std::unordered_map<std::string, std::string>& StreetWords() {
  static const std::unordered_map<std::string, std::string> words = [] {
    std::unordered_map<std::string, std::string> out;
    for (const auto& row : util::DataRows("names/street_abbreviations.tsv")) {
      const std::string& canonical = row[0];
      out.emplace(canonical, canonical);
      if (row.size() < 2) continue;
      std::string_view variants = row[1];
      while (!variants.empty()) {
        size_t bar = variants.find('|');
        std::string variant(variants.substr(0, bar));
        if (!variant.empty()) out.emplace(variant, canonical);
        if (bar == std::string_view::npos) break;
        variants.remove_prefix(bar + 1);
      }
    }
    return out;
  }();
  return words;
}

}  // namespace

std::string NormalizeStreet(std::string_view street) {
  const auto& words = StreetWords();
  std::string out;
  for (const std::string& token : Tokenize(street)) {
    auto it = words.find(token);
    if (!out.empty()) out += ' ';
    out += it != words.end() ? it->second : token;
  }
  return out;
}

std::string NormalizeCity(std::string_view city) {
  std::vector<std::string> tokens = Tokenize(city);
  // "Pyongyang City", "Dalian Shi": the word for city says nothing.
  if (tokens.size() > 1 && (tokens.back() == "city" || tokens.back() == "shi")) tokens.pop_back();
  std::string out;
  for (const std::string& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

std::string NormalizePostalCode(std::string_view postal_code) {
  std::string out;
  for (char c : postal_code) {
    if (c >= '0' && c <= '9') {
      out += c;
    } else if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      out += c;
    }
  }
  return out;
}

std::string NormalizeCountry(std::string_view country) { return model::CountryCode(country); }

}  // namespace vigil::text
