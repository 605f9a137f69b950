// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "index/name_index.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <span>
#include <thread>
#include <unordered_map>

namespace vigil::index {
namespace {

std::atomic<uint64_t> next_generation{1};

// Bounds are sums of float weights, scores sums of their products: allow for rounding.
constexpr double kBoundSlack = 1e-5;

constexpr size_t kShortJoined = 10;  // joined forms up to this length: deletion index
constexpr size_t kGram = 3;
// One edit (OSA: insertion, deletion, substitution, adjacent transposition) breaks at most
// 4 of a string's positional trigrams (a transposition: the 4 that overlap it) and shifts
// the others by at most one position.
constexpr size_t kGramsPerEdit = kGram + 1;
constexpr size_t kGramHits = 2;      // probe this many trigrams beyond those edits may break
constexpr size_t kMaxGramPos = 250;  // positions from here on share one key
constexpr size_t kMaxWindow = 5;     // 2 * JoinedBudget + 1

// The key of the trigram hashed `gram` starting at byte `pos`.
uint64_t GramKey(uint64_t gram, size_t pos) {
  return gram ^ ((std::min(pos, kMaxGramPos) + 1) * 0x9e3779b97f4a7c15ULL);
}

// fn(position, hash of the trigram there) for every trigram of `s`.
template <typename Fn>
void ForEachGram(std::string_view s, Fn&& fn) {
  for (size_t p = 0; p + kGram <= s.size(); ++p) fn(p, HashKey(s.substr(p, kGram)));
}

}  // namespace

// A form's bit in a name signature: 0..62. Bit 63 (kRepeatedBit) marks a name in which a
// form repeats ("KIM Yun Yun"): one form may then pair with two query tokens.
int FormBitIndex(uint32_t form) {
  return static_cast<int>(((uint64_t{form} * 0x9e3779b97f4a7c15ULL) >> 58) % 63);
}
constexpr uint64_t kRepeatedBit = uint64_t{1} << 63;

LetterCounts CountLetters(std::string_view s) {
  LetterCounts counts{};
  for (char c : s) {
    uint8_t& k = counts[static_cast<unsigned char>(c) & 31];
    if (k < 255) ++k;
  }
  return counts;
}

int LetterDistance(const LetterCounts& a, const LetterCounts& b) {
  int d = 0;
  for (size_t i = 0; i < a.size(); ++i) d += std::abs(int{a[i]} - int{b[i]});
  return d;
}

int DeletionDepth(size_t n) { return static_cast<int>(match::TypoBudget(n)); }

NameIndex::NameIndex() = default;
NameIndex::~NameIndex() = default;

void NameIndex::Build(std::vector<match::PreparedName> names, std::vector<EntityKind> kinds) {
  names_ = std::move(names);
  kinds_ = std::move(kinds);
  generation_ = next_generation.fetch_add(1);
  const uint32_t n_names = static_cast<uint32_t>(names_.size());

  // Forms and the names' runs of them.
  std::unordered_map<std::string, uint32_t> form_ids;
  std::string key;
  total_weight_.resize(n_names);
  name_start_.assign(1, 0);
  name_start_.reserve(n_names + 1);
  size_t tokens = 0;
  for (const match::PreparedName& p : names_) tokens += p.tokens.size();
  name_forms_.reserve(tokens);
  form_ids.reserve(tokens);
  for (uint32_t n = 0; n < n_names; ++n) {
    const match::PreparedName& p = names_[n];
    total_weight_[n] = p.total_weight;
    for (size_t j = 0; j < p.tokens.size(); ++j) {
      key = p.tokens[j];
      key += '\x1f';
      key += p.original[j];
      key += p.legal_form[j] ? 'L' : '-';
      key += p.particle[j] ? 'P' : '-';
      key += match::IsPatronymic(p, j) ? 'T' : '-';
      auto [it, inserted] = form_ids.try_emplace(key, static_cast<uint32_t>(form_weight_.size()));
      if (inserted) {
        form_token_.push_back(p.tokens[j]);
        form_original_.push_back(p.original[j]);
        form_weight_.push_back(p.weights[j]);
        form_legal_.push_back(p.legal_form[j] ? 1 : 0);
        form_patronymic_.push_back(match::IsPatronymic(p, j) ? 1 : 0);
        if (p.legal_form[j]) max_legal_weight_ = std::max(max_legal_weight_, p.weights[j]);
      }
      name_forms_.push_back(NameForm{it->second, p.weights[j]});
    }
    name_start_.push_back(static_cast<uint32_t>(name_forms_.size()));
  }
  const uint32_t n_forms = static_cast<uint32_t>(form_weight_.size());

  // Postings: form -> names, ascending, each name once.
  posting_start_.assign(n_forms + 1, 0);
  std::vector<uint32_t> last(n_forms, UINT32_MAX);
  for (uint32_t n = 0; n < n_names; ++n) {
    for (uint32_t k = name_start_[n]; k < name_start_[n + 1]; ++k) {
      const uint32_t f = name_forms_[k].form;
      if (last[f] != n) ++posting_start_[f + 1], last[f] = n;
    }
  }
  for (uint32_t f = 0; f < n_forms; ++f) posting_start_[f + 1] += posting_start_[f];
  postings_.resize(posting_start_[n_forms]);
  std::vector<uint32_t> fill(posting_start_.begin(), posting_start_.end() - 1);
  std::fill(last.begin(), last.end(), UINT32_MAX);
  for (uint32_t n = 0; n < n_names; ++n) {
    for (uint32_t k = name_start_[n]; k < name_start_[n + 1]; ++k) {
      const uint32_t f = name_forms_[k].form;
      if (last[f] != n) postings_[fill[f]++] = n, last[f] = n;
    }
  }
  // Each form's names by total weight (then id): a search reads only the weights that can
  // still reach its floor (ScoreTerm).
  posting_weight_.resize(postings_.size());
  for (uint32_t f = 0; f < n_forms; ++f) {
    auto first = postings_.begin() + posting_start_[f],
         end = postings_.begin() + posting_start_[f + 1];
    std::sort(first, end, [&](uint32_t a, uint32_t b) {
      return total_weight_[a] != total_weight_[b] ? total_weight_[a] < total_weight_[b] : a < b;
    });
  }
  for (size_t k = 0; k < postings_.size(); ++k) posting_weight_[k] = total_weight_[postings_[k]];
  // Each name's forms as bits, and kRepeatedBit when a form repeats.
  std::vector<uint64_t> name_sig(n_names, 0);
  for (uint32_t n = 0; n < n_names; ++n) {
    for (uint32_t k = name_start_[n]; k < name_start_[n + 1]; ++k) {
      for (uint32_t j = name_start_[n]; j < k; ++j) {
        if (name_forms_[j].form == name_forms_[k].form) name_sig[n] |= kRepeatedBit;
      }
      name_sig[n] |= uint64_t{1} << FormBitIndex(name_forms_[k].form);
    }
  }
  posting_sig_.resize(postings_.size());
  for (size_t k = 0; k < postings_.size(); ++k) posting_sig_[k] = name_sig[postings_[k]];

  // Spellings: every distinct token and original, to the forms that have it.
  std::unordered_map<std::string_view, uint32_t> spelling_ids;
  std::vector<std::string_view> spellings;
  std::vector<std::pair<uint32_t, uint32_t>> spelling_form;  // (spelling, form)
  for (uint32_t f = 0; f < n_forms; ++f) {
    for (const std::string* s : {&form_token_[f], &form_original_[f]}) {
      if (s->empty()) continue;
      auto [it, inserted] = spelling_ids.try_emplace(*s, static_cast<uint32_t>(spellings.size()));
      if (inserted) spellings.push_back(*s);
      spelling_form.emplace_back(it->second, f);
    }
  }
  std::sort(spelling_form.begin(), spelling_form.end());
  spelling_form.erase(std::unique(spelling_form.begin(), spelling_form.end()), spelling_form.end());
  spelling_start_.assign(spellings.size() + 1, 0);
  spelling_forms_.clear();
  for (const auto& [s, f] : spelling_form) {
    ++spelling_start_[s + 1];
    spelling_forms_.push_back(f);
  }
  for (size_t s = 0; s < spellings.size(); ++s) spelling_start_[s + 1] += spelling_start_[s];

  // The three key indexes are independent: the deletion neighbourhoods (the largest)
  // build on a second thread.
  std::thread deletions([&] {
    std::vector<std::pair<uint64_t, uint32_t>> entries;
    for (uint32_t s = 0; s < spellings.size(); ++s) {
      ForEachDeletion(spellings[s], DeletionDepth(spellings[s].size()),
                      [&](uint64_t h) { entries.emplace_back(h, s); });
    }
    deletions_.Build(&entries);
  });

  // Joined forms.
  std::vector<std::pair<uint64_t, uint32_t>> entries;
  letters_.resize(n_names);
  joined_length_.resize(n_names);
  size_t grams = 0;
  for (uint32_t n = 0; n < n_names; ++n) {
    letters_[n] = CountLetters(names_[n].joined);
    joined_length_[n] = static_cast<uint16_t>(std::min<size_t>(names_[n].joined.size(), 65535));
    grams += 2 * names_[n].joined.size();
  }
  entries.reserve(grams);
  for (uint32_t n = 0; n < n_names; ++n) {
    const match::PreparedName& p = names_[n];
    for (const std::string* s : {&p.joined, &p.joined_rotated}) {
      ForEachGram(*s, [&](size_t p, uint64_t h) { entries.emplace_back(GramKey(h, p), n); });
    }
  }
  trigrams_.Build(&entries);
  for (uint32_t n = 0; n < n_names; ++n) {
    const match::PreparedName& p = names_[n];
    for (const std::string* s : {&p.joined, &p.joined_rotated}) {
      if (s->size() <= kShortJoined) {
        ForEachDeletion(*s, 1, [&](uint64_t h) { entries.emplace_back(h, n); });
      }
    }
  }
  short_joined_.Build(&entries);
  deletions.join();
}

size_t NameIndex::bytes() const {
  size_t b = total_weight_.size() * 4 + name_start_.size() * 4 + name_forms_.size() * 8 +
             form_weight_.size() * 5 + posting_start_.size() * 4 + postings_.size() * 16 +
             spelling_start_.size() * 4 + spelling_forms_.size() * 4 + deletions_.bytes() +
             trigrams_.bytes() + short_joined_.bytes() + letters_.size() * sizeof(LetterCounts) +
             joined_length_.size() * 2;
  for (size_t f = 0; f < form_token_.size(); ++f) {
    b += form_token_[f].capacity() + form_original_[f].capacity() + 2 * sizeof(std::string);
  }
  return b;
}

// Per-thread working memory of a NameSearch, sized to one NameIndex. Stamps (an epoch per
// search) replace clearing.
struct NameSearch::Scratch {
  uint64_t generation = 0;
  bool in_use = false;
  uint32_t epoch = 0;
  uint32_t token_epoch = 0;
  struct FormSlot {
    uint32_t stamp;  // == epoch: head is valid
    int32_t head;    // first entry of the form, -1 none
  };
  std::vector<FormSlot> form_slot;         // per form: its entries (query tokens it pairs with)
  std::vector<uint32_t> form_token_stamp;  // == token_epoch: form seen for this query token
  std::vector<uint32_t> spelling_stamp;    // == token_epoch: spelling seen for this token
  std::vector<uint32_t> name_seen;         // == epoch: scored (or skipped) already
  std::vector<uint32_t> name_probe;        // == epoch: looked at by the joined step
  std::vector<uint8_t> name_count;         // trigram hits, valid when name_probe == epoch
  struct Entry {
    double sim;
    uint32_t q;
    int32_t next;
  };
  std::vector<Entry> entries;
  std::vector<uint32_t> spellings, candidates;
  std::string key;
  struct Gram {  // one query trigram: the names having it within the shift window
    size_t size = 0;
    size_t lists = 0;
    std::span<const uint32_t> names[kMaxWindow];
  };
  std::vector<Gram> grams;
  std::vector<size_t> sizes, cost, from;  // joined-step plans
  std::vector<uint64_t> keys;
  std::vector<std::span<const uint32_t>> found;
  std::vector<uint32_t> legal_query;  // query legal-form tokens (< 64)
  // Query token (and original spelling) -> its partner forms: names repeat their words,
  // so most tokens of a stream of queries were seen before.
  std::unordered_map<std::string, TokenPartners> partners;

  void Reset(const NameIndex& index) {
    generation = index.generation();
    epoch = token_epoch = 0;
    const size_t spellings_n = index.spelling_start_.empty() ? 0 : index.spelling_start_.size() - 1;
    form_slot.assign(index.forms(), FormSlot{0, -1});
    form_token_stamp.assign(index.forms(), 0);
    spelling_stamp.assign(spellings_n, 0);
    name_seen.assign(index.names().size(), 0);
    name_probe.assign(index.names().size(), 0);
    name_count.assign(index.names().size(), 0);
    partners.clear();
  }
  void NextEpoch() {
    if (++epoch == 0) {
      std::fill(form_slot.begin(), form_slot.end(), FormSlot{0, -1});
      std::fill(name_seen.begin(), name_seen.end(), 0);
      std::fill(name_probe.begin(), name_probe.end(), 0);
      epoch = 1;
    }
  }
  void NextTokenEpoch() {
    if (++token_epoch == 0) {
      std::fill(form_token_stamp.begin(), form_token_stamp.end(), 0);
      std::fill(spelling_stamp.begin(), spelling_stamp.end(), 0);
      token_epoch = 1;
    }
  }
};

const NameSearch::TokenPartners& NameSearch::Partners(Scratch& sc, const std::string& qt,
                                                      const std::string& qo,
                                                      bool patronymic) const {
  constexpr size_t kMaxCached = 1 << 16;
  sc.key.assign(qt);
  sc.key += query_.syllabic ? '\x1e' : '\x1f';
  sc.key += patronymic ? 'T' : '-';
  sc.key += qo;
  if (auto it = sc.partners.find(sc.key); it != sc.partners.end()) return it->second;
  if (sc.partners.size() >= kMaxCached) sc.partners.clear();
  TokenPartners& out = sc.partners[sc.key];
  const NameIndex& index = index_;
  sc.NextTokenEpoch();
  sc.spellings.clear();
  sc.keys.clear();
  for (const std::string* s : {&qt, &qo}) {
    if (s->empty() || (s == &qo && qo == qt)) continue;
    ForEachDeletion(*s, DeletionDepth(s->size()), [&](uint64_t h) { sc.keys.push_back(h); });
  }
  sc.found.resize(sc.keys.size());
  index.deletions_.FindMany(sc.keys.data(), sc.keys.size(), sc.found.data());
  for (std::span<const uint32_t> found : sc.found) {
    for (uint32_t sp : found) {
      if (sc.spelling_stamp[sp] != sc.token_epoch) {
        sc.spelling_stamp[sp] = sc.token_epoch;
        sc.spellings.push_back(sp);
      }
    }
  }
  for (uint32_t sp : sc.spellings) {
    for (uint32_t k = index.spelling_start_[sp]; k < index.spelling_start_[sp + 1]; ++k) {
      const uint32_t f = index.spelling_forms_[k];
      if (sc.form_token_stamp[f] == sc.token_epoch) continue;
      sc.form_token_stamp[f] = sc.token_epoch;
      const double sim = match::PairSimilarity(qt, qo, index.form_token_[f],
                                               index.form_original_[f], query_.syllabic);
      if (sim <= 0) continue;
      if (sim < 1.0 && patronymic != (index.form_patronymic_[f] != 0)) continue;
      out.forms.emplace_back(f, sim);
      out.max_weight = std::max(out.max_weight, index.form_weight_[f]);
    }
  }
  return out;
}

NameSearch::NameSearch(const NameIndex& index, const match::PreparedName& query, EntityKind kind)
    : index_(index), query_(query), kind_(kind) {
  // A few scratches per thread: a query uses one per view, and a reload briefly has two
  // generations of indexes serving.
  thread_local std::vector<std::unique_ptr<Scratch>> pool;
  scratch_ = nullptr;
  for (auto& s : pool) {
    if (!s->in_use && s->generation == index.generation()) scratch_ = s.get();
  }
  if (scratch_ == nullptr) {
    for (auto& s : pool) {
      if (!s->in_use) scratch_ = s.get();
    }
    if (scratch_ == nullptr) {
      pool.push_back(std::make_unique<Scratch>());
      scratch_ = pool.back().get();
    }
    scratch_->Reset(index);
  }
  Scratch& sc = *scratch_;
  sc.in_use = true;
  sc.NextEpoch();
  sc.entries.clear();
  sc.legal_query.clear();
  content_ = match::ContentMask(query);
  short_words_ = match::ShortWordMask(query);
  letters_ = CountLetters(query.joined);

  const size_t n_tokens = std::min<size_t>(query.tokens.size(), 64);
  for (uint32_t i = 0; i < n_tokens; ++i) {
    const TokenPartners& partners =
        Partners(sc, query.tokens[i], query.original[i], match::IsPatronymic(query, i));
    Term term;
    term.q = i;
    term.bound = 0;
    float partner_max = partners.max_weight;
    for (const auto& [f, sim] : partners.forms) {
      if (sc.form_slot[f].stamp != sc.epoch) {
        sc.form_slot[f].stamp = sc.epoch;
        sc.form_slot[f].head = -1;
      }
      sc.entries.push_back(Scratch::Entry{sim, i, sc.form_slot[f].head});
      sc.form_slot[f].head = static_cast<int32_t>(sc.entries.size() - 1);
      term.forms.push_back({f, sim * (query.weights[i] + index.form_weight_[f])});
    }
    // Largest contribution first: a name met through a form pairs this term no better
    // (through a form before it, it would have been met or ruled out there).
    std::sort(term.forms.begin(), term.forms.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (query.legal_form[i]) {
      sc.legal_query.push_back(i);
      has_legal_ = true;
      partner_max = std::max(partner_max, index.max_legal_weight_);
    }
    const float w = query.weights[i];
    if (term.forms.empty() && !query.legal_form[i]) continue;  // pairs with nothing
    if (content_ >> i & 1) {
      if (term.forms.empty()) continue;
      term.bound = w + partner_max;
      terms_.push_back(std::move(term));
    } else {
      fixed_num_ += w + partner_max;
      fixed_extra_ += partner_max;
    }
  }
  std::stable_sort(terms_.begin(), terms_.end(),
                   [](const Term& a, const Term& b) { return a.bound > b.bound; });
  by_postings_.resize(terms_.size());
  for (uint32_t t = 0; t < terms_.size(); ++t) {
    for (const auto& [f, contribution] : terms_[t].forms) {
      terms_[t].postings += index.posting_start_[f + 1] - index.posting_start_[f];
    }
    by_postings_[t] = t;
  }
  std::stable_sort(by_postings_.begin(), by_postings_.end(),
                   [&](uint32_t a, uint32_t b) { return terms_[a].postings > terms_[b].postings; });
  std::fill(std::begin(term_of_), std::end(term_of_), -1);
  for (size_t t = 0; t < terms_.size(); ++t) term_of_[terms_[t].q] = static_cast<int8_t>(t);
}

NameSearch::~NameSearch() { scratch_->in_use = false; }

bool NameSearch::Compatible(uint32_t name) const {
  const EntityKind k = index_.kinds_[name];
  return kind_ == EntityKind::kUnknown || k == EntityKind::kUnknown || k == kind_;
}

double NameSearch::BoundOf(double num, double extra) const {
  const double den = query_.total_weight + extra;
  return den > 0 ? std::min(1.0, num / den + kBoundSlack) : 0.0;
}

double NameSearch::Bound() const {
  double num = fixed_num_, extra = fixed_extra_;
  bool any = false;
  for (const Term& term : terms_) {
    if (term.scanned) continue;
    any = true;
    num += term.bound;
    extra += term.bound - query_.weights[term.q];
  }
  return any ? BoundOf(num, extra) : 0.0;
}

size_t NameSearch::NextTerm(double floor) const {
  if (Bound() < floor) return kNoTerm;
  // The most postings that names under the floor can keep to: a set of terms whose best
  // together stays under it, commonest first. A name that can reach the floor has a
  // partner of some other term.
  double num = fixed_num_, extra = fixed_extra_;
  uint64_t skipped = 0;  // bit t: term t may be left unread (terms past 64 are always read)
  for (uint32_t t : by_postings_) {
    const Term& term = terms_[t];
    if (term.scanned || t >= 64) continue;
    const double n = num + term.bound, e = extra + term.bound - query_.weights[term.q];
    if (BoundOf(n, e) >= floor) continue;
    num = n, extra = e;
    skipped |= uint64_t{1} << t;
  }
  size_t next = kNoTerm;
  for (size_t t = 0; t < terms_.size(); ++t) {
    if (terms_[t].scanned || (t < 64 && (skipped >> t & 1))) continue;
    if (terms_[t].next_form > 0 || terms_[t].next_posting != kFresh) return t;  // in progress
    if (next == kNoTerm) next = t;
  }
  return next;
}

double NameSearch::Score(uint32_t name) const { return ScoreWith(name, Joined(name)); }

double NameSearch::Joined(uint32_t name) const {
  // match::JoinedScore, without the edit distances when length or letters rule it out.
  const size_t budget = match::JoinedBudget(query_.joined.size());
  const size_t l = index_.joined_length_[name];
  const size_t length = std::min<size_t>(query_.joined.size(), 65535);
  if (l + budget < length || l > length + budget) return 0.0;
  if (LetterDistance(letters_, index_.letters_[name]) > static_cast<int>(2 * budget)) return 0.0;
  const match::PreparedName& c = index_.names_[name];
  return match::JoinedScore(query_, c.joined, c.joined_rotated, c.tokens.size());
}

double NameSearch::Explain(uint32_t name, std::vector<TokenMatch>* explain) const {
  const match::PreparedName& c = index_.names_[name];
  int32_t partner[64];
  double partner_sim[64];
  std::fill(std::begin(partner), std::end(partner), -1);
  const double token = ScoreWith(name, 0.0, partner, partner_sim);
  if (token < 0) return match::ScoreName(query_, c, explain);
  const double joined = Joined(name);
  match::Explain(query_, c, partner, partner_sim, token, joined, explain);
  return std::min(1.0, std::max(token, joined));
}

double NameSearch::ScoreWith(uint32_t name, double joined, int32_t* partner,
                             double* partner_sim) const {
  if (query_.tokens.empty()) return 0.0;
  const Scratch& sc = *scratch_;
  const uint32_t start = index_.name_start_[name], end = index_.name_start_[name + 1];
  if (start == end) return 0.0;
  match::TokenPair pairs[256];
  float list_weights[64];
  size_t n = 0;
  for (uint32_t j = 0; j < end - start; ++j) {
    const uint32_t f = index_.name_forms_[start + j].form;
    if (j < 64) list_weights[j] = index_.name_forms_[start + j].weight;
    const bool listed = sc.form_slot[f].stamp == sc.epoch;
    if (listed) {
      for (int32_t e = sc.form_slot[f].head; e >= 0; e = sc.entries[static_cast<size_t>(e)].next) {
        if (n == std::size(pairs)) return Overflow(name, partner);
        pairs[n++] = match::TokenPair{sc.entries[static_cast<size_t>(e)].sim,
                                      sc.entries[static_cast<size_t>(e)].q, j};
      }
    }
    if (has_legal_ && index_.form_legal_[f]) {
      for (uint32_t i : sc.legal_query) {
        bool paired = false;
        if (listed) {
          for (int32_t e = sc.form_slot[f].head; e >= 0;
               e = sc.entries[static_cast<size_t>(e)].next) {
            paired = paired || sc.entries[static_cast<size_t>(e)].q == i;
          }
        }
        if (paired) continue;
        if (n == std::size(pairs)) return Overflow(name, partner);
        pairs[n++] = match::TokenPair{match::kLegalFormAgreement, i, j};
      }
    }
  }
  const double token = match::CombinePairs(pairs, n, query_.weights.data(), query_.total_weight,
                                           list_weights, index_.total_weight_[name], content_,
                                           short_words_, query_.syllabic, partner, partner_sim);
  return std::min(1.0, std::max(token, joined));
}

double NameSearch::Overflow(uint32_t name, const int32_t* partner) const {
  // More pairs than the buffer holds (never with real names): the reference scorer.
  return partner != nullptr ? -1.0 : match::ScoreName(query_, index_.names_[name]);
}

void NameSearch::ScoreJoined(std::vector<ScoredName>* out) {
  Scratch& sc = *scratch_;
  const std::string& a = query_.joined;
  if (query_.tokens.empty() || a.empty()) return;
  const size_t budget = match::JoinedBudget(a.size());
  sc.candidates.clear();
  auto take = [&](uint32_t n) {
    if (sc.name_probe[n] == sc.epoch) return;
    sc.name_probe[n] = sc.epoch;
    sc.candidates.push_back(n);
  };
  if (a.size() + budget <= kShortJoined) {
    sc.keys.clear();
    ForEachDeletion(a, static_cast<int>(budget), [&](uint64_t h) { sc.keys.push_back(h); });
    sc.found.resize(sc.keys.size());
    index_.short_joined_.FindMany(sc.keys.data(), sc.keys.size(), sc.found.data());
    for (std::span<const uint32_t> found : sc.found) {
      for (uint32_t n : found) take(n);
    }
  } else {
    // Positional trigrams: a name within the budget keeps all but budget * 4 of the
    // query's trigrams, each within `budget` positions of where the query has it. Two
    // exact plans; the one reading fewer postings runs:
    //   spaced  budget + 1 trigrams no two of which overlap or touch (4 positions apart):
    //           one edit, even a transposition, breaks at most one of them, so a name
    //           within the budget has one of them. Chosen to read the fewest postings.
    //   count   of the rarest budget * 4 + c trigrams a name within the budget has at least
    //           c: keep the names found c times (c up to 2).
    sc.grams.clear();
    sc.keys.clear();
    static_assert(kMaxWindow >= 2 * 2 + 1, "JoinedBudget is at most 2");
    ForEachGram(a, [&](size_t p, uint64_t h) {
      sc.grams.emplace_back();
      for (size_t pos = p > budget ? p - budget : 0; pos <= p + budget; ++pos) {
        sc.keys.push_back(GramKey(h, pos));
      }
    });
    sc.found.resize(sc.keys.size());
    index_.trigrams_.FindMany(sc.keys.data(), sc.keys.size(), sc.found.data());
    for (size_t p = 0, k = 0; p < sc.grams.size(); ++p) {
      Scratch::Gram& g = sc.grams[p];
      for (size_t pos = p > budget ? p - budget : 0; pos <= p + budget; ++pos, ++k) {
        if (sc.found[k].empty()) continue;
        g.names[g.lists++] = sc.found[k];
        g.size += sc.found[k].size();
      }
    }
    const size_t n_grams = sc.grams.size();
    const size_t missing = budget * kGramsPerEdit;
    size_t count_cost = SIZE_MAX;
    if (n_grams > missing) {
      sc.sizes.clear();
      for (const Scratch::Gram& g : sc.grams) sc.sizes.push_back(g.size);
      const size_t probes = missing + std::min<size_t>(kGramHits, n_grams - missing);
      std::nth_element(sc.sizes.begin(), sc.sizes.begin() + static_cast<std::ptrdiff_t>(probes - 1),
                       sc.sizes.end());
      count_cost = 0;
      for (size_t g = 0; g < probes; ++g) count_cost += sc.sizes[g];
    }
    // spaced: cost[j][p] = the fewest postings of j + 1 spaced trigrams, the last at p.
    const size_t picks = budget + 1;
    size_t spaced_cost = SIZE_MAX;
    size_t spaced_last = 0;
    if (n_grams >= (picks - 1) * kGramsPerEdit + 1) {
      sc.cost.assign(picks * n_grams, SIZE_MAX);
      sc.from.assign(picks * n_grams, 0);
      for (size_t p = 0; p < n_grams; ++p) sc.cost[p] = sc.grams[p].size;
      for (size_t j = 1; j < picks; ++j) {
        size_t best = SIZE_MAX, arg = 0;  // min of cost[j - 1][0 .. p - 4]
        for (size_t p = kGramsPerEdit; p < n_grams; ++p) {
          const size_t prev = sc.cost[(j - 1) * n_grams + p - kGramsPerEdit];
          if (prev < best) best = prev, arg = p - kGramsPerEdit;
          if (best == SIZE_MAX) continue;
          sc.cost[j * n_grams + p] = best + sc.grams[p].size;
          sc.from[j * n_grams + p] = arg;
        }
      }
      for (size_t p = 0; p < n_grams; ++p) {
        const size_t c = sc.cost[(picks - 1) * n_grams + p];
        if (c < spaced_cost) spaced_cost = c, spaced_last = p;
      }
    }
    if (spaced_cost != SIZE_MAX && spaced_cost <= count_cost) {
      for (size_t j = picks, p = spaced_last; j-- > 0;) {
        const Scratch::Gram& g = sc.grams[p];
        for (size_t l = 0; l < g.lists; ++l) {
          for (uint32_t n : g.names[l]) take(n);
        }
        p = sc.from[j * n_grams + p];
      }
    } else if (count_cost != SIZE_MAX) {
      const size_t need = std::min<size_t>(kGramHits, n_grams - missing);
      const size_t probes = missing + need;
      std::partial_sort(sc.grams.begin(), sc.grams.begin() + static_cast<std::ptrdiff_t>(probes),
                        sc.grams.end(),
                        [](const auto& x, const auto& y) { return x.size < y.size; });
      for (size_t g = 0; g < probes; ++g) {
        for (size_t l = 0; l < sc.grams[g].lists; ++l) {
          for (uint32_t n : sc.grams[g].names[l]) {
            if (sc.name_probe[n] != sc.epoch) {
              sc.name_probe[n] = sc.epoch;
              sc.name_count[n] = 0;
            }
            if (++sc.name_count[n] == need) sc.candidates.push_back(n);
          }
        }
      }
    } else {
      // Too few trigrams to rely on ("aaaaaaaaaaaa"): look at every name.
      for (uint32_t n = 0; n < index_.names_.size(); ++n) take(n);
    }
  }
  // Each edit changes the length by one at most, and the letter counts by two at most (the
  // rotated form has the same letters).
  const LetterCounts& letters = letters_;
  const size_t length = std::min<size_t>(a.size(), 65535);
  for (uint32_t n : sc.candidates) {
    const size_t l = index_.joined_length_[n];
    if (l + budget < length || l > length + budget) continue;
    if (LetterDistance(letters, index_.letters_[n]) > static_cast<int>(2 * budget)) continue;
    if (sc.name_seen[n] == sc.epoch || !Compatible(n)) continue;
    const match::PreparedName& c = index_.names_[n];
    const double joined = match::JoinedScore(query_, c.joined, c.joined_rotated, c.tokens.size());
    if (joined <= 0) continue;
    sc.name_seen[n] = sc.epoch;
    const double s = ScoreWith(n, joined);
    if (s > 0) out->push_back(ScoredName{n, s});
  }
  joined_done_ = true;
}

double NameSearch::PairBound(uint32_t name) const {
  // Each query token's best pair with this name, as if the greedy alignment gave every
  // token its best partner: never below the token score.
  const Scratch& sc = *scratch_;
  const size_t n_tokens = std::min<size_t>(query_.tokens.size(), 64);
  double best[64];
  std::fill(best, best + n_tokens, 0.0);
  const uint32_t start = index_.name_start_[name], end = index_.name_start_[name + 1];
  for (uint32_t k = start; k < end; ++k) {
    const uint32_t f = index_.name_forms_[k].form;
    const float wc = index_.name_forms_[k].weight;
    if (sc.form_slot[f].stamp == sc.epoch) {
      for (int32_t e = sc.form_slot[f].head; e >= 0; e = sc.entries[static_cast<size_t>(e)].next) {
        const Scratch::Entry& entry = sc.entries[static_cast<size_t>(e)];
        best[entry.q] = std::max(best[entry.q], entry.sim * (query_.weights[entry.q] + wc));
      }
    }
    if (has_legal_ && index_.form_legal_[f]) {
      for (uint32_t i : sc.legal_query) {
        best[i] = std::max(best[i], match::kLegalFormAgreement * (query_.weights[i] + wc));
      }
    }
  }
  double num = 0;
  for (size_t i = 0; i < n_tokens; ++i) num += best[i];
  const double den = query_.total_weight + index_.total_weight_[name];
  return den > 0 ? num / den : 0.0;
}

bool NameSearch::ScoreTerm(size_t t, double floor, std::vector<ScoredName>* out, size_t budget) {
  Scratch& sc = *scratch_;
  Term& term = terms_[t];
  const double q_total = query_.total_weight;
  // What the other tokens can add to a name not met yet: the query weights of the terms
  // not scanned and of legal forms and particles, and their partners' weights; and at most
  // what their best partners add (similarities below 1 count there).
  double other_query = fixed_num_ - fixed_extra_, other_list = fixed_extra_;
  double other_best = fixed_num_;
  for (size_t u = 0; u < terms_.size(); ++u) {
    if (u == t || terms_[u].scanned) continue;
    other_query += query_.weights[terms_[u].q];
    other_list += terms_[u].bound - query_.weights[terms_[u].q];
    if (!terms_[u].forms.empty()) other_best += terms_[u].forms.front().second;
  }
  const bool bounded = joined_done_ && floor > 0;
  const double fl = std::min(floor, 1.0) - kBoundSlack;

  // Signatures. A name whose only content pair is through the form it is met by must fit
  // the single-pair bound; any other has a second list token partnering a term not scanned
  // (this one included). The bits of those terms' distinct partner forms, and how many
  // forms set each bit (a bit set by the met form alone says nothing).
  uint64_t partner_bits = 0;
  uint32_t bit_forms[64] = {};
  // best_pairs[j]: the most j more content pairs can add (the j best terms not scanned,
  // this one included: the met form may pair with another term).
  double best_pairs[65] = {0};
  size_t n_best = 0;
  if (bounded) {
    for (size_t u = 0; u < terms_.size() && n_best < 64; ++u) {
      if ((u != t && terms_[u].scanned) || terms_[u].forms.empty()) continue;
      best_pairs[++n_best] = terms_[u].forms.front().second;
    }
    std::sort(best_pairs + 1, best_pairs + n_best + 1, std::greater<>());
    for (size_t j = 1; j <= n_best; ++j) best_pairs[j] += best_pairs[j - 1];
    sc.spellings.clear();  // reused: distinct partner forms
    for (size_t u = 0; u < terms_.size(); ++u) {
      if (u != t && terms_[u].scanned) continue;
      for (const auto& [g, c] : terms_[u].forms) sc.spellings.push_back(g);
    }
    std::sort(sc.spellings.begin(), sc.spellings.end());
    sc.spellings.erase(std::unique(sc.spellings.begin(), sc.spellings.end()), sc.spellings.end());
    for (uint32_t g : sc.spellings) {
      const int b = FormBitIndex(g);
      partner_bits |= uint64_t{1} << b;
      ++bit_forms[b];
    }
  }

  size_t examined = 0;
  const float* weights = index_.posting_weight_.data();
  for (; term.next_form < term.forms.size(); ++term.next_form, term.next_posting = kFresh) {
    const auto [f, contribution] = term.forms[term.next_form];
    uint32_t begin = index_.posting_start_[f], end = index_.posting_start_[f + 1];
    if (term.next_posting != kFresh) begin = term.next_posting;
    double single_lo = 0, single_hi = 0, single = 0;
    uint64_t need = ~uint64_t{0};
    int own_bit = -1;
    if (bounded) {
      // A name of total weight w met here scores at most
      //   min(contribution + other_query + min(w, other_list),
      //       contribution + other_best) / (q_total + w):
      // rising in w up to other_list, falling after; at least fl on [lo, hi].
      const double a = contribution + other_query;
      const double lo = (fl * q_total - a) / (1 - fl);
      const double hi = std::min((a + other_list) / fl, (contribution + other_best) / fl) - q_total;
      if (lo > hi) continue;
      const double margin = 1e-4 * (1 + std::fabs(hi));  // float sums of weights
      begin = static_cast<uint32_t>(
          std::lower_bound(weights + begin, weights + end, static_cast<float>(lo - margin)) -
          weights);
      end = static_cast<uint32_t>(
          std::upper_bound(weights + begin, weights + end, static_cast<float>(hi + margin)) -
          weights);
      // With this form as its only content pair (with whichever term not scanned pairs
      // with it best), a name scores at most (single + fixed) / (q_total + w):
      // [single_lo, single_hi] are the weights where that can reach fl.
      for (int32_t e = sc.form_slot[f].head; e >= 0; e = sc.entries[static_cast<size_t>(e)].next) {
        const Scratch::Entry& entry = sc.entries[static_cast<size_t>(e)];
        if (entry.q >= 64 || term_of_[entry.q] < 0) continue;  // not a term: in fixed_num_
        const size_t u = static_cast<size_t>(term_of_[entry.q]);
        if (u != t && terms_[u].scanned) continue;
        single = std::max(single, entry.sim * (query_.weights[entry.q] + index_.form_weight_[f]));
      }
      const double as = single + (fixed_num_ - fixed_extra_);
      single_lo = (fl * q_total - as) / (1 - fl) - margin;
      single_hi = std::min((as + fixed_extra_) / fl, (single + fixed_num_) / fl) - q_total + margin;
      own_bit = FormBitIndex(f);
      need = (bit_forms[own_bit] == 1 ? partner_bits & ~(uint64_t{1} << own_bit) : partner_bits) |
             kRepeatedBit;
    }
    for (uint32_t k = begin; k < end; ++k) {
      if (bounded) {
        const double w = weights[k];
        if (w < single_lo || w > single_hi) {
          // It needs more pairs than this one: at least `needed`, each through another
          // partner form in it. Its signature bounds how many it has: a bit stands for at
          // most as many distinct partner forms as set it.
          const uint64_t sig = index_.posting_sig_[k] & need;
          if (sig == 0) continue;
          if ((sig & kRepeatedBit) == 0) {
            const double want = fl * (q_total + w) - single - fixed_num_ - 1e-4 * (1 + w);
            size_t needed = 1;
            while (needed < n_best && best_pairs[needed] < want) ++needed;
            if (best_pairs[needed] < want) continue;  // not even with every term
            size_t have = 0;
            for (uint64_t m = sig; m != 0 && have < needed; m &= m - 1) {
              const int b = std::countr_zero(m);
              have += bit_forms[b] - (b == own_bit ? 1 : 0);
            }
            if (have < needed) continue;
          }
        }
      }
      const uint32_t n = index_.postings_[k];
      if (sc.name_seen[n] == sc.epoch) continue;
      if (examined == budget) {
        term.next_posting = k;
        return false;
      }
      sc.name_seen[n] = sc.epoch;
      if (!Compatible(n)) continue;
      ++examined;
      // Within the range the weight alone cannot rule the name out: its best pair per
      // token can.
      if (bounded && PairBound(n) + kBoundSlack < floor) continue;
      const double s = joined_done_ ? ScoreWith(n, 0.0) : Score(n);
      if (s > 0) out->push_back(ScoredName{n, s});
    }
  }
  term.scanned = true;
  return true;
}

}  // namespace vigil::index
