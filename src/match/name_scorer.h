// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Scoring one prepared query name against one prepared list name.
//
// Tokens are aligned regardless of order: every query token is paired with at most one
// list token, best pairs first (greedy), where a pair's similarity is Jaro-Winkler on the
// normalized tokens, 0 below kMinTokenSimilarity, and exact-only for tokens of one or two
// letters. Each token carries a weight (its rarity across the loaded lists, see
// index/token_weights.h), so a shared rare token says much and a shared "company" little.
//
//   score = sum over pairs (similarity * (w_query + w_list)) / (sum w_query + sum w_list)
//
// Unmatched tokens on either side only add to the denominator, so they pull the score
// down. The tokens joined without spaces are compared as well ("kyongsik" vs "kyong sik"),
// and the better of the two readings wins. Cost: O(|q| * |c|) Jaro-Winkler calls.

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
  std::vector<float> weights;  // parallel to tokens
  std::string joined;          // tokens without separators
  float total_weight = 0;
};

// Similarity of two normalized tokens in [0, 1].
double TokenSimilarity(std::string_view a, std::string_view b);

// Score in [0, 1]. When `explain` is not null it receives one TokenMatch per query token.
double ScoreName(const PreparedName& query, const PreparedName& candidate,
                 std::vector<TokenMatch>* explain = nullptr);

}  // namespace vigil::match

#endif  // VIGIL_MATCH_NAME_SCORER_H_
