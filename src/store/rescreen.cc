// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "store/rescreen.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "model/diff.h"
#include "model/json.h"
#include "model/list_status.h"
#include "model/party.h"
#include "screen/party.h"
#include "util/file.h"

namespace vigil::store {
namespace {

using SteadyClock = std::chrono::steady_clock;

int Threads(int requested) {
  if (requested > 0) return requested;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

// Runs fn(i) for i in [0, n) on up to `threads` threads (the caller's included). The
// first exception thrown is returned as an error; the other items are then skipped.
template <typename Fn>
Status ParallelFor(size_t n, int threads, const Fn& fn) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::string failure;
  auto work = [&] {
    try {
      for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mu);
      if (failure.empty()) failure = e.what();
      next.store(n);
    }
  };
  const size_t workers = std::min<size_t>(static_cast<size_t>(std::max(1, threads)), n);
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (!failure.empty()) return Status::InvalidArgument(failure);
  return Status::Ok();
}

std::vector<ListFile> FilesOf(const LoadedList& list) {
  std::vector<LoadedList> one;
  LoadedList l;
  l.info = list.info;  // ListFiles reads the info and the entity count
  one.push_back(std::move(l));
  std::vector<ListFile> files = ListFiles(one);
  for (ListFile& f : files) f.entities = static_cast<int64_t>(list.entities.size());
  return files;
}

// "us_ofac_sdn version 2024-05-13 (a1b2c3d4e5f6)".
std::string VersionLabel(const std::string& source, const std::string& published,
                         const std::string& key) {
  std::string key12 = key.substr(0, 12);
  std::string when = published.empty() ? key12 : published.substr(0, 10);
  return source + " version " + when + " (" + key12 + ")";
}

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

// The baseline's lists version: the to_lists_version of the newest finished run.
std::string LastListsVersion(Store& store) {
  std::vector<RescreenRun> runs;
  if (!store.ListRescreenRuns(50, &runs).ok()) return "";
  for (const RescreenRun& r : runs) {
    if (r.status == "done") return r.to_lists_version;
  }
  return "";
}

// What a delta run must look at, from comparing one source's digests with its baseline.
struct Change {
  std::vector<std::string> changed;  // record hash differs (screened or not)
  std::vector<std::string> removed;
  std::vector<std::string> added;
  // Entities of the new list to ask the party index about (added, and changed for
  // screening: all their names, as a date, country or identifier may have changed too).
  std::vector<const Entity*> reverse;
};

void Compare(const std::vector<EntityDigest>& before, const std::vector<EntityDigest>& after,
             const LoadedList& list, SourceChange* sc, Change* ch) {
  std::unordered_map<std::string_view, const EntityDigest*> old_by_id;
  old_by_id.reserve(before.size());
  for (const EntityDigest& d : before) old_by_id.emplace(d.id, &d);
  std::unordered_set<std::string_view> in_new;
  in_new.reserve(after.size());
  for (size_t i = 0; i < after.size(); ++i) {
    const EntityDigest& d = after[i];
    in_new.insert(d.id);
    auto it = old_by_id.find(d.id);
    if (it == old_by_id.end()) {
      ++sc->added;
      ch->added.push_back(d.id);
      ch->reverse.push_back(&list.entities[i]);
      continue;
    }
    const EntityDigest& o = *it->second;
    if (o.record_hash == d.record_hash && o.screened_hash == d.screened_hash) {
      ++sc->unchanged;
      continue;
    }
    ++sc->changed;
    ch->changed.push_back(d.id);
    if (o.screened_hash != d.screened_hash) {
      ++sc->changed_screened;
      ch->reverse.push_back(&list.entities[i]);
    }
  }
  for (const EntityDigest& d : before) {
    if (in_new.count(d.id) == 0) {
      ++sc->removed;
      ch->removed.push_back(d.id);
    }
  }
}

std::vector<ListVersionInput> VersionInputs(const std::vector<LoadedList>& lists, int threads) {
  std::vector<ListVersionInput> inputs(lists.size());
  for (size_t i = 0; i < lists.size(); ++i) {
    ListVersionInput& in = inputs[i];
    in.source = lists[i].info.source;
    in.key = ListVersionKey(lists[i]);
    in.files = FilesOf(lists[i]);
    in.published = lists[i].info.published;
    in.digests = Digests(lists[i], threads);
  }
  return inputs;
}

// The first recorded version of `source` other than `except` (ListListVersions is newest
// first).
Status OldestOtherVersion(Store& store, const std::string& source, int64_t except, ListVersion* out,
                          bool* found) {
  *found = false;
  std::vector<ListVersion> all;
  if (Status s = store.ListListVersions(&all); !s.ok()) return s;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->source == source && it->id != except) {
      *out = *it;
      *found = true;
      return Status::Ok();
    }
  }
  return Status::Ok();
}

}  // namespace

Status RecordVersions(Store& store, const Screener& screener, const Actor& by, int threads) {
  return store.RecordListVersions(model::ListsVersion(screener.lists()),
                                  VersionInputs(screener.lists(), Threads(threads)), by, nullptr);
}

std::string ListVersionKey(const LoadedList& list) {
  std::vector<std::string> lines;
  for (const SourceFile& f : list.info.files) {
    lines.push_back(std::filesystem::path(f.path).filename().string() + ":" + f.sha256);
  }
  std::sort(lines.begin(), lines.end());
  std::string all;
  for (const std::string& l : lines) all += l + "\n";
  return util::Sha256Hex(all);
}

std::vector<EntityDigest> Digests(const LoadedList& list, int threads) {
  std::vector<EntityDigest> out(list.entities.size());
  Status s = ParallelFor(out.size(), Threads(threads), [&](size_t i) {
    const Entity& e = list.entities[i];
    EntityDigest& d = out[i];
    d.id = e.id;
    std::string record;
    model::AppendJson(e, &record);
    d.record_hash = util::Sha256Hex(record);  // = model::JsonHash(model::ToJson(e))
    record.clear();
    model::AppendScreenedEntityFields(e, &record);
    d.screened_hash = util::Sha256Hex(record);  // = JsonHash(ScreenedEntityFields(e))
    d.names.reserve(e.names.size());
    for (const Name& n : e.names) d.names.push_back(n.full);
  });
  (void)s;  // hashing throws only on allocation failure, which ends the program anyway
  return out;
}

Status BuildPartyIndex(Store& store, std::unique_ptr<screen::PartyIndex>* out) {
  int64_t watermark = 0;
  if (Status s = store.PartyChangeSeq(&watermark); !s.ok()) return s;
  std::vector<model::Party> parties;
  Status s = store.ForEachParty(10000, [&](const std::vector<model::Party>& batch) {
    parties.insert(parties.end(), batch.begin(), batch.end());
    return true;
  });
  if (!s.ok()) return s;
  return screen::PartyIndex::Build(std::move(parties), watermark, out);
}

bool PartyIndexStale(Store& store, const screen::PartyIndex& index, int64_t rebuild_after) {
  std::vector<std::string> changed;
  return !store.PartiesChangedSince(index.watermark(), &changed).ok() ||
         static_cast<int64_t>(changed.size()) > rebuild_after;
}

nlohmann::json RescreenSummary::ToJson() const {
  nlohmann::json src = nlohmann::json::array();
  for (const SourceChange& c : sources) {
    src.push_back({{"source", c.source},
                   {"from_key", c.from_key},
                   {"to_key", c.to_key},
                   {"from_version", c.from_version},
                   {"to_version", c.to_version},
                   {"added", c.added},
                   {"changed", c.changed},
                   {"changed_screened", c.changed_screened},
                   {"removed", c.removed},
                   {"unchanged", c.unchanged}});
  }
  return {{"run_id", run_id},
          {"kind", kind},
          {"from_lists_version", from_lists_version},
          {"to_lists_version", to_lists_version},
          {"sources", std::move(src)},
          {"parties_total", parties_total},
          {"parties_changed", parties_changed},
          {"parties_paired", parties_paired},
          {"parties_near", parties_near},
          {"near_checked", near_checked},
          {"parties_reverse", parties_reverse},
          {"reverse_candidates", reverse_candidates},
          {"parties_one_word", parties_one_word},
          {"parties_screened", screened.parties},
          {"new_alerts", screened.new_alerts},
          {"re_alerts", screened.re_alerts},
          {"existing", screened.existing},
          {"suppressed", screened.suppressed},
          {"confirmed", screened.confirmed},
          {"delisted_annotated", delisted_annotated},
          {"delisted_closed", delisted_closed},
          {"party_index", party_index},
          {"seconds", seconds}};
}

Status Rescreen(Store& store, const Screener& screener, const RescreenOptions& o, const Actor& by,
                RescreenSummary* summary) {
  const SteadyClock::time_point start = SteadyClock::now();
  RescreenSummary local;
  RescreenSummary& sum = summary != nullptr ? *summary : local;
  sum = RescreenSummary();
  const int threads = Threads(o.threads);
  const std::vector<LoadedList>& lists = screener.lists();
  auto progress = [&](std::string_view stage, int64_t done, int64_t total) {
    if (o.progress) o.progress(stage, done, total);
  };

  // 1. The new list versions.
  sum.to_lists_version = model::ListsVersion(lists);
  std::vector<ListVersionInput> inputs = VersionInputs(lists, threads);
  progress("digests", 1, 1);
  std::vector<int64_t> version_ids;
  if (Status s = store.RecordListVersions(sum.to_lists_version, inputs, by, &version_ids);
      !s.ok()) {
    return s;
  }
  if (version_ids.size() != inputs.size()) {
    return Status::Corruption("the store recorded " + std::to_string(version_ids.size()) +
                              " list versions for " + std::to_string(inputs.size()) + " lists");
  }

  // 2. Each source against its baseline.
  bool full = o.full;
  std::vector<Change> changes(lists.size());
  std::map<std::string, int64_t> to_versions;
  std::vector<std::string> labels(lists.size());
  for (size_t i = 0; i < lists.size(); ++i) {
    SourceChange sc;
    sc.source = inputs[i].source;
    sc.to_key = inputs[i].key;
    sc.to_version = version_ids[i];
    to_versions[sc.source] = version_ids[i];
    labels[i] = VersionLabel(sc.source, inputs[i].published, inputs[i].key);
    ListVersion base;
    bool found = false;
    if (Status s = store.GetBaseline(sc.source, &base, &found); !s.ok()) return s;
    if (!found) {
      // No run covered the source yet, but parties may have been screened against a
      // version of it (imported and screened at once, RecordVersions): the oldest such
      // version is what they were screened against at the least.
      if (Status s = OldestOtherVersion(store, sc.source, version_ids[i], &base, &found); !s.ok()) {
        return s;
      }
    }
    if (!found) {
      full = true;
      sc.added = static_cast<int64_t>(inputs[i].digests.size());
    } else {
      sc.from_key = base.key;
      sc.from_version = base.id;
      if (base.id == version_ids[i]) {
        sc.unchanged = static_cast<int64_t>(inputs[i].digests.size());
      } else {
        std::vector<EntityDigest> before;
        if (Status s = store.GetListDigests(base.id, &before); !s.ok()) return s;
        Compare(before, inputs[i].digests, lists[i], &sc, &changes[i]);
      }
    }
    sum.sources.push_back(std::move(sc));
  }
  progress("diff", 1, 1);
  sum.kind = full ? "full" : "delta";
  sum.from_lists_version = LastListsVersion(store);
  sum.parties_total = store.CountParties();

  if (Status s = store.BeginRescreenRun(sum.kind, sum.from_lists_version, sum.to_lists_version,
                                        to_versions, by, &sum.run_id);
      !s.ok()) {
    return s;
  }
  auto fail = [&](const Status& s) {
    sum.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    store.FinishRescreenRun(sum.run_id, false, sum.ToJson(), s.ToString(), by);
    return s;
  };

  ScreenRunOptions so;
  so.threads = o.threads;
  so.batch = o.batch;
  so.screen = o.screen;
  so.rescreen_run = sum.run_id;
  so.progress = [&](int64_t done, int64_t total) { progress("screen", done, total); };

  std::unique_ptr<screen::PartyIndex> built;  // when the run builds its own

  // 3. The parties to screen, 4. screened.
  if (full) {
    if (Status s = ScreenAllParties(store, screener, so, by, &sum.screened); !s.ok()) {
      return fail(s);
    }
  } else {
    std::vector<std::string> ids, some;
    auto take = [&](int64_t* count) {
      SortUnique(&some);
      *count = static_cast<int64_t>(some.size());
      ids.insert(ids.end(), some.begin(), some.end());
      some.clear();
    };
    if (Status s = store.PartiesToRescreen(&some); !s.ok()) return fail(s);
    if (o.index != nullptr) {
      // (The store's readers replace the vector they are given.)
      std::vector<std::string> late;
      if (Status s = store.PartiesChangedSince(o.index->watermark(), &late); !s.ok()) {
        return fail(s);
      }
      some.insert(some.end(), late.begin(), late.end());
    }
    take(&sum.parties_changed);

    bool any_change = false;
    std::vector<std::string> touched;  // changed and removed entities
    std::vector<const Entity*> reverse;
    for (const Change& c : changes) {
      touched.insert(touched.end(), c.changed.begin(), c.changed.end());
      touched.insert(touched.end(), c.removed.begin(), c.removed.end());
      reverse.insert(reverse.end(), c.reverse.begin(), c.reverse.end());
    }
    any_change = !touched.empty() || !reverse.empty();
    if (any_change) {
      if (!touched.empty()) {
        if (Status s = store.PartiesWithPairs(touched, 0.0, &some); !s.ok()) return fail(s);
      }
      take(&sum.parties_paired);
      const double near_floor = o.screen.review_threshold - kNearMissMargin;
      std::vector<PartyPair> near_pairs;
      if (Status s = store.PairsAbove(near_floor, &near_pairs); !s.ok()) return fail(s);
      progress("pairs", 1, 1);

      const screen::PartyIndex* index = o.index;
      if (index != nullptr) {
        sum.party_index = "warm";
      } else {
        if (Status s = BuildPartyIndex(store, &built); !s.ok()) return fail(s);
        index = built.get();
        sum.party_index = "built";
        // Parties changed while the index was read are screened anyway.
        if (Status s = store.PartiesChangedSince(index->watermark(), &some); !s.ok()) {
          return fail(s);
        }
        int64_t late = 0;
        take(&late);
        sum.parties_changed += late;
      }
      some = index->OneWordParties();
      take(&sum.parties_one_word);

      // Near misses: token weights move with every list change, so a pair under the review
      // threshold on an entity the update did not touch may now reach it. Each is scored
      // again with the forward score (screen::BestScoreAmong, the pair alone); a party is
      // screened in full when one of its near misses now reaches the review threshold.
      // (Pairs on touched entities are screened above; hits already have their alert.)
      // Parties already chosen above are screened in full anyway: checking their pairs
      // again could only choose them a second time, so they are skipped here and below.
      // (The counts of the later reasons therefore count parties not chosen before.)
      std::vector<std::string> chosen = ids;
      SortUnique(&chosen);
      auto is_chosen = [&](std::string_view id) {
        return std::binary_search(chosen.begin(), chosen.end(), id,
                                  [](std::string_view a, std::string_view b) { return a < b; });
      };
      std::vector<std::pair<std::string_view, std::vector<std::string_view>>> near;
      for (const PartyPair& p : near_pairs) {
        if (p.score >= o.screen.review_threshold || is_chosen(p.party_id)) continue;
        if (near.empty() || near.back().first != p.party_id) {
          near.emplace_back(std::string_view(p.party_id), std::vector<std::string_view>());
        }
        near.back().second.push_back(p.entity_id);
      }
      {
        std::vector<uint8_t> crossed(near.size(), 0);
        ScreenOptions check = o.screen;
        check.min_score = o.screen.review_threshold;
        Status s = ParallelFor(near.size(), threads, [&](size_t i) {
          const model::Party* p = index->Find(near[i].first);
          crossed[i] =
              p == nullptr || screen::BestScoreAmong(screener, *p, check, near[i].second) >=
                                  o.screen.review_threshold;
        });
        if (!s.ok()) return fail(s);
        for (size_t i = 0; i < near.size(); ++i) {
          if (crossed[i] != 0) some.emplace_back(near[i].first);
        }
        sum.near_checked = static_cast<int64_t>(near.size());
        take(&sum.parties_near);
      }
      progress("near", 1, 1);

      // The reverse index's candidates, then each (party, entities) checked with the
      // forward score (screen::BestScoreAmong): only parties that reach the near-miss floor
      // against one of the entities are screened in full.
      std::vector<std::vector<std::string>> found(reverse.size());
      const double floor = std::min(screen::kReverseFloor, near_floor);
      Status s = ParallelFor(reverse.size(), threads, [&](size_t i) {
        index->Candidates(*reverse[i], {}, floor, &found[i]);
      });
      if (!s.ok()) return fail(s);
      progress("reverse", 1, 1);
      std::unordered_map<std::string_view, std::vector<std::string_view>> pairs;
      chosen.insert(chosen.end(), ids.begin(), ids.end());  // + the near misses taken
      SortUnique(&chosen);
      for (size_t i = 0; i < reverse.size(); ++i) {
        for (const std::string& party : found[i]) {
          if (is_chosen(party)) continue;
          std::vector<std::string_view>& entities = pairs[party];
          if (entities.empty() || entities.back() != reverse[i]->id) {
            entities.push_back(reverse[i]->id);
          }
        }
      }
      std::vector<std::pair<std::string_view, const std::vector<std::string_view>*>> todo;
      todo.reserve(pairs.size());
      for (const auto& [party, entities] : pairs) todo.emplace_back(party, &entities);
      std::vector<uint8_t> hit(todo.size(), 0);
      ScreenOptions check = o.screen;
      check.min_score = near_floor;
      s = ParallelFor(todo.size(), threads, [&](size_t i) {
        const model::Party* p = index->Find(todo[i].first);
        hit[i] = p == nullptr ||
                 screen::BestScoreAmong(screener, *p, check, *todo[i].second) >= near_floor;
      });
      if (!s.ok()) return fail(s);
      for (size_t i = 0; i < todo.size(); ++i) {
        if (hit[i] != 0) some.emplace_back(todo[i].first);
      }
      sum.reverse_candidates = static_cast<int64_t>(todo.size());
      take(&sum.parties_reverse);
      progress("candidates", static_cast<int64_t>(reverse.size()),
               static_cast<int64_t>(reverse.size()));
    }
    SortUnique(&ids);
    if (Status s = ScreenParties(store, screener, ids, so, by, &sum.screened); !s.ok()) {
      return fail(s);
    }
  }

  // 5. Delistings.
  for (size_t i = 0; i < lists.size(); ++i) {
    if (changes[i].removed.empty()) continue;
    int64_t annotated = 0, closed = 0;
    if (Status s =
            store.CloseDelisted(changes[i].removed, labels[i], sum.run_id, by, &annotated, &closed);
        !s.ok()) {
      return fail(s);
    }
    sum.delisted_annotated += annotated;
    sum.delisted_closed += closed;
    progress("delisted", static_cast<int64_t>(i + 1), static_cast<int64_t>(lists.size()));
  }

  // 6. Done.
  for (const Change& c : changes) {
    for (const auto* ids : {&c.added, &c.changed, &c.removed}) {
      sum.changed_entity_ids.insert(sum.changed_entity_ids.end(), ids->begin(), ids->end());
    }
  }
  sum.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  Status finished = store.FinishRescreenRun(sum.run_id, true, sum.ToJson(), "", by);
  if (finished.ok() && built != nullptr && o.built_index != nullptr) {
    *o.built_index = std::move(built);
  }
  return finished;
}

}  // namespace vigil::store
