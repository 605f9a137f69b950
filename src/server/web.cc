// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The analysts' web page (web/), compiled into the program: one HTML page, its script and
// its style sheet. The page holds no data; it calls the /v1 API from the browser.

#include <string>

#include "server/assets.h"
#include "server/service.h"

namespace vigil::server {
namespace {

void Serve(httplib::Response& res, std::string_view path, const char* type) {
  std::string_view bytes = Asset(path);
  if (bytes.empty()) {
    SendError(res, 404, "not_found", "this build has no web page");
    return;
  }
  res.status = 200;
  res.body.assign(bytes.data(), bytes.size());
  res.set_header("Content-Type", type);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
}

}  // namespace

void RegisterWeb(httplib::Server& http, Service& /*svc*/) {
  http.Get("/", [](const httplib::Request&, httplib::Response& r) {
    Serve(r, "web/index.html", "text/html; charset=utf-8");
  });
  http.Get("/app.js", [](const httplib::Request&, httplib::Response& r) {
    Serve(r, "web/app.js", "text/javascript; charset=utf-8");
  });
  http.Get("/style.css", [](const httplib::Request&, httplib::Response& r) {
    Serve(r, "web/style.css", "text/css; charset=utf-8");
  });
}

}  // namespace vigil::server
