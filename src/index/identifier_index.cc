// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "index/identifier_index.h"

#include "util/strings.h"

namespace vigil::index {

std::string CanonicalIdentifier(std::string_view value) {
  value = util::Trim(value);
  for (std::string_view prefix : {"https://", "http://"}) {
    if (util::StartsWithIgnoreCase(value, prefix)) value.remove_prefix(prefix.size());
  }
  if (util::StartsWithIgnoreCase(value, "www.")) value.remove_prefix(4);
  std::string out;
  for (char c : value) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) out.push_back(c);
    if (c >= 'a' && c <= 'z') out.push_back(static_cast<char>(c - 'a' + 'A'));
  }
  return out.size() >= 5 ? out : std::string();
}

void IdentifierIndex::Build(const std::vector<const Entity*>& entities) {
  by_value_.clear();
  for (uint32_t e = 0; e < entities.size(); ++e) {
    for (const Identifier& id : entities[e]->identifiers) {
      std::string key = CanonicalIdentifier(id.value);
      if (!key.empty()) by_value_[key].push_back(IdentifierHit{e, &id});
    }
  }
}

std::vector<IdentifierHit> IdentifierIndex::Find(std::string_view value) const {
  std::string key = CanonicalIdentifier(value);
  if (key.empty()) return {};
  auto it = by_value_.find(key);
  return it == by_value_.end() ? std::vector<IdentifierHit>() : it->second;
}

}  // namespace vigil::index
