// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "server/server.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <iterator>
#include <mutex>
#include <thread>

#include "model/json.h"
#include "server/assets.h"
#include "server/log.h"
#include "server/origin.h"
#include "server/service.h"
#include "server/transport.h"

namespace vigil::server {
namespace {

using nlohmann::json;

// Appends the time now as 2026-11-23T16:40:01.123Z. The part up to the second is formatted
// once a second per thread.
void AppendNowIso(std::string* out) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[24];
  thread_local size_t cached_size = 0;
  auto now = std::chrono::system_clock::now();
  std::time_t tt = std::chrono::system_clock::to_time_t(now);
  if (tt != cached_second) {
    std::tm tm{};
    gmtime_r(&tt, &tm);
    cached_size = std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_second = tt;
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  out->append(cached, cached_size);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms < 0 ? ms + 1000 : ms));
  out->append(frac);
}

std::string NowIso() {
  std::string s;
  AppendNowIso(&s);
  return s;
}

TransportOptions ForTransport(const ServerOptions& opt) {
  TransportOptions t;
  t.host = opt.host;
  t.port = opt.port;
  t.threads = opt.threads > 0 ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  t.max_connections = opt.max_connections;
  t.max_body_bytes = opt.max_body_bytes;
  t.keep_alive_seconds = opt.keep_alive_seconds;
  return t;
}

}  // namespace

struct Server::Rep final : Application {
  explicit Rep(ServerOptions o)
      : svc(std::move(o)),
        hosts(svc.options().host, svc.options().allowed_hosts),
        transport(ForTransport(svc.options()), this) {}

  bool IsBlocking(const http::Request& req) const override {
    std::string capture, allow;
    const http::Router::Route* r = router.Find(req.method, req.path, &capture, &allow);
    return r != nullptr && r->blocking;
  }

  http::Lane LaneOf(const http::Request& req) const override {
    std::string capture, allow;
    const http::Router::Route* r = router.Find(req.method, req.path, &capture, &allow);
    return r != nullptr ? r->lane : http::Lane::kInline;
  }

  void Handle(http::Request& req, http::Response& res) override {
    if (!hosts.Allows(req.Header("Host"))) {
      SendError(res, 421, "host_not_allowed",
                "this server does not serve that Host name (see --allowed-host)");
      return;
    }
    if (req.method != "GET" && req.method != "HEAD" && CrossSite(req)) {
      SendError(res, 403, "cross_origin",
                "a request from a page on another site (Origin or Sec-Fetch-Site) is refused");
      return;
    }
    std::string allow;
    const http::Router::Route* r = router.Find(req.method, req.path, &req.capture, &allow);
    if (r == nullptr) {
      if (!allow.empty()) {
        res.SetHeader("Allow", allow);
        SendError(res, 405, "method_not_allowed",
                  fmt::format("{} answers {} only", req.path, allow));
      } else {
        SendError(res, 404, "not_found", "no such route (see /openapi.json)");
      }
      return;
    }
    try {
      r->handler(req, res);
    } catch (const std::exception& e) {
      Failed(req, res, e.what());
    } catch (...) {
      Failed(req, res, "unknown exception");
    }
  }

  void Refuse(const http::Request& /*req*/, http::Response& res) override {
    switch (res.status) {
      case 413:
        return SendError(res, 413, "body_too_large",
                         fmt::format("the request body is larger than this server accepts "
                                     "({} bytes)",
                                     svc.options().max_body_bytes));
      case 414:
        return SendError(res, 414, "uri_too_long", "the request target is too long");
      case 431:
        return SendError(res, 431, "headers_too_large",
                         "the request's header fields are larger than this server accepts");
      case 503:
        return SendError(res, 503, "busy", "too many connections are open; try again shortly");
      default: {
        std::string why = res.body.empty() ? "the request is not valid HTTP/1.1" : res.body;
        return SendError(res, res.status, "bad_request", why);
      }
    }
  }

  void Answered(const http::Request& req, const http::Response& res, double seconds) override {
    Route route = ClassifyRoute(req.path, req.method);
    svc.metrics().Observe(route, res.status, seconds);
    if (!svc.options().access_log) return;
    // No query string and no body: names screened are personal data. Written field by
    // field (this runs for every request), one write per line so that lines from several
    // threads never interleave.
    std::string line;
    line.reserve(192 + req.path.size());
    line += "{\"ts\":\"";
    AppendNowIso(&line);
    line += "\",\"remote\":";
    model::AppendJsonString(req.remote_addr, &line);
    line += ",\"method\":";
    model::AppendJsonString(req.method, &line);
    line += ",\"path\":";
    model::AppendJsonString(req.path, &line);
    line += ",\"route\":";
    model::AppendJsonString(RouteLabel(route), &line);
    // Not fmt::format_to(back_inserter): clang 14 mangles its buffer type differently from
    // Debian's libfmt (built by gcc), so the fuzz build would not link.
    line += ",\"status\":";
    line += std::to_string(res.status);
    line += ",\"bytes\":";
    line += std::to_string(res.body.size());
    line += ",\"ms\":";
    model::AppendJsonNumber(std::round(seconds * 1e6) / 1e3, &line);
    line += "}\n";
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
  }

  static void Failed(const http::Request& req, http::Response& res, const std::string& what) {
    std::string line = json{{"ts", NowIso()},
                            {"level", "error"},
                            {"msg", "handler failed"},
                            {"path", req.path},
                            {"error", what}}
                           .dump(-1, ' ', false, json::error_handler_t::replace) +
                       "\n";
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    res = http::Response();
    SendError(res, 500, "internal", "the server failed to answer this request; it is logged");
  }

  Service svc;
  HostPolicy hosts;
  // RequestReload(): the thread that runs asked-for reloads, and what it waits on.
  std::mutex reload_mu;
  std::condition_variable reload_cv;
  bool reload_pending = false;  // guarded by reload_mu
  bool reload_stop = false;     // guarded by reload_mu
  std::thread reloader;
  http::Router router;
  Transport transport;
};

Server::Server(ServerOptions options) : rep_(std::make_unique<Rep>(std::move(options))) {}

Server::~Server() {
  Stop();
  rep_->svc.StopBackground();
  {
    std::lock_guard<std::mutex> lock(rep_->reload_mu);
    rep_->reload_stop = true;
  }
  rep_->reload_cv.notify_all();
  if (rep_->reloader.joinable()) rep_->reloader.join();
}

void Server::RequestReload() {
  Rep& r = *rep_;
  std::lock_guard<std::mutex> lock(r.reload_mu);
  r.reload_pending = true;
  r.reload_cv.notify_all();
  if (r.reloader.joinable()) return;
  r.reloader = std::thread([&r] {
    std::unique_lock<std::mutex> lock(r.reload_mu);
    for (;;) {
      r.reload_cv.wait(lock, [&r] { return r.reload_pending || r.reload_stop; });
      if (r.reload_stop) return;
      r.reload_pending = false;  // asks from now on make one more reload
      for (;;) {
        lock.unlock();
        std::string summary;
        std::vector<std::string> truncated;
        bool busy = false;
        Status audit_error;
        Status s = r.svc.Reload(&summary, &busy, &truncated, "system", "SIGHUP", &audit_error);
        if (!audit_error.ok()) {
          LogLine("error",
                  "the reload could not be recorded in the case store's audit trail: " +
                      audit_error.ToString(),
                  json{{"via", "SIGHUP"}});
        }
        lock.lock();
        if (!busy) {
          if (r.svc.options().reload_done) {
            lock.unlock();
            r.svc.options().reload_done(s, summary, truncated);
            lock.lock();
          }
          break;
        }
        // Another reload (over HTTP) is running: this one follows it.
        r.reload_cv.wait_for(lock, std::chrono::milliseconds(20));
        if (r.reload_stop) return;
      }
    }
  });
}

bool Server::ready() const { return rep_->svc.Current() != nullptr; }

std::vector<std::string> Server::ListWarnings() const {
  auto snap = rep_->svc.Current();
  if (snap == nullptr) return {};
  return ListsStatusNow(*snap, rep_->svc.options().max_list_age_days).warnings;
}

size_t Server::threads() const { return rep_->transport.threads(); }

Status Server::Reload(std::string* summary, std::vector<std::string>* truncated,
                      std::string_view via) {
  bool busy = false;
  Status audit_error;
  Status s = rep_->svc.Reload(summary, &busy, truncated, "system", via, &audit_error);
  if (!audit_error.ok()) {
    LogLine("error",
            "the reload could not be recorded in the case store's audit trail: " +
                audit_error.ToString(),
            json{{"via", std::string(via)}});
  }
  return s;
}

void Server::Stop() { rep_->transport.Stop(); }

bool Server::Run() { return rep_->transport.Run(); }

Status Server::Bind(int* port) {
  Service& svc = rep_->svc;
  if (Status s = svc.Init(); !s.ok()) return s;
  const ServerOptions& opt = svc.options();
  if (opt.max_batch == 0 || opt.max_results == 0 || opt.max_body_bytes == 0 ||
      opt.max_connections == 0) {
    return Status::InvalidArgument(
        "max batch, max results, max body and max connections must be > 0");
  }
  http::Router& router = rep_->router;

  // Operations.
  router.Add("GET", "/healthz", [](const http::Request&, http::Response& res) {
    SendJson(res, 200, json{{"status", "ok"}});
  });
  router.Add("GET", "/readyz", [&svc](const http::Request&, http::Response& res) {
    auto snap = svc.Current();
    if (snap == nullptr) {
      res.SetHeader("Retry-After", "1");
      SendJson(res, 503, json{{"status", "loading"}});
      return;
    }
    // Ready, with what is serving: each list's version, publication date and age, and the
    // warnings (the sample, a list over the age limit, a missing companion file).
    json j{{"status", "ready"},
           {"lists_version", snap->version},
           {"generation", snap->generation},
           {"entities", snap->entities},
           {"truncated", TruncatedJson(*snap)}};
    AddListsStatus(*snap, svc.options().max_list_age_days, &j);
    // The refresh and the re-screens: a failed refresh keeps the lists serving (still
    // ready) and says so here, with the age of the data in use.
    json background = svc.BackgroundJson();
    for (auto it = background.begin(); it != background.end(); ++it) j[it.key()] = *it;
    if (svc.options().refresh_seconds > 0) j["data_in_use"] = svc.DataInUseJson();
    SendJson(res, 200, j);
  });
  Transport& transport = rep_->transport;
  router.Add("GET", "/metrics", [&svc, &transport](const http::Request& req, http::Response& res) {
    // With keys configured, metrics need one (the screen role) unless made public.
    if (!svc.options().metrics_public && !svc.Authorize(req, res, Role::kScreen)) return;
    auto snap = svc.Current();
    res.status = 200;
    res.body = svc.metrics().Render(snap.get(), svc.started(), transport.open_connections());
    res.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  });
  router.Add("GET", "/openapi.json", [](const http::Request&, http::Response& res) {
    std::string_view spec = Asset("src/server/openapi.json");
    res.status = 200;
    res.body.assign(spec.data(), spec.size());
    res.SetHeader("Content-Type", "application/json");
  });
  RegisterApi(router, svc);
  RegisterYente(router, svc);
  RegisterWeb(router, svc);
  RegisterCases(router, svc);
  RegisterRedFlags(router, svc);
  RegisterOwnership(router, svc);
  RegisterIp(router, svc);

  if (Status s = rep_->transport.Bind(port); !s.ok()) return s;
  svc.StartBackground();
  return Status::Ok();
}

}  // namespace vigil::server
