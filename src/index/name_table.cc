// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "index/name_table.h"

#include <cmath>
#include <unordered_set>

#include "text/analyze.h"

namespace vigil::index {
namespace {

// Legal-form tokens count this much of their rarity weight.
constexpr float kLegalFormWeight = 0.3f;

match::PreparedName Tokens(std::string_view name, bool person) {
  text::AnalyzedName a = text::Analyze(name, person);
  match::PreparedName p;
  p.tokens = std::move(a.tokens);
  p.legal_form = std::move(a.legal_form);
  for (const std::string& t : p.tokens) p.joined += t;
  for (size_t i = 1; i < p.tokens.size(); ++i) p.joined_rotated += p.tokens[i];
  if (!p.tokens.empty()) p.joined_rotated += p.tokens[0];
  return p;
}

}  // namespace

bool KindCompatible(EntityKind query, EntityKind entity) {
  return query == EntityKind::kUnknown || entity == EntityKind::kUnknown || query == entity;
}

void NameTable::Build(const std::vector<const Entity*>& entities) {
  names_.clear();
  refs_.clear();
  doc_freq_.clear();
  for (uint32_t e = 0; e < entities.size(); ++e) {
    const Entity& entity = *entities[e];
    for (uint32_t n = 0; n < entity.names.size(); ++n) {
      match::PreparedName p = Tokens(entity.names[n].full, entity.kind == EntityKind::kPerson);
      if (p.tokens.empty()) continue;
      std::unordered_set<std::string_view> seen(p.tokens.begin(), p.tokens.end());
      for (std::string_view t : seen) ++doc_freq_[std::string(t)];
      names_.push_back(std::move(p));
      refs_.push_back(NameRef{e, n, entity.kind});
    }
  }
  name_count_ = static_cast<double>(names_.size());
  for (match::PreparedName& p : names_) Weigh(&p);
}

float NameTable::TokenWeight(std::string_view token) const {
  auto it = doc_freq_.find(std::string(token));
  double df = it == doc_freq_.end() ? 1.0 : static_cast<double>(it->second);
  return static_cast<float>(std::log1p(std::max(1.0, name_count_) / df));
}

void NameTable::Weigh(match::PreparedName* name) const {
  name->weights.clear();
  name->total_weight = 0;
  for (size_t i = 0; i < name->tokens.size(); ++i) {
    float w = TokenWeight(name->tokens[i]);
    if (name->legal_form[i]) w *= kLegalFormWeight;
    name->weights.push_back(w);
    name->total_weight += w;
  }
}

match::PreparedName NameTable::Prepare(std::string_view name, EntityKind kind) const {
  match::PreparedName p = Tokens(name, kind == EntityKind::kPerson);
  Weigh(&p);
  return p;
}

void NameTable::Candidates(const match::PreparedName& query, EntityKind kind,
                           std::vector<uint32_t>* out) const {
  if (query.tokens.empty()) return;
  for (uint32_t i = 0; i < refs_.size(); ++i) {
    if (KindCompatible(kind, refs_[i].kind)) out->push_back(i);
  }
}

}  // namespace vigil::index
