// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/diff.h"

#include <unordered_map>

namespace vigil::model {

std::vector<std::string> ChangedFields(const Entity& a, const Entity& b) {
  std::vector<std::string> out;
  auto check = [&](const char* field, bool same) {
    if (!same) out.emplace_back(field);
  };
  auto same_names = [](const std::vector<Name>& x, const std::vector<Name>& y) {
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (x[i].full != y[i].full || x[i].kind != y[i].kind) return false;
    }
    return true;
  };
  check("kind", a.kind == b.kind);
  check("names", same_names(a.names, b.names));
  check("programs", a.programs == b.programs);
  check("addresses", a.addresses == b.addresses);
  check("countries", a.countries == b.countries);
  check("birth_dates", a.birth_dates == b.birth_dates);
  check("birth_places", a.birth_places == b.birth_places);
  check("gender", a.gender == b.gender);
  check("titles", a.titles == b.titles);
  check("identifiers", a.identifiers == b.identifiers);
  check("relationships", a.relationships == b.relationships);
  check("listed_on", a.listed_on == b.listed_on);
  check("remarks", a.remarks == b.remarks);
  check("properties", a.properties == b.properties);
  return out;
}

ListDiff Diff(const LoadedList& old_list, const LoadedList& new_list) {
  ListDiff d;
  std::unordered_map<std::string_view, const Entity*> old_by_id;
  for (const Entity& e : old_list.entities) old_by_id.emplace(e.id, &e);
  std::unordered_map<std::string_view, bool> in_new;
  for (const Entity& e : new_list.entities) {
    in_new.emplace(e.id, true);
    auto it = old_by_id.find(e.id);
    if (it == old_by_id.end()) {
      d.added.push_back(e.id);
      continue;
    }
    std::vector<std::string> fields = ChangedFields(*it->second, e);
    if (fields.empty()) {
      ++d.unchanged;
      continue;
    }
    for (const std::string& f : fields) ++d.changed_by_field[f];
    d.changed.push_back(EntityChange{e.id, std::move(fields)});
  }
  for (const Entity& e : old_list.entities) {
    if (in_new.count(e.id) == 0) d.removed.push_back(e.id);
  }
  return d;
}

}  // namespace vigil::model
