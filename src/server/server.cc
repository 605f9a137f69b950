// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "server/server.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iterator>
#include <thread>

#include "model/json.h"
#include "server/assets.h"
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
  explicit Rep(ServerOptions o) : svc(std::move(o)), transport(ForTransport(svc.options()), this) {}

  bool IsBlocking(const http::Request& req) const override {
    std::string capture, allow;
    const http::Router::Route* r = router.Find(req.method, req.path, &capture, &allow);
    return r != nullptr && r->blocking;
  }

  void Handle(http::Request& req, http::Response& res) override {
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
      default:
        return SendError(res, res.status, "bad_request", "the request is not valid HTTP/1.1");
    }
  }

  void Answered(const http::Request& req, const http::Response& res, double seconds) override {
    Route route = ClassifyRoute(req.path);
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
  http::Router router;
  Transport transport;
};

Server::Server(ServerOptions options) : rep_(std::make_unique<Rep>(std::move(options))) {}

Server::~Server() { Stop(); }

bool Server::ready() const { return rep_->svc.Current() != nullptr; }

size_t Server::threads() const { return rep_->transport.threads(); }

Status Server::Reload(std::string* summary) {
  bool busy = false;
  return rep_->svc.Reload(summary, &busy);
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
    SendJson(res, 200,
             json{{"status", "ready"},
                  {"lists_version", snap->version},
                  {"generation", snap->generation},
                  {"entities", snap->entities}});
  });
  Transport& transport = rep_->transport;
  router.Add("GET", "/metrics", [&svc, &transport](const http::Request&, http::Response& res) {
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

  return rep_->transport.Bind(port);
}

}  // namespace vigil::server
