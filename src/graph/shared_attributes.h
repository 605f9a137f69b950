// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Shared attributes: a party that shares a normalized address, phone, email, website
// domain, crypto wallet, registration number, IMO number or director/officer name with a
// listed entity, or with another party that is itself linked to a listed entity, gets a
// link with the shared value as evidence.
//
//   SharedAttributeIndex index;
//   for (const LoadedList& l : screener.lists()) for (const Entity& e : l.entities)
//     index.AddEntity(e);
//   for (const model::Party& p : parties) index.AddParty(p);
//   index.Finish();
//   SharedLinks links = index.Links("party:P-1");   // or an entity id
//
// Values are compared in normalized form (see ExtractValues): phones in E.164
// (libphonenumber, the region taken from the record's country), domains as the registrable
// domain of a URL or an email (libpsl; a free-mail domain such as gmail.com is not a shared
// domain, the email address itself still is), addresses on normalized street, city and
// country, with postal codes that agree or are missing on one side.
//
// Commonness: a value held by many holders says little about each (a registered agent's
// address, a big hosting domain). Its link's weight is base(kind) / log2(holders) (base
// when 2 holders share it), and a value with more than SharedOptions::max_holders holders
// is not linked at all but reported in SharedLinks::too_common.
//
// Node ids are those of the graph (src/graph/graph.h): a listed entity's id
// ("us_ofac_sdn:22323") and "party:<party id>" for a party.
//
// Thread safety: build from one thread; after Finish() the index is read-only and Links()
// may be called from many threads.

#ifndef VIGIL_GRAPH_SHARED_ATTRIBUTES_H_
#define VIGIL_GRAPH_SHARED_ATTRIBUTES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/party.h"
#include "vigil/entity.h"
#include "vigil/list.h"

namespace vigil::graph {

enum class SharedKind : uint8_t {
  kAddress,       // street, city, country (postal code compared when both have one)
  kPhone,         // E.164, "+85023818111"
  kEmail,         // trimmed, lower-case, "kdb@co.chesin.com"
  kDomain,        // registrable domain of a website or of an email, "chesin.com"
  kWallet,        // crypto wallet: hex (0x...) and bech32 lower-case, base58 as written
  kRegistration,  // company registration number: letters and digits, upper-case
  kImo,           // IMO number, 7 digits with a valid check digit, "8712520"
  kOfficer,       // a director's or officer's name, normalized (src/text), words sorted
};
inline constexpr size_t kSharedKindCount = 8;

// "address", "phone", "email", "domain", "wallet", "registration", "imo", "officer". The
// graph's edge type is "shares_" + ToString(kind).
std::string_view ToString(SharedKind kind);

// A value one record holds, normalized for comparison.
struct SharedValue {
  SharedKind kind = SharedKind::kAddress;
  std::string key;  // the normalized form; equal keys (and compatible qualifiers) match
  // Compared only when both sides have one: an address's normalized postal code, a
  // registration number's issuing country. Empty matches anything.
  std::string qualifier;
  std::string written;  // as the record wrote it ("Chilgol 1-dong, Pyongyang, KP")
  friend bool operator==(const SharedValue&, const SharedValue&) = default;
};

// The values of a listed entity: its addresses; identifiers of kind email, website (as
// domain), phone, digital currency address (wallet), registration, IMO; properties whose
// key names a director or an officer. An email yields the email and, unless the domain is
// a free-mail one, the domain. Values that do not normalize (a phone that is no number,
// an address without street) are left out.
std::vector<SharedValue> ExtractValues(const Entity& e);

// The same for a party: its addresses (the party's country when the address has none) and
// identifiers (email, phone, website, wallet, registration, imo), and the names in the
// record's "directors" and "officers" arrays (strings, or objects with a "name").
std::vector<SharedValue> ExtractValues(const model::Party& p);

struct SharedOptions {
  // A value held by more than this many holders (entities and parties together) is too
  // common to link; it is reported in SharedLinks::too_common.
  size_t max_holders = 50;
};

// The weight of a link on a value of `kind` shared by `holders` holders (>= 2):
// base(kind) / log2(holders), in (0, 1]. base: imo, wallet 1.0; email, registration 0.9;
// phone, domain 0.8; address 0.7; officer 0.6.
double SharedWeight(SharedKind kind, size_t holders);

// One link: `from` (the node asked about) and `to` hold the same value.
struct SharedLink {
  std::string from, to;    // node ids
  std::string to_name;     // the other holder's primary name
  bool to_listed = false;  // `to` is a listed entity (else a party)
  SharedKind kind = SharedKind::kAddress;
  std::string value;         // the normalized value
  std::string from_written;  // as `from` wrote it
  std::string to_written;    // as `to` wrote it
  size_t holders = 0;        // how many nodes hold the value
  double weight = 0;         // SharedWeight(kind, holders)
  // When `to` is a party: the listed entities it is itself linked to (why it counts).
  std::vector<std::string> to_linked_to;
};

// A value of the node that others share but that is too common to link.
struct TooCommonValue {
  SharedKind kind = SharedKind::kAddress;
  std::string value;    // normalized
  std::string written;  // as the node wrote it
  size_t holders = 0;
};

struct SharedLinks {
  std::vector<SharedLink> links;  // best first: weight, then listed before parties
  std::vector<TooCommonValue> too_common;
};

class SharedAttributeIndex {
 public:
  explicit SharedAttributeIndex(SharedOptions options = {});
  ~SharedAttributeIndex();
  SharedAttributeIndex(const SharedAttributeIndex&) = delete;
  SharedAttributeIndex& operator=(const SharedAttributeIndex&) = delete;

  // Adds a holder. An id seen before is ignored (its first record counts). Not after Finish().
  void AddEntity(const Entity& e);
  void AddParty(const model::Party& p);
  // Counts holders and marks the parties linked to a listed entity. Call once, after the
  // last Add and before any query.
  void Finish();

  // All of the above over every entity of `lists` and every party, the values normalized
  // on every core (the result is the same as adding them one by one).
  static std::unique_ptr<SharedAttributeIndex> Build(const std::vector<LoadedList>& lists,
                                                     const std::vector<model::Party>& parties,
                                                     SharedOptions options = {});

  // The links of a node (entity id or "party:<id>"); empty when unknown.
  //  - of a party: to the listed entities that share one of its values, and to the other
  //    parties that share one and are themselves linked to a listed entity;
  //  - of a listed entity: to every party and every other listed entity sharing a value.
  // Values with more than max_holders holders are in too_common instead.
  SharedLinks Links(std::string_view node_id) const;

  // The normalized values a node holds (empty when unknown).
  std::vector<SharedValue> ValuesOf(std::string_view node_id) const;

  // Whether a party (node id "party:<id>") shares a linkable value with a listed entity.
  bool LinkedToListed(std::string_view node_id) const;

  size_t node_count() const;
  size_t value_count() const;  // distinct normalized values

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::graph

#endif  // VIGIL_GRAPH_SHARED_ATTRIBUTES_H_
