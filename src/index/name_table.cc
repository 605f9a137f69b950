// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "index/name_table.h"

#include <cmath>
#include <thread>
#include <unordered_set>

#include "text/analyze.h"
#include "text/korean.h"
#include "text/variants.h"
#include "util/strings.h"

namespace vigil::index {
namespace {

match::PreparedName Tokens(std::string_view name, bool person) {
  text::AnalyzedName a = text::Analyze(name, person);
  match::PreparedName p;
  p.tokens = std::move(a.tokens);
  p.legal_form = std::move(a.legal_form);
  p.particle = std::move(a.particle);
  p.original = std::move(a.original);
  p.syllabic = a.syllabic;
  for (const std::string& t : p.tokens) p.patronymic.push_back(text::IsPatronymic(t));
  for (const std::string& t : p.tokens) p.joined += t;
  for (size_t i = 1; i < p.tokens.size(); ++i) p.joined_rotated += p.tokens[i];
  if (!p.tokens.empty()) p.joined_rotated += p.tokens[0];
  return p;
}

// Each token replaced by its Korean syllable keys, joined, where it has them ("osong" ->
// "OSONG", "kyongsik" -> "KYONGSIK"); empty when none has. A word stays one token, so
// syllables pair only as whole words ("OSONG" never pairs with the "SONG" of another
// word); given names written joined or apart ("Kyongsik" / "Kyong Sik") meet through the
// joined comparison.
match::PreparedName KoreanView(const match::PreparedName& plain) {
  match::PreparedName k;
  k.syllabic = plain.syllabic;
  bool any = false;
  std::vector<std::string> keys;
  for (size_t i = 0; i < plain.tokens.size(); ++i) {
    keys.clear();
    if (!plain.legal_form[i] && text::KoreanSyllableKeys(plain.tokens[i], &keys)) {
      any = true;
      std::string word;
      for (const std::string& key : keys) word += key;
      k.tokens.push_back(std::move(word));
      k.legal_form.push_back(false);
      k.particle.push_back(false);
      k.original.emplace_back();
      k.from.push_back(static_cast<uint32_t>(i));
      continue;
    }
    k.tokens.push_back(plain.tokens[i]);
    k.patronymic.resize(k.tokens.size() - 1, false);
    k.patronymic.push_back(match::IsPatronymic(plain, i));
    k.legal_form.push_back(plain.legal_form[i]);
    k.particle.push_back(plain.particle[i]);
    k.original.push_back(plain.original[i]);
    k.from.push_back(static_cast<uint32_t>(i));
  }
  if (!any) return {};
  for (const std::string& t : k.tokens) k.joined += t;
  for (size_t i = 1; i < k.tokens.size(); ++i) k.joined_rotated += k.tokens[i];
  k.joined_rotated += k.tokens[0];
  return k;
}

}  // namespace

bool IsKoreaLinked(const Entity& e) {
  for (const std::string& p : e.programs) {
    if (util::StartsWithIgnoreCase(p, "DPRK") || util::EqualsIgnoreCase(p, "NKSPEA")) return true;
  }
  if (e.source == "un_sc" && util::StartsWithIgnoreCase(e.source_id, "KP")) return true;
  for (const CountryLink& c : e.countries) {
    if (c.code == "KP" || c.code == "KR") return true;
  }
  for (const Address& a : e.addresses) {
    if (a.country == "KP" || a.country == "KR") return true;
  }
  return false;
}

void TokenStats::Add(const match::PreparedName& name) {
  std::unordered_set<std::string_view> seen(name.tokens.begin(), name.tokens.end());
  for (std::string_view t : seen) ++doc_freq_[std::string(t)];
  ++names_;
}

float TokenStats::Weight(std::string_view token) const {
  auto it = doc_freq_.find(token);
  double df = it == doc_freq_.end() ? 1.0 : static_cast<double>(it->second);
  return static_cast<float>(std::log1p(std::max(1.0, names_) / df));
}

void TokenStats::Weigh(match::PreparedName* name) const {
  name->weights.clear();
  name->total_weight = 0;
  for (size_t i = 0; i < name->tokens.size(); ++i) {
    float w = Weight(name->tokens[i]);
    if (name->legal_form[i] || name->particle[i] || match::IsPatronymic(*name, i)) {
      w *= kLegalFormWeight;
    }
    name->weights.push_back(w);
    name->total_weight += w;
  }
}

bool KindCompatible(EntityKind query, EntityKind entity) {
  return query == EntityKind::kUnknown || entity == EntityKind::kUnknown || query == entity;
}

void NameTable::Build(const std::vector<const Entity*>& entities) {
  std::vector<match::PreparedName> names, korean_names;
  std::vector<EntityKind> kinds, korean_kinds;
  refs_.clear();
  korean_refs_.clear();
  stats_ = TokenStats();
  korean_stats_ = TokenStats();
  first_name_.assign(entities.size(), kNoName);
  // Analysis (normalization, transliteration) of every name, on two threads.
  std::vector<std::pair<uint32_t, uint32_t>> all;  // (entity, name)
  for (uint32_t e = 0; e < entities.size(); ++e) {
    for (uint32_t n = 0; n < entities[e]->names.size(); ++n) all.emplace_back(e, n);
  }
  std::vector<match::PreparedName> prepared(all.size());
  auto analyze = [&](size_t from, size_t to) {
    for (size_t k = from; k < to; ++k) {
      const Entity& entity = *entities[all[k].first];
      prepared[k] = Tokens(entity.names[all[k].second].full, entity.kind == EntityKind::kPerson);
    }
  };
  std::thread half(analyze, all.size() / 2, all.size());
  analyze(0, all.size() / 2);
  half.join();

  names.reserve(all.size());
  kinds.reserve(all.size());
  refs_.reserve(all.size());
  for (size_t k = 0; k < all.size(); ++k) {
    const auto [e, n] = all[k];
    const Entity& entity = *entities[e];
    match::PreparedName& p = prepared[k];
    if (p.tokens.empty()) continue;
    NameRef ref{e, n, entity.kind};
    if (IsKoreaLinked(entity)) {
      match::PreparedName kv = KoreanView(p);
      if (!kv.tokens.empty()) {
        korean_stats_.Add(kv);
        ref.korean = static_cast<int32_t>(korean_names.size());
        korean_names.push_back(std::move(kv));
        korean_kinds.push_back(entity.kind);
        korean_refs_.push_back(static_cast<uint32_t>(names.size()));
      }
    }
    stats_.Add(p);
    if (first_name_[e] == kNoName) first_name_[e] = static_cast<uint32_t>(names.size());
    names.push_back(std::move(p));
    kinds.push_back(entity.kind);
    refs_.push_back(ref);
  }
  for (match::PreparedName& p : names) stats_.Weigh(&p);
  for (match::PreparedName& p : korean_names) korean_stats_.Weigh(&p);
  std::thread korean_build(
      [&] { korean_.Build(std::move(korean_names), std::move(korean_kinds)); });
  plain_.Build(std::move(names), std::move(kinds));
  korean_build.join();
}

match::PreparedName NameTable::Prepare(std::string_view name, EntityKind kind) const {
  match::PreparedName p = Tokens(name, kind == EntityKind::kPerson);
  stats_.Weigh(&p);
  return p;
}

match::PreparedName NameTable::PrepareCompounds(const match::PreparedName& query) const {
  match::PreparedName c;
  c.syllabic = query.syllabic;
  bool changed = false;
  auto content = [&](size_t i) { return !query.legal_form[i] && !query.particle[i]; };
  // Each token keeps the query tokens it came from (first, last), for explanations.
  auto push = [&](std::string token, const std::string& original, size_t first, size_t last) {
    c.tokens.push_back(std::move(token));
    c.legal_form.push_back(false);
    c.particle.push_back(false);
    c.original.push_back(original);
    c.from.push_back(static_cast<uint32_t>(first));
    c.from_last.push_back(static_cast<uint32_t>(last));
  };
  const size_t n = query.tokens.size();
  for (size_t i = 0; i < n; ++i) {
    const std::string& t = query.tokens[i];
    if (!content(i) || match::IsPatronymic(query, i)) {
      c.patronymic.resize(c.tokens.size(), false);
      c.patronymic.push_back(match::IsPatronymic(query, i));
      c.tokens.push_back(t);
      c.legal_form.push_back(query.legal_form[i]);
      c.particle.push_back(query.particle[i]);
      c.original.push_back(query.original[i]);
      c.from.push_back(static_cast<uint32_t>(i));
      c.from_last.push_back(static_cast<uint32_t>(i));
      continue;
    }
    if (i + 1 < n && content(i + 1) && t.size() >= kMinCompoundPart &&
        query.tokens[i + 1].size() >= kMinCompoundPart && stats_.Known(t + query.tokens[i + 1])) {
      push(t + query.tokens[i + 1], std::string(), i, i + 1);
      ++i;
      changed = true;
      continue;
    }
    // The split whose shorter part is longest ("ruelas avila", not "rue lasavila").
    size_t best = 0;
    if (!stats_.Known(t) && t.size() >= 2 * kMinCompoundPart) {
      for (size_t k = kMinCompoundPart; k + kMinCompoundPart <= t.size(); ++k) {
        if (std::min(k, t.size() - k) <= std::min(best, t.size() - best)) continue;
        if (stats_.Known(std::string_view(t).substr(0, k)) &&
            stats_.Known(std::string_view(t).substr(k))) {
          best = k;
        }
      }
    }
    if (best == 0) {
      push(t, query.original[i], i, i);
      continue;
    }
    push(t.substr(0, best), std::string(), i, i);
    push(t.substr(best), std::string(), i, i);
    changed = true;
  }
  if (!changed) return {};
  for (const std::string& t : c.tokens) c.joined += t;
  for (size_t i = 1; i < c.tokens.size(); ++i) c.joined_rotated += c.tokens[i];
  c.joined_rotated += c.tokens[0];
  stats_.Weigh(&c);
  return c;
}

match::PreparedName NameTable::PrepareKorean(const match::PreparedName& query) const {
  match::PreparedName k = KoreanView(query);
  korean_stats_.Weigh(&k);
  return k;
}

}  // namespace vigil::index
