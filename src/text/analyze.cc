// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/analyze.h"

#include "text/legal_forms.h"
#include "text/normalize.h"
#include "text/variants.h"

namespace vigil::text {

bool IsSyllabicScript(std::string_view name) {
  for (size_t i = 0; i < name.size(); ++i) {
    const auto b = static_cast<unsigned char>(name[i]);
    char32_t c;
    if ((b & 0xF0) == 0xE0 && i + 2 < name.size()) {
      c = (char32_t{b} & 0x0F) << 12 |
          (char32_t{static_cast<unsigned char>(name[i + 1])} & 0x3F) << 6 |
          (char32_t{static_cast<unsigned char>(name[i + 2])} & 0x3F);
    } else if ((b & 0xF8) == 0xF0 && i + 3 < name.size()) {
      c = (char32_t{b} & 0x07) << 18 |
          (char32_t{static_cast<unsigned char>(name[i + 1])} & 0x3F) << 12 |
          (char32_t{static_cast<unsigned char>(name[i + 2])} & 0x3F) << 6 |
          (char32_t{static_cast<unsigned char>(name[i + 3])} & 0x3F);
    } else {
      continue;
    }
    if ((c >= 0x1100 && c <= 0x11FF) ||    // Hangul Jamo
        (c >= 0x3040 && c <= 0x30FF) ||    // Hiragana, Katakana
        (c >= 0x3130 && c <= 0x318F) ||    // Hangul compatibility Jamo
        (c >= 0x3400 && c <= 0x4DBF) ||    // CJK extension A
        (c >= 0x4E00 && c <= 0x9FFF) ||    // CJK unified ideographs
        (c >= 0xAC00 && c <= 0xD7AF) ||    // Hangul syllables
        (c >= 0xF900 && c <= 0xFAFF) ||    // CJK compatibility ideographs
        (c >= 0x20000 && c <= 0x3134F)) {  // CJK extensions B..G
      return true;
    }
  }
  return false;
}

AnalyzedName Analyze(std::string_view name, bool person, bool spans) {
  AnalyzedName a;
  a.syllabic = IsSyllabicScript(name);
  a.tokens = spans ? TokenizeWithSpans(name, &a.spans) : Tokenize(name);
  if (person) {
    a.legal_form.assign(a.tokens.size(), false);
    a.original.assign(a.tokens.size(), std::string());
  } else if (spans) {
    std::vector<uint32_t> consumed;
    CanonicalizeLegalForms(&a.tokens, &a.legal_form, &a.original, &consumed);
    std::vector<Span> merged;
    size_t k = 0;
    for (uint32_t c : consumed) {
      merged.push_back(Span{a.spans[k].begin, a.spans[k + c - 1].end});
      k += c;
    }
    a.spans = std::move(merged);
  } else {
    CanonicalizeLegalForms(&a.tokens, &a.legal_form, &a.original);
  }
  a.particle.assign(a.tokens.size(), false);
  for (size_t i = 0; i < a.tokens.size(); ++i) {
    if (a.legal_form[i]) continue;
    std::string before = a.tokens[i];
    if (!person && CanonicalizeBusinessWord(&a.tokens[i])) {
      a.original[i] = std::move(before);
      continue;
    }
    a.particle[i] = CanonicalizeVariant(&a.tokens[i]);
    if (before != a.tokens[i]) a.original[i] = std::move(before);
  }
  return a;
}

}  // namespace vigil::text
