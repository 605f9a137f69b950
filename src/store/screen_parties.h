// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Screening the parties of a case store against loaded lists and recording what was found
// (Store::RecordScreenings): the CLI's `vigil parties screen` and the service's
// /v1/parties/{id}/screen.
//
//   store::ScreenRunOptions o;
//   o.screen.min_score = kReviewThreshold;
//   store::ScreenRunSummary summary;
//   Status s = store::ScreenAllParties(*db, *screener, o, {"alice"}, &summary);
//
// ScreenAllParties reads the parties `batch` at a time, screens each batch on `threads`
// threads while the previous batch is being written, and records each batch in one
// transaction: an interrupted run leaves whole batches recorded, never half a screening.
//
// Thread safety: the functions may run on several threads at once (Store and Screener are
// thread-safe); the progress callback is called on the calling thread.

#ifndef VIGIL_STORE_SCREEN_PARTIES_H_
#define VIGIL_STORE_SCREEN_PARTIES_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/party.h"
#include "store/store.h"
#include "vigil/list.h"
#include "vigil/screen.h"
#include "vigil/status.h"

namespace vigil::store {

// Pairs scoring at least review_threshold - kNearMissMargin (and under the threshold) are
// kept as near misses (ScreeningInput::near): when a list update moves token weights, a
// re-screen looks again at the parties that had one. The margin is wider than the weight
// drift seen between list versions (tests/store/rescreen_test.cc checks a delta re-screen
// against a full one across three years of OFAC changes).
inline constexpr double kNearMissMargin = 0.1;

struct ScreenRunOptions {
  int threads = 0;      // 0: all cores
  size_t batch = 1000;  // parties per transaction
  // Thresholds. Hits under screen.review_threshold are never recorded, whatever
  // screen.min_score says (the CLI sets min_score to the review threshold).
  ScreenOptions screen;
  std::function<void(int64_t done, int64_t total)> progress;  // may be empty
  int64_t rescreen_run = 0;  // recorded with each screening (ScreeningInput::rescreen_run)
};

struct ScreenRunSummary {
  int64_t parties = 0;                 // parties screened
  int64_t clean = 0;                   // parties without any hit
  int64_t new_alerts = 0;              // alerts raised, re-alerts included
  int64_t re_alerts = 0;               // of new_alerts: pairs re-opened because a side changed
  int64_t existing = 0;                // hits on pairs that already had an open alert
  int64_t suppressed = 0;              // hits suppressed by a false_positive decision
  int64_t confirmed = 0;               // hits on pairs decided true_match, unchanged
  std::string lists_version;           // model::ListsVersion of the lists screened against
  std::vector<int64_t> new_alert_ids;  // the alerts raised (kNewAlert and kReAlert)
};

// The files of `lists` as a screening records them (source, file name, sha256, the list's
// publication date, its entity count).
std::vector<ListFile> ListFiles(const std::vector<LoadedList>& lists);

// The screening of one party (its stored_version must be set): every hit at or above the
// review threshold, and the near misses (kNearMissMargin). Used by the functions below; exposed for
// the service and tests.
ScreeningInput MakeScreeningInput(const Screener& screener, const model::Party& party,
                                  const ScreenOptions& options, const std::vector<ListFile>& files,
                                  const std::string& lists_version);

// Screens the latest version of every stored party and records the results. *summary
// (may be null) is filled as far as the run went, also on failure.
Status ScreenAllParties(Store& store, const Screener& screener, const ScreenRunOptions& o,
                        const Actor& by, ScreenRunSummary* summary);

// Screens the latest version of the parties `ids` (unknown ids are skipped), batched and
// recorded as ScreenAllParties does.
Status ScreenParties(Store& store, const Screener& screener, const std::vector<std::string>& ids,
                     const ScreenRunOptions& o, const Actor& by, ScreenRunSummary* summary);

// Screens the latest version of one party (NotFound when unknown). *screening (may be
// null) gets the recorded screening with each hit's outcome and alert id.
Status ScreenOneParty(Store& store, const Screener& screener, std::string_view party_id,
                      const ScreenOptions& o, const Actor& by, Screening* screening,
                      ScreenRunSummary* summary);

}  // namespace vigil::store

#endif  // VIGIL_STORE_SCREEN_PARTIES_H_
