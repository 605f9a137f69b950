// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "store/screen_parties.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "model/list_status.h"
#include "screen/party.h"

namespace vigil::store {
namespace {

int Threads(int requested) {
  if (requested > 0) return requested;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void Tally(const ScreeningInput& in, const ScreeningResult& r, ScreenRunSummary* sum) {
  ++sum->parties;
  if (in.hits.empty()) ++sum->clean;
  for (const auto& [outcome, alert] : r.outcomes) {
    switch (outcome) {
      case HitOutcome::kNewAlert:
        ++sum->new_alerts;
        sum->new_alert_ids.push_back(alert);
        break;
      case HitOutcome::kReAlert:
        ++sum->new_alerts;
        ++sum->re_alerts;
        sum->new_alert_ids.push_back(alert);
        break;
      case HitOutcome::kExisting:
        ++sum->existing;
        break;
      case HitOutcome::kSuppressed:
        ++sum->suppressed;
        break;
      case HitOutcome::kConfirmed:
        ++sum->confirmed;
        break;
    }
  }
}

}  // namespace

std::vector<ListFile> ListFiles(const std::vector<LoadedList>& lists) {
  std::vector<ListFile> out;
  for (const LoadedList& l : lists) {
    for (const SourceFile& f : l.info.files) {
      ListFile lf;
      lf.source = l.info.source;
      lf.file = std::filesystem::path(f.path).filename().string();
      lf.sha256 = f.sha256;
      lf.published = l.info.published;
      lf.entities = static_cast<int64_t>(l.entities.size());
      out.push_back(std::move(lf));
    }
  }
  return out;
}

ScreeningInput MakeScreeningInput(const Screener& screener, const model::Party& party,
                                  const ScreenOptions& options, const std::vector<ListFile>& files,
                                  const std::string& lists_version) {
  ScreeningInput in;
  in.party_id = party.id;
  in.party_version = party.stored_version;
  in.lists = files;
  in.lists_version = lists_version;
  // Down to the near-miss floor: hits (a decision) and near misses in one pass.
  ScreenOptions o = options;
  const double floor = o.review_threshold - kNearMissMargin;
  o.min_score = floor;
  for (screen::PartyHit& h : screen::ScreenParty(screener, party, o)) {
    if (h.decision == Decision::kNone) {
      if (h.score >= floor) in.near.emplace_back(h.entity->id, h.score);
      continue;
    }
    Hit hit;
    hit.entity_id = h.entity->id;
    hit.list = h.entity->source;
    hit.entity_name = h.entity->primary_name();
    hit.score = h.score;
    hit.band = std::string(ToString(h.decision));
    hit.explanation = std::move(h.match);
    hit.entity_record = std::move(h.entity_record);
    in.hits.push_back(std::move(hit));
  }
  return in;
}

namespace {

// Calls fn with the parties to screen, `batch` at a time (stops when fn returns false).
using PartySource = std::function<Status(
    size_t batch, const std::function<bool(const std::vector<model::Party>&)>& fn)>;

// Screens the parties `source` gives (`total` of them, for progress) and records them.
Status ScreenFrom(Store& store, const Screener& screener, const PartySource& source, int64_t total,
                  const ScreenRunOptions& o, const Actor& by, ScreenRunSummary* summary) {
  ScreenRunSummary local;
  ScreenRunSummary& sum = summary != nullptr ? *summary : local;
  sum = ScreenRunSummary();
  sum.lists_version = model::ListsVersion(screener.lists());
  const std::vector<ListFile> files = ListFiles(screener.lists());
  const int threads = Threads(o.threads);
  const size_t batch = o.batch == 0 ? 1000 : o.batch;

  int64_t done = 0;
  auto record = [&](const std::vector<ScreeningInput>& inputs) -> Status {
    std::vector<ScreeningResult> results;
    Status s = store.RecordScreenings(inputs, by, &results);
    if (!s.ok()) return s;
    for (size_t i = 0; i < inputs.size() && i < results.size(); ++i) {
      Tally(inputs[i], results[i], &sum);
    }
    done += static_cast<int64_t>(inputs.size());
    if (o.progress) o.progress(done, std::max(total, done));
    return Status::Ok();
  };

  // Batch N is screened on the worker threads while this thread records batch N-1 (then
  // helps screening): the writes, which go one at a time, overlap the screening.
  std::vector<ScreeningInput> ready;
  Status error;
  Status read = source(batch, [&](const std::vector<model::Party>& parties) {
    std::vector<ScreeningInput> next(parties.size());
    std::atomic<size_t> at{0};
    std::mutex mu;
    std::string failure;
    auto work = [&] {
      try {
        for (size_t i; (i = at.fetch_add(1)) < parties.size();) {
          next[i] = MakeScreeningInput(screener, parties[i], o.screen, files, sum.lists_version);
          next[i].rescreen_run = o.rescreen_run;
        }
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (failure.empty()) failure = e.what();
        at.store(parties.size());
      }
    };
    std::vector<std::thread> pool;
    const size_t workers = std::min<size_t>(static_cast<size_t>(threads), parties.size());
    pool.reserve(workers);
    for (size_t t = 0; t < workers; ++t) pool.emplace_back(work);
    if (!ready.empty()) error = record(ready);
    if (error.ok()) work();
    for (std::thread& t : pool) t.join();
    if (!error.ok()) return false;
    if (!failure.empty()) {
      error = Status::InvalidArgument("screening failed: " + failure);
      return false;
    }
    ready = std::move(next);
    return true;
  });
  if (!read.ok()) return read;
  if (!error.ok()) return error;
  if (!ready.empty()) return record(ready);
  if (o.progress && done == 0) o.progress(0, 0);
  return Status::Ok();
}

}  // namespace

Status ScreenAllParties(Store& store, const Screener& screener, const ScreenRunOptions& o,
                        const Actor& by, ScreenRunSummary* summary) {
  PartySource all = [&](size_t batch,
                        const std::function<bool(const std::vector<model::Party>&)>& fn) {
    return store.ForEachParty(batch, fn);
  };
  return ScreenFrom(store, screener, all, store.CountParties(), o, by, summary);
}

Status ScreenParties(Store& store, const Screener& screener, const std::vector<std::string>& ids,
                     const ScreenRunOptions& o, const Actor& by, ScreenRunSummary* summary) {
  std::vector<std::string> wanted = ids;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  PartySource some = [&](size_t batch,
                         const std::function<bool(const std::vector<model::Party>&)>& fn) {
    for (size_t from = 0; from < wanted.size(); from += batch) {
      const size_t to = std::min(wanted.size(), from + batch);
      std::vector<std::string> chunk(wanted.begin() + static_cast<std::ptrdiff_t>(from),
                                     wanted.begin() + static_cast<std::ptrdiff_t>(to));
      std::vector<model::Party> parties;
      Status s = store.GetParties(chunk, &parties);
      if (!s.ok()) return s;
      if (parties.empty()) continue;
      if (!fn(parties)) return Status::Ok();
    }
    return Status::Ok();
  };
  return ScreenFrom(store, screener, some, static_cast<int64_t>(wanted.size()), o, by, summary);
}

Status ScreenOneParty(Store& store, const Screener& screener, std::string_view party_id,
                      const ScreenOptions& o, const Actor& by, Screening* screening,
                      ScreenRunSummary* summary) {
  PartyVersion pv;
  if (Status s = store.GetParty(party_id, &pv); !s.ok()) return s;
  model::Party party;
  std::vector<std::string> warnings;
  if (Status s = model::ParseParty(pv.record, &party, &warnings); !s.ok()) {
    return Status::Corruption("stored party " + std::string(party_id) +
                              " does not read back: " + s.message());
  }
  party.stored_version = pv.version;
  const std::string lists_version = model::ListsVersion(screener.lists());
  std::vector<ScreeningInput> inputs;
  inputs.push_back(
      MakeScreeningInput(screener, party, o, ListFiles(screener.lists()), lists_version));
  std::vector<ScreeningResult> results;
  if (Status s = store.RecordScreenings(inputs, by, &results); !s.ok()) return s;
  if (results.size() != 1) return Status::Corruption("the store recorded no screening");
  if (summary != nullptr) {
    *summary = ScreenRunSummary();
    summary->lists_version = lists_version;
    Tally(inputs[0], results[0], summary);
  }
  if (screening != nullptr) {
    PartyDetail detail;
    if (Status s = store.GetPartyDetail(party_id, &detail); !s.ok()) return s;
    auto it = std::find_if(detail.screenings.begin(), detail.screenings.end(),
                           [&](const Screening& sc) { return sc.id == results[0].screening_id; });
    if (it == detail.screenings.end()) {
      return Status::NotFound("screening " + std::to_string(results[0].screening_id) +
                              " was recorded but cannot be read back");
    }
    *screening = std::move(*it);
  }
  return Status::Ok();
}

}  // namespace vigil::store
