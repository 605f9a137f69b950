// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "util/data.h"
#include "util/strings.h"

namespace vigil::text {
namespace {

// The transform for a script: the script's own transliterator from
// data/names/transliterators.tsv, then Any-Latin for anything left, then ASCII folding.
std::string TransformFor(const std::string& script_id) {
  return "NFKC; " + (script_id.empty() ? std::string() : script_id + "; ") +
         "Any-Latin; Latin-ASCII; Lower";
}

const std::unordered_map<std::string, std::string>& ScriptTable() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string, std::string>;
    for (const std::vector<std::string>& cols : util::DataRows("names/transliterators.tsv")) {
      if (cols.size() == 2) (*t)[cols[0]] = cols[1];
    }
    return t;
  }();
  return *table;
}

// Per thread, one transliterator per transform (ICU transliterators are not thread-safe).
icu::Transliterator& ThreadTransliterator(const std::string& script_id) {
  thread_local std::unordered_map<std::string, std::unique_ptr<icu::Transliterator>> cache;
  auto it = cache.find(script_id);
  if (it != cache.end()) return *it->second;
  UErrorCode status = U_ZERO_ERROR;
  std::string id = TransformFor(script_id);
  std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
      icu::UnicodeString::fromUTF8(id), UTRANS_FORWARD, status));
  if (U_FAILURE(status) || !t) {
    if (script_id.empty()) {
      throw std::runtime_error(std::string("ICU transliterator unavailable: ") +
                               u_errorName(status));
    }
    return ThreadTransliterator("");  // the script's own transform is missing: Any-Latin
  }
  return *cache.emplace(script_id, std::move(t)).first->second;
}

// The script's transliterator id when every non-Latin letter of `u` is in one listed
// script, else "" (Any-Latin).
std::string ScriptTransform(const icu::UnicodeString& u) {
  UScriptCode found = USCRIPT_INVALID_CODE;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &status);
    if (U_FAILURE(status) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED ||
        sc == USCRIPT_LATIN) {
      continue;
    }
    if (found != USCRIPT_INVALID_CODE && found != sc) return "";
    found = sc;
  }
  if (found == USCRIPT_INVALID_CODE) return "";
  auto it = ScriptTable().find(uscript_getShortName(found));
  return it == ScriptTable().end() ? "" : it->second;
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

// The name before transliteration: typographic apostrophes as ASCII ones, and a space
// after each Hangul syllable (the units of Korean names: "김정은" = KIM Jong Un).
icu::UnicodeString Prepare(std::string_view name) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  u.findAndReplace(u"\u2019", u"'").findAndReplace(u"\u02BC", u"'").findAndReplace(u"\u2018", u"'");
  icu::UnicodeString spaced;
  for (int32_t i = 0; i < u.length(); ++i) {
    char16_t c = u.charAt(i);
    spaced.append(c);
    if (c >= 0xAC00 && c <= 0xD7A3) spaced.append(u' ');
  }
  return spaced;
}

bool IsAscii(std::string_view s) {
  bool ascii = true;
  for (char c : s) ascii &= (static_cast<unsigned char>(c) < 0x80);
  return ascii;
}

}  // namespace

std::string Normalize(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  if (IsAscii(name)) {
    AppendAscii(name, &out);
    return out;
  }
  // Word by word, each with the spaces around it (the context transliteration rules see),
  // through a per-thread cache: names repeat their words ("王", "Мухаммад"), and ICU is
  // most of the cost of a non-Latin name. NormalizeWhole() is the reference.
  const icu::UnicodeString u = Prepare(name);
  const std::string& script = ScriptTransform(u);
  constexpr size_t kMaxCached = 1 << 16;
  thread_local std::unordered_map<std::string, std::string> cache;
  thread_local std::string key, word_utf8;
  std::string utf8;
  const int32_t n = u.length();
  for (int32_t start = 0; start < n;) {
    if (u.charAt(start) == u' ') {
      ++start;
      continue;
    }
    int32_t end = start;
    while (end < n && u.charAt(end) != u' ') ++end;
    const int32_t from = start > 0 ? start - 1 : start, to = end < n ? end + 1 : end;
    word_utf8.clear();
    u.tempSubStringBetween(from, to).toUTF8String(word_utf8);
    key.assign(script);
    key += '\x1f';
    key += word_utf8;
    auto it = cache.find(key);
    if (it == cache.end()) {
      if (cache.size() >= kMaxCached) cache.clear();
      icu::UnicodeString w = u.tempSubStringBetween(from, to);
      ThreadTransliterator(script).transliterate(w);
      std::string latin;
      w.toUTF8String(latin);
      it = cache.emplace(key, std::move(latin)).first;
    }
    utf8 += ' ';
    utf8 += it->second;
    start = end;
  }
  AppendAscii(utf8, &out);  // anything still outside ASCII separates tokens
  return out;
}

std::string NormalizeWhole(std::string_view name) {
  std::string out;
  if (IsAscii(name)) {
    AppendAscii(name, &out);
    return out;
  }
  icu::UnicodeString u = Prepare(name);
  ThreadTransliterator(ScriptTransform(u)).transliterate(u);
  std::string utf8;
  u.toUTF8String(utf8);
  AppendAscii(utf8, &out);
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
