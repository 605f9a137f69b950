// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "match/name_scorer.h"

#include <algorithm>

#include "match/jaro_winkler.h"
#include "match/levenshtein.h"

namespace vigil::match {
namespace {

struct Pair {
  double sim;
  uint32_t q, c;
};

}  // namespace

size_t TypoBudget(size_t length) {
  if (length <= 3) return 0;  // "kim" / "kin": too short to tell a typo from a name
  if (length <= 5) return 1;
  if (length <= 9) return 2;
  return 3;
}

double TokenSimilarity(std::string_view a, std::string_view b) {
  if (a == b) return 1.0;
  if (std::min(a.size(), b.size()) < 3) return 0.0;
  const size_t budget = TypoBudget(std::max(a.size(), b.size()));
  if (budget == 0) return 0.0;
  double jw = JaroWinkler(a, b);
  if (jw < kMinTokenSimilarity) return 0.0;
  return BoundedLevenshtein(a, b, budget) <= budget ? jw : 0.0;
}

double ScoreName(const PreparedName& query, const PreparedName& candidate,
                 std::vector<TokenMatch>* explain) {
  const auto& qt = query.tokens;
  const auto& ct = candidate.tokens;
  if (qt.empty() || ct.empty()) return 0.0;

  // Small fixed buffer: names rarely have more than a dozen tokens.
  Pair buf[256];
  std::vector<Pair> heap_pairs;
  Pair* pairs = buf;
  size_t n = 0;
  if (qt.size() * ct.size() > std::size(buf)) {
    heap_pairs.resize(qt.size() * ct.size());
    pairs = heap_pairs.data();
  }
  for (uint32_t i = 0; i < qt.size(); ++i) {
    for (uint32_t j = 0; j < ct.size(); ++j) {
      double s = TokenSimilarity(qt[i], ct[j]);
      if (s < 1.0 && (!query.original[i].empty() || !candidate.original[j].empty())) {
        const std::string& qo = query.original[i].empty() ? qt[i] : query.original[i];
        const std::string& co = candidate.original[j].empty() ? ct[j] : candidate.original[j];
        s = std::max(s, TokenSimilarity(qo, co));
      }
      if (s == 0 && query.legal_form[i] && candidate.legal_form[j]) {
        s = kLegalFormAgreement;
      }
      if (s > 0) pairs[n++] = Pair{s, i, j};
    }
  }
  std::sort(pairs, pairs + n, [](const Pair& a, const Pair& b) {
    if (a.sim != b.sim) return a.sim > b.sim;
    if (a.q != b.q) return a.q < b.q;
    return a.c < b.c;
  });
  uint64_t q_used = 0, c_used = 0;  // bit sets; tokens beyond 64 are never paired
  double num = 0;
  int32_t partner[64];
  double partner_sim[64];
  std::fill(std::begin(partner), std::end(partner), -1);
  for (size_t k = 0; k < n; ++k) {
    const Pair& p = pairs[k];
    if (p.q >= 64 || p.c >= 64) continue;
    if ((q_used >> p.q & 1) || (c_used >> p.c & 1)) continue;
    q_used |= uint64_t{1} << p.q;
    c_used |= uint64_t{1} << p.c;
    num += p.sim * (query.weights[p.q] + candidate.weights[p.c]);
    partner[p.q] = static_cast<int32_t>(p.c);
    partner_sim[p.q] = p.sim;
  }
  double den = query.total_weight + candidate.total_weight;
  double token_score = den > 0 ? num / den : 0.0;

  double joined_score = 0.0;
  {
    // Re-segmented letters ("kyongsik" / "kyong sik") lose 0.05; with the same number of
    // tokens the difference is a typo in a short token that the per-token budget refused
    // ("jim" / "kim"): plausible, so it counts, but lands in review, not match.
    const double penalty = qt.size() != ct.size() ? 0.05 : 0.15;
    const size_t budget = query.joined.size() >= 12 ? 2 : 1;
    for (const std::string* c : {&candidate.joined, &candidate.joined_rotated}) {
      if (BoundedLevenshtein(query.joined, *c, budget) > budget) continue;
      joined_score = std::max(joined_score, JaroWinkler(query.joined, *c) - penalty);
    }
  }
  bool joined_wins = joined_score > token_score;

  if (explain != nullptr) {
    explain->clear();
    for (uint32_t i = 0; i < qt.size(); ++i) {
      TokenMatch m;
      m.query_token = qt[i];
      m.weight = query.weights[i];
      if (i < 64 && partner[i] >= 0) {
        m.list_token = ct[static_cast<size_t>(partner[i])];
        m.similarity = partner_sim[i];
      }
      explain->push_back(std::move(m));
    }
    if (joined_wins) {
      explain->push_back(TokenMatch{query.joined, candidate.joined, joined_score + 0.05, 0});
    }
  }
  return std::min(1.0, std::max(token_score, joined_score));
}

}  // namespace vigil::match
