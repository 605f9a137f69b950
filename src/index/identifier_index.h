// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// IdentifierIndex: every identifier on every loaded entity (passports, national and tax
// ids, registration numbers, IMO and MMSI numbers, digital currency addresses, emails,
// websites, phones ...) by its canonical value, for exact lookups.
//
// Canonical value: letters and digits only, upper case ("AB-123 456" = "ab123456");
// websites also lose their scheme and "www." ("https://www.x.com/" = "X.COM" -> "XCOM").
// Values shorter than 5 characters are not indexed: too many collide by chance.
// Immutable after Build(); thread-safe reads.

#ifndef VIGIL_INDEX_IDENTIFIER_INDEX_H_
#define VIGIL_INDEX_IDENTIFIER_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/entity.h"

namespace vigil::index {

struct IdentifierHit {
  uint32_t entity;  // index into the entity array given to Build()
  const Identifier* identifier;
};

class IdentifierIndex {
 public:
  void Build(const std::vector<const Entity*>& entities);
  // Every listed identifier whose canonical value equals that of `value`.
  std::vector<IdentifierHit> Find(std::string_view value) const;

 private:
  std::unordered_map<std::string, std::vector<IdentifierHit>> by_value_;
};

// The canonical form described above; empty when too short to index.
std::string CanonicalIdentifier(std::string_view value);

}  // namespace vigil::index

#endif  // VIGIL_INDEX_IDENTIFIER_INDEX_H_
