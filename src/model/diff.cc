// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/diff.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "model/json.h"

namespace vigil::model {

namespace {

// Arrays compared as multisets: the order in which a list writes aliases or addresses is
// not a change.
nlohmann::json Canonical(nlohmann::json j) {
  for (auto& [key, value] : j.items()) {
    if (!value.is_array()) continue;
    std::vector<std::string> items;
    for (const auto& v : value) items.push_back(v.dump());
    std::sort(items.begin(), items.end());
    value = items;
  }
  return j;
}

}  // namespace

std::vector<std::string> ChangedFields(const Entity& a, const Entity& b) {
  nlohmann::json ja = Canonical(ToJson(a)), jb = Canonical(ToJson(b));
  std::set<std::string> keys;
  for (const auto& [k, v] : ja.items()) keys.insert(k);
  for (const auto& [k, v] : jb.items()) keys.insert(k);
  std::vector<std::string> out;
  for (const std::string& k : keys) {
    if (k == "name") continue;  // the primary name is part of "names"
    auto ia = ja.find(k), ib = jb.find(k);
    bool same =
        (ia == ja.end() || ib == jb.end()) ? (ia == ja.end()) == (ib == jb.end()) : *ia == *ib;
    if (!same) out.push_back(k);
  }
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
