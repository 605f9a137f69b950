// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Screening: is this party on a loaded list, and under which name?
//
//   std::vector<vigil::LoadedList> lists = ...;            // vigil::LoadList() each
//   std::unique_ptr<vigil::Screener> screener;
//   vigil::Status s = vigil::Screener::Create(std::move(lists), &screener);
//   auto matches = screener->Screen({.name = "Kim Jong Un", .kind = vigil::EntityKind::kPerson});
//
// A query goes through three replaceable stages: the name is normalized and prepared once
// (src/text), candidates are selected (src/index), and each candidate name is scored
// against the prepared query (src/match). An entity's score is that of its best name.
//
// Thread safety: a Screener is immutable after Create(); Screen() may be called from any
// number of threads at once. Matches point into the Screener and live as long as it does.

#ifndef VIGIL_SCREEN_H_
#define VIGIL_SCREEN_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/entity.h"
#include "vigil/list.h"
#include "vigil/status.h"

namespace vigil {

struct Query {
  std::string name;
  EntityKind kind = EntityKind::kUnknown;  // kUnknown: any kind
  std::string dob;      // optional, "YYYY-MM-DD", "YYYY-MM" or "YYYY"; unparseable: ignored
  std::string country;  // optional, ISO 3166-1 alpha-2 or a country name
  // Optional identifier values (passport, IMO number, digital currency address, company
  // registration, email, website ...). One that equals a listed identifier is a hit on its
  // own, whatever the name says. Compared on letters and digits only, case-insensitively.
  std::vector<std::string> identifiers;
};

// What a score means for an analyst. Chosen on the development set (docs/accuracy.md):
// at kMatchThreshold 95.5% of listed parties score above it and none of 600 unlisted ones
// (5.4% of near-miss "hard negatives"); at kReviewThreshold 99.0% and 0.7% (31%).
enum class Decision { kNone, kReview, kMatch };
inline constexpr double kMatchThreshold = 0.85;
inline constexpr double kReviewThreshold = 0.72;
std::string_view ToString(Decision decision);  // "match", "review", "none"

// Matches scoring under this are not reported by default: a name that weak shares at most
// a common word with the query. On the development set it changes no recall figure and
// empties the results of 69% of unlisted names (docs/accuracy.md); it also lets the
// candidate stage skip most names sharing only such a word.
inline constexpr double kDefaultMinScore = 0.5;

struct ScreenOptions {
  size_t top = 10;                      // at most this many matches, best first
  double min_score = kDefaultMinScore;  // drop matches scoring below this (0: keep all)
  double match_threshold = kMatchThreshold;
  double review_threshold = kReviewThreshold;
  // Score every list name instead of asking the candidate index: slower by orders of
  // magnitude, same results (the test of the index). For checks and benchmarks.
  bool exhaustive = false;
  // Fill Match::tokens (how the query lined up with the matched name). Costs one more
  // comparison per match; batch screening without --explain turns it off.
  bool explain = true;
  // Also compare the query's Korean syllable reading with the Korea-linked entries (the
  // default). The reverse search of the stored parties (screen/party_index.h), where every
  // party is such an entry, turns it off for a listed entity that is not Korea-linked: a
  // forward screening never compares that entity through the Korean reading.
  bool korean_view = true;
};

// A word (or words) of the query and the words of the list name they were aligned with,
// as written: "Park" ~ "PAK", "Co., Ltd." ~ "Company Limited", "김정은" ~ "Kim Jong Un".
// The matcher compares normalized tokens (and Korean syllable keys); a Match's tokens give
// one entry per query word, or per group of words whose tokens were paired across words.
struct TokenMatch {
  std::string query_token;  // the query's word(s) as written
  std::string list_token;   // the list name's word(s) as written; empty: no partner
  double similarity = 0;    // 0..1 (the weighted mean over the entry's tokens)
  double weight = 0;        // how much this entry counts (rarer tokens count more)
  // What related the words when they are not written alike, in words: "same Korean
  // syllable 박", "same legal form", "name variant", "Hangul transliterated", "similar
  // spelling", "compared without spaces" (several joined by "; "); empty when they are.
  std::string rule;
};

// A secondary attribute that raised or lowered a match's score.
struct Evidence {
  std::string attribute;  // "birth_date", "country"
  std::string query_value;
  std::string list_value;  // the closest value on the list entry
  double effect = 0;       // the score change it caused (negative: lowered)
  std::string note;        // "same date", "born 31 years apart", ...
};

// One record of a matched party: the entity and the list it is on.
struct Listing {
  const Entity* entity = nullptr;
  // The list's title; for the CSL with the sub-list(s) of the row: "US Consolidated
  // Screening List: Entity List (EL) - Bureau of Industry and Security".
  std::string_view list_name;
};

struct Match {
  const Entity* entity = nullptr;  // the party's record whose name scored best
  double score = 0;                // 0..1, the best name's score
  std::string matched_name;        // the list name (as listed) that scored best
  NameKind matched_kind = NameKind::kPrimary;
  Decision decision = Decision::kNone;  // from score and the options' thresholds
  double name_score = 0;                // the name alone, before attributes and identifiers
  std::vector<TokenMatch> tokens;       // how the query lined up with matched_name
  std::vector<Evidence> evidence;       // date of birth and country effects
  std::string_view list_name;           // as Listing::list_name, for `entity`
  // The party's other records (Screener::Create groups them), in list order; usually
  // empty. A party is one match, however many lists carry it.
  std::vector<Listing> also_on;
};

class Screener {
 public:
  Screener(const Screener&) = delete;
  Screener& operator=(const Screener&) = delete;
  ~Screener();

  // Takes ownership of `lists` and prepares every name for matching. Groups records of
  // the same party (the CSL's copies of OFAC entries, the same IMO number on two lists, ...:
  // src/screen/groups.h) so that Screen() shows each party once. Fails when two lists hold
  // the same entity id.
  static Status Create(std::vector<LoadedList> lists, std::unique_ptr<Screener>* out);

  // Ranked matches for `query`, one per party (options.top counts parties): best first,
  // ties broken by list order.
  std::vector<Match> Screen(const Query& query, const ScreenOptions& options) const;

  // Screen() limited to the loaded entities `ids` (unknown ids are skipped): their names are
  // scored one by one as options.exhaustive does, so each gets the score Screen() gives it
  // (and the same top and min_score apply among them). For checking a few candidates
  // (store/rescreen.cc) without searching the whole index.
  std::vector<Match> ScreenAmong(const Query& query, const ScreenOptions& options,
                                 const std::vector<std::string_view>& ids) const;

  // The entity with this id ("us_ofac_sdn:22323"), or nullptr. A CSL row is also found
  // under its former id, "us_csl:<_id as the file has it>".
  const Entity* Find(std::string_view id) const;

  const std::vector<LoadedList>& lists() const;

 private:
  struct Rep;
  explicit Screener(std::unique_ptr<Rep> rep);
  std::vector<Match> ScreenImpl(const Query& query, const ScreenOptions& options,
                                const std::vector<uint32_t>* only) const;
  std::unique_ptr<Rep> rep_;
};

}  // namespace vigil

#endif  // VIGIL_SCREEN_H_
