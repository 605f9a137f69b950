// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Name-culture spelling variants and particles, from the reviewed tables
// data/names/name_variants.tsv and data/names/particles.tsv:
//   "mohamad", "mohammed", "muhammad" -> "muhammad";   "ivanoff" -> "ivanov";
//   "el", "ul", "al" -> "al" (a particle);              "ibn" -> "bin" (a particle).
// Abbreviated words of organisation names, from data/names/business_abbreviations.tsv:
//   "tech" -> "technology";  "intl" -> "international";  "mfg" -> "manufacturing".
// Built once on first use; thread-safe.

#ifndef VIGIL_TEXT_VARIANTS_H_
#define VIGIL_TEXT_VARIANTS_H_

#include <string>
#include <string_view>

namespace vigil::text {

// Rewrites a normalized token to its canonical spelling; returns true when the token is a
// particle (low-information: al, bin, de, van ...).
bool CanonicalizeVariant(std::string* token);

// Whether a normalized token is a patronymic ("anatolijevitch", "nikolaevna"), by the
// endings in name_variants.tsv.
bool IsPatronymic(std::string_view token);

// Rewrites an abbreviated word of an organisation's name to the word ("tech" ->
// "technology"); returns whether it did. Not for persons' names.
bool CanonicalizeBusinessWord(std::string* token);

}  // namespace vigil::text

#endif  // VIGIL_TEXT_VARIANTS_H_
