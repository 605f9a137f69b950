// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Legal forms ("Co., Ltd.", "Sociedad Anonima de Capital Variable", "OOO") recognised in
// normalized token sequences and replaced by one canonical token, from the reviewed table
// data/names/legal_forms.tsv. Longest variant first, so "company limited" becomes
// "coltd", not "co" + "ltd".
//
// Built once on first use; thread-safe.

#ifndef VIGIL_TEXT_LEGAL_FORMS_H_
#define VIGIL_TEXT_LEGAL_FORMS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::text {

// Rewrites `tokens` in place, replacing each legal-form phrase by its canonical token.
// `is_legal_form` receives one flag per resulting token; `originals`, when not null, the
// word a one-word legal form replaced where it differs ("company" for "co"), else "", so
// that a typo in it ("compagy") is still judged against the word as written; `consumed`
// (when not null) how many of the given tokens each resulting token stands for ("co ltd" ->
// "coltd": 2).
void CanonicalizeLegalForms(std::vector<std::string>* tokens, std::vector<bool>* is_legal_form,
                            std::vector<std::string>* originals = nullptr,
                            std::vector<uint32_t>* consumed = nullptr);

}  // namespace vigil::text

#endif  // VIGIL_TEXT_LEGAL_FORMS_H_
