// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Name normalization: any script, any casing, any punctuation in; lower-case ASCII
// tokens out.
//
//   "KIM, Jong-Un"      -> "kim jong un"
//   "Ch'ol"             -> "chol"        (apostrophes and dots join, they do not split)
//   "Société Générale"  -> "societe generale"
//   "김정은"             -> "gim jeong eun"   (ICU Any-Latin, then Latin-ASCII)
//   "Мухаммад"          -> "mukhammad"
//
// Steps: NFKC, transliteration of non-Latin scripts to Latin with the ICU transform chosen
// for the name's script in data/names/transliterators.tsv (Russian-Latin/BGN for Cyrillic,
// Arabic-Latin, Han-Latin ...; Any-Latin for mixed or unlisted scripts), Latin to ASCII
// (marks stripped), lower case, then punctuation: ' ’ ` . are removed, every other non-alphanumeric
// character separates tokens. ASCII input takes a fast path that never touches ICU.
//
// Thread-safe: each thread uses its own ICU transliterator and its own cache of
// transliterated words.

#ifndef VIGIL_TEXT_NORMALIZE_H_
#define VIGIL_TEXT_NORMALIZE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::text {

// The normalized form: tokens joined by single spaces, no leading/trailing space.
std::string Normalize(std::string_view name);

// Normalize() transliterating the whole name at once, without the per-thread word cache
// that Normalize() uses: the reference it must agree with.
std::string NormalizeWhole(std::string_view name);

// Normalize(name) split into tokens.
std::vector<std::string> Tokenize(std::string_view name);

// Where a token came from: the bytes [begin, end) of the name as given.
struct Span {
  uint32_t begin = 0, end = 0;
  bool operator==(const Span&) const = default;
};

// Tokenize(name), and in *spans (parallel to the tokens) where each token is in `name`: the
// letters it was made of ("Jong" of "KIM, Jong-Un"), a Hangul syllable of its own ("정" of
// "김정은"), or the whole word when transliteration split a word into a number of tokens
// that its own punctuation does not explain. For explanations; Tokenize() is the fast path.
std::vector<std::string> TokenizeWithSpans(std::string_view name, std::vector<Span>* spans);

// The words of a name as written: runs of letters, digits, marks and joiners (' ` . and the
// typographic apostrophes) between spaces and other punctuation. "KIM, Jong-Un" has three;
// "김정은" and "Co." one each.
std::vector<Span> Words(std::string_view name);

}  // namespace vigil::text

#endif  // VIGIL_TEXT_NORMALIZE_H_
