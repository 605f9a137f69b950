// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "screen/party.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "model/json.h"
#include "screen/query.h"
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

}  // namespace

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
        best.emplace(key, Best{std::move(m), names[i]});
      } else if (m.score > it->second.match.score) {
        it->second = Best{std::move(m), names[i]};
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
    h.entity_record = model::ToJson(*h.entity);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace vigil::screen
