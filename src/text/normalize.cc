// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

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

// The Latin transliteration of the word u[start, end) (no spaces in it), seen with the
// space before and after it, through a per-thread cache.
const std::string& TransliterateWord(const icu::UnicodeString& u, int32_t start, int32_t end,
                                     const std::string& script) {
  constexpr size_t kMaxCached = 1 << 16;
  thread_local std::unordered_map<std::string, std::string> cache;
  thread_local std::string key, word_utf8;
  const int32_t from = start > 0 ? start - 1 : start, to = end < u.length() ? end + 1 : end;
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
  return it->second;
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
  std::string utf8;
  const int32_t n = u.length();
  for (int32_t start = 0; start < n;) {
    if (u.charAt(start) == u' ') {
      ++start;
      continue;
    }
    int32_t end = start;
    while (end < n && u.charAt(end) != u' ') ++end;
    utf8 += ' ';
    utf8 += TransliterateWord(u, start, end, script);
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

namespace {

// Splits `s` at single spaces into *tokens.
void SplitSpaces(std::string_view s, std::vector<std::string>* tokens) {
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(' ', start);
    if (end == std::string_view::npos) end = s.size();
    tokens->emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
}

// Whether the code point is part of a word as the normalizer reads it: a letter, digit or
// mark, or a joiner (apostrophes, dot).
bool WordChar(UChar32 c) {
  if (c == '\'' || c == '`' || c == '.' || c == 0x2019 || c == 0x02BC || c == 0x2018) return true;
  return u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
}

// The pieces of name[begin, end) between separators (runs of WordChar).
std::vector<Span> Pieces(std::string_view name, uint32_t begin, uint32_t end) {
  std::vector<Span> out;
  if (IsAscii(name.substr(begin, end - begin))) {
    bool in = false;
    for (uint32_t i = begin; i < end; ++i) {
      const char c = name[i];
      const bool word =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || IsJoiner(c);
      if (word && !in) out.push_back(Span{i, i});
      if (word) out.back().end = i + 1;
      in = word;
    }
    return out;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(name.data());
  bool in = false;
  for (int32_t i = static_cast<int32_t>(begin); i < static_cast<int32_t>(end);) {
    const uint32_t at = static_cast<uint32_t>(i);
    UChar32 c;
    U8_NEXT(p, i, static_cast<int32_t>(end), c);
    const bool word = c >= 0 && WordChar(c);
    if (word && !in) out.push_back(Span{at, at});
    if (word) out.back().end = static_cast<uint32_t>(i);
    in = word;
  }
  return out;
}

}  // namespace

std::vector<Span> Words(std::string_view name) {
  return Pieces(name, 0, static_cast<uint32_t>(name.size()));
}

std::vector<std::string> TokenizeWithSpans(std::string_view name, std::vector<Span>* spans) {
  std::vector<std::string> tokens;
  spans->clear();
  if (IsAscii(name)) {
    // As AppendAscii: letters and digits make tokens, joiners are skipped inside them.
    bool in = false;
    for (uint32_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (!in) {
          tokens.emplace_back();
          spans->push_back(Span{i, i});
        }
        tokens.back().push_back(c);
        spans->back().end = i + 1;
        in = true;
      } else if (!IsJoiner(c)) {
        in = false;
      }
    }
    return tokens;
  }
  // The byte offset in `name` of each UTF-16 unit of the prepared name (Prepare() adds a
  // space after each Hangul syllable: it maps to the end of the syllable).
  const icu::UnicodeString u = Prepare(name);
  std::vector<uint32_t> offset;
  offset.reserve(static_cast<size_t>(u.length()) + 1);
  const auto* p = reinterpret_cast<const uint8_t*>(name.data());
  const int32_t len = static_cast<int32_t>(name.size());
  for (int32_t i = 0; i < len;) {
    const uint32_t at = static_cast<uint32_t>(i);
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0) c = 0xFFFD;
    for (int k = 0; k < U16_LENGTH(c); ++k) offset.push_back(at);
    if (c >= 0xAC00 && c <= 0xD7A3) offset.push_back(static_cast<uint32_t>(i));
  }
  const int32_t n = u.length();
  if (offset.size() != static_cast<size_t>(n)) {
    // Ill-formed input read differently: every token spans the whole name.
    tokens = Tokenize(name);
    spans->assign(tokens.size(), Span{0, static_cast<uint32_t>(name.size())});
    return tokens;
  }
  offset.push_back(static_cast<uint32_t>(name.size()));
  const std::string& script = ScriptTransform(u);
  std::string ascii;
  for (int32_t start = 0; start < n;) {
    if (u.charAt(start) == u' ') {
      ++start;
      continue;
    }
    int32_t end = start;
    while (end < n && u.charAt(end) != u' ') ++end;
    ascii.clear();
    AppendAscii(TransliterateWord(u, start, end, script), &ascii);
    const size_t first = tokens.size();
    SplitSpaces(ascii, &tokens);
    const Span word{offset[static_cast<size_t>(start)], offset[static_cast<size_t>(end)]};
    std::vector<Span> pieces = Pieces(name, word.begin, word.end);
    if (pieces.size() != tokens.size() - first) pieces.assign(tokens.size() - first, word);
    spans->insert(spans->end(), pieces.begin(), pieces.end());
    start = end;
  }
  return tokens;
}

}  // namespace vigil::text
