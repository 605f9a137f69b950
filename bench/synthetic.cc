// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "synthetic.h"

#include <random>
#include <string>

#include "util/strings.h"

namespace vigil::bench {
namespace {

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == ';') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool LegalForm(const std::string& w) {
  static const char* kForms[] = {"LTD",  "LTD.", "LIMITED", "LLC",  "INC",  "INC.", "CO.",
                                 "CO",   "CORP", "GMBH",    "S.A.", "SA",   "OOO",  "JSC",
                                 "PJSC", "FZE",  "LLP",     "PLC",  "B.V.", "SARL"};
  for (const char* f : kForms) {
    if (util::EqualsIgnoreCase(w, f)) return true;
  }
  return false;
}

}  // namespace

LoadedList SyntheticList(const std::vector<const LoadedList*>& real, size_t entities,
                         uint64_t seed) {
  std::vector<std::string> given, family, org_words, legal;
  for (const LoadedList* list : real) {
    for (const Entity& e : list->entities) {
      for (const Name& n : e.names) {
        std::vector<std::string> w = Words(n.full);
        if (w.empty()) continue;
        if (e.kind == EntityKind::kPerson) {
          // OFAC writes "FAMILY, Given"; the others mostly "Given Family".
          bool comma = n.full.find(',') != std::string::npos;
          family.push_back(comma ? w.front() : w.back());
          for (size_t k = comma ? 1 : 0; k + (comma ? 0 : 1) < w.size(); ++k) {
            given.push_back(w[k]);
          }
        } else if (e.kind == EntityKind::kOrganization) {
          for (const std::string& x : w) (LegalForm(x) ? legal : org_words).push_back(x);
        }
      }
    }
  }
  if (given.empty()) given.push_back("JOHN");
  if (family.empty()) family.push_back("DOE");
  if (org_words.empty()) org_words.push_back("TRADING");
  if (legal.empty()) legal.push_back("LTD");

  std::mt19937_64 rng(seed);
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };

  LoadedList out;
  out.info.source = "synthetic";
  out.info.title = "Synthetic list from real name parts";
  out.info.format = "synthetic";
  out.entities.reserve(entities);
  for (size_t i = 0; i < entities; ++i) {
    Entity e;
    e.source = "synthetic";
    e.source_id = std::to_string(i + 1);
    e.id = "synthetic:" + e.source_id;
    if (chance(0.7)) {
      e.kind = EntityKind::kPerson;
      std::string g1 = pick(given), g2 = chance(0.4) ? pick(given) : "", f = pick(family);
      std::string first = g2.empty() ? g1 : g1 + " " + g2;
      e.names.push_back(Name{f + ", " + first, f, first, NameKind::kPrimary});
      if (chance(0.33)) {
        e.names.push_back(Name{first + " " + f, "", "", NameKind::kStrongAlias});
        if (chance(0.5)) {
          e.names.push_back(Name{pick(given) + " " + f, "", "", NameKind::kWeakAlias});
        }
      }
    } else {
      e.kind = EntityKind::kOrganization;
      std::string name;
      const size_t words = 1 + std::uniform_int_distribution<size_t>(0, 2)(rng);
      for (size_t w = 0; w < words; ++w) name += (w ? " " : "") + pick(org_words);
      std::string full = chance(0.6) ? name + " " + pick(legal) : name;
      e.names.push_back(Name{full, "", "", NameKind::kPrimary});
      if (chance(0.33)) e.names.push_back(Name{name, "", "", NameKind::kStrongAlias});
    }
    out.entities.push_back(std::move(e));
  }
  return out;
}

}  // namespace vigil::bench
