// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Scoring one prepared query name against one prepared list name.
//
// Tokens are aligned regardless of order: every query token is paired with at most one
// list token, best pairs first (greedy). A pair's similarity is Jaro-Winkler on the
// normalized tokens, counted only when it reaches kMinTokenSimilarity and the tokens are
// within a typo budget that grows with length (TypoBudget: exact up to 3 letters, one
// edit up to 5, two up to 9, three beyond), so "bakery" never pairs with "bank". Each token carries
// a weight (its rarity across the loaded lists, see index/token_weights.h), so a shared rare token
// says much and a shared "company" little.
//
//   score = sum over pairs (similarity * (w_query + w_list)) / (sum w_query + sum w_list)
//
// Unmatched tokens on either side only add to the denominator, so they pull the score
// down. The tokens joined without spaces are compared as well ("kyongsik" vs "kyong sik",
// also with the list name's first token moved last), counted when at most one edit apart
// (two from 12 letters on), less 0.05 when the token counts differ (re-segmented letters)
// and less 0.15 when they are equal (a typo in a short token: "jim" for "kim"). Cost: O(|q| *
// |c|) Jaro-Winkler calls.

#ifndef VIGIL_MATCH_NAME_SCORER_H_
#define VIGIL_MATCH_NAME_SCORER_H_

#include <string>
#include <vector>

#include "vigil/screen.h"

namespace vigil::match {

inline constexpr double kMinTokenSimilarity = 0.80;

// A name ready for comparison: normalized tokens, their weights, and the joined form.
struct PreparedName {
  std::vector<std::string> tokens;
  std::vector<float> weights;    // parallel to tokens
  std::vector<bool> legal_form;  // parallel to tokens
  std::vector<bool> particle;    // parallel to tokens: al, bin, de, van ...
  // The spelling before variant canonicalization where it differs ("omar" for "umar"),
  // else empty; typos are judged against it too.
  std::vector<std::string> original;
  std::string joined;          // tokens without separators
  std::string joined_rotated;  // the same with the first token moved last ("hlaingkhin" ->
                               // "khinhlaing": OFAC's "LAST, First" read given names first)
  float total_weight = 0;
};

// Edits (Levenshtein) tolerated between two tokens whose shorter one has `length` bytes.
size_t TypoBudget(size_t length);

// Two different legal forms ("coltd" and "co") still agree this much: both say "a company".
inline constexpr double kLegalFormAgreement = 0.5;

// Similarity of two normalized tokens in [0, 1].
double TokenSimilarity(std::string_view a, std::string_view b);

// Score in [0, 1]. When `explain` is not null it receives one TokenMatch per query token.
double ScoreName(const PreparedName& query, const PreparedName& candidate,
                 std::vector<TokenMatch>* explain = nullptr);

}  // namespace vigil::match

#endif  // VIGIL_MATCH_NAME_SCORER_H_
