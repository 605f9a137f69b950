// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Postal addresses in a form two records can be compared in: each part through the name
// normalizer (src/text/normalize.h: any script, case and punctuation folded), street
// words written long or short alike (data/names/street_abbreviations.tsv: "Street" and
// "St." are "st"), the country as an ISO 3166-1 alpha-2 code.
//
//   NormalizeStreet("12 Main Street, Suite 4") -> "12 main st ste 4"
//   NormalizeStreet("12, MAIN ST. STE 4")      -> "12 main st ste 4"
//
// Thread-safe.

#ifndef VIGIL_TEXT_ADDRESS_H_
#define VIGIL_TEXT_ADDRESS_H_

#include <string>
#include <string_view>

namespace vigil::text {

// The street normalized, street words abbreviated; "" when nothing is left.
std::string NormalizeStreet(std::string_view street);

// A city normalized ("Pyongyang", "PYONGYANG,", "P'yŏngyang", "Pyongyang City" alike:
// "pyongyang"; a last word "city" or "shi" is dropped).
std::string NormalizeCity(std::string_view city);

// A postal code: letters and digits only, upper case ("sw1a 1aa" -> "SW1A1AA").
std::string NormalizePostalCode(std::string_view postal_code);

// A country name or code as its alpha-2 code ("Korea, North", "PRK", "kp" -> "KP"); ""
// when unknown.
std::string NormalizeCountry(std::string_view country);

}  // namespace vigil::text

#endif  // VIGIL_TEXT_ADDRESS_H_
