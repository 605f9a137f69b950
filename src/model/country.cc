// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/country.h"

#include <unicode/locid.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <mutex>
#include <unordered_map>

#include "util/data.h"
#include "util/strings.h"

namespace vigil::model {
namespace {

// Upper-case ASCII letters and digits, single spaces; "&" becomes "AND".
std::string Key(std::string_view name) {
  std::string ascii;
  bool non_ascii = false;
  for (char c : name) non_ascii |= (static_cast<unsigned char>(c) >= 0x80);
  if (non_ascii) {
    static std::mutex mu;
    static std::unique_ptr<icu::Transliterator> tr;
    std::lock_guard<std::mutex> lock(mu);
    if (!tr) {
      UErrorCode status = U_ZERO_ERROR;
      tr.reset(
          icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, status));
      if (U_FAILURE(status)) tr.reset();
    }
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(name);
    if (tr) tr->transliterate(u);
    u.toUTF8String(ascii);
  } else {
    ascii = std::string(name);
  }
  std::string out;
  bool space = false;
  for (size_t i = 0; i < ascii.size(); ++i) {
    char c = ascii[i];
    if (c == '&') {
      if (!out.empty()) out.push_back(' ');
      out += "AND";
      space = true;
      continue;
    }
    if (c == '\'' || c == '.') continue;  // "Cote d'Ivoire", "U.S."
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    } else {
      space = true;
    }
  }
  return out;
}

struct Table {
  std::unordered_map<std::string, std::string> by_key;
  std::unordered_map<std::string, std::string> names;  // code -> English name
};

const Table& GetTable() {
  static const Table* table = [] {
    auto* t = new Table;
    for (const char* const* c = icu::Locale::getISOCountries(); *c != nullptr; ++c) {
      std::string code = *c;
      icu::Locale loc("", code.c_str());
      icu::UnicodeString display;
      loc.getDisplayCountry(icu::Locale::getEnglish(), display);
      std::string name;
      display.toUTF8String(name);
      t->names[code] = name;
      t->by_key[Key(name)] = code;
      t->by_key[code] = code;
      if (const char* iso3 = loc.getISO3Country(); iso3 != nullptr && *iso3 != '\0') {
        t->by_key[iso3] = code;
      }
    }
    // Aliases as the lists write them: "name<TAB>CODE" lines, '#' comments.
    for (const std::vector<std::string>& cols : util::DataRows("names/countries.tsv")) {
      if (cols.size() == 2) t->by_key[Key(cols[0])] = cols[1];
    }
    return t;
  }();
  return *table;
}

}  // namespace

std::string CountryCode(std::string_view name) {
  const Table& t = GetTable();
  std::string key = Key(name);
  if (key.empty()) return "";
  auto it = t.by_key.find(key);
  return it == t.by_key.end() ? "" : it->second;
}

std::string CountryName(std::string_view code) {
  const Table& t = GetTable();
  auto it = t.names.find(util::AsciiUpper(code));
  return it == t.names.end() ? "" : it->second;
}

}  // namespace vigil::model
