// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// How the red-flag checks compare the values parties share (src/redflags/red_flags.h):
// normalized forms of phones, emails, wallets, accounts and addresses, a party's
// household, and how distinctive a value shared by k households is.

#ifndef VIGIL_REDFLAGS_VALUES_H_
#define VIGIL_REDFLAGS_VALUES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/party.h"

namespace vigil::redflags {

// The form two values of one identifier type are compared in; empty when nothing is left.
//   phone: the digits ("+1 (847) 311-5734" -> "18473115734"; a leading "00" is dropped);
//   email: trimmed, lower-case (ASCII);
//   wallet: trimmed; lower-case when it is a hex (0x...) address, else as written
//           (base58 and bech32 addresses are case-sensitive or canonically lower-case);
//   anything else (payment_account, bank_account, photo_hash, device, ...): letters and
//           digits only, ASCII lower-case.
std::string NormalizeValue(std::string_view type, std::string_view value);

// An address as one comparable key: street, city, postal code and country, each with
// punctuation and runs of blanks folded to one space, ASCII lower-case, common street
// words abbreviated ("Street" -> "st"); empty when the address has no street.
std::string AddressKey(const model::PartyAddress& a);

// The family name of a person's name for telling a family apart from unrelated parties:
// the last word of a name written with spaces (generational suffixes "Jr.", "Sr.", "II",
// "III" and titles skipped), the first character of one written without (Chinese, Korean).
// ASCII lower-case. Empty for an empty name.
std::string FamilyNameKey(std::string_view name);

// A party's household: its home address key and family name ("<address>|<family>"), or
// "party:<id>" when it gives no home address. Parties of one household (a family at one
// home) sharing a phone, an IP or an account are not a red flag.
std::string HouseholdKey(const model::Party& p);

// How distinctive a value shared by `households` households is: 1 up to `strong` of
// them, then strong / households (an office IP or a coworking address shared by very many
// says little about each).
double Distinctiveness(size_t households, size_t strong);

// Seconds since 1970-01-01T00:00:00Z of an ISO 8601 date-time ("2026-03-05T16:37:00Z",
// "...T16:37Z", "...T16:37:00.250+02:00"); nullopt when it does not parse.
std::optional<int64_t> ParseTime(std::string_view iso);

}  // namespace vigil::redflags

#endif  // VIGIL_REDFLAGS_VALUES_H_
