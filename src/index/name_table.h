// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// NameTable: every name of every loaded entity, normalized and prepared once at load,
// the token weights derived from them, and the candidate stage of screening.
//
// Token weight = ln(1 + names / names containing the token): "kim", "trading" or
// "company" weigh little, a rare surname much. A query token no list name contains gets
// the highest weight. Legal-form tokens ("coltd", "llc", "sadecv") weigh 0.3 of that.
//
// Candidate stage (this version): every name whose entity kind is compatible with the
// query's. It never loses a match and costs one scorer call per list name; an inverted
// index over canonical keys replaces it without changing the interface.
//
// Immutable after Build(); all const methods are thread-safe.

#ifndef VIGIL_INDEX_NAME_TABLE_H_
#define VIGIL_INDEX_NAME_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "match/name_scorer.h"
#include "vigil/entity.h"

namespace vigil::index {

struct NameRef {
  uint32_t entity;  // index into the entity array given to Build()
  uint32_t name;    // index into that entity's names
  EntityKind kind;
};

class NameTable {
 public:
  NameTable() = default;
  NameTable(const NameTable&) = delete;
  NameTable& operator=(const NameTable&) = delete;

  void Build(const std::vector<const Entity*>& entities);

  // Analyzes and weighs a query name; `kind` kPerson skips legal-form rewriting.
  match::PreparedName Prepare(std::string_view name, EntityKind kind) const;

  // Appends the ids (indexes into names()) of the list names worth scoring for a query
  // of kind `kind` (kUnknown: any).
  void Candidates(const match::PreparedName& query, EntityKind kind,
                  std::vector<uint32_t>* out) const;

  const std::vector<match::PreparedName>& names() const { return names_; }
  const std::vector<NameRef>& refs() const { return refs_; }
  float TokenWeight(std::string_view token) const;

 private:
  void Weigh(match::PreparedName* name) const;

  std::vector<match::PreparedName> names_;
  std::vector<NameRef> refs_;
  std::unordered_map<std::string, uint32_t> doc_freq_;
  double name_count_ = 0;
};

// Whether an entity of kind `entity` can answer a query for kind `query`.
bool KindCompatible(EntityKind query, EntityKind entity);

}  // namespace vigil::index

#endif  // VIGIL_INDEX_NAME_TABLE_H_
