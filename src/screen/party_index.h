// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// PartyIndex: the stored parties as the candidates and a listed entity as the query, the
// reverse of screening. When a list update adds an entity (or gives one a new name, date
// of birth, country or identifier), the parties it could hit are found here, so a re-screen
// costs in proportion to the change, not to the number of parties.
//
//   std::unique_ptr<screen::PartyIndex> index;
//   Status s = screen::PartyIndex::Build(parties, watermark, &index);
//   std::vector<std::string> ids;
//   index->Candidates(entity, {}, kReverseFloor, &ids);   // then screen those parties forward
//
// A candidate is only a candidate: the parties found are screened forward against the new
// lists (screen/party.h), which decides. The index must therefore find every party whose
// forward screening could reach the near-miss floor: it is built as a Screener over the
// parties (each party an entity with its names, aliases, kind and identifiers) and asked
// with a floor well under the forward one, and with the entity's identifiers. Parties with a
// one-word person name ("Kim": screen/party.h's rule) are kept apart by that word and found
// by the entity's family names.
//
// Thread safety: immutable after Build(); Candidates() may run on any number of threads.

#ifndef VIGIL_SCREEN_PARTY_INDEX_H_
#define VIGIL_SCREEN_PARTY_INDEX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/party.h"
#include "vigil/entity.h"
#include "vigil/status.h"

namespace vigil::screen {

// The name score floor of the reverse search: far under the forward near-miss floor,
// because a reverse score (the entity's name as the query, weighed by the parties' token
// statistics) is not the forward score and dates of birth and countries are not used.
inline constexpr double kReverseFloor = 0.5;

class PartyIndex {
 public:
  ~PartyIndex();
  PartyIndex(const PartyIndex&) = delete;
  PartyIndex& operator=(const PartyIndex&) = delete;

  // Indexes `parties` (the latest version of each). `watermark` is the store's party change
  // counter read before the parties were (store::Store::PartyChangeSeq): parties changed
  // after it are not in the index as they are now, and a re-screen screens them anyway.
  static Status Build(std::vector<model::Party> parties, int64_t watermark,
                      std::unique_ptr<PartyIndex>* out);

  int64_t watermark() const;
  size_t size() const;  // parties indexed

  // Adds to *ids (not cleared; may repeat ids) every party that could hit `entity`: by
  // name (those of `names`, Name::full values of the entity; empty: all its names) scoring
  // at least `floor` in the reverse direction, by an equal identifier, and by a one-word
  // name equal to one of the entity's family names (persons only). `floor` is for a party
  // without date of birth or country; a party with them is found down to the name score
  // that they could lift to `floor` (match::MinNameScore), as the forward screening would.
  void Candidates(const Entity& entity, const std::vector<std::string>& names, double floor,
                  std::vector<std::string>* ids) const;

  // The parties with a one-word person name (screen/party.h), in index order. Their
  // one-word hits are the best few of the listed persons of that family name, whatever
  // their score: any change of the lists may change which, so a re-screen screens them.
  const std::vector<std::string>& OneWordParties() const;

  // The indexed version of a party (nullptr when not indexed).
  const model::Party* Find(std::string_view id) const;

 private:
  struct Rep;
  explicit PartyIndex(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace vigil::screen

#endif  // VIGIL_SCREEN_PARTY_INDEX_H_
