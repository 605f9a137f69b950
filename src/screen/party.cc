// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "screen/party.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "model/json.h"
#include "screen/query.h"
#include "text/normalize.h"
#include "util/strings.h"

namespace vigil::screen {
namespace {

// One key per listed party: Screener::Create groups a party's records on several lists,
// and a Match names the record that scored best plus the others (also_on). Two names of
// our party may have their best score on different records of one listed party, so the
// key is the smallest id of the group.
std::string_view PartyKey(const Match& m) {
  std::string_view key = m.entity->id;
  for (const Listing& l : m.also_on) {
    if (l.entity != nullptr && std::string_view(l.entity->id) < key) key = l.entity->id;
  }
  return key;
}

// The one-word rule (docs/cases.md): a person's name of one word ("Ri", "Kwak") cannot be
// told apart from the listed persons of that family name, and scores under the review
// threshold against each of them because the given names are missing. Screening such a
// name must not clear the party: the listed persons whose family name is that word (the
// best kOneWordHits by score) become review hits, each saying why. Names written in a
// script without spaces between family and given names (Hangul, Chinese) are several
// tokens once transliterated and are not one-word names.
constexpr size_t kOneWordHits = 3;
constexpr double kOneWordMinScore = 0.3;

struct OneWord {
  std::string token;  // the normalized word; empty: not a one-word name
};

OneWord OneWordName(const model::Party& party, std::string_view name) {
  return {OneWordToken(party, name)};
}

// Whether `m` is a listed person one of whose names has `token` as its family name.
bool FamilyNameIs(const Match& m, const std::string& token) {
  if (m.entity == nullptr || m.entity->kind != EntityKind::kPerson) return false;
  for (const Name& n : m.entity->names) {
    std::string_view family = FamilyName(n);
    if (!family.empty() && text::Normalize(family) == token) return true;
  }
  return false;
}

}  // namespace

std::string_view FamilyName(const Name& n) {
  if (!n.family.empty()) return n.family;
  size_t comma = n.full.find(',');
  if (comma == std::string::npos) return {};
  return std::string_view(n.full).substr(0, comma);
}

std::string OneWordToken(const model::Party& party, std::string_view name) {
  if (party.kind != EntityKind::kPerson) return {};
  std::vector<std::string> tokens = text::Tokenize(name);
  if (tokens.size() != 1 || tokens[0].size() < 2 || text::Words(name).size() != 1) return {};
  return tokens[0];
}

std::vector<PartyHit> ScreenParty(const Screener& screener, const model::Party& party,
                                  const ScreenOptions& options) {
  Query q;
  q.kind = party.kind;
  q.dob = party.dob;
  q.country = !party.nationality.empty() ? party.nationality : party.country;
  std::set<std::string_view> seen_ids;
  for (const model::PartyIdentifier& id : party.identifiers) {
    if (q.identifiers.size() >= kMaxIdentifiers) break;
    if (util::Trim(id.value).empty() || !seen_ids.insert(id.value).second) continue;
    q.identifiers.push_back(id.value);
  }

  // The names to screen: the name, then each alias not seen before.
  std::vector<std::string_view> names;
  std::set<std::string_view> seen;
  auto add = [&](std::string_view n) {
    if (!util::Trim(n).empty() && seen.insert(n).second) names.push_back(n);
  };
  add(party.name);
  for (const std::string& a : party.aliases) add(a);

  struct Best {
    Match match;
    std::string_view party_name;
    std::string one_word;  // set when the one-word rule made it a hit
  };
  std::unordered_map<std::string_view, Best> best;  // PartyKey -> the best match
  for (size_t i = 0; i < names.size(); ++i) {
    q.name = std::string(names[i]);
    // The identifiers are looked up with the first name only: their hits do not depend on
    // the name, and later names would only find them again.
    if (i == 1) q.identifiers.clear();
    for (Match& m : screener.Screen(q, options)) {
      if (m.entity == nullptr || m.score < options.min_score) continue;
      std::string_view key = PartyKey(m);
      auto it = best.find(key);
      if (it == best.end()) {
        best.emplace(key, Best{std::move(m), names[i], {}});
      } else if (m.score > it->second.match.score) {
        it->second = Best{std::move(m), names[i], {}};
      }
    }
    OneWord one = OneWordName(party, names[i]);
    if (one.token.empty()) continue;
    ScreenOptions wide = options;
    wide.min_score = std::min(options.min_score, kOneWordMinScore);
    wide.top = std::max<size_t>(options.top, 50);
    Query family_query = q;
    family_query.identifiers.clear();
    size_t added = 0;
    for (Match& m : screener.Screen(family_query, wide)) {
      if (added == kOneWordHits) break;
      if (!FamilyNameIs(m, one.token)) continue;
      ++added;
      std::string_view key = PartyKey(m);
      auto it = best.find(key);
      if (it != best.end() && it->second.match.decision != Decision::kNone) continue;
      if (m.decision == Decision::kNone) m.decision = Decision::kReview;
      Best b{std::move(m), names[i], std::string(names[i])};
      if (it == best.end()) {
        best.emplace(key, std::move(b));
      } else {
        it->second = std::move(b);
      }
    }
  }

  std::vector<Best*> ranked;
  ranked.reserve(best.size());
  for (auto& [key, b] : best) ranked.push_back(&b);
  std::sort(ranked.begin(), ranked.end(), [](const Best* a, const Best* b) {
    if (a->match.score != b->match.score) return a->match.score > b->match.score;
    return a->match.entity->id < b->match.entity->id;
  });
  std::vector<PartyHit> out;
  out.reserve(ranked.size());
  for (const Best* b : ranked) {
    PartyHit h;
    h.entity = b->match.entity;
    h.score = b->match.score;
    h.decision = b->match.decision;
    h.party_name = std::string(b->party_name);
    h.match = model::ToJson(b->match, /*explain=*/true);
    h.match["party_name"] = h.party_name;
    if (!b->one_word.empty()) {
      h.match["decision"] = ToString(h.decision);
      h.match["one_word_name"] =
          "the party's name '" + b->one_word +
          "' is one word, the family name of this listed person: without the given names "
          "the party cannot be told apart from them; ask for the full name";
    }
    h.entity_record = model::ToJson(*h.entity);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace vigil::screen
