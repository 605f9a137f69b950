// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// What changed between two versions of a list: entities added, removed, and changed, with
// the fields that changed. Entities are matched by id. The basis for re-screening stored
// parties when a list changes.

#ifndef VIGIL_MODEL_DIFF_H_
#define VIGIL_MODEL_DIFF_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vigil/list.h"

namespace vigil::model {

struct EntityChange {
  std::string id;
  std::vector<std::string> fields;  // "names", "programs", "addresses", ...
};

struct ListDiff {
  std::vector<std::string> added;    // ids, in the new list's order
  std::vector<std::string> removed;  // ids, in the old list's order
  std::vector<EntityChange> changed;
  size_t unchanged = 0;
  std::map<std::string, size_t> changed_by_field;
};

// The names of the fields (as in the JSON form, model/json.h) in which `a` and `b` differ;
// empty when equal. Lists are compared regardless of order.
std::vector<std::string> ChangedFields(const Entity& a, const Entity& b);

// The fields of `e` that screening reads (kind, names, dates of birth, countries and the
// countries of addresses, identifiers, and whatever else the screener, the attribute
// scoring and the grouping of records read), as JSON: two versions of an entity with equal
// ScreenedEntityFields score the same against any party. Its model::JsonHash is
// store::EntityDigest::screened_hash.
nlohmann::json ScreenedEntityFields(const Entity& e);
// Appends ScreenedEntityFields(e) as nlohmann::json dumps it (model::JsonHash's form), byte
// for byte, without building a document (the digests of every list version hash it).
void AppendScreenedEntityFields(const Entity& e, std::string* out);

ListDiff Diff(const LoadedList& old_list, const LoadedList& new_list);

}  // namespace vigil::model

#endif  // VIGIL_MODEL_DIFF_H_
