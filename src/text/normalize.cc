// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <stdexcept>

namespace vigil::text {
namespace {

// Any-Latin handles every script ICU knows (Hangul, Cyrillic, Arabic, Han, kana, Greek,
// Hebrew, Georgian, Armenian ...); Latin-ASCII then folds diacritics and ligatures.
constexpr char kTransliteratorId[] = "NFKC; Any-Latin; Latin-ASCII; Lower";

icu::Transliterator& ThreadTransliterator() {
  thread_local std::unique_ptr<icu::Transliterator> tr = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(
        icu::Transliterator::createInstance(kTransliteratorId, UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !t) {
      throw std::runtime_error(std::string("ICU transliterator unavailable: ") +
                               u_errorName(status));
    }
    return t;
  }();
  return *tr;
}

bool IsJoiner(char c) { return c == '\'' || c == '`' || c == '.'; }

// Appends the ASCII text `s` in normalized form to *out.
void AppendAscii(std::string_view s, std::string* out) {
  bool pending_space = false;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (pending_space && !out->empty()) out->push_back(' ');
      pending_space = false;
      out->push_back(c);
    } else if (!IsJoiner(c)) {
      pending_space = true;
    }
  }
}

}  // namespace

std::string Normalize(std::string_view name) {
  bool ascii = true;
  for (char c : name) ascii &= (static_cast<unsigned char>(c) < 0x80);
  std::string out;
  out.reserve(name.size());
  if (ascii) {
    AppendAscii(name, &out);
    return out;
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  // Typographic apostrophes and modifier letters join like ASCII ones.
  u.findAndReplace(u"\u2019", u"'").findAndReplace(u"\u02BC", u"'").findAndReplace(u"\u2018", u"'");
  // Hangul syllables are the units of Korean names ("김정은" = KIM Jong Un): one token each.
  icu::UnicodeString spaced;
  for (int32_t i = 0; i < u.length(); ++i) {
    char16_t c = u.charAt(i);
    spaced.append(c);
    if (c >= 0xAC00 && c <= 0xD7A3) spaced.append(u' ');
  }
  u = std::move(spaced);
  ThreadTransliterator().transliterate(u);
  std::string utf8;
  u.toUTF8String(utf8);
  AppendAscii(utf8, &out);  // anything still outside ASCII separates tokens
  return out;
}

std::vector<std::string> Tokenize(std::string_view name) {
  std::vector<std::string> tokens;
  std::string norm = Normalize(name);
  size_t start = 0;
  while (start < norm.size()) {
    size_t end = norm.find(' ', start);
    if (end == std::string::npos) end = norm.size();
    tokens.emplace_back(norm, start, end - start);
    start = end + 1;
  }
  return tokens;
}

}  // namespace vigil::text
