// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Screening a stored party (model::Party): every name and alias is screened, with the
// party's date of birth, countries and identifiers, and the results are merged into one
// hit per listed party (the best score over the party's names).
//
// Thread safety: ScreenParty() may run on any number of threads at once (the Screener is
// immutable).

#ifndef VIGIL_SCREEN_PARTY_H_
#define VIGIL_SCREEN_PARTY_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "model/party.h"
#include "vigil/screen.h"

namespace vigil::screen {

struct PartyHit {
  const Entity* entity = nullptr;  // the listed record that scored best
  double score = 0;
  Decision decision = Decision::kNone;  // from the options' thresholds
  std::string party_name;               // the party's name or alias that scored best
  // model::ToJson(match, /*explain=*/true) of the best match, with "party_name" added: the
  // explanation an alert keeps.
  nlohmann::json match;
  // model::ToJson(*entity): what the alert keeps of the listed side, and hashes
  // (model::JsonHash) to notice a later change of the listing.
  nlohmann::json entity_record;
};

// The party's hits scoring at or above options.min_score, best first, one per listed party
// (Screener groups a party's records on several lists into one Match). options.top bounds
// the hits per name screened.
//
// One exception to min_score: a person's name of one word ("Ri", "Kwak": a family name
// alone) cannot be cleared by name screening. The (at most three) best-scoring listed
// persons whose family name is that word are hits with decision kReview whatever their
// score, and their `match` says so in "one_word_name".
// The family name of a listed person's name: as the list states it, else the part before
// the comma of "FAMILY, Given" names; empty when neither says.
std::string_view FamilyName(const Name& n);

// The normalized word of a person's one-word name ("Kwak" -> the token), the key of the
// one-word rule above; empty when `name` is not one (several words, a letter alone, or the
// party is not a person).
std::string OneWordToken(const model::Party& party, std::string_view name);

std::vector<PartyHit> ScreenParty(const Screener& screener, const model::Party& party,
                                  const ScreenOptions& options);

}  // namespace vigil::screen

#endif  // VIGIL_SCREEN_PARTY_H_
