// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/analyze.h"

#include "text/legal_forms.h"
#include "text/normalize.h"

namespace vigil::text {

AnalyzedName Analyze(std::string_view name, bool person) {
  AnalyzedName a;
  a.tokens = Tokenize(name);
  if (person) {
    a.legal_form.assign(a.tokens.size(), false);
  } else {
    CanonicalizeLegalForms(&a.tokens, &a.legal_form);
  }
  return a;
}

}  // namespace vigil::text
