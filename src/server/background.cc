// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The service's ongoing screening, off the request path: the re-screen worker (a delta
// re-screen of the stored parties after every successful reload, against a reverse index
// of the parties kept warm), the refresh timer (`vigil serve --refresh`: fetch, validate,
// reload) and the webhook notifications of the alerts a re-screen raised.
//
// Neither blocks a screening request: requests read the snapshot they took; a reload swaps
// a new one in; the re-screen reads the snapshot it took and writes to the store in
// batches (store/screen_parties.h), as any other writer.

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

#include "graph/exposure_alerts.h"
#include "model/list_status.h"
#include "server/log.h"
#include "server/service.h"
#include "sources/fetch.h"
#include "store/rescreen.h"

namespace vigil::server {

using nlohmann::json;

namespace {

using SysTime = std::chrono::system_clock::time_point;

}  // namespace

struct Service::Background {
  std::mutex mu;
  std::condition_variable cv;       // wakes the worker and the timer (and stop)
  std::condition_variable idle_cv;  // a re-screen ended
  bool started = false;             // guarded by mu
  bool stop = false;                // guarded by mu
  bool pending = false;             // a re-screen is asked for; guarded by mu
  bool running = false;             // a re-screen runs; guarded by mu
  // Exposure re-evaluations asked for (an ownership review): the nodes and the trigger;
  // guarded by mu. Run by the worker after any re-screen it was asked for.
  std::vector<std::pair<std::vector<std::string>, std::string>> exposure_jobs;
  std::thread worker, timer;

  // The reverse index of the parties: used by the worker thread only.
  std::unique_ptr<screen::PartyIndex> index;

  // What /readyz shows; guarded by mu.
  int64_t runs_ok = 0, runs_failed = 0;
  int64_t last_run_id = 0;
  std::string last_run_status, last_run_error, last_run_at, last_run_kind;
  int64_t last_run_new_alerts = 0;
  double last_run_seconds = 0;
  int64_t index_parties = -1, index_watermark = 0;
  std::string webhook_last_error;
  int64_t webhook_delivered = 0, webhook_failed = 0;

  std::mutex refresh_mu;                                       // one refresh at a time
  SysTime refresh_ok_at{}, refresh_failed_at{}, checked_at{};  // guarded by mu
  std::string refresh_error;                                   // guarded by mu
  int64_t refresh_failures_in_a_row = 0;                       // guarded by mu
  int64_t refreshes_ok = 0, refreshes_failed = 0;              // guarded by mu
};

Service::Service(ServerOptions options)
    : options_(std::move(options)),
      started_(std::chrono::system_clock::now()),
      bg_(std::make_unique<Background>()) {}

Service::~Service() {
  StopBackground();
  if (ip_loader_.joinable()) ip_loader_.join();
}

void Service::StartBackground() {
  Background& b = *bg_;
  std::lock_guard<std::mutex> lock(b.mu);
  if (b.started || b.stop) return;
  b.started = true;
  if (store_ != nullptr && options_.rescreen) b.worker = std::thread([this] { RescreenLoop(); });
  if (options_.refresh_seconds > 0) b.timer = std::thread([this] { RefreshLoop(); });
}

void Service::StopBackground() {
  Background& b = *bg_;
  {
    std::lock_guard<std::mutex> lock(b.mu);
    b.stop = true;
  }
  b.cv.notify_all();
  b.idle_cv.notify_all();
  if (b.worker.joinable()) b.worker.join();
  if (b.timer.joinable()) b.timer.join();
}

void Service::QueueRescreen() {
  Background& b = *bg_;
  {
    std::lock_guard<std::mutex> lock(b.mu);
    b.pending = true;
  }
  b.cv.notify_all();
}

bool Service::QueueExposure(std::vector<std::string> nodes, std::string trigger) {
  Background& b = *bg_;
  {
    std::lock_guard<std::mutex> lock(b.mu);
    if (!b.started || b.stop || store_ == nullptr || !options_.rescreen || !options_.exposure) {
      return false;
    }
    b.exposure_jobs.emplace_back(std::move(nodes), std::move(trigger));
  }
  b.cv.notify_all();
  return true;
}

void Service::RunExposureJob(const std::vector<std::string>& nodes, const std::string& trigger) {
  std::shared_ptr<const Snapshot> snap = Current();
  if (snap == nullptr) return;
  graph::ExposureAlertOptions eo;
  eo.alert_level = options_.exposure_level;
  eo.threads = options_.rescreen_threads > 0
                   ? options_.rescreen_threads
                   : static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2));
  graph::ExposureRunSummary ex;
  Status es = graph::ReevaluateExposure(*store_, snap->screener->lists(), nodes, false, eo,
                                        store::Actor{"system"}, trigger, &ex);
  if (es.ok()) {
    LogLine("info", "exposure re-evaluated", ex.ToJson());
  } else {
    LogLine("error", "exposure re-evaluation failed: " + es.ToString(), {{"trigger", trigger}});
  }
}

bool Service::WaitRescreenIdle(std::chrono::milliseconds limit) {
  Background& b = *bg_;
  std::unique_lock<std::mutex> lock(b.mu);
  return b.idle_cv.wait_for(lock, limit, [&b] {
    return b.stop || (!b.pending && !b.running && b.exposure_jobs.empty());
  });
}

bool Service::BackgroundSleep(std::chrono::milliseconds ms) {
  Background& b = *bg_;
  std::unique_lock<std::mutex> lock(b.mu);
  return !b.cv.wait_for(lock, ms, [&b] { return b.stop; });
}

void Service::RescreenLoop() {
  Background& b = *bg_;
  auto build_index = [&] {
    auto start = std::chrono::steady_clock::now();
    std::unique_ptr<screen::PartyIndex> index;
    Status s = store::BuildPartyIndex(*store_, &index);
    if (!s.ok()) {
      LogLine("error", "cannot build the reverse index of the parties: " + s.ToString());
      return;
    }
    b.index = std::move(index);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    LogLine("info", "parties indexed for re-screening",
            {{"parties", b.index->size()}, {"seconds", secs}});
    std::lock_guard<std::mutex> lock(b.mu);
    b.index_parties = static_cast<int64_t>(b.index->size());
    b.index_watermark = b.index->watermark();
  };
  build_index();
  std::unique_lock<std::mutex> lock(b.mu);
  for (;;) {
    b.cv.wait(lock, [&b] { return b.stop || b.pending || !b.exposure_jobs.empty(); });
    if (b.stop) break;
    const bool rescreen = b.pending;
    b.pending = false;  // asks from now on make one more run
    auto jobs = std::move(b.exposure_jobs);
    b.exposure_jobs.clear();
    b.running = true;
    lock.unlock();
    if (rescreen) {
      RunRescreen();
      // Parties changed since the index was built are screened by every run anyway; once
      // there are many, the index is built again (between runs, off the request path).
      if (b.index == nullptr ||
          store::PartyIndexStale(*store_, *b.index, options_.index_rebuild_after)) {
        build_index();
      }
    }
    for (const auto& [nodes, trigger] : jobs) RunExposureJob(nodes, trigger);
    lock.lock();
    b.running = false;
    b.idle_cv.notify_all();
  }
  b.running = false;
  b.idle_cv.notify_all();
}

void Service::RunRescreen() {
  Background& b = *bg_;
  std::shared_ptr<const Snapshot> snap = Current();
  if (snap == nullptr) return;
  auto start = std::chrono::steady_clock::now();
  store::RescreenOptions o;
  o.index = b.index.get();
  o.screen.min_score = o.screen.review_threshold;  // as /v1/parties/{id}/screen
  o.threads = options_.rescreen_threads > 0
                  ? options_.rescreen_threads
                  : static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2));
  store::RescreenSummary summary;
  Status s = FlushPendingAudit();
  if (s.ok()) s = store::Rescreen(*store_, *snap->screener, o, store::Actor{"system"}, &summary);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.CountRescreen(s.ok(), secs, summary.screened.new_alerts);
  {
    std::lock_guard<std::mutex> lock(b.mu);
    (s.ok() ? b.runs_ok : b.runs_failed)++;
    b.last_run_id = summary.run_id;
    b.last_run_kind = summary.kind;
    b.last_run_status = s.ok() ? "done" : "failed";
    b.last_run_error = s.ok() ? "" : RedactPaths(s.ToString());
    b.last_run_at = model::IsoTime(std::chrono::system_clock::now());
    b.last_run_new_alerts = summary.screened.new_alerts;
    b.last_run_seconds = secs;
  }
  if (!s.ok()) {
    LogLine("error", "re-screen failed; the next reload tries again: " + s.ToString(),
            {{"run", summary.run_id}, {"lists_version", snap->version}});
    return;
  }
  LogLine("info", "re-screened",
          {{"run", summary.run_id},
           {"kind", summary.kind},
           {"lists_version", summary.to_lists_version},
           {"parties_screened", summary.screened.parties},
           {"new_alerts", summary.screened.new_alerts},
           {"re_alerts", summary.screened.re_alerts},
           {"delisted_closed", summary.delisted_closed},
           {"seconds", secs}});
  // Exposure: on this thread, so screening requests are not held up.
  if (options_.exposure) {
    graph::ExposureAlertOptions eo;
    eo.alert_level = options_.exposure_level;
    eo.threads = o.threads;
    graph::ExposureRunSummary ex;
    Status es = graph::ReevaluateAfterRescreen(*store_, snap->screener->lists(), summary, eo,
                                               store::Actor{"system"}, &ex);
    if (es.ok()) {
      LogLine("info", "exposure re-evaluated", ex.ToJson());
    } else {
      LogLine("error", "exposure re-evaluation failed: " + es.ToString(),
              {{"run", summary.run_id}});
    }
  }
  if (options_.webhook.url.empty() || summary.screened.new_alert_ids.empty()) return;
  notify::WebhookOptions w = options_.webhook;
  w.sleep = [this](std::chrono::milliseconds ms) { return BackgroundSleep(ms); };
  notify::NotifySummary n;
  Status ns = notify::NotifyAlerts(*store_, w, summary.ToJson(), summary.run_id,
                                   summary.screened.new_alert_ids, store::Actor{"system"}, &n);
  metrics_.CountWebhook(n.delivered, n.failed, n.alerts, n.alerts_undelivered);
  {
    std::lock_guard<std::mutex> lock(b.mu);
    b.webhook_delivered += n.delivered;
    b.webhook_failed += n.failed;
    if (!n.error.empty()) b.webhook_last_error = n.error;
    if (!ns.ok()) b.webhook_last_error = ns.ToString();
  }
  if (n.failed > 0 || !ns.ok()) {
    LogLine("error", "webhook: alerts not delivered",
            {{"run", summary.run_id},
             {"failed_messages", n.failed},
             {"alerts", n.alerts_undelivered},
             {"error", ns.ok() ? n.error : ns.ToString()}});
  } else {
    LogLine("info", "webhook: alerts delivered",
            {{"run", summary.run_id}, {"messages", n.delivered}, {"alerts", n.alerts}});
  }
}

void Service::RefreshLoop() {
  const auto every = std::chrono::seconds(options_.refresh_seconds);
  while (BackgroundSleep(every)) {
    std::string summary;
    Status s = Refresh(&summary);
    if (s.ok()) {
      LogLine("info", "refreshed", {{"result", summary}});
    } else {
      LogLine("error", "refresh failed; the lists serving stay: " + s.ToString());
    }
  }
}

json Service::DataInUseJson() const {
  std::shared_ptr<const Snapshot> snap = Current();
  if (snap == nullptr) return nullptr;
  auto now = std::chrono::system_clock::now();
  SysTime checked = snap->loaded_at;
  {
    std::lock_guard<std::mutex> lock(bg_->mu);
    checked = std::max(checked, bg_->checked_at);
  }
  json lists = json::array();
  for (const LoadedList& l : snap->screener->lists()) {
    lists.push_back({{"source", l.info.source},
                     {"version", ListVersion(l.info)},
                     {"published", l.info.published},
                     {"age_days", model::AgeDays(l.info.published, now)}});
  }
  return json{
      {"lists_version", snap->version},
      {"loaded_at", model::IsoTime(snap->loaded_at)},
      {"checked_at", model::IsoTime(checked)},
      {"age_seconds", std::chrono::duration_cast<std::chrono::seconds>(now - checked).count()},
      {"lists", std::move(lists)}};
}

Status Service::Refresh(std::string* summary) {
  Background& b = *bg_;
  std::lock_guard<std::mutex> one_at_a_time(b.refresh_mu);
  std::shared_ptr<const Snapshot> snap = Current();
  json fetched = json::array(), errors = json::array();
  Status outcome;
  bool reloaded = false;
  std::string reload_summary;
  if (snap == nullptr) {
    outcome = Status::Unavailable("no lists are serving yet");
  } else {
    std::vector<sources::RefreshTarget> targets = sources::RefreshTargets(snap->screener->lists());
    if (targets.empty()) {
      outcome = Status::InvalidArgument(
          "none of the lists serving can be fetched (vigil fetch knows: " +
          fmt::format("{}", fmt::join(sources::FetchableLists(), ", ")) + ")");
    }
    sources::FetchOptions fo;
    fo.accept_truncated = options_.accept_truncated;
    fo.max_entity_drop = options_.max_entity_drop;
    bool changed = false;
    for (const sources::RefreshOutcome& r :
         sources::RefreshLists(targets, options_.fetch_base_url, fo)) {
      if (!r.ok) {
        errors.push_back({{"list", r.list}, {"error", RedactPaths(r.error)}});
        continue;
      }
      changed = changed || r.changed;
      json files = json::array();
      for (const sources::FetchedFile& f : r.report.files) {
        files.push_back({{"file", f.name}, {"sha256", f.sha256}, {"bytes", f.bytes}});
      }
      fetched.push_back({{"list", r.list},
                         {"changed", r.changed},
                         {"entities", r.report.entities},
                         {"files", std::move(files)}});
    }
    if (changed) {
      // A reload already running (SIGHUP, HTTP) is waited for, then this one runs.
      bool busy = true;
      Status s;
      std::vector<std::string> truncated;
      while (busy) {
        Status audit_error;
        s = Reload(&reload_summary, &busy, &truncated, "system", "refresh", &audit_error);
        if (!audit_error.ok()) {
          LogLine("error",
                  "the reload could not be recorded in the audit trail: " + audit_error.ToString());
        }
        if (busy && !BackgroundSleep(std::chrono::milliseconds(50))) {
          s = Status::Unavailable("stopping");
          break;
        }
      }
      reloaded = s.ok();
      if (!s.ok()) outcome = s;
    }
    if (outcome.ok() && !errors.empty()) {
      std::string m;
      for (const json& e : errors) {
        m += (m.empty() ? "" : "; ") + e["list"].get<std::string>() + ": " +
             e["error"].get<std::string>();
      }
      outcome = Status::IoError("fetching failed, the lists serving stay: " + m);
    }
  }
  const bool ok = outcome.ok();
  auto now = std::chrono::system_clock::now();
  metrics_.CountRefresh(ok);
  {
    std::lock_guard<std::mutex> lock(b.mu);
    if (ok) {
      ++b.refreshes_ok;
      b.refresh_ok_at = now;
      b.checked_at = now;
      b.refresh_failures_in_a_row = 0;
      b.refresh_error.clear();
    } else {
      ++b.refreshes_failed;
      b.refresh_failed_at = now;
      ++b.refresh_failures_in_a_row;
      b.refresh_error = RedactPaths(outcome.ToString());
    }
  }
  if (ok) metrics_.SetDataChecked(now);
  std::string line = ok ? (reloaded ? "new lists: " + reload_summary : "the lists are unchanged")
                        : outcome.ToString();
  if (store_ != nullptr) {
    json detail{{"ok", ok},
                {"fetched", std::move(fetched)},
                {"errors", std::move(errors)},
                {"reloaded", reloaded},
                {"data_in_use", DataInUseJson()}};
    if (!ok) detail["error"] = RedactPaths(outcome.ToString());
    Status s = FlushPendingAudit();
    if (s.ok()) s = store_->Audit("lists.refresh", "lists", detail, store::Actor{"system"});
    if (!s.ok()) {
      LogLine("error", "the refresh could not be recorded in the audit trail: " + s.ToString());
    }
  }
  if (summary != nullptr) *summary = line;
  return outcome;
}

json Service::BackgroundJson() const {
  Background& b = *bg_;
  json out = json::object();
  std::lock_guard<std::mutex> lock(b.mu);
  auto when = [](SysTime t) { return t == SysTime{} ? json(nullptr) : json(model::IsoTime(t)); };
  if (options_.refresh_seconds > 0) {
    out["refresh"] = {
        {"every_seconds", options_.refresh_seconds},
        {"ok", b.refresh_failures_in_a_row == 0},
        {"refreshes", b.refreshes_ok},
        {"failures", b.refreshes_failed},
        {"failures_in_a_row", b.refresh_failures_in_a_row},
        {"last_success", when(b.refresh_ok_at)},
        {"last_failure", when(b.refresh_failed_at)},
        {"last_error", b.refresh_error.empty() ? json(nullptr) : json(b.refresh_error)}};
  }
  if (store_ != nullptr && options_.rescreen) {
    json r{{"running", b.running},
           {"queued", b.pending},
           {"runs", b.runs_ok},
           {"failures", b.runs_failed},
           {"index_parties", b.index_parties < 0 ? json(nullptr) : json(b.index_parties)}};
    if (b.last_run_at.empty()) {
      r["last_run"] = nullptr;
    } else {
      r["last_run"] = {
          {"id", b.last_run_id},
          {"kind", b.last_run_kind},
          {"status", b.last_run_status},
          {"ended_at", b.last_run_at},
          {"new_alerts", b.last_run_new_alerts},
          {"seconds", b.last_run_seconds},
          {"error", b.last_run_error.empty() ? json(nullptr) : json(b.last_run_error)}};
    }
    if (!options_.webhook.url.empty()) {
      r["webhook"] = {{"url", notify::RedactUrl(options_.webhook.url)},
                      {"delivered", b.webhook_delivered},
                      {"failed", b.webhook_failed},
                      {"last_error",
                       b.webhook_last_error.empty() ? json(nullptr) : json(b.webhook_last_error)}};
    }
    out["rescreen"] = std::move(r);
  }
  return out;
}

}  // namespace vigil::server
