// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// NameIndex: the candidate stage. One view of the list names (plain, or Korean syllable
// keys), prepared once at load into flat arrays, and a search that finds and scores, with
// the same arithmetic as match::ScoreName, every name that can reach a score floor
// without looking at the others.
//
// Layout
//   forms     every distinct list token as (token, original spelling, legal form, particle)
//             with its weight; a name is a run of form ids in one flat array.
//   postings  form -> names containing it, by ascending total weight: for a given floor
//             only a range of weights can reach it, found by binary search.
//   strings   the distinct token and original spellings, each filed under its deletion
//             neighbourhood (key_postings.h) to the depth any partner within the typo
//             budget (match::TypoBudget) can need: a query token finds every list token it
//             could pair with in one lookup per deletion variant, never by a scan.
//   joined    every name's joined and rotated letters ("kyongsik") under their trigrams
//             with their positions, and short ones (<= 10 bytes) under their one-deletion
//             neighbourhood: a query's joined form finds every name within match::JoinedBudget
//             edits.
//
// Search (NameSearch), for one prepared query:
//   1. each query token is matched against the forms once (cached-scorer style): the
//      per-form similarities are kept in per-thread scratch arrays, so scoring a name is a
//      lookup per token, with no string comparison and no heap allocation;
//   2. names near the query's joined form are scored first (they include the exact names);
//   3. then the query's content tokens (not legal forms, not particles), "terms", rarest
//      first (largest possible contribution first), MaxScore style: terms whose partners
//      together cannot lift a name to the floor are never read (the commonest first),
//      since a name that reaches it has a partner of another term. In a term's postings
//      (by name weight) only the weights that can reach the floor are read, and each name
//      is bounded by its total weight, then by its best pair per token, before it is
//      scored.
//   The caller raises the floor as results arrive (its current N-th best) and asks
//   NextTerm(floor) for the next term until there is none. A name agreeing on nothing but
//   legal forms and particles scores 0 (match::CombinePairs), so those tokens' long
//   postings are never read.
//
// Immutable after Build(); NameSearch objects are per query and per thread.

#ifndef VIGIL_INDEX_NAME_INDEX_H_
#define VIGIL_INDEX_NAME_INDEX_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/key_postings.h"
#include "match/name_scorer.h"
#include "vigil/entity.h"

namespace vigil::index {

// Deletion depth for a token of `length` bytes, on the list side and on the query side:
// its own typo budget. Two tokens within budget b of the longer one (|long| - |short| = g)
// reduce to a common string by deleting at most b bytes from the longer and b - g from the
// shorter, and b - g never exceeds the shorter one's own budget (TypoBudget rises by at
// most one per byte).
int DeletionDepth(size_t length);

// How often a string uses each byte, folded to 32 buckets (saturating at 255). One edit
// changes these counts by 2 at most in all (LetterDistance): a cheap filter before an
// edit distance.
using LetterCounts = std::array<uint8_t, 32>;
LetterCounts CountLetters(std::string_view s);
int LetterDistance(const LetterCounts& a, const LetterCounts& b);

class NameIndex {
 public:
  NameIndex();
  ~NameIndex();
  NameIndex(const NameIndex&) = delete;
  NameIndex& operator=(const NameIndex&) = delete;

  // `names` are weighted (TokenStats::Weigh); kinds[i] is the kind of names[i]'s entity.
  void Build(std::vector<match::PreparedName> names, std::vector<EntityKind> kinds);

  const std::vector<match::PreparedName>& names() const { return names_; }
  EntityKind kind(uint32_t name) const { return kinds_[name]; }
  size_t forms() const { return form_weight_.size(); }
  // Bytes of the index arrays (not of names()).
  size_t bytes() const;
  // A process-unique id of this build: per-thread scratch is keyed by it.
  uint64_t generation() const { return generation_; }

 private:
  friend class NameSearch;

  std::vector<match::PreparedName> names_;
  std::vector<EntityKind> kinds_;
  std::vector<float> total_weight_;   // per name
  std::vector<uint32_t> name_start_;  // per name + 1: its run in name_forms_
  struct NameForm {
    uint32_t form;
    float weight;  // the token's weight in this name
  };
  std::vector<NameForm> name_forms_;

  // Forms.
  std::vector<std::string> form_token_, form_original_;
  std::vector<float> form_weight_;
  std::vector<uint8_t> form_legal_;       // 1: legal form
  std::vector<uint8_t> form_patronymic_;  // 1: patronymic (match::IsPatronymic)
  std::vector<uint32_t> posting_start_;   // per form + 1
  std::vector<uint32_t> postings_;        // name ids, by total weight then id
  std::vector<float> posting_weight_;     // parallel to postings_: the name's total weight
  // Parallel to postings_: the name's forms as bits (and a bit for a repeated form). A name
  // without a second partner of the query is ruled out without reading it.
  std::vector<uint64_t> posting_sig_;
  float max_legal_weight_ = 0;

  // Spellings: string id -> forms having it as token or original.
  std::vector<uint32_t> spelling_start_;  // per spelling + 1
  std::vector<uint32_t> spelling_forms_;
  KeyPostings deletions_;  // deletion variant hash -> spelling ids

  std::vector<LetterCounts> letters_;    // per name: CountLetters(joined)
  std::vector<uint16_t> joined_length_;  // per name: bytes of joined
  KeyPostings trigrams_;                 // trigram hash -> names (joined or rotated)
  KeyPostings short_joined_;  // one-deletion variants of joined forms <= 10 bytes -> names
  uint64_t generation_ = 0;
};

struct ScoredName {
  uint32_t name;
  double score;
};

// One query against one NameIndex. Not thread-safe; cheap to construct (working memory is
// per-thread and reused).
class NameSearch {
 public:
  struct Scratch;  // per-thread working memory (name_index.cc)

  // `kind` kUnknown: names of any kind; otherwise names of that kind or kUnknown.
  NameSearch(const NameIndex& index, const match::PreparedName& query, EntityKind kind);
  ~NameSearch();
  NameSearch(const NameSearch&) = delete;
  NameSearch& operator=(const NameSearch&) = delete;

  // Step 2: scores the names within the joined budget; appends those scoring above 0.
  void ScoreJoined(std::vector<ScoredName>* out);
  // The content tokens with any list partner ("terms"), rarest first.
  size_t terms() const { return terms_.size(); }
  // Upper bound of the score of a name not met yet: one whose partners are among the terms
  // not scanned yet (and legal forms and particles). 0 once every term is scanned.
  double Bound() const;
  static constexpr size_t kNoTerm = SIZE_MAX;
  // The term to scan next for `floor`, or kNoTerm when no name not met yet can reach it.
  // Terms whose partners together cannot lift a name to the floor are left unread (the
  // commonest first): a name reaching it has a partner of another term, met there.
  size_t NextTerm(double floor) const;
  // Scans term t: scores the names of its postings not met yet whose bound reaches
  // `floor`; appends those scoring above 0. Names under the floor are skipped for good
  // (floors only rise). Returns true when the term is done; false when it stopped after
  // `budget` names, so that the caller can raise the floor: the next call (with this term
  // from NextTerm, which goes on with a term in progress while it is needed) resumes.
  bool ScoreTerm(size_t t, double floor, std::vector<ScoredName>* out, size_t budget = SIZE_MAX);

  // The exact score of one name (same value as match::ScoreName), from the cached token
  // similarities.
  double Score(uint32_t name) const;
  // Score(), and the explanation match::ScoreName gives.
  double Explain(uint32_t name, std::vector<TokenMatch>* explain) const;

 private:
  static constexpr uint32_t kFresh = UINT32_MAX;
  struct Term {
    uint32_t q;   // query token
    float bound;  // query weight + the largest weight of a partner form
    bool scanned = false;
    uint64_t postings = 0;  // of all its forms
    // Where a scan stopped (ScoreTerm's budget): form, and posting or kFresh.
    uint32_t next_form = 0;
    uint32_t next_posting = kFresh;
    // Partner forms and the most each adds (similarity * (query + form weight)), largest
    // first.
    std::vector<std::pair<uint32_t, double>> forms;
  };
  struct TokenPartners {
    std::vector<std::pair<uint32_t, double>> forms;  // (form, similarity > 0)
    float max_weight = 0;                            // of those forms
  };
  const TokenPartners& Partners(Scratch& scratch, const std::string& token,
                                const std::string& original, bool patronymic) const;
  bool Compatible(uint32_t name) const;
  // An upper bound of a name's token score from its forms alone (no alignment).
  double PairBound(uint32_t name) const;
  // The name's score given its joined score; fills partner/partner_sim as
  // match::CombinePairs does when they are not null.
  double ScoreWith(uint32_t name, double joined, int32_t* partner = nullptr,
                   double* partner_sim = nullptr) const;
  double BoundOf(double num, double extra) const;
  double Overflow(uint32_t name, const int32_t* partner) const;
  double Joined(uint32_t name) const;  // match::JoinedScore of the query and the name

  const NameIndex& index_;
  const match::PreparedName& query_;
  EntityKind kind_;
  Scratch* scratch_;
  uint64_t content_ = 0;
  uint64_t short_words_ = 0;  // match::ShortWordMask of the query
  LetterCounts letters_{};    // of the query's joined form
  std::vector<Term> terms_;
  float fixed_num_ = 0;                // query weight + partner bound of non-content tokens
  float fixed_extra_ = 0;              // partner weight bound of non-content tokens
  std::vector<uint32_t> by_postings_;  // term ids, most postings first
  int8_t term_of_[64];                 // query token -> its term, or -1
  bool has_legal_ = false;
  bool joined_done_ = false;
};

}  // namespace vigil::index

#endif  // VIGIL_INDEX_NAME_INDEX_H_
