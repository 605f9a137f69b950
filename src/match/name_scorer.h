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
// (two from 12 letters on) and starting with the same letter, less 0.05 when the token counts
// differ (re-segmented letters) and less 0.15 when they are equal (a typo in a short token: "jim"
// for "kim"). Cost: O(|q| * |c|) Jaro-Winkler calls.

#ifndef VIGIL_MATCH_NAME_SCORER_H_
#define VIGIL_MATCH_NAME_SCORER_H_

#include <cstdint>
#include <string>
#include <string_view>
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
  // Parallel to tokens (or empty: none is): a patronymic ("anatolijevitch", "nikolaevna"),
  // which pairs with another patronymic or its own spelling only ("andreyeva", a family
  // name, is not "andreyevna").
  std::vector<bool> patronymic;
  // The spelling before variant canonicalization where it differs ("omar" for "umar"),
  // else empty; typos are judged against it too.
  std::vector<std::string> original;
  std::string joined;          // tokens without separators
  std::string joined_rotated;  // the same with the first token moved last ("hlaingkhin" ->
                               // "khinhlaing": OFAC's "LAST, First" read given names first)
  float total_weight = 0;
  // Written in a syllabic or logographic script (Han, Hangul, Kana): its tokens are the
  // transliteration of whole syllables, so a query so written has no typos and its tokens
  // pair only with tokens spelled alike ("xin" is never "bin").
  bool syllabic = false;
  // The Korean syllable and compound views (index/name_table.h) only: per token, the
  // plain-view token it came from (explanations show the words a syllable key was read
  // from), and in `from_last` the last one when it came from several ("silver star" ->
  // "silverstar"; empty when each came from one). Else both empty.
  std::vector<uint32_t> from;
  std::vector<uint32_t> from_last;
};

// Edits (Levenshtein) tolerated between two tokens whose shorter one has `length` bytes.
size_t TypoBudget(size_t length);

// Two different legal forms ("coltd" and "co") still agree this much: both say "a company".
inline constexpr double kLegalFormAgreement = 0.5;

// Tokens differing in their first letter pair only when the longer has at least this many
// bytes and the first letter is the only edit ("ruben" / "guben"; never "wang" / "kang").
inline constexpr size_t kMinFirstLetterTypo = 5;

// Similarity of two normalized tokens in [0, 1]: Jaro-Winkler when at least
// kMinTokenSimilarity, within TypoBudget edits, and with the same first letter (see
// kMinFirstLetterTypo), else 0. `exact`: 1 when equal, else 0 (a syllabic query).
double TokenSimilarity(std::string_view a, std::string_view b, bool exact = false);

// Score in [0, 1]. When `explain` is not null it receives one TokenMatch per query token.
// The reference implementation: index/name_index.h scores the same way from precomputed
// token similarities, through the three building blocks below, and must agree exactly.
double ScoreName(const PreparedName& query, const PreparedName& candidate,
                 std::vector<TokenMatch>* explain = nullptr);

// Similarity of query token `qt` (spelled `qo` before variant canonicalization, or empty)
// and list token `ct` (`co`), without legal-form agreement: the better of the canonical
// and the original spellings. `exact` for a syllabic query (PreparedName::syllabic).
double PairSimilarity(std::string_view qt, std::string_view qo, std::string_view ct,
                      std::string_view co, bool exact = false);

// A candidate pairing of query token `q` with list token `c`.
struct TokenPair {
  double sim;
  uint32_t q, c;
};

// A name whose content agreement rests on one pair of near (not equal) words, the query's
// being short (at most kShortWord bytes), weighing more than its equal content pairs, scores
// this share: "Haley LLC" is as likely another company than HANLEY LIMITED with a typo. A
// one-word name with a typo still reaches review; a long word with a typo is a typo.
inline constexpr double kSingleNearWordFactor = 0.78;
// A syllabic query (Hangul, Han) whose paired syllables are in another order than the list
// name's, other than the family name moved from first to last or back, scores this share:
// like syllables in another order make another name.
inline constexpr double kSyllableOrderFactor = 0.7;
inline constexpr size_t kShortWord = 7;

// Greedy one-to-one alignment of `pairs` (reordered in place), best first, and the
// weighted token score it gives (times kSingleNearWordFactor when one near pair of a word in
// `short_words` carries it,
// and for a `syllabic` query times the share of its content tokens paired). Tokens at
// position 64 or beyond are never paired. `content` has bit i set when query token i is
// neither a legal form nor a particle: a name that agrees with the query only on legal forms
// and particles ("LLC", "al") scores 0. Never above the plain weighted score, which the
// index's bounds (index/name_index.h) bound.
// When `partner` is not null it receives, per query token below 64, the aligned list token
// (or -1) and the pair's similarity in `partner_sim`.
double CombinePairs(TokenPair* pairs, size_t n, const float* query_weights, float query_total,
                    const float* list_weights, float list_total, uint64_t content,
                    uint64_t short_words, bool syllabic, int32_t* partner = nullptr,
                    double* partner_sim = nullptr);

// The explanation ScoreName gives: per query token its aligned list token (`partner`, -1
// for none, as CombinePairs fills it) and similarity, then the joined forms when
// `joined_score` beats `token_score`.
void Explain(const PreparedName& query, const PreparedName& candidate, const int32_t* partner,
             const double* partner_sim, double token_score, double joined_score,
             std::vector<TokenMatch>* explain);

// The joined-letters score of a query against a list name given as its joined and rotated
// forms and its token count ("kyongsik" / "kyong sik"); 0 when beyond the edit budget.
double JoinedScore(const PreparedName& query, std::string_view list_joined,
                   std::string_view list_joined_rotated, size_t list_tokens);

// Edits JoinedScore() tolerates for a query whose joined form has `length` bytes.
inline size_t JoinedBudget(size_t length) { return length >= 12 ? 2 : 1; }

// Whether token i of `name` is a patronymic (PreparedName::patronymic).
inline bool IsPatronymic(const PreparedName& name, size_t i) {
  return i < name.patronymic.size() && name.patronymic[i];
}

// Bit i set when query token i (< 64) is neither a legal form nor a particle.
uint64_t ContentMask(const PreparedName& query);
// Bit i set when query token i (< 64) has at most kShortWord bytes.
uint64_t ShortWordMask(const PreparedName& query);

}  // namespace vigil::match

#endif  // VIGIL_MATCH_NAME_SCORER_H_
