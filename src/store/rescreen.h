// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Ongoing screening: bringing the stored parties up to date with new versions of the
// lists, re-screening exactly what the change touches (`vigil rescreen`, and the service
// after every successful reload).
//
//   store::RescreenOptions o;                      // o.index: a warm PartyIndex, if kept
//   store::RescreenSummary summary;
//   Status s = store::Rescreen(*db, *screener, o, {"system"}, &summary);
//
// A delta run:
//   1. records the new list versions (RecordListVersions: files, sha256, entity digests);
//   2. compares each source with its baseline (the version the last finished run brought
//      the parties to; Store::GetBaseline), entity by entity on the digests: added,
//      changed (record hash), changed for screening (screened hash; which names are new),
//      removed;
//   3. collects the parties to screen forward against the new lists:
//        - parties never screened or whose screened fields changed (PartiesToRescreen),
//          and parties changed after the PartyIndex was built (PartiesChangedSince);
//        - parties with a pair (hit or near miss) on a changed or removed entity;
//        - parties with a near miss (a pair under the review threshold but within
//          kNearMissMargin of it) that, scored again against the new lists, now reaches the
//          threshold: token weights move with every list change (Store::PairsAbove,
//          screen::BestScoreAmong on that pair alone);
//        - the PartyIndex's candidates for added entities (all names) and entities changed
//          for screening (their new names; all names when a date, country, identifier or
//          kind changed);
//   4. screens those parties forward (ScreenParties; the store raises, re-alerts, updates
//      or suppresses exactly as for any screening, naming the run);
//   5. closes the alerts of removed entities as delisted (Store::CloseDelisted);
//   6. finishes the run with its counts (one "rescreen" audit record).
// A full run (o.full, or no baseline yet for some source) screens every party in step 4.
// The alerts after a delta run equal those after a full run (tests/store/rescreen_test.cc).
//
// A run that fails part way is recorded "failed" and does not move the baseline: the next
// run starts from the same baseline again (screenings it recorded stay; they are true).

#ifndef VIGIL_STORE_RESCREEN_H_
#define VIGIL_STORE_RESCREEN_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "screen/party_index.h"
#include "store/screen_parties.h"
#include "store/store.h"
#include "vigil/list.h"
#include "vigil/screen.h"
#include "vigil/status.h"

namespace vigil::store {

// ListVersion::key of a loaded list.
std::string ListVersionKey(const LoadedList& list);

// The digest of every entity of `list` (on `threads` threads; 0: all cores), in list order.
std::vector<EntityDigest> Digests(const LoadedList& list, int threads = 0);

// Records the versions of the screener's lists (Store::RecordListVersions; nothing is
// written for a version already recorded). Whatever screens stored parties outside a
// Rescreen run (an import screening the parties it added, one party screened on request)
// calls it, so that the first Rescreen after it knows what those parties were screened
// against and compares with that (removed entities closed as delisted) instead of
// screening everyone as if nothing were known.
Status RecordVersions(Store& store, const Screener& screener, const Actor& by, int threads = 0);

// Reads every stored party and builds the reverse index (watermark: PartyChangeSeq read
// first).
Status BuildPartyIndex(Store& store, std::unique_ptr<screen::PartyIndex>* out);

// A reverse index kept warm (the service, `vigil watch`) is built again once more than this
// many parties changed since it was built: until then every run screens them anyway.
inline constexpr int64_t kPartyIndexRebuildAfter = 2000;

// Whether a kept reverse index should be built again: more than `rebuild_after` parties
// changed since it was built, or the store cannot tell.
bool PartyIndexStale(Store& store, const screen::PartyIndex& index, int64_t rebuild_after);

struct RescreenOptions {
  bool full = false;  // screen every party (the reference a delta run must equal)
  int threads = 0;    // 0: all cores
  size_t batch = 1000;
  ScreenOptions screen;  // thresholds as for ScreenAllParties
  // A reverse index of the stored parties kept warm by the caller (the service); null: the
  // run builds one when it needs it (BuildPartyIndex).
  const screen::PartyIndex* index = nullptr;
  // When not null and the run builds a PartyIndex (index is null), the index is handed over
  // here at the end of a successful run, so that a long-running caller (`vigil watch`) keeps
  // it warm for its next run.
  std::unique_ptr<screen::PartyIndex>* built_index = nullptr;
  // Called between stages and as parties are screened: ("digests" | "diff" | "pairs" |
  // "near" | "reverse" | "candidates" | "screen" |
  // "delisted", done, total).
  std::function<void(std::string_view stage, int64_t done, int64_t total)> progress;
};

struct SourceChange {
  std::string source;
  std::string from_key, to_key;              // ListVersion keys ("" from: no baseline)
  int64_t from_version = 0, to_version = 0;  // ListVersion ids
  int64_t added = 0, changed = 0, changed_screened = 0, removed = 0, unchanged = 0;
};

struct RescreenSummary {
  int64_t run_id = 0;
  std::string kind;  // "delta" or "full"
  std::string from_lists_version, to_lists_version;
  std::vector<SourceChange> sources;
  // Why parties were screened (a party may count under several of the first three
  // reasons; parties_near and parties_reverse count only parties no earlier reason chose,
  // as the near misses and reverse candidates of a party already chosen are not checked).
  int64_t parties_total = 0;       // stored parties
  int64_t parties_changed = 0;     // own screened fields changed / never screened / after index
  int64_t parties_paired = 0;      // a pair with a changed or removed entity
  int64_t parties_near = 0;        // a near miss that now reaches the review threshold
  int64_t near_checked = 0;        // parties whose near misses were scored again
  int64_t parties_reverse = 0;     // candidates of the reverse index reaching the near-miss
                                   // floor against an added or changed entity
  int64_t reverse_candidates = 0;  // parties the reverse index proposed (checked pair by pair)
  int64_t parties_one_word = 0;    // a one-word person name (screen/party.h: any change may
                                   // change which listed persons it hits)
  ScreenRunSummary screened;       // the forward screening: parties, new alerts, re-alerts ...
  int64_t delisted_annotated = 0;  // alerts marked delisted
  int64_t delisted_closed = 0;     // of those, open ones closed
  double seconds = 0;
  // The reverse index of the parties the run used: "warm" (RescreenOptions::index), "built"
  // (by this run), "none" (a full run, or nothing changed).
  std::string party_index = "none";
  // The ids of the entities the diff found added, changed or removed (delta runs; a full
  // run without a baseline leaves it empty: everything is new). Not in ToJson(): the
  // exposure re-evaluation (src/graph/exposure_alerts.h) starts from them.
  std::vector<std::string> changed_entity_ids;
  // {"run_id", "kind", "from_lists_version", "to_lists_version", "sources": [...],
  //  "parties_total", ..., "parties_screened", "new_alerts", "re_alerts", "existing",
  //  "suppressed", "confirmed", "delisted_annotated", "delisted_closed", "party_index",
  //  "seconds"}
  nlohmann::json ToJson() const;
};

// Brings the stored parties up to date with the lists of `screener` (see the top of this
// file). Fails without writing anything when the store cannot be read; a failure after the
// run began leaves it recorded "failed".
Status Rescreen(Store& store, const Screener& screener, const RescreenOptions& o, const Actor& by,
                RescreenSummary* summary);

}  // namespace vigil::store

#endif  // VIGIL_STORE_RESCREEN_H_
