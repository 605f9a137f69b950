// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "vigil/entity.h"

#include <cstdio>

#include "util/strings.h"

namespace vigil {

std::string PartialDate::ToString() const {
  if (year == 0) return "";
  char buf[16];
  if (month == 0) {
    std::snprintf(buf, sizeof buf, "%04d", year);
  } else if (day == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  }
  return buf;
}

const std::string& Entity::primary_name() const {
  static const std::string kEmpty;
  return names.empty() ? kEmpty : names.front().full;
}

std::string_view ToString(EntityKind kind) {
  switch (kind) {
    case EntityKind::kPerson:
      return "person";
    case EntityKind::kOrganization:
      return "organization";
    case EntityKind::kVessel:
      return "vessel";
    case EntityKind::kAircraft:
      return "aircraft";
    case EntityKind::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view ToString(NameKind kind) {
  switch (kind) {
    case NameKind::kPrimary:
      return "primary";
    case NameKind::kStrongAlias:
      return "strong_alias";
    case NameKind::kWeakAlias:
      return "weak_alias";
    case NameKind::kFormerName:
      return "former_name";
    case NameKind::kNewName:
      return "new_name";
    case NameKind::kOriginalScript:
      return "original_script";
  }
  return "unknown";
}

std::string_view ToString(CountryRole role) {
  switch (role) {
    case CountryRole::kNationality:
      return "nationality";
    case CountryRole::kCitizenship:
      return "citizenship";
    case CountryRole::kResidence:
      return "residence";
    case CountryRole::kJurisdiction:
      return "jurisdiction";
    case CountryRole::kFlag:
      return "flag";
    case CountryRole::kOther:
      break;
  }
  return "other";
}

std::string_view ToString(IdKind kind) {
  switch (kind) {
    case IdKind::kPassport:
      return "passport";
    case IdKind::kNationalId:
      return "national_id";
    case IdKind::kTaxId:
      return "tax_id";
    case IdKind::kRegistration:
      return "registration";
    case IdKind::kSwiftBic:
      return "swift_bic";
    case IdKind::kImo:
      return "imo";
    case IdKind::kMmsi:
      return "mmsi";
    case IdKind::kCallSign:
      return "call_sign";
    case IdKind::kAircraftSerial:
      return "aircraft_serial";
    case IdKind::kAircraftTail:
      return "aircraft_tail";
    case IdKind::kDigitalCurrency:
      return "digital_currency_address";
    case IdKind::kEmail:
      return "email";
    case IdKind::kWebsite:
      return "website";
    case IdKind::kPhone:
      return "phone";
    case IdKind::kOther:
      break;
  }
  return "other";
}

EntityKind ParseEntityKind(std::string_view text) {
  std::string t = util::AsciiLower(util::Trim(text));
  if (t == "person" || t == "individual") return EntityKind::kPerson;
  if (t == "organization" || t == "organisation" || t == "entity" || t == "company") {
    return EntityKind::kOrganization;
  }
  if (t == "vessel") return EntityKind::kVessel;
  if (t == "aircraft") return EntityKind::kAircraft;
  return EntityKind::kUnknown;
}

}  // namespace vigil
