// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "screen/explanation.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <numeric>

#include "text/analyze.h"

namespace vigil::screen {
namespace {

// Hangul: a syllable is U+AC00 + (initial * 21 + vowel) * 28 + final, with the jamo indexes
// below. Romanized spellings (data/names/korean_romanization.tsv's variants) and key parts
// map to jamo; where a spelling is ambiguous (McCune-Reischauer without its breves writes
// 어 and 오 both "o") the reading common in listed (DPRK) names is taken.
struct Jamo {
  std::string_view spelling;
  int index;
};

constexpr Jamo kInitials[] = {{"", 11},   {"k", 0},  {"g", 0},  {"kk", 1},  {"n", 2},    {"t", 3},
                              {"d", 3},   {"tt", 4}, {"r", 5},  {"l", 5},   {"rh", 5},   {"m", 6},
                              {"p", 7},   {"b", 7},  {"pp", 8}, {"s", 9},   {"sh", 9},   {"ss", 10},
                              {"ch", 12}, {"j", 12}, {"c", 12}, {"jj", 13}, {"tch", 13}, {"h", 18}};
constexpr Jamo kVowels[] = {{"a", 0},   {"ae", 1},   {"ai", 1},   {"ya", 2},  {"yae", 3},
                            {"eo", 4},  {"o", 4},    {"e", 5},    {"yeo", 6}, {"yo", 6},
                            {"ye", 7},  {"wa", 9},   {"wae", 10}, {"oe", 11}, {"oi", 11},
                            {"u", 13},  {"oo", 13},  {"woo", 13}, {"wo", 14}, {"weo", 14},
                            {"we", 15}, {"wi", 16},  {"yoo", 17}, {"yu", 17}, {"eu", 18},
                            {"ui", 19}, {"eui", 19}, {"i", 20},   {"ee", 20}, {"yi", 20}};
constexpr Jamo kFinals[] = {{"", 0},   {"k", 1},  {"g", 1},  {"rk", 1}, {"n", 4},
                            {"t", 7},  {"d", 7},  {"l", 8},  {"r", 8},  {"m", 16},
                            {"p", 17}, {"b", 17}, {"ng", 21}};
// Key parts (text/korean.h), for a token of several syllables.
constexpr Jamo kKeyInitials[] = {{"K", 0}, {"T", 3},  {"P", 7}, {"J", 12},
                                 {"S", 9}, {"H", 18}, {"M", 6}, {"N", 2}};
constexpr Jamo kKeyVowels[] = {{"OE", 11}, {"WO", 14}, {"YO", 6}, {"YE", 7}, {"YA", 2}, {"WA", 9},
                               {"WI", 16}, {"UI", 19}, {"O", 4},  {"E", 1},  {"A", 0},  {"I", 20}};
constexpr Jamo kKeyFinals[] = {{"", 0},   {"NG", 21}, {"K", 1},  {"N", 4},
                               {"M", 16}, {"L", 8},   {"P", 17}, {"T", 19}};

template <size_t N>
int FindJamo(const Jamo (&table)[N], std::string_view s) {
  for (const Jamo& j : table) {
    if (j.spelling == s) return j.index;
  }
  return -1;
}

std::string Utf8(UChar32 c) {
  char buf[U8_MAX_LENGTH];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(buf, n, U8_MAX_LENGTH, c, error);
  return error ? std::string() : std::string(buf, static_cast<size_t>(n));
}

std::string Syllable(int initial, int vowel, int final) {
  return Utf8(0xAC00 + (initial * 21 + vowel) * 28 + final);
}

bool VowelLetter(char c) { return std::string_view("aeiouwy").find(c) != std::string_view::npos; }

// The Hangul of a one-syllable romanized token ("hyok" -> 혁), or empty.
std::string SpelledHangul(std::string_view s) {
  if (s.size() >= 2 && s.back() == 'h' && VowelLetter(s[s.size() - 2])) s.remove_suffix(1);
  size_t a = 0, b = s.size();
  while (a < s.size() && !VowelLetter(s[a])) ++a;
  while (b > a && !VowelLetter(s[b - 1])) --b;
  if (a == b) return "";
  const std::string_view vowel = s.substr(a, b - a);
  const int i = FindJamo(kInitials, s.substr(0, a));
  int v = FindJamo(kVowels, vowel);
  const int f = FindJamo(kFinals, s.substr(b));
  if (i < 0 || v < 0 || f < 0) return "";
  if (a == 0 && vowel == "o") v = 8;   // 오, 옥: "O", "Ok"
  if (a == 0 && vowel == "u") v = 18;  // 은, 을: "Un", "Ul"
  return Syllable(i, v, f);
}

// The Hangul a key reads as on its own ("PAK" -> 박), or empty.
std::string KeyReading(std::string_view key) {
  int i = 11;
  if (!key.empty()) {
    const int k = FindJamo(kKeyInitials, key.substr(0, 1));
    if (k >= 0) {
      i = k;
      key.remove_prefix(1);
    }
  }
  int v = -1;
  for (const Jamo& j : kKeyVowels) {
    if (key.starts_with(j.spelling)) {
      v = j.index;
      key.remove_prefix(j.spelling.size());
      break;
    }
  }
  const int f = FindJamo(kKeyFinals, key);
  if (v < 0 || f < 0) return "";
  if (i == 11 && v == 4) v = 8;  // 오, 옥, as a spelled "o" without initial
  return Syllable(i, v, f);
}

// Korean syllable keys are upper case; normalized tokens never are.
bool IsKey(std::string_view token) {
  if (token.empty()) return false;
  for (char c : token) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

// `s` when it is one Hangul syllable, else empty.
std::string_view OneHangulSyllable(std::string_view s) {
  if (s.size() != 3) return {};
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(p, i, 3, c);
  return c >= 0xAC00 && c <= 0xD7A3 && i == 3 ? s : std::string_view();
}

// The name of the first script other than Latin (and common marks) in `s`, or empty.
std::string OtherScript(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t len = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < len;) {
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0x80) continue;
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode sc = uscript_getScript(c < 0 ? 0xFFFD : c, &status);
    if (U_FAILURE(status) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED ||
        sc == USCRIPT_LATIN) {
      continue;
    }
    return uscript_getName(sc);
  }
  return "";
}

// Case-folded letters and digits: words written alike fold alike.
std::string Fold(std::string_view s) {
  std::string out;
  bool ascii = true;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  if (ascii) return out;
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  u.foldCase();
  icu::UnicodeString kept;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (u_isalnum(c)) kept.append(c);
  }
  out.clear();
  kept.toUTF8String(out);
  return out;
}

// One side: its words, and per view token the words it was read from.
struct Side {
  std::string_view text;
  std::vector<text::Span> words;
  std::vector<std::pair<uint32_t, uint32_t>> token_words;  // per view token: first, last word
  std::vector<uint32_t> plain_of;                          // per view token: its plain token
  bool known = false;                                      // spans were available
};

Side MakeSide(const ExplainedName& n) {
  Side s;
  s.text = n.text;
  s.words = text::Words(n.text);
  if (s.words.empty()) s.words.push_back(text::Span{0, static_cast<uint32_t>(n.text.size())});
  const match::PreparedName& view = *n.view;
  const bool korean = n.view != n.plain;
  s.known = n.spans.size() == n.plain->tokens.size() &&
            (!korean || view.from.size() == view.tokens.size());
  const uint32_t last = static_cast<uint32_t>(s.words.size() - 1);
  for (uint32_t k = 0; k < view.tokens.size(); ++k) {
    const uint32_t plain = korean && k < view.from.size() ? view.from[k] : k;
    s.plain_of.push_back(plain);
    if (!s.known || plain >= n.spans.size()) {
      s.token_words.emplace_back(0, last);
      continue;
    }
    const text::Span span = n.spans[plain];
    uint32_t first = 0, end = last;
    while (first < last && s.words[first].end <= span.begin) ++first;
    while (end > first && s.words[end].begin >= span.end) --end;
    s.token_words.emplace_back(first, end);
  }
  return s;
}

// The selected words as written: runs of neighbouring words as they stand in the text
// ("Co., Ltd."), runs apart joined by a space.
std::string WordsText(const Side& s, const std::vector<bool>& selected) {
  std::string out;
  for (size_t w = 0; w < s.words.size();) {
    if (!selected[w]) {
      ++w;
      continue;
    }
    size_t last = w;
    while (last + 1 < s.words.size() && selected[last + 1]) ++last;
    if (!out.empty()) out += ' ';
    out.append(s.text.substr(s.words[w].begin, s.words[last].end - s.words[w].begin));
    w = last + 1;
  }
  return out;
}

struct UnionFind {
  std::vector<uint32_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  uint32_t Find(uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Union(uint32_t a, uint32_t b) { parent[Find(a)] = Find(b); }
};

// What one entry's pairs said, gathered before it is written.
struct Entry {
  uint32_t root = 0;
  double num = 0, den = 0, plain_sim = 0;
  size_t tokens = 0;
  bool paired = false;
  std::vector<std::string> same_syllables, similar_syllables;
  std::vector<std::string_view> rules;  // literals
};

template <typename T, typename R>
void AddRule(std::vector<T>* rules, R rule) {
  if (std::find(rules->begin(), rules->end(), rule) == rules->end()) rules->push_back(T(rule));
}

// The Hangul syllable that view token `k` of side `n` was read from when the side is
// written in Hangul there, else empty.
std::string_view WrittenHangul(const ExplainedName& n, const Side& s, uint32_t k) {
  const uint32_t plain = s.plain_of[k];
  if (!s.known || plain >= n.spans.size()) return {};
  const text::Span span = n.spans[plain];
  return OneHangulSyllable(n.text.substr(span.begin, span.end - span.begin));
}

// The Hangul of syllable key `k` of side `n` (a view token): as written, else read from the
// token it came from when that is one syllable, else from the key.
std::string HangulOf(const ExplainedName& n, const Side& s, uint32_t k) {
  std::string_view written = WrittenHangul(n, s, k);
  if (!written.empty()) return std::string(written);
  const uint32_t plain = s.plain_of[k];
  size_t keys = 0;
  for (uint32_t p : s.plain_of) keys += p == plain;
  std::string_view spelling;
  if (keys == 1 && plain < n.plain->tokens.size()) {
    const match::PreparedName& pl = *n.plain;
    spelling = pl.original[plain].empty() ? std::string_view(pl.tokens[plain])
                                          : std::string_view(pl.original[plain]);
  }
  return KeyHangul(n.view->tokens[k], spelling);
}

std::string Joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

}  // namespace

std::string KeyHangul(std::string_view key, std::string_view spelling) {
  if (!IsKey(key)) return "";
  if (!spelling.empty()) {
    std::string h = SpelledHangul(spelling);
    if (!h.empty()) return h;
  }
  return KeyReading(key);
}

std::vector<text::Span> Origins(std::string_view name, bool person,
                                const match::PreparedName& prepared) {
  // text::Analyze(name, person, spans) less the work spans do not need: legal forms only
  // when the name has one, variants never (one token stays one token; the spelling before
  // them, PreparedName::original, is checked instead).
  const bool legal = !person && std::find(prepared.legal_form.begin(), prepared.legal_form.end(),
                                          true) != prepared.legal_form.end();
  text::AnalyzedName a;
  if (legal) {
    a = text::Analyze(name, person, /*spans=*/true);
  } else {
    a.tokens = text::TokenizeWithSpans(name, &a.spans);
  }
  const size_t n = prepared.tokens.size();
  if (a.tokens.size() != n || a.spans.size() != n || prepared.original.size() != n) return {};
  for (size_t k = 0; k < n; ++k) {
    const std::string& before =
        prepared.original[k].empty() ? prepared.tokens[k] : prepared.original[k];
    if (a.tokens[k] != before && a.tokens[k] != prepared.tokens[k]) return {};
  }
  return std::move(a.spans);
}

void ExplainInWords(const ExplainedName& query, const ExplainedName& list,
                    std::vector<TokenMatch>* tokens) {
  const match::PreparedName& qv = *query.view;
  const match::PreparedName& lv = *list.view;
  const size_t nq = std::min(qv.tokens.size(), tokens->size());
  if (nq == 0 && tokens->empty()) return;
  const Side qs = MakeSide(query), ls = MakeSide(list);
  const uint32_t qw = static_cast<uint32_t>(qs.words.size());
  UnionFind uf(qs.words.size() + ls.words.size());

  // Each query token's partner among the list tokens (the alignment names the token; among
  // equal ones, the first not taken: the same words either way).
  std::vector<int32_t> partner(nq, -1);
  std::vector<bool> taken(lv.tokens.size(), false);
  for (size_t i = 0; i < nq; ++i) {
    const auto [qa, qb] = qs.token_words[i];
    for (uint32_t w = qa; w < qb; ++w) uf.Union(w, w + 1);
    const std::string& lt = (*tokens)[i].list_token;
    if (lt.empty()) continue;
    for (size_t j = 0; j < lv.tokens.size(); ++j) {
      if (taken[j] || lv.tokens[j] != lt) continue;
      taken[j] = true;
      partner[i] = static_cast<int32_t>(j);
      const auto [la, lb] = ls.token_words[j];
      for (uint32_t w = la; w < lb; ++w) uf.Union(qw + w, qw + w + 1);
      uf.Union(qa, qw + la);
      break;
    }
  }

  std::vector<Entry> entries;
  for (size_t i = 0; i < nq; ++i) {
    const TokenMatch& t = (*tokens)[i];
    const uint32_t root = uf.Find(qs.token_words[i].first);
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const Entry& e) { return e.root == root; });
    if (it == entries.end()) {
      it = entries.emplace(entries.end());
      it->root = root;
    }
    Entry& e = *it;
    e.num += t.similarity * t.weight;
    e.den += t.weight;
    e.plain_sim += t.similarity;
    ++e.tokens;
    if (partner[i] < 0) continue;
    e.paired = true;
    const uint32_t j = static_cast<uint32_t>(partner[i]);
    const std::string& a = qv.tokens[i];
    const std::string& b = lv.tokens[j];
    if (IsKey(a) && IsKey(b)) {
      const std::string hq = HangulOf(query, qs, static_cast<uint32_t>(i));
      const std::string hl = HangulOf(list, ls, j);
      if (a == b) {
        // Hangul as written wins, then the list's (official) romanization.
        const bool query_written = !WrittenHangul(query, qs, static_cast<uint32_t>(i)).empty();
        e.same_syllables.push_back(query_written || hl.empty() ? hq : hl);
      } else {
        e.similar_syllables.push_back(hq + " ~ " + hl);
      }
      continue;
    }
    if (qv.legal_form[i] && lv.legal_form[j]) {
      AddRule(&e.rules, std::string_view(a == b ? "same legal form" : "both legal forms"));
      continue;
    }
    if (a == b) {
      const std::string& qa = qv.original[i].empty() ? a : qv.original[i];
      const std::string& lb = lv.original[j].empty() ? b : lv.original[j];
      if (qa != lb) {
        AddRule(&e.rules, std::string_view(qv.particle[i] ? "same particle" : "name variant"));
      } else {
        AddRule(&e.rules, std::string_view("same letters"));
      }
    } else {
      AddRule(&e.rules,
              std::string_view(t.similarity >= 1.0 ? "name variant" : "similar spelling"));
    }
  }

  std::vector<TokenMatch> out;
  out.reserve(entries.size() + 1);
  for (const Entry& e : entries) {
    std::vector<bool> qsel(qs.words.size(), false), lsel(ls.words.size(), false);
    for (uint32_t w = 0; w < qs.words.size(); ++w) qsel[w] = uf.Find(w) == e.root;
    if (e.paired) {
      for (uint32_t w = 0; w < ls.words.size(); ++w) lsel[w] = uf.Find(qw + w) == e.root;
    }
    TokenMatch m;
    m.query_token = WordsText(qs, qsel);
    m.list_token = e.paired ? WordsText(ls, lsel) : std::string();
    m.weight = e.den;
    m.similarity = e.den > 0 ? e.num / e.den : e.plain_sim / static_cast<double>(e.tokens);
    const bool alike = e.paired && Fold(m.query_token) == Fold(m.list_token);
    if (alike &&
        std::count(qsel.begin(), qsel.end(), true) != std::count(lsel.begin(), lsel.end(), true)) {
      // The same letters in a different number of words: "Wonhong" ~ "Won Hong".
      const bool legal = std::find(e.rules.begin(), e.rules.end(),
                                   std::string_view("same legal form")) != e.rules.end();
      m.rule = legal ? "same legal form" : "spaced differently";
    } else if (e.paired && !alike) {
      std::vector<std::string> rules;
      for (const std::string_view side :
           {std::string_view(m.query_token), std::string_view(m.list_token)}) {
        const std::string script = OtherScript(side);
        if (!script.empty()) AddRule(&rules, script + " transliterated");
      }
      if (!e.same_syllables.empty()) {
        AddRule(&rules, (e.same_syllables.size() == 1 ? "same Korean syllable "
                                                      : "same Korean syllables ") +
                            Joined(e.same_syllables, " "));
      }
      if (!e.similar_syllables.empty()) {
        AddRule(&rules, "similar Korean syllables " + Joined(e.similar_syllables, ", "));
      }
      for (std::string_view r : e.rules) {
        if (r == "same letters" && !rules.empty()) continue;  // said by the others
        AddRule(&rules, r);
      }
      m.rule = Joined(rules, "; ");
    }
    out.push_back(std::move(m));
  }
  // The joined forms ("Kyong Sik" ~ "Kyongsik"), when they scored best: the whole names.
  if (tokens->size() > qv.tokens.size()) {
    const TokenMatch& joined = tokens->back();
    TokenMatch m;
    m.query_token = WordsText(qs, std::vector<bool>(qs.words.size(), true));
    m.list_token = WordsText(ls, std::vector<bool>(ls.words.size(), true));
    m.similarity = joined.similarity;
    m.weight = joined.weight;
    m.rule = "compared without spaces";
    out.push_back(std::move(m));
  }
  *tokens = std::move(out);
}

}  // namespace vigil::screen
