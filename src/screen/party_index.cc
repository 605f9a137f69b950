// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "screen/party_index.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>

#include "index/identifier_index.h"
#include "index/name_table.h"
#include "match/attributes.h"
#include "screen/party.h"
#include "text/normalize.h"
#include "util/strings.h"
#include "vigil/list.h"
#include "vigil/screen.h"

namespace vigil::screen {
namespace {

// More than any party count: the reverse search keeps every party above the floor.
constexpr size_t kAllParties = size_t{1} << 30;

// What a party brings to the forward score besides its name: a date of birth and a country
// lift the name score (match/attributes.h), so such a party is a candidate at a lower
// reverse name score.
enum Attrs : uint8_t { kNone = 0, kDob = 1, kCountry = 2 };

match::QueryAttributes AttrsOf(uint8_t a) {
  match::QueryAttributes q;
  if ((a & kDob) != 0) q.dob.year = 1;  // only emptiness matters to MinNameScore
  if ((a & kCountry) != 0) q.country = "XX";
  return q;
}

}  // namespace

struct PartyIndex::Rep {
  int64_t watermark = 0;
  size_t size = 0;
  std::unique_ptr<Screener> screener;                   // over the parties' names
  std::unordered_map<std::string_view, uint8_t> attrs;  // party id -> Attrs
  uint8_t all_attrs = kNone;  // the widest Attrs of any party (sets the search floor)
  std::unordered_map<std::string, std::vector<std::string>> by_identifier;  // canonical ->
  std::unordered_map<std::string, std::vector<std::string>> one_word;       // token -> ids
  std::vector<std::string> one_word_ids;
  std::vector<model::Party> parties;
  std::unordered_map<std::string_view, const model::Party*> by_id;
};

PartyIndex::PartyIndex(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
PartyIndex::~PartyIndex() = default;

int64_t PartyIndex::watermark() const { return rep_->watermark; }
size_t PartyIndex::size() const { return rep_->size; }

const std::vector<std::string>& PartyIndex::OneWordParties() const { return rep_->one_word_ids; }

const model::Party* PartyIndex::Find(std::string_view id) const {
  auto it = rep_->by_id.find(id);
  return it == rep_->by_id.end() ? nullptr : it->second;
}

Status PartyIndex::Build(std::vector<model::Party> parties, int64_t watermark,
                         std::unique_ptr<PartyIndex>* out) {
  auto rep = std::make_unique<Rep>();
  rep->watermark = watermark;
  rep->size = parties.size();
  LoadedList list;
  list.info.source = "party";
  list.info.title = "Stored parties";
  list.entities.reserve(parties.size());
  std::set<std::string_view> seen_party;
  for (const model::Party& p : parties) {
    if (!seen_party.insert(p.id).second) {
      return Status::InvalidArgument("party " + p.id + " is given twice to the party index");
    }
    Entity e;
    e.id = p.id;
    e.source = "party";
    e.source_id = p.id;
    e.kind = p.kind;
    // Every party gets the Korean view of its names (a forward screening compares a party
    // with Korea-linked entries through it).
    e.programs.push_back("DPRK");
    std::set<std::string_view> seen;
    std::set<std::string> seen_joined;
    bool one_word = false;
    auto add = [&](const std::string& n) {
      if (util::Trim(n).empty() || !seen.insert(n).second) return;
      e.names.push_back(
          Name{n, "", "", e.names.empty() ? NameKind::kPrimary : NameKind::kStrongAlias});
      if (std::string token = OneWordToken(p, n); !token.empty()) {
        std::vector<std::string>& ids = rep->one_word[token];
        if (ids.empty() || ids.back() != p.id) ids.push_back(p.id);
        one_word = true;
      }
    };
    add(p.name);
    for (const std::string& a : p.aliases) add(a);
    // A forward screening also reads a party's name with two adjacent words joined
    // ("Gustave Doyle" as "GUSTAVEDOYLE" against a listed "GustaveDore": the compound view
    // of the query, screener.cc); the reverse query is the listed name, so the joined forms
    // are indexed as names of their own.
    const size_t plain_names = e.names.size();
    for (size_t k = 0; k < plain_names; ++k) {
      std::vector<std::string> tokens = text::Tokenize(e.names[k].full);
      for (size_t t = 0; t + 1 < tokens.size(); ++t) {
        if (tokens[t].size() < index::kMinCompoundPart ||
            tokens[t + 1].size() < index::kMinCompoundPart)
          continue;
        std::string joined = tokens[t] + tokens[t + 1];
        if (seen_joined.insert(joined).second) {
          e.names.push_back(Name{std::move(joined), "", "", NameKind::kWeakAlias});
        }
      }
    }
    seen_joined.clear();
    if (one_word) rep->one_word_ids.push_back(p.id);
    for (const model::PartyIdentifier& id : p.identifiers) {
      std::string key = index::CanonicalIdentifier(id.value);
      if (key.empty()) continue;
      std::vector<std::string>& ids = rep->by_identifier[key];
      if (ids.empty() || ids.back() != p.id) ids.push_back(p.id);
    }
    list.entities.push_back(std::move(e));
  }
  std::vector<uint8_t> attrs;
  attrs.reserve(parties.size());
  for (const model::Party& p : parties) {
    uint8_t a = kNone;
    if (!p.dob.empty()) a |= kDob;
    if (!p.nationality.empty() || !p.country.empty()) a |= kCountry;
    attrs.push_back(a);
    rep->all_attrs |= a;
  }
  rep->parties = std::move(parties);  // kept for Find(): no copy of 100,000 records
  for (const model::Party& p : rep->parties) rep->by_id.emplace(p.id, &p);
  std::vector<LoadedList> lists;
  lists.push_back(std::move(list));
  if (Status s = Screener::Create(std::move(lists), &rep->screener); !s.ok()) return s;
  const std::vector<Entity>& indexed = rep->screener->lists()[0].entities;
  for (size_t i = 0; i < indexed.size(); ++i) rep->attrs.emplace(indexed[i].id, attrs[i]);
  out->reset(new PartyIndex(std::move(rep)));
  return Status::Ok();
}

void PartyIndex::Candidates(const Entity& entity, const std::vector<std::string>& names,
                            double floor, std::vector<std::string>* ids) const {
  // The floor of a party without date of birth or country; parties with them are found
  // down to the name score their attributes could lift to the same final score.
  double floors[4];
  for (uint8_t a = 0; a < 4; ++a) floors[a] = match::MinNameScore(floor, AttrsOf(a)) - 1e-9;
  // A date of birth or a country lifts the forward score only when the entity has one.
  uint8_t possible = kNone;
  for (const BirthDate& b : entity.birth_dates) {
    if (!b.from.empty()) possible |= kDob;
  }
  for (const CountryLink& c : entity.countries) {
    if (!c.code.empty() && c.role != CountryRole::kFlag) possible |= kCountry;
  }
  for (const Address& a : entity.addresses) {
    if (!a.country.empty()) possible |= kCountry;
  }
  ScreenOptions o;
  o.top = kAllParties;
  o.min_score = floors[rep_->all_attrs & possible];
  o.explain = false;
  // A forward screening compares a party with an entity through the Korean reading only
  // when the entity is Korea-linked (the parties are all indexed as such).
  o.korean_view = index::IsKoreaLinked(entity);
  Query q;
  q.kind = entity.kind;
  auto wanted = [&](const Name& n) {
    return names.empty() || std::find(names.begin(), names.end(), n.full) != names.end();
  };
  for (const Name& n : entity.names) {
    if (!wanted(n) || util::Trim(n.full).empty()) continue;
    q.name = n.full;
    for (const Match& m : rep_->screener->Screen(q, o)) {
      if (m.entity == nullptr) continue;
      auto it = rep_->attrs.find(m.entity->id);
      const uint8_t a = it == rep_->attrs.end() ? uint8_t{kNone} : it->second;
      if (m.score >= floors[a & possible]) ids->push_back(m.entity->id);
    }
    if (entity.kind != EntityKind::kPerson) continue;  // the one-word rule's listed side
    std::string_view family = FamilyName(n);
    if (family.empty()) continue;
    auto it = rep_->one_word.find(text::Normalize(family));
    if (it != rep_->one_word.end()) ids->insert(ids->end(), it->second.begin(), it->second.end());
  }
  for (const Identifier& id : entity.identifiers) {
    auto it = rep_->by_identifier.find(index::CanonicalIdentifier(id.value));
    if (it != rep_->by_identifier.end()) {
      ids->insert(ids->end(), it->second.begin(), it->second.end());
    }
  }
}

}  // namespace vigil::screen
