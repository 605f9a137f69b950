// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// NameTable: every name of every loaded entity, normalized and prepared once at load,
// the token weights derived from them, and the candidate stage of screening.
//
// Token weight = ln(1 + names / names containing the token): "kim", "trading" or
// "company" weigh little, a rare surname much. A query token no list name contains gets
// the highest weight. Legal-form tokens ("coltd", "llc", "sadecv") weigh 0.3 of that.
//
// Korean view: names of Korea-linked entities (DPRK programs, KP/KR nationality, address
// or UN reference) are also kept as Korean syllable keys (text/korean.h), with weights of
// their own; the query gets the same view, and the better of the two readings counts.
// Other entities never see syllable keys, so "Dan" and "Tan" stay different elsewhere.
//
// Each view is a NameIndex (index/name_index.h): the candidate stage and the prepared,
// flat form of every name. The two are built in parallel.
//
// Immutable after Build(); all const methods are thread-safe.

#ifndef VIGIL_INDEX_NAME_TABLE_H_
#define VIGIL_INDEX_NAME_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "index/name_index.h"
#include "match/name_scorer.h"
#include "vigil/entity.h"

namespace vigil::index {

struct NameRef {
  uint32_t entity;  // index into the entity array given to Build()
  uint32_t name;    // index into that entity's names
  EntityKind kind;
  int32_t korean = -1;  // index into korean_names(), or -1 when the entity is not Korea-linked
};

// Token document frequencies over a set of prepared names, and the weights they give.
class TokenStats {
 public:
  void Add(const match::PreparedName& name);
  // ln(1 + names / names with the token); the largest weight for an unseen token.
  float Weight(std::string_view token) const;
  // Whether some name has the token.
  bool Known(std::string_view token) const { return doc_freq_.find(token) != doc_freq_.end(); }
  // Fills name->weights and total_weight; legal forms, particles and patronymics
  // (text::IsPatronymic) weigh kLegalFormWeight of theirs.
  void Weigh(match::PreparedName* name) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> doc_freq_;
  double names_ = 0;
};

// The shortest part of a compound the compound view splits off or joins.
inline constexpr size_t kMinCompoundPart = 3;

// Legal-form tokens count this much of their rarity weight.
inline constexpr float kLegalFormWeight = 0.3f;

class NameTable {
 public:
  NameTable() = default;
  NameTable(const NameTable&) = delete;
  NameTable& operator=(const NameTable&) = delete;

  void Build(const std::vector<const Entity*>& entities);

  // Analyzes and weighs a query name; `kind` kPerson skips legal-form rewriting.
  match::PreparedName Prepare(std::string_view name, EntityKind kind) const;
  // The Korean syllable view of a prepared query (empty when no token is Korean).
  match::PreparedName PrepareKorean(const match::PreparedName& query) const;
  // The compound view of a prepared query: adjacent content tokens joined where the joined
  // word is a list token ("silver star" -> "silverstar"), and a token no list name has split
  // in two where both parts of at least kMinCompoundPart bytes are list tokens
  // ("ruelasavila" -> "ruelas avila"). Empty when nothing was joined or split.
  match::PreparedName PrepareCompounds(const match::PreparedName& query) const;

  // The plain view (ids are indexes into refs()) and the Korean view (ids are indexes into
  // korean_refs(), which give the plain name id).
  const NameIndex& plain() const { return plain_; }
  const NameIndex& korean() const { return korean_; }
  const std::vector<match::PreparedName>& names() const { return plain_.names(); }
  const std::vector<match::PreparedName>& korean_names() const { return korean_.names(); }
  const std::vector<NameRef>& refs() const { return refs_; }
  const std::vector<uint32_t>& korean_refs() const { return korean_refs_; }
  float TokenWeight(std::string_view token) const { return stats_.Weight(token); }
  // The id of the entity's first prepared name, or kNoName when it has none.
  uint32_t FirstNameOf(uint32_t entity) const {
    return entity < first_name_.size() ? first_name_[entity] : kNoName;
  }
  static constexpr uint32_t kNoName = UINT32_MAX;

 private:
  NameIndex plain_, korean_;
  std::vector<NameRef> refs_;
  std::vector<uint32_t> korean_refs_;  // Korean view name -> plain name
  std::vector<uint32_t> first_name_;   // per entity
  TokenStats stats_, korean_stats_;
};

// Whether the entity is tied to Korea by program, country, address or UN reference.
bool IsKoreaLinked(const Entity& entity);

// Whether an entity of kind `entity` can answer a query for kind `query`.
bool KindCompatible(EntityKind query, EntityKind entity);

}  // namespace vigil::index

#endif  // VIGIL_INDEX_NAME_TABLE_H_
