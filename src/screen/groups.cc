// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "screen/groups.h"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "index/identifier_index.h"
#include "util/strings.h"

namespace vigil::screen {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Upper case, single spaces, trimmed: "AL-NASER  Airlines " -> "AL-NASER AIRLINES".
std::string NameKey(std::string_view s) { return util::AsciiUpper(util::CollapseSpaces(s)); }

// The words of a name, upper case, sorted: "AZIZ, Tariq" and "TARIQ AZIZ" -> "AZIZ TARIQ".
// Bytes outside ASCII are kept as part of their word.
std::string WordSetKey(std::string_view name) {
  std::vector<std::string> words(1);
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) {
      words.back().push_back(static_cast<char>(u < 0x80 ? std::toupper(u) : u));
    } else if (!words.back().empty()) {
      words.emplace_back();
    }
  }
  if (words.back().empty()) words.pop_back();
  std::sort(words.begin(), words.end());
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

bool KindsAgree(const Entity& a, const Entity& b) {
  return a.kind == b.kind || a.kind == EntityKind::kUnknown || b.kind == EntityKind::kUnknown;
}

bool OnCslSubList(const Entity& e, std::string_view code) {
  for (const Property& p : e.properties) {
    if (p.key == "csl_source" && p.value.find("(" + std::string(code) + ")") != std::string::npos) {
      return true;
    }
  }
  return false;
}

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0u); }
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);  // the root is the first entity
  }

 private:
  std::vector<uint32_t> parent_;
};

}  // namespace

std::string ImoNumber(const Identifier& id) {
  std::string_view v = util::Trim(id.value);
  if (id.kind != IdKind::kImo) {
    if (!util::StartsWithIgnoreCase(v, "IMO")) return "";
    v.remove_prefix(3);
  } else if (util::StartsWithIgnoreCase(v, "IMO")) {
    v.remove_prefix(3);
  }
  v = util::Trim(v);
  while (!v.empty() && (v.back() == '.' || v.back() == ';')) v.remove_suffix(1);
  return v.size() == 7 && AllDigits(v) ? std::string(v) : "";
}

std::vector<uint32_t> GroupEntities(const std::vector<const Entity*>& entities) {
  const uint32_t n = static_cast<uint32_t>(entities.size());
  UnionFind uf(n);
  // Records sharing a key are the same party when `same` agrees (pairs with the first
  // record of the key: the union is transitive).
  auto link_by = [&](std::unordered_map<std::string, std::vector<uint32_t>>& by_key,
                     const auto& same) {
    for (auto& [key, ids] : by_key) {
      for (size_t i = 0; i < ids.size(); ++i) {
        for (size_t j = i + 1; j < ids.size(); ++j) {
          if (same(*entities[ids[i]], *entities[ids[j]])) uf.Union(ids[i], ids[j]);
        }
      }
    }
  };
  std::unordered_map<std::string, uint32_t> ofac;  // ent_num -> entity
  std::unordered_map<std::string, std::vector<uint32_t>> dpl, imo, passport, person;
  for (uint32_t i = 0; i < n; ++i) {
    const Entity& e = *entities[i];
    if (e.source.starts_with("us_ofac")) ofac.emplace(e.source_id, i);
    if (e.source == "us_bis_dpl" || (e.source == "us_csl" && OnCslSubList(e, "DPL"))) {
      if (!e.names.empty() && !e.listed_on.empty()) {
        dpl[NameKey(e.primary_name()) + "\n" + e.listed_on].push_back(i);
      }
    }
    if (e.kind == EntityKind::kPerson && !e.names.empty()) {
      std::string words = WordSetKey(e.primary_name());
      for (const BirthDate& b : e.birth_dates) {
        if (words.find(' ') == std::string::npos) break;  // one word: not a whole name
        if (b.from.day == 0 || !b.to.empty() || b.circa) continue;
        person[words + "\n" + b.from.ToString()].push_back(i);
      }
    }
    for (const Identifier& id : e.identifiers) {
      if (std::string number = ImoNumber(id); !number.empty()) imo[number].push_back(i);
      if (id.kind == IdKind::kPassport && e.kind == EntityKind::kPerson) {
        // As the identifier index compares them; empty when too short to name one document.
        std::string number = index::CanonicalIdentifier(id.value);
        if (number.empty()) continue;
        for (const BirthDate& b : e.birth_dates) {
          if (b.from.day == 0 || !b.to.empty() || b.circa) continue;
          passport[number + "\n" + b.from.ToString()].push_back(i);
        }
      }
    }
  }
  for (uint32_t i = 0; i < n; ++i) {
    const Entity& e = *entities[i];
    if (e.source != "us_csl" || !AllDigits(e.source_id)) continue;
    auto it = ofac.find(e.source_id);
    if (it != ofac.end() && KindsAgree(e, *entities[it->second])) uf.Union(i, it->second);
  }
  link_by(dpl, [](const Entity& a, const Entity& b) { return a.source != b.source; });
  link_by(imo, [](const Entity& a, const Entity& b) {
    return a.source != b.source && KindsAgree(a, b);
  });
  link_by(passport, [](const Entity& a, const Entity& b) { return a.source != b.source; });
  link_by(person, [](const Entity& a, const Entity& b) { return a.source != b.source; });
  std::vector<uint32_t> group(n);
  for (uint32_t i = 0; i < n; ++i) group[i] = uf.Find(i);
  return group;
}

}  // namespace vigil::screen
