// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Korean names, however romanized, reduced to syllable keys that compare equal.
//
//   "Jong Un", "Jeong-eun", "Chong Un", "정은" (after transliteration: "jeong eun")
//       -> JONG, ON
//   "Kyongsik", "Gyeong Sik"  -> KYONG, SIK        (joined given names are split)
//   "Ri", "Lee", "Yi", "Rhee" -> I
//
// A token is split into syllables ([initial] vowel [final], parts from the reviewed table
// data/names/korean_romanization.tsv, longest variant first, backtracking when the rest
// of the token does not split). A token that does not split wholly is not Korean and
// gets no keys. Built once on first use; thread-safe.

#ifndef VIGIL_TEXT_KOREAN_H_
#define VIGIL_TEXT_KOREAN_H_

#include <string>
#include <string_view>
#include <vector>

namespace vigil::text {

// Appends the syllable keys of a normalized token to *keys and returns true, or returns
// false (and appends nothing) when the token is not romanized Korean.
bool KoreanSyllableKeys(std::string_view token, std::vector<std::string>* keys);

}  // namespace vigil::text

#endif  // VIGIL_TEXT_KOREAN_H_
