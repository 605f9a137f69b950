// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Name analysis: a raw name to the tokens the matcher compares, each tagged.
//
// Normalize (normalize.h), split into tokens, for names that are not a person's replace
// legal-form phrases by their canonical token (legal_forms.h) and abbreviated words by the
// word ("tech" -> "technology"), then bring spelling variants and particles to their
// canonical form (variants.h). Thread-safe.

#ifndef VIGIL_TEXT_ANALYZE_H_
#define VIGIL_TEXT_ANALYZE_H_

#include <string>
#include <string_view>
#include <vector>

#include "text/normalize.h"

namespace vigil::text {

struct AnalyzedName {
  std::vector<std::string> tokens;
  std::vector<bool> legal_form;       // parallel to tokens
  std::vector<bool> particle;         // parallel to tokens: al, bin, de, van ...
  std::vector<std::string> original;  // parallel: spelling before variants, "" if unchanged
  bool syllabic = false;  // the name has Han, Hangul or Kana letters (see IsSyllabicScript)
  // Parallel: where in the name each token came from (a legal form: from its first word to
  // its last). Filled only when Analyze() is asked for spans.
  std::vector<Span> spans;
};

// Whether `name` (UTF-8) has a letter of a syllabic or logographic script: Han (Chinese
// characters, also Japanese kanji), Hangul, Hiragana or Katakana. Their transliteration
// spells whole syllables, without typos.
bool IsSyllabicScript(std::string_view name);

// `person`: the name is known to be a person's (no legal-form rewriting). `spans`: also
// record where each token came from (TokenizeWithSpans; slower, for explanations).
AnalyzedName Analyze(std::string_view name, bool person, bool spans = false);

}  // namespace vigil::text

#endif  // VIGIL_TEXT_ANALYZE_H_
