// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "match/name_scorer.h"

#include <algorithm>
#include <bit>

#include "match/jaro_winkler.h"
#include "match/levenshtein.h"

namespace vigil::match {
size_t TypoBudget(size_t length) {
  if (length <= 3) return 0;  // "kim" / "kin": too short to tell a typo from a name
  if (length <= 5) return 1;
  if (length <= 9) return 2;
  return 3;
}

double TokenSimilarity(std::string_view a, std::string_view b, bool exact) {
  if (a == b) return 1.0;
  if (exact || std::min(a.size(), b.size()) < 3) return 0.0;
  const size_t budget = TypoBudget(std::max(a.size(), b.size()));
  if (budget == 0) return 0.0;
  // More edits than the budget by length alone (the edit distance is at least the length
  // difference): no need for Jaro-Winkler.
  if (a.size() > b.size() + budget || b.size() > a.size() + budget) return 0.0;
  double jw = JaroWinkler(a, b);
  if (jw < kMinTokenSimilarity) return 0.0;
  const size_t edits = BoundedLevenshtein(a, b, budget);
  if (edits > budget) return 0.0;
  // Names that differ in their first letter are different names far more often than
  // typos ("kang" / "wang", "kovalenko" / "brovarenko"): they pair only as a single edit
  // in a token of kMinFirstLetterTypo letters or more ("ruben" / "guben").
  if (a[0] != b[0] && (edits > 1 || std::max(a.size(), b.size()) < kMinFirstLetterTypo)) {
    return 0.0;
  }
  return jw;
}

double PairSimilarity(std::string_view qt, std::string_view qo, std::string_view ct,
                      std::string_view co, bool exact) {
  double s = TokenSimilarity(qt, ct, exact);
  if (s < 1.0 && (!qo.empty() || !co.empty())) {
    s = std::max(s, TokenSimilarity(qo.empty() ? qt : qo, co.empty() ? ct : co, exact));
  }
  return s;
}

uint64_t ShortWordMask(const PreparedName& query) {
  uint64_t mask = 0;
  for (size_t i = 0; i < query.tokens.size() && i < 64; ++i) {
    if (query.tokens[i].size() <= kShortWord) mask |= uint64_t{1} << i;
  }
  return mask;
}

uint64_t ContentMask(const PreparedName& query) {
  uint64_t mask = 0;
  for (size_t i = 0; i < query.tokens.size() && i < 64; ++i) {
    if (!query.legal_form[i] && !query.particle[i]) mask |= uint64_t{1} << i;
  }
  return mask;
}

double CombinePairs(TokenPair* pairs, size_t n, const float* query_weights, float query_total,
                    const float* list_weights, float list_total, uint64_t content,
                    uint64_t short_words, bool syllabic, int32_t* partner, double* partner_sim) {
  std::sort(pairs, pairs + n, [](const TokenPair& a, const TokenPair& b) {
    if (a.sim != b.sim) return a.sim > b.sim;
    if (a.q != b.q) return a.q < b.q;
    return a.c < b.c;
  });
  uint64_t q_used = 0, c_used = 0;  // bit sets; tokens beyond 64 are never paired
  int8_t aligned[64];               // a syllabic query's partners, for the order rule
  double num = 0;
  double exact = 0, fuzzy = 0;  // weight of the content pairs, equal and not
  int fuzzy_pairs = 0;
  bool short_fuzzy = false;
  for (size_t k = 0; k < n; ++k) {
    const TokenPair& p = pairs[k];
    if (p.q >= 64 || p.c >= 64) continue;
    if ((q_used >> p.q & 1) || (c_used >> p.c & 1)) continue;
    q_used |= uint64_t{1} << p.q;
    c_used |= uint64_t{1} << p.c;
    num += p.sim * (query_weights[p.q] + list_weights[p.c]);
    if (content >> p.q & 1) {
      if (p.sim >= 1.0) {
        exact += query_weights[p.q] + list_weights[p.c];
      } else {
        fuzzy += query_weights[p.q] + list_weights[p.c];
        ++fuzzy_pairs;
        short_fuzzy = (short_words >> p.q & 1) != 0;
      }
    }
    if (partner != nullptr) {
      partner[p.q] = static_cast<int32_t>(p.c);
      partner_sim[p.q] = p.sim;
    }
    aligned[p.q] = static_cast<int8_t>(p.c);
  }
  if ((q_used & content) == 0) return 0.0;
  double den = query_total + list_total;
  double score = den > 0 ? num / den : 0.0;
  // One near word carrying the name ("haley" / "hanley", "baran group" / "bahman group"):
  // as likely another name as a typo, so only a very near one reaches review.
  if (fuzzy_pairs == 1 && short_fuzzy && fuzzy > exact) score *= kSingleNearWordFactor;
  // A syllabic query's unpaired syllables are missing parts of a given name, whatever
  // their weight ("tian yi xuan" is not "Tian Yi").
  if (syllabic) {
    score *= static_cast<double>(std::popcount(q_used & content)) / std::popcount(content);
    // A name's syllables keep their order; only the family name moves, from first to last
    // or back ("김정은" ~ "KIM Jong Un" ~ "Jong Un KIM"): the paired syllables, read in the
    // query's order, must be the list's in order or rotated. Any other order ("남정윤" ~
    // "YO'N CHO'NG NAM": 남 정 윤 against 연 정 남) is another name made of like syllables.
    if (std::popcount(q_used) >= 3) {
      int descents = 0, first = -1, last = -1;
      for (uint32_t q = 0; q < 64; ++q) {
        if (!(q_used >> q & 1)) continue;
        if (last >= 0 && aligned[q] < last) ++descents;
        if (first < 0) first = aligned[q];
        last = aligned[q];
      }
      if (descents > 1 || (descents == 1 && last > first)) score *= kSyllableOrderFactor;
    }
  }
  return score;
}

double JoinedScore(const PreparedName& query, std::string_view list_joined,
                   std::string_view list_joined_rotated, size_t list_tokens) {
  // Re-segmented letters ("kyongsik" / "kyong sik") lose 0.05; with the same number of
  // tokens the difference is a typo in a short token that the per-token budget refused
  // ("jim" / "kim"): plausible, so it counts, but lands in review, not match.
  const bool same_count = query.tokens.size() == list_tokens;
  const double penalty = same_count ? 0.15 : 0.05;
  if (query.joined.empty()) return 0.0;
  const size_t budget = JoinedBudget(query.joined.size());
  double score = 0.0;
  for (std::string_view c : {list_joined, list_joined_rotated}) {
    // A syllabic query has no typos: only its syllables regrouped ("xu xin" / "XUXIN").
    if (query.syllabic ? c != query.joined : BoundedLevenshtein(query.joined, c, budget) > budget) {
      continue;
    }
    // With as many tokens, the joined form stands for a typo in a token too short for a
    // budget of its own ("jim" / "kim"), not for another first letter of a longer one
    // ("wang min" / "kang min").
    if (same_count && !c.empty() && c[0] != query.joined[0] && query.tokens[0].size() > 3) {
      continue;
    }
    score = std::max(score, JaroWinkler(query.joined, c) - penalty);
  }
  return score;
}

double ScoreName(const PreparedName& query, const PreparedName& candidate,
                 std::vector<TokenMatch>* explain) {
  const auto& qt = query.tokens;
  const auto& ct = candidate.tokens;
  if (qt.empty() || ct.empty()) return 0.0;

  // Small fixed buffer: names rarely have more than a dozen tokens.
  TokenPair buf[256];
  std::vector<TokenPair> heap_pairs;
  TokenPair* pairs = buf;
  size_t n = 0;
  if (qt.size() * ct.size() > std::size(buf)) {
    heap_pairs.resize(qt.size() * ct.size());
    pairs = heap_pairs.data();
  }
  for (uint32_t i = 0; i < qt.size(); ++i) {
    for (uint32_t j = 0; j < ct.size(); ++j) {
      double s =
          PairSimilarity(qt[i], query.original[i], ct[j], candidate.original[j], query.syllabic);
      if (s < 1.0 && IsPatronymic(query, i) != IsPatronymic(candidate, j)) s = 0;
      if (s == 0 && query.legal_form[i] && candidate.legal_form[j]) {
        s = kLegalFormAgreement;
      }
      if (s > 0) pairs[n++] = TokenPair{s, i, j};
    }
  }
  int32_t partner[64];
  double partner_sim[64];
  std::fill(std::begin(partner), std::end(partner), -1);
  const double token_score =
      CombinePairs(pairs, n, query.weights.data(), query.total_weight, candidate.weights.data(),
                   candidate.total_weight, ContentMask(query), ShortWordMask(query), query.syllabic,
                   partner, partner_sim);
  const double joined_score =
      JoinedScore(query, candidate.joined, candidate.joined_rotated, ct.size());
  if (explain != nullptr) {
    Explain(query, candidate, partner, partner_sim, token_score, joined_score, explain);
  }
  return std::min(1.0, std::max(token_score, joined_score));
}

void Explain(const PreparedName& query, const PreparedName& candidate, const int32_t* partner,
             const double* partner_sim, double token_score, double joined_score,
             std::vector<TokenMatch>* explain) {
  explain->clear();
  for (uint32_t i = 0; i < query.tokens.size(); ++i) {
    TokenMatch m;
    m.query_token = query.tokens[i];
    m.weight = query.weights[i];
    if (i < 64 && partner[i] >= 0) {
      m.list_token = candidate.tokens[static_cast<size_t>(partner[i])];
      m.similarity = partner_sim[i];
    }
    explain->push_back(std::move(m));
  }
  if (joined_score > token_score) {
    explain->push_back(TokenMatch{query.joined, candidate.joined, joined_score + 0.05, 0, {}});
  }
}

}  // namespace vigil::match
