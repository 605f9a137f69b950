// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/korean.h"

#include <algorithm>

#include "util/data.h"
#include "util/strings.h"

namespace vigil::text {
namespace {

struct Part {
  std::string variant;
  std::string key;
};

struct Table {
  std::vector<Part> initials, vowels, finals;  // longest variant first
};

const Table& GetTable() {
  static const Table* table = [] {
    auto* t = new Table;
    for (const std::vector<std::string>& cols : util::DataRows("names/korean_romanization.tsv")) {
      if (cols.size() != 3) continue;
      std::vector<Part>* parts = cols[0] == "initial" ? &t->initials
                                 : cols[0] == "vowel" ? &t->vowels
                                 : cols[0] == "final" ? &t->finals
                                                      : nullptr;
      if (parts == nullptr) continue;
      for (const std::string& v : util::SplitTrimmed(cols[2], "|")) parts->push_back({v, cols[1]});
    }
    for (auto* parts : {&t->initials, &t->vowels, &t->finals}) {
      std::stable_sort(parts->begin(), parts->end(), [](const Part& a, const Part& b) {
        return a.variant.size() > b.variant.size();
      });
    }
    return t;
  }();
  return *table;
}

constexpr size_t kMaxSyllables = 8;

// Splits s[pos..] into syllables, longest first; false when it cannot be split.
bool Split(const Table& t, std::string_view s, size_t pos, std::vector<std::string>* keys) {
  if (pos == s.size()) return true;
  if (keys->size() >= kMaxSyllables) return false;
  // Initials: none, or one of the table's.
  std::vector<const Part*> initials = {nullptr};
  for (const Part& p : t.initials) {
    if (s.substr(pos, p.variant.size()) == p.variant) initials.insert(initials.begin(), &p);
  }
  for (const Part* ini : initials) {
    size_t after_initial = pos + (ini ? ini->variant.size() : 0);
    for (const Part& v : t.vowels) {
      if (s.substr(after_initial, v.variant.size()) != v.variant) continue;
      size_t after_vowel = after_initial + v.variant.size();
      std::string head;
      if (ini != nullptr && !(ini->key == "N" && (v.key[0] == 'I' || v.key[0] == 'Y'))) {
        head = ini->key;
      }
      head += v.key;
      // Finals, longest first, then none.
      std::vector<const Part*> finals;
      for (const Part& f : t.finals) {
        if (s.substr(after_vowel, f.variant.size()) == f.variant) finals.push_back(&f);
      }
      finals.push_back(nullptr);
      for (const Part* fin : finals) {
        size_t end = after_vowel + (fin ? fin->variant.size() : 0);
        keys->push_back(head + (fin ? fin->key : ""));
        if (Split(t, s, end, keys)) return true;
        keys->pop_back();
      }
    }
  }
  return false;
}

}  // namespace

bool KoreanSyllableKeys(std::string_view token, std::vector<std::string>* keys) {
  if (token.empty() || token.size() > 24) return false;
  for (char c : token) {
    if (c < 'a' || c > 'z') return false;
  }
  // A token-final h after a vowel is silent: "oh", "huh".
  if (token.size() >= 2 && token.back() == 'h' &&
      std::string_view("aeiouy").find(token[token.size() - 2]) != std::string_view::npos) {
    token.remove_suffix(1);
  }
  std::vector<std::string> out;
  if (!Split(GetTable(), token, 0, &out)) return false;
  keys->insert(keys->end(), out.begin(), out.end());
  return true;
}

}  // namespace vigil::text
