// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "server/server.h"

#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <thread>

#include "server/assets.h"
#include "server/service.h"

namespace vigil::server {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// When routing of the current request began, on the worker thread that serves it (the
// logger runs on the same thread once the answer is written). Zero: not routed (httplib
// answered a malformed request itself).
thread_local Clock::time_point t_request_start{};

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  std::time_t tt = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

const char* DefaultMessage(int status) {
  switch (status) {
    case 400:
      return "the request is malformed";
    case 404:
      return "no such route (see /openapi.json)";
    case 413:
      return "the request body is larger than this server accepts";
    case 414:
      return "the request line is too long";
    default:
      return "the request failed";
  }
}

}  // namespace

struct Server::Rep {
  explicit Rep(ServerOptions o) : svc(std::move(o)) {}
  Service svc;
  httplib::Server http;
  bool bound = false;
  std::atomic<bool> run_started{false};
  std::atomic<bool> stop_requested{false};
};

Server::Server(ServerOptions options) : rep_(std::make_unique<Rep>(std::move(options))) {}

Server::~Server() { Stop(); }

bool Server::ready() const { return rep_->svc.Current() != nullptr; }

Status Server::Reload(std::string* summary) {
  bool busy = false;
  return rep_->svc.Reload(summary, &busy);
}

void Server::Stop() {
  // Run() may be just starting: it either sees stop_requested and returns, or has set
  // run_started, and then the listening loop is about to run and can be stopped.
  rep_->stop_requested = true;
  if (!rep_->bound || !rep_->run_started) return;
  while (!rep_->http.is_running() && rep_->run_started) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  rep_->http.stop();
}

bool Server::Run() {
  if (!rep_->bound) return false;
  rep_->run_started = true;
  bool ok = rep_->stop_requested ? true : rep_->http.listen_after_bind();
  rep_->run_started = false;
  return ok;
}

Status Server::Bind(int* port) {
  Service& svc = rep_->svc;
  if (Status s = svc.Init(); !s.ok()) return s;
  const ServerOptions& opt = svc.options();
  if (opt.threads == 0 || opt.max_batch == 0 || opt.max_results == 0 || opt.max_body_bytes == 0) {
    return Status::InvalidArgument("threads, max batch, max results and max body must be > 0");
  }
  httplib::Server& http = rep_->http;
  size_t threads = opt.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(100000);
  http.set_keep_alive_timeout(opt.keep_alive_seconds);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(10, 0);
  http.set_payload_max_length(opt.max_body_bytes);

  http.set_pre_routing_handler([&svc](const httplib::Request& req, httplib::Response& res) {
    t_request_start = Clock::now();
    // httplib would read a POST without Content-Length until the peer closes: answer it
    // here (a reload needs no body: `curl -X POST .../v1/lists/reload`).
    if (req.method == "POST" && !req.has_header("Content-Length") &&
        !req.has_header("Transfer-Encoding")) {
      if (req.path == "/v1/lists/reload") {
        HandleReload(svc, req, res);
      } else {
        SendError(res, 411, "length_required",
                  "a POST needs a body with a Content-Length (or chunked transfer encoding)");
      }
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // Every status >= 400 passes here; give those without a body (httplib's own 400, 404,
  // 413, 414) the JSON error shape, and turn a 404 on a known path into 405.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (res.status == 404) {
          Route route = ClassifyRoute(req.path);
          if (route != Route::kOther && RouteMethod(route) != req.method) {
            res.set_header("Allow", std::string(RouteMethod(route)));
            SendError(res, 405, "method_not_allowed",
                      fmt::format("{} answers {} only", RouteLabel(route), RouteMethod(route)));
            return httplib::Server::HandlerResponse::Handled;
          }
        }
        const char* code = res.status == 404   ? "not_found"
                           : res.status == 413 ? "body_too_large"
                           : res.status == 414 ? "uri_too_long"
                                               : "bad_request";
        SendError(res, res.status, code, DefaultMessage(res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));

  http.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        std::string line = json{{"ts", NowIso()},
                                {"level", "error"},
                                {"msg", "handler failed"},
                                {"path", req.path},
                                {"error", what}}
                               .dump(-1, ' ', false, json::error_handler_t::replace) +
                           "\n";
        [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
        SendError(res, 500, "internal", "the server failed to answer this request; it is logged");
      });

  bool access_log = opt.access_log;
  http.set_logger([&svc, access_log](const httplib::Request& req, const httplib::Response& res) {
    double seconds = 0;
    if (t_request_start != Clock::time_point{}) {
      seconds = std::chrono::duration<double>(Clock::now() - t_request_start).count();
      t_request_start = Clock::time_point{};
    }
    Route route = ClassifyRoute(req.path);
    svc.metrics().Observe(route, res.status, seconds);
    if (!access_log) return;
    // No query string and no body: names screened are personal data.
    std::string line = json{{"ts", NowIso()},
                            {"remote", req.remote_addr},
                            {"method", req.method},
                            {"path", req.path},
                            {"route", std::string(RouteLabel(route))},
                            {"status", res.status},
                            {"bytes", res.body.size()},
                            {"ms", std::round(seconds * 1e6) / 1e3}}
                           .dump(-1, ' ', false, json::error_handler_t::replace) +
                       "\n";
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
  });

  // Operations.
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200, json{{"status", "ok"}});
  });
  http.Get("/readyz", [&svc](const httplib::Request&, httplib::Response& res) {
    auto snap = svc.Current();
    if (snap == nullptr) {
      res.set_header("Retry-After", "1");
      SendJson(res, 503, json{{"status", "loading"}});
      return;
    }
    SendJson(res, 200,
             json{{"status", "ready"},
                  {"lists_version", snap->version},
                  {"generation", snap->generation},
                  {"entities", snap->entities}});
  });
  http.Get("/metrics", [&svc](const httplib::Request&, httplib::Response& res) {
    auto snap = svc.Current();
    res.status = 200;
    res.body = svc.metrics().Render(snap.get(), svc.started());
    res.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  });
  http.Get("/openapi.json", [](const httplib::Request&, httplib::Response& res) {
    std::string_view spec = Asset("src/server/openapi.json");
    res.status = 200;
    res.body.assign(spec.data(), spec.size());
    res.set_header("Content-Type", "application/json");
  });
  RegisterApi(http, svc);
  RegisterYente(http, svc);
  RegisterWeb(http, svc);

  int want = opt.port;
  int got = 0;
  if (want == 0) {
    got = http.bind_to_any_port(opt.host);
  } else {
    got = http.bind_to_port(opt.host, want) ? want : -1;
  }
  if (got <= 0) {
    return Status::IoError(
        fmt::format("cannot listen on {}:{} (in use, or not an address of "
                    "this machine?)",
                    opt.host, want));
  }
  rep_->bound = true;
  *port = got;
  return Status::Ok();
}

}  // namespace vigil::server
