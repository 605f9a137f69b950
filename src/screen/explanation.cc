// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "screen/explanation.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <numeric>

#include "text/analyze.h"
#include "text/variants.h"

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
  std::vector<text::Span> own_words;
  const std::vector<text::Span>* words_ptr = nullptr;
  const std::vector<text::Span>& words() const { return *words_ptr; }
  std::vector<std::pair<uint32_t, uint32_t>> token_words;  // per view token: first, last word
  std::vector<uint32_t> plain_of;                          // per view token: its plain token
  bool known = false;                                      // spans were available
};

Side MakeSide(const ExplainedName& n) {
  Side s;
  s.text = n.text;
  s.words_ptr = &n.words;
  if (n.words.empty()) {
    s.own_words = text::Words(n.text);
    if (s.own_words.empty()) {
      s.own_words.push_back(text::Span{0, static_cast<uint32_t>(n.text.size())});
    }
    s.words_ptr = &s.own_words;
  }
  const std::vector<text::Span>& words = s.words();
  const match::PreparedName& view = *n.view;
  // A view other than the plain one (Korean keys, compounds) says per token which plain
  // token(s) it came from.
  const bool mapped = n.view != n.plain;
  s.known = n.spans.size() == n.plain->tokens.size() &&
            (!mapped || view.from.size() == view.tokens.size()) &&
            (view.from_last.empty() || view.from_last.size() == view.tokens.size());
  const uint32_t last = static_cast<uint32_t>(words.size() - 1);
  for (uint32_t k = 0; k < view.tokens.size(); ++k) {
    const uint32_t plain = mapped && k < view.from.size() ? view.from[k] : k;
    const uint32_t plain_last =
        mapped && k < view.from_last.size() ? std::max(plain, view.from_last[k]) : plain;
    s.plain_of.push_back(plain);
    if (!s.known || plain_last >= n.spans.size()) {
      s.token_words.emplace_back(0, last);
      continue;
    }
    const text::Span span{n.spans[plain].begin, n.spans[plain_last].end};
    uint32_t first = 0, end = last;
    while (first < last && words[first].end <= span.begin) ++first;
    while (end > first && words[end].begin >= span.end) --end;
    s.token_words.emplace_back(first, end);
  }
  return s;
}

// The words of `s` whose root (roots[w]) is `root`, as written: runs of neighbouring words
// as they stand in the text ("Co., Ltd."), runs apart joined by a space. *count receives
// how many words.
std::string WordsText(const Side& s, const uint32_t* roots, uint32_t root, size_t* count) {
  std::string out;
  const std::vector<text::Span>& words = s.words();
  *count = 0;
  for (size_t w = 0; w < words.size();) {
    if (roots[w] != root) {
      ++w;
      continue;
    }
    size_t last = w;
    while (last + 1 < words.size() && roots[last + 1] == root) ++last;
    if (!out.empty()) out += ' ';
    out.append(s.text.substr(words[w].begin, words[last].end - words[w].begin));
    *count += last - w + 1;
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
  uint32_t rules = 0;  // bits of kRules
};

// Rules of token pairs other than Korean syllables, in the order they are written.
constexpr std::string_view kRules[] = {"same legal form", "both legal forms", "name variant",
                                       "same particle",   "similar spelling", "same letters",
                                       "abbreviation"};
enum RuleBit : uint32_t {
  kSameLegalForm = 1,
  kBothLegalForms = 2,
  kNameVariant = 4,
  kSameParticle = 8,
  kSimilarSpelling = 16,
  kSameLetters = 32,
  kAbbreviation = 64
};

void AddRule(std::vector<std::string>* rules, std::string_view rule) {
  if (std::find(rules->begin(), rules->end(), rule) == rules->end()) rules->emplace_back(rule);
}

// Fold(a) == Fold(b), without building them for ASCII.
bool FoldEqual(std::string_view a, std::string_view b) {
  auto ascii = [](std::string_view s) {
    for (char c : s) {
      if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
  };
  if (!ascii(a) || !ascii(b)) return Fold(a) == Fold(b);
  auto next = [](std::string_view s, size_t* i) -> int {
    for (; *i < s.size(); ++*i) {
      char c = s[*i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        ++*i;
        return c;
      }
    }
    return -1;
  };
  size_t i = 0, j = 0;
  for (;;) {
    const int x = next(a, &i), y = next(b, &j);
    if (x != y) return false;
    if (x < 0) return true;
  }
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
  const size_t n = prepared.tokens.size();
  if (prepared.original.size() != n) return {};
  if (!legal && std::all_of(name.begin(), name.end(),
                            [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    // ASCII (most names): tokens as text::TokenizeWithSpans reads them, checked against
    // the prepared ones in place.
    std::vector<text::Span> spans;
    spans.reserve(n);
    auto alnum = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    const uint32_t size = static_cast<uint32_t>(name.size());
    for (uint32_t i = 0; i < size;) {
      if (!alnum(name[i])) {
        ++i;
        continue;
      }
      if (spans.size() == n) return {};
      const std::string& want = prepared.original[spans.size()].empty()
                                    ? prepared.tokens[spans.size()]
                                    : prepared.original[spans.size()];
      text::Span span{i, i};
      size_t m = 0;
      for (; i < size; ++i) {
        char c = name[i];
        if (alnum(c)) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
          if (m >= want.size() || want[m] != c) return {};
          ++m;
          span.end = i + 1;
        } else if (c != '\'' && c != '`' && c != '.') {
          break;
        }
      }
      if (m != want.size()) return {};
      spans.push_back(span);
    }
    if (spans.size() != n) return {};
    return spans;
  }
  text::AnalyzedName a;
  if (legal) {
    a = text::Analyze(name, person, /*spans=*/true);
  } else {
    a.tokens = text::TokenizeWithSpans(name, &a.spans);
  }
  if (a.tokens.size() != n || a.spans.size() != n) return {};
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
  const uint32_t qw = static_cast<uint32_t>(qs.words().size());
  const uint32_t lw = static_cast<uint32_t>(ls.words().size());
  UnionFind uf(qw + lw);

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
      e.rules |= a == b ? kSameLegalForm : kBothLegalForms;
      continue;
    }
    if (a == b) {
      const std::string& qa = qv.original[i].empty() ? a : qv.original[i];
      const std::string& lb = lv.original[j].empty() ? b : lv.original[j];
      // A business word written short ("Tech", data/names/business_abbreviations.tsv).
      auto abbreviation = [](const std::string& original) {
        std::string t = original;
        return !original.empty() && text::CanonicalizeBusinessWord(&t);
      };
      if (qa != lb) {
        e.rules |= qv.particle[i]                                                 ? kSameParticle
                   : abbreviation(qv.original[i]) || abbreviation(lv.original[j]) ? kAbbreviation
                                                                                  : kNameVariant;
      } else {
        e.rules |= kSameLetters;
      }
    } else {
      e.rules |= t.similarity >= 1.0 ? kNameVariant : kSimilarSpelling;
    }
  }

  std::vector<uint32_t> roots(qw + lw);
  for (uint32_t w = 0; w < qw + lw; ++w) roots[w] = uf.Find(w);
  std::vector<TokenMatch> out;
  out.reserve(entries.size() + 1);
  for (const Entry& e : entries) {
    TokenMatch m;
    size_t qn = 0, ln = 0;
    m.query_token = WordsText(qs, roots.data(), e.root, &qn);
    if (e.paired) m.list_token = WordsText(ls, roots.data() + qw, e.root, &ln);
    m.weight = e.den;
    m.similarity = e.den > 0 ? e.num / e.den : e.plain_sim / static_cast<double>(e.tokens);
    const bool alike = e.paired && FoldEqual(m.query_token, m.list_token);
    if (alike && qn != ln) {
      // The same letters in a different number of words: "Wonhong" ~ "Won Hong".
      m.rule = (e.rules & kSameLegalForm) != 0 ? "same legal form" : "spaced differently";
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
      for (size_t r = 0; r < std::size(kRules); ++r) {
        if ((e.rules >> r & 1) == 0) continue;
        if (kRules[r] == "same letters" && !rules.empty()) continue;  // said by the others
        AddRule(&rules, kRules[r]);
      }
      m.rule = Joined(rules, "; ");
    }
    out.push_back(std::move(m));
  }
  // The joined forms ("Kyong Sik" ~ "Kyongsik"), when they scored best: the whole names.
  if (tokens->size() > qv.tokens.size()) {
    const TokenMatch& joined = tokens->back();
    TokenMatch m;
    size_t count = 0;
    const std::vector<uint32_t> all(std::max(qw, lw), 0);
    m.query_token = WordsText(qs, all.data(), 0, &count);
    m.list_token = WordsText(ls, all.data(), 0, &count);
    m.similarity = joined.similarity;
    m.weight = joined.weight;
    m.rule = "compared without spaces";
    out.push_back(std::move(m));
  }
  *tokens = std::move(out);
}

}  // namespace vigil::screen
