// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Relationships that a list's free text states between its own entries: "Associated with
// Al-Qaida (QDe.004)", "Korea Pugang Trading Corporation is owned by the Korea Ryonbong
// General Corporation", "DCB Finance Limited is a front company for Daedong Credit Bank".
// Used by the loaders (UN comments; CSL "Linked To:" resolution) to fill
// Entity::relationships.
//
//   MentionFinder finder(list.entities);           // index every entry's names
//   for (const Mention& m : finder.Find(text, e.id)) ...
//   std::string rel = StatedRelation(text, m.begin, m.end);   // "owned_by", ...
//
// A name is found when the text holds it whole, compared on text::Normalize() tokens (case,
// punctuation and spacing do not matter), the longest name first, and is not followed by
// another capitalised word (so "Abu Mohammed" does not match inside "Abu Mohammed
// al-Jawlani" unless that is a name itself). Names indexed: primary names, strong aliases,
// former and new names (not weak aliases, not original-script names); a single-word name
// only when it has 4 characters or more; a name that two entries share names neither.
// The relation comes from the phrases in data/names/relation_phrases.tsv.
//
// Thread safety: a built MentionFinder is immutable; StatedRelation is thread-safe.

#ifndef VIGIL_SOURCES_STATED_RELATIONS_H_
#define VIGIL_SOURCES_STATED_RELATIONS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "vigil/entity.h"

namespace vigil::sources {

struct Mention {
  size_t begin = 0, end = 0;  // bytes [begin, end) of the text that name the entry
  std::string target_id;      // the entry named
};

class MentionFinder {
 public:
  explicit MentionFinder(const std::vector<Entity>& entities);

  // The entries other than `self_id` that `text` names, in text order, none overlapping.
  std::vector<Mention> Find(std::string_view text, std::string_view self_id) const;

  // The id of the one entry whose primary name normalizes like `name`, else of the one
  // entry with such an indexed name; "" when none or several.
  std::string Resolve(std::string_view name) const;

 private:
  std::unordered_map<std::string, std::string> by_name_;     // normalized name -> id ("": shared)
  std::unordered_map<std::string, std::string> by_primary_;  // primary names only
  std::unordered_set<std::string> prefixes_;                 // every name's leading tokens
};

// The relation the text states for the entry named at bytes [begin, end) of `text`, from
// data/names/relation_phrases.tsv: an "after" phrase right behind the name (past a
// parenthesised abbreviation or reference), else the nearest "before" phrase in the same
// clause, else "associated_with".
std::string StatedRelation(std::string_view text, size_t begin, size_t end);

// The clause of `text` holding bytes [begin, end): from the end of the previous sentence
// (". ", "; ", a line break) to the end of this one, trimmed, at most ~300 bytes (cut at a
// space, "..." marking a cut). Shown as the relationship's evidence.
std::string ClauseAround(std::string_view text, size_t begin, size_t end);

// Adds `r` to e->relationships unless one with the same target (target_id, or target_name
// when both are unresolved) is there; a more specific relation replaces "associated_with".
void AddRelationship(Entity* e, Relationship r);

}  // namespace vigil::sources

#endif  // VIGIL_SOURCES_STATED_RELATIONS_H_
