// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Parsing the date forms the official lists use into PartialDate / BirthDate.
// Impossible dates (month 13, 31 Feb, year 3017) are rejected, never guessed at.

#ifndef VIGIL_MODEL_DATE_H_
#define VIGIL_MODEL_DATE_H_

#include <string_view>

#include "vigil/entity.h"

namespace vigil::model {

// Accepts "1984-01-08", "1984-01", "1984", "08 Jan 1984", "8 January 1984", "Jan 1984",
// "01/08/1984" (US month/day/year). Years must lie in 1800..2100 and the day must exist.
// Returns false (and leaves *out unchanged) for anything else.
bool ParseDate(std::string_view text, PartialDate* out);

// Accepts every ParseDate form plus "circa 1960", "approximately 1960", "1960 to 1965",
// "between 1960 and 1965", "1960-1965". Fills out->text with the trimmed input.
bool ParseBirthDate(std::string_view text, BirthDate* out);

// Days from 1970-01-01 of the earliest day the date can mean (for distances).
int DaysFromEpoch(const PartialDate& date);

}  // namespace vigil::model

#endif  // VIGIL_MODEL_DATE_H_
