// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "cli/watch.h"

#include <fmt/core.h>

#include <charconv>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/cases.h"
#include "graph/exposure_alerts.h"
#include "model/list_status.h"
#include "sources/fetch.h"
#include "store/rescreen.h"
#include "store/store.h"
#include "vigil/list.h"
#include "vigil/screen.h"

namespace vigil::cli {
namespace {

using nlohmann::json;

// The lists on disk and their age, as the audit trail records it.
json DataJson(const std::vector<LoadedList>& lists) {
  auto now = std::chrono::system_clock::now();
  json out = json::array();
  for (const LoadedList& l : lists) {
    out.push_back({{"source", l.info.source},
                   {"published", l.info.published},
                   {"age_days", model::AgeDays(l.info.published, now)},
                   {"entities", l.entities.size()}});
  }
  return json{{"lists_version", lists.empty() ? "" : model::ListsVersion(lists)},
              {"lists", std::move(out)}};
}

// One round. Not OK when a fetch, the load or the re-screen failed. *index: the reverse
// index of the parties kept from round to round (built by the first delta run).
Status Round(const WatchArgs& a, const std::vector<std::string>& given, bool first, bool json_out,
             bool accept_truncated, double max_entity_drop, const notify::WebhookOptions& webhook,
             store::Store& db, std::unique_ptr<screen::PartyIndex>* index) {
  const store::Actor by{a.by.empty() ? "system" : a.by};
  std::vector<std::string> paths = given;
  if (paths.empty()) {
    std::filesystem::path dir = sources::DefaultDataDir();
    if (!dir.empty()) {
      if (Status s = sources::ListsInDataDir(dir, &paths); !s.ok()) return s;
    }
    if (paths.empty()) {
      return Status::InvalidArgument(
          "no lists to watch: give --lists FOLDER... or fetch them first (vigil fetch)");
    }
  }
  LoadOptions load;
  load.accept_truncated = accept_truncated;
  load.max_entity_drop = max_entity_drop;
  std::vector<LoadedList> lists;
  Status outcome = LoadLists(paths, load, &lists);
  json fetched = json::array(), errors = json::array();
  bool changed = false, rescreened = false;
  json run = nullptr;
  store::RescreenSummary summary;
  if (outcome.ok()) {
    sources::FetchOptions fo;
    fo.accept_truncated = accept_truncated;
    fo.max_entity_drop = max_entity_drop;
    for (const sources::RefreshOutcome& r :
         sources::RefreshLists(sources::RefreshTargets(lists), a.fetch_base_url, fo)) {
      if (!r.ok) {
        errors.push_back({{"list", r.list}, {"error", r.error}});
        continue;
      }
      changed = changed || r.changed;
      fetched.push_back(
          {{"list", r.list}, {"changed", r.changed}, {"entities", r.report.entities}});
    }
    if (changed) {
      for (const LoadedList& l : lists) load.previous_entities[l.info.source] = l.entities.size();
      std::vector<LoadedList> fresh;
      outcome = LoadLists(paths, load, &fresh);
      if (outcome.ok()) lists = std::move(fresh);
    }
  }
  // A failed download leaves that list as it was (its baseline): nothing is re-screened
  // against it. The others are, when one of them changed.
  if (outcome.ok() && (changed || (first && errors.empty()))) {
    std::unique_ptr<Screener> screener;
    outcome = Screener::Create(lists, &screener);
    if (outcome.ok()) {
      store::RescreenOptions o;
      o.screen.min_score = o.screen.review_threshold;
      if (*index != nullptr &&
          store::PartyIndexStale(db, **index, store::kPartyIndexRebuildAfter)) {
        index->reset();  // this run builds it again
      }
      o.index = index->get();
      o.built_index = index;
      outcome = store::Rescreen(db, *screener, o, by, &summary);
      rescreened = outcome.ok();
      run = summary.ToJson();
      // Exposure (issue 15): the parties near what the lists changed, re-evaluated.
      if (rescreened && !a.no_exposure) {
        graph::ExposureAlertOptions eo;
        eo.alert_level = a.exposure_level;
        graph::ExposureRunSummary ex;
        outcome = graph::ReevaluateAfterRescreen(db, screener->lists(), summary, eo, by, &ex);
        run["exposure"] = outcome.ok() ? ex.ToJson() : json{{"error", outcome.ToString()}};
      }
    }
  }
  notify::NotifySummary n;
  if (rescreened && !webhook.url.empty() && !summary.screened.new_alert_ids.empty()) {
    Status s = notify::NotifyAlerts(db, webhook, run, summary.run_id,
                                    summary.screened.new_alert_ids, by, &n);
    if (!s.ok()) std::cerr << "vigil: webhook: " << s.ToString() << "\n";
    if (n.failed > 0) {
      std::cerr << fmt::format("vigil: webhook: {} message(s), {} alert(s) not delivered: {}\n",
                               n.failed, n.alerts_undelivered, n.error);
    }
  }
  if (outcome.ok() && !errors.empty()) {
    std::string m;
    for (const json& e : errors) {
      m += (m.empty() ? "" : "; ") + e["list"].get<std::string>() + ": " +
           e["error"].get<std::string>();
    }
    outcome = Status::IoError("fetching failed, the lists on disk stay: " + m);
  }
  json detail{{"ok", outcome.ok()},
              {"via", "watch"},
              {"fetched", fetched},
              {"errors", errors},
              {"reloaded", changed},
              {"rescreen_run", rescreened ? json(summary.run_id) : json(nullptr)},
              {"data_in_use", DataJson(lists)}};
  if (!outcome.ok()) detail["error"] = outcome.ToString();
  if (Status s = db.Audit("lists.refresh", "lists", detail, by); !s.ok()) {
    std::cerr << "vigil: cannot record the refresh in the audit trail: " << s.ToString() << "\n";
    if (outcome.ok()) outcome = s;
  }
  if (json_out) {
    json j = detail;
    j["at"] = model::IsoTime(std::chrono::system_clock::now());
    j["rescreen"] = run;
    j["webhook"] = {{"messages", n.messages}, {"delivered", n.delivered}, {"failed", n.failed}};
    std::cout << j.dump() << std::endl;
  } else {
    for (const json& f : fetched) {
      fmt::print("fetched {}: {} ({} entities)\n", f["list"].get<std::string>(),
                 f["changed"].get<bool>() ? "changed" : "unchanged", f["entities"].get<int64_t>());
    }
    for (const json& e : errors) {
      fmt::print("fetch failed {}: {} (the list on disk stays)\n", e["list"].get<std::string>(),
                 e["error"].get<std::string>());
    }
    if (rescreened) {
      fmt::print(
          "re-screen run {} ({}): {} parties screened, {} new alerts ({} re-alerts), {} "
          "delisted closed ({:.2f} s)\n",
          summary.run_id, summary.kind, summary.screened.parties, summary.screened.new_alerts,
          summary.screened.re_alerts, summary.delisted_closed, summary.seconds);
      if (run.contains("exposure") && run["exposure"].contains("parties_evaluated")) {
        const json& ex = run["exposure"];
        fmt::print("exposure: {} parties re-evaluated, {} new alerts, {} closed ({:.2f} s)\n",
                   ex.value("parties_evaluated", int64_t{0}), ex.value("new_alerts", int64_t{0}),
                   ex.value("closed", int64_t{0}), ex.value("seconds", 0.0));
      }
    } else if (outcome.ok()) {
      fmt::print("no list changed: nothing to re-screen\n");
    }
    if (n.messages > 0) {
      fmt::print("webhook: {} of {} message(s) delivered\n", n.delivered, n.messages);
    }
    std::cout << std::flush;
  }
  return outcome;
}

}  // namespace

Status ParseDuration(std::string_view text, std::chrono::milliseconds* out) {
  auto bad = [&] {
    return Status::InvalidArgument(fmt::format(
        "'{}' is not a duration: give a whole number and a unit, e.g. 90s, 30m, 6h, 1d", text));
  };
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p == text.data() || n <= 0) return bad();
  std::string_view unit(p, static_cast<size_t>(text.data() + text.size() - p));
  static const std::map<std::string_view, int64_t> kUnits = {
      {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
  auto it = kUnits.find(unit);
  if (it == kUnits.end()) return bad();
  if (n > INT64_MAX / it->second / 1000) return bad();
  *out = std::chrono::milliseconds(n * it->second);
  return Status::Ok();
}

void AddWebhookOptions(CLI::App* cmd, WebhookArgs* a) {
  cmd->add_option("--webhook", a->url,
                  "POST the alerts a re-screen raises to this URL (JSON, signed: "
                  "X-Vigil-Signature: sha256=HMAC(secret, timestamp.body))");
  cmd->add_option("--webhook-secret-file", a->secret_file,
                  "the webhook's HMAC secret: the file's first line (default: "
                  "$VIGIL_WEBHOOK_SECRET)");
  cmd->add_option("--webhook-attempts", a->attempts, "requests per message at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--webhook-backoff", a->backoff,
                  "wait before the second attempt, doubled after each failure")
      ->capture_default_str();
}

Status MakeWebhook(const WebhookArgs& a, notify::WebhookOptions* out) {
  *out = notify::WebhookOptions();
  if (a.url.empty()) {
    if (!a.secret_file.empty()) {
      return Status::InvalidArgument("--webhook-secret-file without --webhook");
    }
    return Status::Ok();
  }
  out->url = a.url;
  out->attempts = a.attempts;
  if (Status s = ParseDuration(a.backoff, &out->backoff); !s.ok()) {
    return Status::InvalidArgument("--webhook-backoff: " + s.message());
  }
  if (Status s = notify::ReadWebhookSecret(a.secret_file, &out->secret); !s.ok()) return s;
  return notify::CheckWebhook(*out);
}

CLI::App* AddWatchCommand(CLI::App* app, WatchArgs* a) {
  CLI::App* w = app->add_subcommand(
      "watch",
      "fetch the lists on a schedule and re-screen the stored parties when one changed "
      "(ongoing screening without a service or cron)");
  w->add_option("--db", a->db, "the case store (a SQLite file or a postgresql:// URL)")
      ->envname("VIGIL_DB");
  w->add_option("--every", a->every, "time between rounds: 90s, 30m, 6h, 1d")
      ->capture_default_str();
  w->add_flag("--once", a->once, "one round, then exit (1 when it failed)");
  w->add_option("--rounds", a->rounds, "this many rounds, then exit (1 when the last failed)")
      ->check(CLI::PositiveNumber)
      ->excludes("--once");
  w->add_option("--fetch-base-url", a->fetch_base_url,
                "fetch list L from URL/L/ instead of the official address (a mirror)");
  w->add_option("--by", a->by, "the principal of the audit records (default: system)");
  w->add_option("--exposure-level", a->exposure_level,
                "after a re-screen, re-evaluate the exposure of the parties near what changed "
                "and open an alert at or above this level (0..1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  w->add_flag("--no-exposure", a->no_exposure, "do not re-evaluate exposure");
  AddWebhookOptions(w, &a->webhook);
  return w;
}

int RunWatch(const WatchArgs& a, const std::vector<std::string>& lists, bool json_out,
             bool accept_truncated, double max_entity_drop) {
  if (a.db.empty()) return Fail(Status::InvalidArgument("vigil watch needs --db (or $VIGIL_DB)"));
  std::chrono::milliseconds every{0};
  if (Status s = ParseDuration(a.every, &every); !s.ok()) {
    return Fail(Status::InvalidArgument("--every: " + s.message()));
  }
  notify::WebhookOptions webhook;
  if (Status s = MakeWebhook(a.webhook, &webhook); !s.ok()) return Fail(s);
  std::unique_ptr<store::Store> db;
  if (Status s = store::Store::Open(a.db, {}, &db); !s.ok()) return Fail(s);
  std::unique_ptr<screen::PartyIndex> index;  // kept warm between rounds
  const int rounds = a.once ? 1 : a.rounds;   // 0: until killed
  for (int round = 1;; ++round) {
    Status s = Round(a, lists, round == 1, json_out, accept_truncated, max_entity_drop, webhook,
                     *db, &index);
    if (!s.ok()) std::cerr << "vigil: watch: " << s.ToString() << "\n";
    if (rounds > 0 && round >= rounds) return s.ok() ? 0 : 1;
    std::this_thread::sleep_for(every);
  }
}

}  // namespace vigil::cli
