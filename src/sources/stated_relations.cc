// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "sources/stated_relations.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_set>
#include <utility>

#include "text/normalize.h"
#include "util/data.h"
#include "util/strings.h"

namespace vigil::sources {
namespace {

constexpr size_t kMaxNameTokens = 16;
constexpr size_t kMaxClause = 300;

struct Phrase {
  std::string text;  // lower case
  std::string relation;
  bool after = false;
};

const std::vector<Phrase>& Phrases() {
  static const std::vector<Phrase>* phrases = [] {
    auto* out = new std::vector<Phrase>;
    for (const std::vector<std::string>& cols : util::DataRows("names/relation_phrases.tsv")) {
      if (cols.size() < 3) continue;
      out->push_back(Phrase{util::AsciiLower(cols[0]), cols[1], cols[2] == "after"});
    }
    return out;
  }();
  return *phrases;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Where the clause holding byte `pos` starts: after the last '.' or ';' followed by white
// space (the UN breaks lines inside sentences, so a line break alone is no boundary).
size_t ClauseStart(std::string_view text, size_t pos) {
  for (size_t i = std::min(pos, text.size()); i > 0; --i) {
    char c = text[i - 1];
    if ((c == '.' || c == ';') && i < pos && IsSpace(text[i])) return i + 1;
  }
  return 0;
}

// Where the clause holding byte `pos` ends (past its final period).
size_t ClauseEnd(std::string_view text, size_t pos) {
  for (size_t i = pos; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '.' || c == ';') && (i + 1 == text.size() || IsSpace(text[i + 1]))) return i + 1;
  }
  return text.size();
}

}  // namespace

MentionFinder::MentionFinder(const std::vector<Entity>& entities) {
  for (const Entity& e : entities) {
    for (const Name& n : e.names) {
      if (n.kind == NameKind::kWeakAlias || n.kind == NameKind::kOriginalScript) continue;
      std::vector<std::string> tokens = text::Tokenize(n.full);
      if (tokens.empty() || tokens.size() > kMaxNameTokens) continue;
      if (tokens.size() == 1 && tokens[0].size() < 4) continue;
      std::string key;
      for (const std::string& t : tokens) {
        if (!key.empty()) key += ' ';
        key += t;
        prefixes_.insert(key);
      }
      auto [it, inserted] = by_name_.emplace(key, e.id);
      if (!inserted && it->second != e.id) it->second.clear();  // two entries: neither
      if (n.kind == NameKind::kPrimary) {
        auto [p, fresh] = by_primary_.emplace(key, e.id);
        if (!fresh && p->second != e.id) p->second.clear();
      }
    }
  }
}

std::vector<Mention> MentionFinder::Find(std::string_view text, std::string_view self_id) const {
  std::vector<Mention> out;
  std::vector<text::Span> spans;
  std::vector<std::string> tokens = text::TokenizeWithSpans(text, &spans);
  for (size_t i = 0; i < tokens.size();) {
    std::string key;
    size_t best = 0;
    const std::string* best_id = nullptr;
    for (size_t n = 1; i + n <= tokens.size() && n <= kMaxNameTokens; ++n) {
      if (n > 1) key += ' ';
      key += tokens[i + n - 1];
      if (!prefixes_.count(key)) break;
      auto it = by_name_.find(key);
      if (it == by_name_.end() || it->second.empty() || it->second == self_id) continue;
      // The name must end where the text's name ends: not followed by a capitalised word.
      size_t after = spans[i + n - 1].end;
      while (after < text.size() && IsSpace(text[after])) ++after;
      if (after > spans[i + n - 1].end && after < text.size() &&
          std::isupper(static_cast<unsigned char>(text[after])) != 0) {
        continue;
      }
      best = n;
      best_id = &it->second;
    }
    if (best_id == nullptr) {
      ++i;
      continue;
    }
    size_t end = spans[i + best - 1].end;
    // "Daedong Credit Bank (DCB)": a name that opens a parenthesis takes its close.
    std::string_view written = text.substr(spans[i].begin, end - spans[i].begin);
    if (end < text.size() && text[end] == ')' &&
        std::count(written.begin(), written.end(), '(') >
            std::count(written.begin(), written.end(), ')')) {
      ++end;
    }
    out.push_back(Mention{spans[i].begin, end, *best_id});
    i += best;
  }
  return out;
}

std::string MentionFinder::Resolve(std::string_view name) const {
  std::string key = text::Normalize(name);
  if (auto it = by_primary_.find(key); it != by_primary_.end()) return it->second;
  if (auto it = by_name_.find(key); it != by_name_.end()) return it->second;
  return "";
}

std::string StatedRelation(std::string_view text, size_t begin, size_t end) {
  begin = std::min(begin, text.size());
  end = std::clamp(end, begin, text.size());
  // Past the name: spaces, closing parentheses and up to two "( ... )" groups.
  size_t pos = end;
  for (int groups = 0; pos < text.size();) {
    if (IsSpace(text[pos]) || text[pos] == ')') {
      ++pos;
    } else if (text[pos] == '(' && groups < 2) {
      size_t close = text.find(')', pos);
      if (close == std::string_view::npos) break;
      pos = close + 1;
      ++groups;
    } else {
      break;
    }
  }
  // White space collapsed: the UN breaks lines anywhere.
  const std::string behind = util::AsciiLower(util::CollapseSpaces(text.substr(pos, 120)));
  const size_t start = ClauseStart(text, begin);
  const std::string before =
      util::AsciiLower(util::CollapseSpaces(text.substr(start, begin - start))) + " ";
  const Phrase* best = nullptr;
  size_t best_end = 0;
  for (const Phrase& p : Phrases()) {
    if (p.after) {
      if (behind.size() < p.text.size() || behind.compare(0, p.text.size(), p.text) != 0) {
        continue;
      }
      if (behind.size() == p.text.size() || !IsWordChar(behind[p.text.size()])) return p.relation;
      continue;
    }
    for (size_t at = before.rfind(p.text); at != std::string::npos;
         at = at == 0 ? std::string::npos : before.rfind(p.text, at - 1)) {
      size_t stop = at + p.text.size();
      bool bounded = (at == 0 || !IsWordChar(before[at - 1])) &&
                     (stop == before.size() || !IsWordChar(before[stop]));
      if (!bounded) continue;
      if (best == nullptr || stop > best_end ||
          (stop == best_end && p.text.size() > best->text.size())) {
        best = &p;
        best_end = stop;
      }
      break;
    }
  }
  return best != nullptr ? best->relation : "associated_with";
}

std::string ClauseAround(std::string_view text, size_t begin, size_t end) {
  begin = std::min(begin, text.size());
  end = std::clamp(end, begin, text.size());
  size_t from = ClauseStart(text, begin);
  size_t to = ClauseEnd(text, end);
  std::string_view clause = text.substr(from, to - from);
  std::string out = util::CollapseSpaces(clause);
  if (out.size() <= kMaxClause) return out;
  // Too long: keep the part around the name.
  const size_t name_at = std::min(begin - from, clause.size());
  size_t cut_from = name_at > kMaxClause / 2 ? name_at - kMaxClause / 2 : 0;
  std::string_view part = clause.substr(cut_from, kMaxClause);
  if (cut_from > 0) {
    size_t sp = part.find(' ');
    if (sp != std::string_view::npos) part.remove_prefix(sp + 1);
  }
  bool cut_end = cut_from + kMaxClause < clause.size();
  if (cut_end) {
    size_t sp = part.rfind(' ');
    if (sp != std::string_view::npos && sp > 0) part = part.substr(0, sp);
  }
  return (cut_from > 0 ? "..." : "") + util::CollapseSpaces(part) + (cut_end ? "..." : "");
}

void AddRelationship(Entity* e, Relationship r) {
  for (Relationship& have : e->relationships) {
    bool same = !r.target_id.empty() ? have.target_id == r.target_id
                                     : have.target_id.empty() && have.target_name == r.target_name;
    if (!same) continue;
    if (have.relation == "associated_with" && r.relation != "associated_with") {
      have.relation = std::move(r.relation);
      have.text = std::move(r.text);
      have.field = std::move(r.field);
    }
    return;
  }
  e->relationships.push_back(std::move(r));
}

}  // namespace vigil::sources
