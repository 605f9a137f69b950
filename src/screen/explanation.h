// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Explanations in the analyst's words. The matcher aligns normalized tokens, or Korean
// syllable keys; ExplainInWords() turns that alignment into pairs of words as written in the
// query and in the list name, each with the rule that related them when they are not
// written alike:
//
//   "Park Jin Hyuk" ~ "PARK, Jin Hyok"   (keys PAK JIN HYOK on both sides)
//       Park ~ PARK;  Jin ~ Jin;  Hyuk ~ Hyok: same Korean syllable 혁
//   "김정은" ~ "KIM, Jong Un"             (keys KIM JONG ON)
//       김정은 ~ KIM, Jong Un: Hangul transliterated; same Korean syllables 김 정 은
//   "X Co., Ltd." ~ "X Company Limited"   (token coltd)
//       Co., Ltd. ~ Company Limited: same legal form
//
// A word is what text::Words() finds. Each token is tied to the word(s) it was read from
// (text::Analyze with spans; a syllable key through PreparedName::from); the words that
// the paired tokens connect make one entry, so the three syllables of "Yanbian" paired with
// those of "YANBIAN" are one entry "Yanbian ~ YANBIAN", not three.
//
// Rules, in the order given: "<Script> transliterated" (a side written in another script),
// "same Korean syllable(s) <Hangul>" / "similar Korean syllables <Hangul> ~ <Hangul>" (the
// Hangul as written when a side is Hangul, else read from the romanization), "same legal
// form", "both legal forms", "name variant", "same particle", "similar spelling" (within
// the typo budget), "same letters" (accents, apostrophes), "abbreviation" ("Tech" ~
// "TECHNOLOGY"), "spaced differently" (the same letters in another number of words:
// "Wonhong" ~ "Won Hong"), "compared without spaces" (the joined forms scored best). A
// match through the compound view ("Silver Star" read as "SILVERSTAR") is explained through
// PreparedName::from / from_last, so the words after a joined pair keep their partners.

#ifndef VIGIL_SCREEN_EXPLANATION_H_
#define VIGIL_SCREEN_EXPLANATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "match/name_scorer.h"
#include "text/normalize.h"
#include "vigil/screen.h"

namespace vigil::screen {

// One side of an alignment.
struct ExplainedName {
  std::string_view text;                       // the name as written
  const match::PreparedName* plain = nullptr;  // prepared from `text` (NameTable::Prepare)
  const match::PreparedName* view = nullptr;   // what was aligned: *plain or its Korean view
  std::vector<text::Span> spans;               // per plain token: Origins(); empty: unknown
  // text::Words(text), when the caller keeps them (a query explained against each of its
  // matches); empty: found on each call.
  std::vector<text::Span> words;
};

// Where each token of `prepared` (prepared from `text`, `person` as NameTable::Prepare was
// told) is in `text`; empty when analysing again does not give the same tokens: the name
// is then explained as a whole.
std::vector<text::Span> Origins(std::string_view text, bool person,
                                const match::PreparedName& prepared);

// Rewrites *tokens, the alignment match::Explain() gave for query.view against list.view
// (one entry per query view token, then the joined forms when they scored best), as pairs
// of words as written with their rules.
void ExplainInWords(const ExplainedName& query, const ExplainedName& list,
                    std::vector<TokenMatch>* tokens);

// The Hangul syllable a Korean syllable key stands for ("PAK" -> "박"), read from the
// romanized token it came from when that token is one syllable ("hyok" -> "혁"), else from
// the key alone; empty when `key` is not a syllable key.
std::string KeyHangul(std::string_view key, std::string_view spelling);

}  // namespace vigil::screen

#endif  // VIGIL_SCREEN_EXPLANATION_H_
