// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The entity model: one shape for every listed party, whatever list it came from.
//
// Every source loader (src/sources/<list>) maps its own format into Entity; matching,
// screening, the CLI and later the store and server see nothing else. Fields that a
// list does not provide stay empty. All text is UTF-8 as the list wrote it (no
// normalization happens here; src/text does that for matching).
//
// Plain data: copyable, movable, no invariants beyond those documented per field.
// Safe to read from many threads once built.

#ifndef VIGIL_ENTITY_H_
#define VIGIL_ENTITY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil {

enum class EntityKind : uint8_t { kUnknown, kPerson, kOrganization, kVessel, kAircraft };

enum class NameKind : uint8_t {
  kPrimary,         // the name the list files the entry under
  kStrongAlias,     // OFAC a.k.a., UN alias of good quality
  kWeakAlias,       // OFAC weak a.k.a., UN alias of low quality
  kFormerName,      // OFAC f.k.a.
  kNewName,         // OFAC n.k.a.
  kOriginalScript,  // the name in its own script (UN NAME_ORIGINAL_SCRIPT, ...)
};

struct Name {
  std::string full;    // the whole name as listed, e.g. "KIM, Jong Un" or "KOREA COMPUTER CENTER"
  std::string family;  // family part where the list says which it is ("KIM"), else empty
  std::string given;   // given part where the list says which it is ("Jong Un"), else empty
  NameKind kind = NameKind::kPrimary;
};

// A date as precise as the list gives it. month/day are 0 when unknown.
struct PartialDate {
  int year = 0;  // 0 = no date
  int month = 0;
  int day = 0;

  bool empty() const { return year == 0; }
  // "1984", "1984-01", "1984-01-08"; "" when empty.
  std::string ToString() const;
  friend bool operator==(const PartialDate&, const PartialDate&) = default;
};

// A birth date: one date, a range (from..to), possibly approximate ("circa").
struct BirthDate {
  PartialDate from;  // the date, or the start of a range
  PartialDate to;    // the end of a range; empty when not a range
  bool circa = false;
  std::string text;  // as listed, for display and audit
  friend bool operator==(const BirthDate&, const BirthDate&) = default;
};

struct Address {
  std::string street;
  std::string city;
  std::string region;  // state, province
  std::string postal_code;
  std::string country;       // ISO 3166-1 alpha-2, upper case; empty when unknown
  std::string country_name;  // the country as listed
  std::string note;
  friend bool operator==(const Address&, const Address&) = default;
};

enum class CountryRole : uint8_t {
  kNationality,
  kCitizenship,
  kResidence,
  kJurisdiction,  // where an organization is registered or located
  kFlag,          // a vessel's or aircraft's flag
  kOther,
};

struct CountryLink {
  std::string code;  // ISO 3166-1 alpha-2; empty when the name is not recognised
  std::string name;  // as listed
  CountryRole role = CountryRole::kOther;
  friend bool operator==(const CountryLink&, const CountryLink&) = default;
};

enum class IdKind : uint8_t {
  kOther,
  kPassport,
  kNationalId,
  kTaxId,
  kRegistration,  // company registration, Unified Social Credit Code, ...
  kSwiftBic,
  kImo,
  kMmsi,
  kCallSign,
  kAircraftSerial,
  kAircraftTail,
  kDigitalCurrency,  // with currency set (XBT, ETH, ...)
  kEmail,
  kWebsite,
  kPhone,
};

struct Identifier {
  IdKind kind = IdKind::kOther;
  std::string type;  // the label as listed, e.g. "Passport", "Unified Social Credit Code (USCC)"
  std::string value;
  std::string country;   // issuing country, ISO alpha-2 where known
  std::string currency;  // for kDigitalCurrency
  std::string note;      // anything else the list says (issue/expiry dates, ...)
  friend bool operator==(const Identifier&, const Identifier&) = default;
};

struct Relationship {
  std::string relation;     // "linked_to", "associated_with", ...
  std::string target_name;  // as listed
  std::string target_id;    // the related entity's id where it could be resolved, else empty
  // Where the list states it, when not the remarks: the field ("COMMENTS1", "DESIGNATION",
  // "vessel_owner"); empty for OFAC "Linked To:" remarks (the graph says "remarks").
  std::string field;
  // The list's own words that state it (a clause of the comments), when not the whole
  // target name; empty otherwise.
  std::string text;
  friend bool operator==(const Relationship&, const Relationship&) = default;
};

// A free-form attribute the model has no field for yet (vessel tonnage, license policy,
// secondary sanctions notes, ...). Kept so that nothing the list said is lost.
struct Property {
  std::string key;
  std::string value;
  friend bool operator==(const Property&, const Property&) = default;
};

struct Entity {
  std::string id;         // "<source>:<source_id>", e.g. "us_ofac_sdn:22323", "un_sc:KPi.066"
  std::string source;     // "us_ofac_sdn", "un_sc", "us_csl", "us_bis_dpl", ...
  std::string source_id;  // the list's own key
  EntityKind kind = EntityKind::kUnknown;

  std::vector<Name> names;  // names[0] is the primary name
  std::vector<std::string> programs;
  std::vector<Address> addresses;
  std::vector<CountryLink> countries;
  std::vector<BirthDate> birth_dates;
  std::vector<std::string> birth_places;
  std::string gender;  // "male", "female" or empty
  std::vector<std::string> titles;
  std::vector<Identifier> identifiers;
  std::vector<Relationship> relationships;
  std::string listed_on;                      // ISO date where known
  std::string updated_on;                     // ISO date where known
  std::string remarks;                        // the list's own remarks, whole
  std::vector<std::string> unparsed_remarks;  // remark segments no parser understood
  std::vector<Property> properties;

  const std::string& primary_name() const;
  friend bool operator==(const Entity&, const Entity&) = default;
};

std::string_view ToString(EntityKind kind);  // "person", "organization", ...
std::string_view ToString(NameKind kind);    // "primary", "strong_alias", ...
std::string_view ToString(CountryRole role);
std::string_view ToString(IdKind kind);  // "passport", "digital_currency_address", ...

// Parses "person", "individual", "organization"/"entity"/"company", "vessel", "aircraft",
// case-insensitively; anything else (including "any" and "") is kUnknown.
EntityKind ParseEntityKind(std::string_view text);

}  // namespace vigil

#endif  // VIGIL_ENTITY_H_
