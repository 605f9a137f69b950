// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/analyze.h"

#include "text/legal_forms.h"
#include "text/normalize.h"
#include "text/variants.h"

namespace vigil::text {

AnalyzedName Analyze(std::string_view name, bool person, bool spans) {
  AnalyzedName a;
  a.tokens = spans ? TokenizeWithSpans(name, &a.spans) : Tokenize(name);
  if (person) {
    a.legal_form.assign(a.tokens.size(), false);
  } else if (spans) {
    std::vector<uint32_t> consumed;
    CanonicalizeLegalForms(&a.tokens, &a.legal_form, &consumed);
    std::vector<Span> merged;
    size_t k = 0;
    for (uint32_t c : consumed) {
      merged.push_back(Span{a.spans[k].begin, a.spans[k + c - 1].end});
      k += c;
    }
    a.spans = std::move(merged);
  } else {
    CanonicalizeLegalForms(&a.tokens, &a.legal_form);
  }
  a.particle.assign(a.tokens.size(), false);
  a.original.assign(a.tokens.size(), std::string());
  for (size_t i = 0; i < a.tokens.size(); ++i) {
    if (a.legal_form[i]) continue;
    std::string before = a.tokens[i];
    a.particle[i] = CanonicalizeVariant(&a.tokens[i]);
    if (before != a.tokens[i]) a.original[i] = std::move(before);
  }
  return a;
}

}  // namespace vigil::text
