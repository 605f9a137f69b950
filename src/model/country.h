// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Country names as the lists write them ("Korea, North", "Democratic People's Republic of
// Korea", "Iran (Islamic Republic of)", "KP", "PRK") to ISO 3166-1 alpha-2 codes.
//
// The table is ICU's English country names plus the aliases in data/names/countries.tsv.
// Built once on first use; lookups are thread-safe.

#ifndef VIGIL_MODEL_COUNTRY_H_
#define VIGIL_MODEL_COUNTRY_H_

#include <string>
#include <string_view>

namespace vigil::model {

// The alpha-2 code (upper case) for a country name or code, or "" when unknown.
std::string CountryCode(std::string_view name);

// ICU's English name for an alpha-2 code, or "" when unknown.
std::string CountryName(std::string_view code);

}  // namespace vigil::model

#endif  // VIGIL_MODEL_COUNTRY_H_
