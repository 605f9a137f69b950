// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "index/identifier_index.h"
#include "index/name_index.h"
#include "index/name_table.h"
#include "match/attributes.h"
#include "match/name_scorer.h"
#include "screen/explanation.h"
#include "screen/groups.h"
#include "vigil/screen.h"

namespace vigil {
namespace {

// A match through Korean syllable keys is a respelling, never quite an exact match.
constexpr double kKoreanViewScale = 0.98;

// A match through the compound view ("Silver Star" as "SILVERSTAR") is a respacing: a
// name spelled as listed still ranks first.
constexpr double kCompoundViewScale = 0.99;

// The score of an entity whose identifier equals one the query gives: above the match
// threshold on its own.
constexpr double kIdentifierScore = 0.97;

// An entity's best name so far.
struct Best {
  double score;
  uint32_t name;
  int tie;
  bool korean;            // the Korean syllable view scored best
  double name_score = 0;  // the name alone, before attributes and identifiers
  bool compound = false;  // the compound view scored best
};

std::atomic<uint64_t> next_generation{1};

constexpr int kTieUnknown = -1;  // Best::tie not computed yet

// Names a term scan reads before the floor is raised from what it found.
constexpr size_t kTermBudget = 256;

// Entity index -> Best for one Screen() call: flat arrays stamped per call, kept per
// thread and sized to one Screener (a hash map here costs more than the matching).
class BestTable {
 public:
  static BestTable& ForThread(uint64_t generation, size_t entities) {
    thread_local BestTable table;
    if (table.generation_ != generation || table.stamp_.size() != entities) {
      table.generation_ = generation;
      table.stamp_.assign(entities, 0);
      table.slot_.resize(entities);
      table.epoch_ = 0;
    }
    if (++table.epoch_ == 0) {
      std::fill(table.stamp_.begin(), table.stamp_.end(), 0);
      table.epoch_ = 1;
    }
    table.touched_.clear();
    return table;
  }
  std::pair<Best*, bool> try_emplace(uint32_t entity, const Best& b) {
    if (stamp_[entity] == epoch_) return {&slot_[entity], false};
    stamp_[entity] = epoch_;
    slot_[entity] = b;
    touched_.push_back(entity);
    return {&slot_[entity], true};
  }
  Best& operator[](uint32_t entity) { return slot_[entity]; }
  size_t size() const { return touched_.size(); }
  const std::vector<uint32_t>& entities() const { return touched_; }

 private:
  uint64_t generation_ = 0;
  uint32_t epoch_ = 0;
  std::vector<uint32_t> stamp_;
  std::vector<Best> slot_;
  std::vector<uint32_t> touched_;
};

}  // namespace

struct Screener::Rep {
  uint64_t generation = next_generation.fetch_add(1);
  std::vector<LoadedList> lists;
  std::vector<const Entity*> entities;  // every entity of every list, in list order
  std::unordered_map<std::string_view, const Entity*> by_id;
  std::unordered_map<std::string_view, uint32_t> index_of;  // entity id -> entities[i]
  index::NameTable names;
  index::IdentifierIndex identifiers;
  // Parties listed more than once (screen/groups.h): entity -> first entity of its party,
  // and the entities of each party of two or more. `grouped`: some party has two or more.
  std::vector<uint32_t> group;
  std::unordered_map<uint32_t, std::vector<uint32_t>> members;
  std::vector<uint8_t> in_party;  // per entity: 1 when its party has two or more records
  bool grouped = false;
  std::vector<std::string> list_names;                        // per entity: Listing::list_name
  std::unordered_map<std::string, const Entity*> former_ids;  // "us_csl:<_id>" -> entity
};

namespace {

// Listing::list_name of `e`, on the list titled `title`.
std::string ListName(const std::string& title, const Entity& e) {
  std::string out = title;
  const char* sep = ": ";
  for (const Property& p : e.properties) {
    if (p.key != "csl_source") continue;
    out += sep + p.value;
    sep = "; ";
  }
  return out;
}

}  // namespace

std::string_view ToString(Decision decision) {
  switch (decision) {
    case Decision::kMatch:
      return "match";
    case Decision::kReview:
      return "review";
    case Decision::kNone:
      break;
  }
  return "none";
}

Screener::Screener(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Screener::~Screener() = default;

Status Screener::Create(std::vector<LoadedList> lists, std::unique_ptr<Screener>* out) {
  auto rep = std::make_unique<Rep>();
  rep->lists = std::move(lists);
  for (const LoadedList& list : rep->lists) {
    for (const Entity& e : list.entities) {
      if (!rep->by_id.emplace(e.id, &e).second) {
        return Status::InvalidArgument("entity id " + e.id + " is loaded twice (the list '" +
                                       list.info.source + "' was given more than once?)");
      }
      rep->index_of.emplace(e.id, static_cast<uint32_t>(rep->entities.size()));
      rep->entities.push_back(&e);
      rep->list_names.push_back(ListName(list.info.title, e));
      for (const Property& p : e.properties) {
        if (p.key == "csl_id") rep->former_ids.emplace(e.source + ":" + p.value, &e);
      }
    }
  }
  rep->group = screen::GroupEntities(rep->entities);
  rep->in_party.assign(rep->group.size(), 0);
  for (uint32_t i = 0; i < rep->group.size(); ++i) {
    if (rep->group[i] != i) {
      rep->in_party[i] = rep->in_party[rep->group[i]] = 1;
      std::vector<uint32_t>& m = rep->members[rep->group[i]];
      if (m.empty()) m.push_back(rep->group[i]);
      m.push_back(i);
    }
  }
  rep->grouped = !rep->members.empty();
  rep->names.Build(rep->entities);
  rep->identifiers.Build(rep->entities);
  out->reset(new Screener(std::move(rep)));
  return Status::Ok();
}

std::vector<Match> Screener::Screen(const Query& query, const ScreenOptions& options) const {
  return ScreenImpl(query, options, nullptr);
}

std::vector<Match> Screener::ScreenAmong(const Query& query, const ScreenOptions& options,
                                         const std::vector<std::string_view>& ids) const {
  std::vector<uint32_t> only;
  only.reserve(ids.size());
  for (std::string_view id : ids) {
    auto it = rep_->index_of.find(id);
    if (it != rep_->index_of.end()) only.push_back(it->second);
  }
  std::sort(only.begin(), only.end());
  only.erase(std::unique(only.begin(), only.end()), only.end());
  if (only.empty()) return {};
  return ScreenImpl(query, options, &only);
}

std::vector<Match> Screener::ScreenImpl(const Query& query, const ScreenOptions& options,
                                        const std::vector<uint32_t>* only) const {
  const index::NameTable& table = rep_->names;
  match::PreparedName q = table.Prepare(query.name, query.kind);
  match::PreparedName qk = options.korean_view ? table.PrepareKorean(q) : match::PreparedName();
  match::PreparedName qc = table.PrepareCompounds(q);
  const match::QueryAttributes attrs = match::ParseQueryAttributes(query);
  const bool has_attrs = !attrs.dob.empty() || !attrs.country.empty();

  // An entity's best name. Among equal scores, a name with the query's tokens in the
  // query's order wins, then a primary name over an alias, then the first listed, then the
  // plain reading over the Korean one: the same whatever order names are scored in.
  auto tie_rank = [&](uint32_t id) {
    const index::NameRef& ref = table.refs()[id];
    int exact = table.names()[id].tokens == q.tokens ? 2 : 0;
    int primary = rep_->entities[ref.entity]->names[ref.name].kind == NameKind::kPrimary ? 1 : 0;
    return exact + primary;
  };
  BestTable& best = BestTable::ForThread(rep_->generation, rep_->entities.size());
  const double min_name_score = match::MinNameScore(options.min_score, attrs) - 1e-6;
  size_t changes = 0;  // offers that changed an entity's best
  // Entities whose best name score may be among the top N: the N kept when the floor was
  // last computed, and those offered above the N-th best name score then (it only rises;
  // ties with it add nothing: N entities reach it already).
  std::vector<uint32_t> hot;
  double nth_name = -1;
  auto offer = [&](uint32_t id, double s, bool korean, bool compound = false) {
    // min_score applies to final scores, after attributes: drop only what cannot reach it.
    if (s <= 0 || s < min_name_score) return;
    const uint32_t entity = table.refs()[id].entity;
    auto [slot, inserted] = best.try_emplace(entity, Best{s, id, kTieUnknown, korean, 0, compound});
    Best& b = *slot;
    if (!inserted) {
      if (s < b.score) return;
      if (s == b.score) {
        if (b.tie == kTieUnknown) b.tie = tie_rank(b.name);
        const int tie = tie_rank(id);
        // The same name by two views: plain, then Korean, then compound.
        auto view = [](bool k, bool c) { return k ? 1 : c ? 2 : 0; };
        if (tie < b.tie ||
            (tie == b.tie && (id > b.name || (id == b.name && view(korean, compound) >=
                                                                  view(b.korean, b.compound))))) {
          return;
        }
        b = Best{s, id, tie, korean, 0, compound};
        ++changes;
        return;
      }
      b = Best{s, id, kTieUnknown, korean, 0, compound};
    }
    if (s > nth_name) hot.push_back(entity);
    ++changes;
  };

  // Identifier hits: a strong hit on their own, whatever the name scored.
  std::unordered_map<uint32_t, std::vector<Evidence>> id_evidence;
  for (const std::string& value : query.identifiers) {
    for (const index::IdentifierHit& hit : rep_->identifiers.Find(value)) {
      if (only != nullptr && !std::binary_search(only->begin(), only->end(), hit.entity)) continue;
      uint32_t name = table.FirstNameOf(hit.entity);
      if (name == index::NameTable::kNoName) continue;  // nothing to show for it
      if (best.try_emplace(hit.entity, Best{0, name, 0, false}).second) hot.push_back(hit.entity);
      id_evidence[hit.entity].push_back(
          Evidence{"identifier", value, hit.identifier->value, 0,
                   std::string(ToString(hit.identifier->kind)) + " on the list entry"});
    }
  }

  // A lower bound of the top-N cut-off on final scores: the lowest final score among N
  // entities found so far (those with the best name scores, identifier hits first).
  std::vector<std::pair<double, uint32_t>> keys;
  size_t floor_at = SIZE_MAX;  // `changes` when the floor was last computed
  double floor_value = 0;
  auto floor = [&]() -> double {
    if (options.top == 0 || best.size() < options.top) return 0.0;
    if (floor_at == changes) return floor_value;
    floor_at = changes;
    std::sort(hot.begin(), hot.end());
    hot.erase(std::unique(hot.begin(), hot.end()), hot.end());
    keys.clear();
    for (uint32_t entity : hot) {
      keys.emplace_back(id_evidence.count(entity) != 0 ? 2.0 : best[entity].score, entity);
    }
    if (rep_->grouped) {  // N parties, not N records: one key per party, its best
      auto parties = std::partition(keys.begin(), keys.end(),
                                    [&](const auto& k) { return !rep_->in_party[k.second]; });
      if (keys.end() - parties > 1) {
        std::sort(parties, keys.end(), [&](const auto& a, const auto& b) {
          const uint32_t ga = rep_->group[a.second], gb = rep_->group[b.second];
          return ga != gb ? ga < gb : a.first > b.first;
        });
        keys.erase(std::unique(parties, keys.end(),
                               [&](const auto& a, const auto& b) {
                                 return rep_->group[a.second] == rep_->group[b.second];
                               }),
                   keys.end());
      }
      if (keys.size() < options.top) {
        floor_value = 0;
        return 0.0;
      }
    }
    std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(options.top - 1),
                     keys.end(), std::greater<>());
    nth_name = keys[options.top - 1].first;
    double f = 1.0;
    for (size_t k = 0; k < options.top; ++k) {
      const uint32_t entity = keys[k].second;
      double final_score = best[entity].score;
      if (has_attrs && final_score > 0) {
        final_score = match::ApplyAttributes(final_score, attrs, *rep_->entities[entity], nullptr);
      }
      if (id_evidence.count(entity) != 0) final_score = std::max(final_score, kIdentifierScore);
      f = std::min(f, final_score);
    }
    hot.clear();
    for (size_t k = 0; k < options.top; ++k) hot.push_back(keys[k].second);
    floor_value = f;
    return f;
  };

  // The searches (indexed mode) live until the explanations: they hold the query's token
  // similarities.
  std::optional<index::NameSearch> plain_search, korean_search, compound_search;
  if (options.exhaustive || only != nullptr) {
    // Every name (or those of the `only` entities), one by one.
    std::vector<uint32_t> only_names;
    if (only != nullptr) {
      for (uint32_t entity : *only) {
        for (uint32_t id = table.FirstNameOf(entity);
             id < table.refs().size() && table.refs()[id].entity == entity; ++id) {
          only_names.push_back(id);
        }
      }
    }
    const size_t count = only != nullptr ? only_names.size() : table.refs().size();
    for (size_t k = 0; k < count; ++k) {
      const uint32_t id = only != nullptr ? only_names[k] : static_cast<uint32_t>(k);
      const index::NameRef& ref = table.refs()[id];
      if (!index::KindCompatible(query.kind, ref.kind)) continue;
      double s = match::ScoreName(q, table.names()[id]);
      bool korean = false;
      if (ref.korean >= 0 && !qk.tokens.empty()) {
        double ks = kKoreanViewScale *
                    match::ScoreName(qk, table.korean_names()[static_cast<size_t>(ref.korean)]);
        if (ks > s) {
          s = ks;
          korean = true;
        }
      }
      offer(id, s, korean);
      if (!qc.tokens.empty()) {
        offer(id, kCompoundViewScale * match::ScoreName(qc, table.names()[id]), false, true);
      }
    }
  } else {
    index::NameSearch& plain = plain_search.emplace(table.plain(), q, query.kind);
    std::optional<index::NameSearch>& korean = korean_search;
    if (!qk.tokens.empty()) korean.emplace(table.korean(), qk, query.kind);
    std::optional<index::NameSearch>& compound = compound_search;
    if (!qc.tokens.empty()) compound.emplace(table.plain(), qc, query.kind);
    auto offer_korean = [&](uint32_t korean_id, double s) {
      offer(table.korean_refs()[korean_id], kKoreanViewScale * s, true);
    };
    auto offer_compound = [&](uint32_t id, double s) {
      offer(id, kCompoundViewScale * s, false, true);
    };
    // Identifier hits: every name of theirs is scored, whatever the floor.
    for (const auto& [entity, evidence] : id_evidence) {
      for (uint32_t id = table.FirstNameOf(entity);
           id < table.refs().size() && table.refs()[id].entity == entity; ++id) {
        const index::NameRef& ref = table.refs()[id];
        if (!index::KindCompatible(query.kind, ref.kind)) break;
        offer(id, plain.Score(id), false);
        if (compound) offer_compound(id, compound->Score(id));
        if (korean && ref.korean >= 0) {
          offer_korean(static_cast<uint32_t>(ref.korean),
                       korean->Score(static_cast<uint32_t>(ref.korean)));
        }
      }
    }
    std::vector<index::ScoredName> scored;
    plain.ScoreJoined(&scored);
    for (const index::ScoredName& n : scored) offer(n.name, n.score, false);
    if (korean) {
      scored.clear();
      korean->ScoreJoined(&scored);
      for (const index::ScoredName& n : scored) offer_korean(n.name, n.score);
    }
    if (compound) {
      scored.clear();
      compound->ScoreJoined(&scored);
      for (const index::ScoredName& n : scored) offer_compound(n.name, n.score);
    }
    // The terms each view still needs for the floor (rarest first), in whichever view can
    // still score highest, until no name not met yet can reach the floor.
    for (;;) {
      const double name_floor =
          match::MinNameScore(std::max(options.min_score, floor()), attrs) - 1e-6;
      const size_t tp = plain.NextTerm(name_floor);
      const size_t tk =
          korean ? korean->NextTerm(name_floor / kKoreanViewScale) : index::NameSearch::kNoTerm;
      const size_t tc = compound ? compound->NextTerm(name_floor / kCompoundViewScale)
                                 : index::NameSearch::kNoTerm;
      const bool go_plain = tp != index::NameSearch::kNoTerm;
      const bool go_korean = tk != index::NameSearch::kNoTerm;
      const bool go_compound = tc != index::NameSearch::kNoTerm;
      if (!go_plain && !go_korean && !go_compound) break;
      scored.clear();
      // A few hundred names at a time: the floor rises as they are offered, and the rest
      // of a term's postings (by weight) is read with the higher floor.
      const double plain_bound = go_plain ? plain.Bound() : -1;
      const double korean_bound = go_korean ? kKoreanViewScale * korean->Bound() : -1;
      const double compound_bound = go_compound ? kCompoundViewScale * compound->Bound() : -1;
      if (go_compound && compound_bound > plain_bound && compound_bound > korean_bound) {
        compound->ScoreTerm(tc, name_floor / kCompoundViewScale, &scored, kTermBudget);
        for (const index::ScoredName& n : scored) offer_compound(n.name, n.score);
      } else if (go_plain && (!go_korean || plain_bound >= korean_bound)) {
        plain.ScoreTerm(tp, name_floor, &scored, kTermBudget);
        for (const index::ScoredName& n : scored) offer(n.name, n.score, false);
      } else {
        korean->ScoreTerm(tk, name_floor / kKoreanViewScale, &scored, kTermBudget);
        for (const index::ScoredName& n : scored) offer_korean(n.name, n.score);
      }
    }
  }
  // Final scores, best possible first: attributes are applied (they cost string work) only
  // while an entity can still reach the top N.
  // The N-th best final score is at least floor(): entities that cannot reach it are out.
  const double cut = std::max(options.min_score, floor());
  std::vector<std::pair<double, uint32_t>> order;  // (upper bound of the final score, entity)
  for (uint32_t entity : best.entities()) {
    double bound = best[entity].score;
    if (has_attrs) bound = match::MaxFinalScore(bound, attrs);
    if (id_evidence.count(entity) != 0) bound = std::max(bound, kIdentifierScore);
    if (bound >= cut) order.emplace_back(bound, entity);
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::pair<uint32_t, Best>> ranked;
  std::vector<double> finals;  // min-heap of the best `top` final scores so far, one a party
  std::unordered_set<uint32_t> party_final;  // grouped parties ranked so far
  for (const auto& [bound, entity] : order) {
    if (options.top == 0) break;
    if (bound < options.min_score) break;
    if (finals.size() == options.top && bound < finals.front()) break;
    Best b = best[entity];
    b.name_score = b.score;
    if (has_attrs && b.score > 0) {
      b.score = match::ApplyAttributes(b.score, attrs, *rep_->entities[entity], nullptr);
    }
    if (id_evidence.count(entity) != 0) b.score = std::max(b.score, kIdentifierScore);
    if (b.score <= 0 || b.score < options.min_score) continue;
    ranked.emplace_back(entity, b);
    // A party already in `finals` keeps its first score there: a lower bound of its best,
    // which can only keep the loop going longer.
    if (rep_->in_party[entity] && !party_final.insert(rep_->group[entity]).second) {
      continue;
    }
    finals.push_back(b.score);
    std::push_heap(finals.begin(), finals.end(), std::greater<>());
    if (finals.size() > options.top) {
      std::pop_heap(finals.begin(), finals.end(), std::greater<>());
      finals.pop_back();
    }
  }
  for (auto& [entity, b] : ranked) {
    if (b.tie == kTieUnknown) b.tie = tie_rank(b.name);
  }
  auto better = [](const auto& a, const auto& b) {
    if (a.second.score != b.second.score) return a.second.score > b.second.score;
    if (a.second.tie != b.second.tie) return a.second.tie > b.second.tie;
    return a.first < b.first;
  };
  if (!party_final.empty()) {
    // One match a party: its best record (ranked, so the parties come out in order).
    std::sort(ranked.begin(), ranked.end(), better);
    std::vector<std::pair<uint32_t, Best>> parties;
    std::unordered_set<uint32_t> seen;
    for (const auto& r : ranked) {
      if (parties.size() == options.top) break;
      if (seen.insert(rep_->group[r.first]).second) parties.push_back(r);
    }
    ranked = std::move(parties);
  } else {
    const size_t keep = std::min(options.top, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep),
                      ranked.end(), better);
    ranked.resize(keep);
  }

  std::vector<Match> out;
  out.reserve(ranked.size());
  // Explanations speak in the words as written (screen/explanation.h): where the query's
  // tokens came from, found once.
  screen::ExplainedName query_words;
  bool query_origins = false;
  for (const auto& [entity, b] : ranked) {
    const index::NameRef& ref = table.refs()[b.name];
    Match m;
    m.entity = rep_->entities[entity];
    m.score = b.score;
    m.name_score = b.name_score;
    m.decision = m.score >= options.match_threshold    ? Decision::kMatch
                 : m.score >= options.review_threshold ? Decision::kReview
                                                       : Decision::kNone;
    double attributed = m.name_score;
    if (has_attrs) attributed = match::ApplyAttributes(m.name_score, attrs, *m.entity, &m.evidence);
    if (auto it = id_evidence.find(entity); it != id_evidence.end()) {
      for (Evidence& ev : it->second) {
        ev.effect = std::max(0.0, m.score - attributed);
        m.evidence.push_back(std::move(ev));
      }
    }
    m.list_name = rep_->list_names[entity];
    if (rep_->in_party[entity]) {
      for (uint32_t other : rep_->members.at(rep_->group[entity])) {
        if (other != entity) m.also_on.push_back({rep_->entities[other], rep_->list_names[other]});
      }
    }
    m.matched_name = m.entity->names[ref.name].full;
    m.matched_kind = m.entity->names[ref.name].kind;
    if (options.explain && b.korean) {
      const uint32_t k = static_cast<uint32_t>(ref.korean);
      if (korean_search) {
        korean_search->Explain(k, &m.tokens);
      } else {
        match::ScoreName(qk, table.korean_names()[k], &m.tokens);
      }
    } else if (options.explain && b.compound) {
      if (compound_search) {
        compound_search->Explain(b.name, &m.tokens);
      } else {
        match::ScoreName(qc, table.names()[b.name], &m.tokens);
      }
    } else if (options.explain) {
      if (plain_search) {
        plain_search->Explain(b.name, &m.tokens);
      } else {
        match::ScoreName(q, table.names()[b.name], &m.tokens);
      }
    }
    if (options.explain && !m.tokens.empty()) {
      if (!query_origins) {
        query_origins = true;
        query_words.text = query.name;
        query_words.plain = &q;
        query_words.spans = screen::Origins(query.name, query.kind == EntityKind::kPerson, q);
        query_words.words = text::Words(query.name);
      }
      query_words.view = b.korean ? &qk : b.compound ? &qc : &q;
      const match::PreparedName& plain = table.names()[b.name];
      screen::ExplainedName list_words;
      list_words.text = m.matched_name;
      list_words.plain = &plain;
      list_words.view =
          b.korean ? &table.korean_names()[static_cast<uint32_t>(ref.korean)] : &plain;
      list_words.spans =
          screen::Origins(m.matched_name, m.entity->kind == EntityKind::kPerson, plain);
      screen::ExplainInWords(query_words, list_words, &m.tokens);
    }
    out.push_back(std::move(m));
  }
  return out;
}

const Entity* Screener::Find(std::string_view id) const {
  auto it = rep_->by_id.find(id);
  if (it != rep_->by_id.end()) return it->second;
  auto former = rep_->former_ids.find(std::string(id));
  return former == rep_->former_ids.end() ? nullptr : former->second;
}

const std::vector<LoadedList>& Screener::lists() const { return rep_->lists; }

}  // namespace vigil
