// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/analyze.h"

#include "text/legal_forms.h"
#include "text/normalize.h"
#include "text/variants.h"

namespace vigil::text {

AnalyzedName Analyze(std::string_view name, bool person) {
  AnalyzedName a;
  a.tokens = Tokenize(name);
  if (person) {
    a.legal_form.assign(a.tokens.size(), false);
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
