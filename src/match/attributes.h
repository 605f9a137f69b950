// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Secondary attributes: a query's date of birth and country against a list entry's.
//
// They only move a name match, never make one: agreement raises the score a little toward
// 1, a clear conflict lowers it by a factor. Absent data on either side changes nothing.
//
//   birth date  same day/month/year as far as both are known  +25% of the gap to 1
//               years apart (nearest listed date or range, circa widens by 2 years):
//               1-2 -> x0.97, 3-5 -> x0.90, 6-14 -> x0.80, 15+ -> x0.70
//   country     the query's country among the entry's nationalities, citizenships,
//               residences, jurisdictions or address countries   +10% of the gap to 1
//               the entry lists countries and none is the query's  x0.92
//
// Pure functions; thread-safe.

#ifndef VIGIL_MATCH_ATTRIBUTES_H_
#define VIGIL_MATCH_ATTRIBUTES_H_

#include <string>
#include <vector>

#include "vigil/entity.h"
#include "vigil/screen.h"

namespace vigil::match {

// A query's attributes, parsed once.
struct QueryAttributes {
  PartialDate dob;      // empty when none or unparseable
  std::string country;  // ISO alpha-2, empty when none or unknown
  std::string dob_text, country_text;
};

QueryAttributes ParseQueryAttributes(const Query& query);

// Returns the adjusted score; appends what moved it to *evidence (may be null).
double ApplyAttributes(double name_score, const QueryAttributes& query, const Entity& entity,
                       std::vector<Evidence>* evidence);

// The lowest name score that the query's attributes could lift to `final_score` or above
// (at most +25% of the gap to 1 for a birth date, +10% for a country): the candidate stage
// skips names that cannot reach it.
double MinNameScore(double final_score, const QueryAttributes& query);
// The highest final score the query's attributes could lift `name_score` to.
double MaxFinalScore(double name_score, const QueryAttributes& query);

}  // namespace vigil::match

#endif  // VIGIL_MATCH_ATTRIBUTES_H_
