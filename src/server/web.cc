// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The analysts' web pages (web/), compiled into the program: the screening page (index.html,
// app.js) and the case pages (cases.html, cases.js: the alert queue at /alerts, one alert at
// /alerts/{id}, one party at /parties/{id}, the ownership edges to review at /ownership; the script
// reads the path), the DOM helpers both
// load first (dom.js), the relationship graph both draw (links.js, with the graph library
// npm installed into web/vendor), and one style sheet. The pages hold no data; they call the /v1
// API from the browser.

#include <string>

#include "server/assets.h"
#include "server/service.h"

namespace vigil::server {
namespace {

void Serve(http::Response& res, std::string_view path, const char* type) {
  std::string_view bytes = Asset(path);
  if (bytes.empty()) {
    SendError(res, 404, "not_found", "this build has no web page");
    return;
  }
  res.status = 200;
  res.body.assign(bytes.data(), bytes.size());
  res.SetHeader("Content-Type", type);
  res.SetHeader("Cache-Control", "no-cache");
  res.SetHeader("X-Content-Type-Options", "nosniff");
  // style-src: the page's style sheet, and the one rule the graph library (cytoscape)
  // puts in a <style> of its own (".__________cytoscape_container { position: relative; }"),
  // allowed by its hash and nothing else inline.
  res.SetHeader("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' "
                "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='; frame-ancestors 'none'");
}

}  // namespace

void RegisterWeb(http::Router& router, Service& /*svc*/) {
  router.Add("GET", "/", [](const http::Request&, http::Response& r) {
    Serve(r, "web/index.html", "text/html; charset=utf-8");
  });
  router.Add("GET", "/dom.js", [](const http::Request&, http::Response& r) {
    Serve(r, "web/dom.js", "text/javascript; charset=utf-8");
  });
  router.Add("GET", "/app.js", [](const http::Request&, http::Response& r) {
    Serve(r, "web/app.js", "text/javascript; charset=utf-8");
  });
  router.Add("GET", "/style.css", [](const http::Request&, http::Response& r) {
    Serve(r, "web/style.css", "text/css; charset=utf-8");
  });
  router.Add("GET", "/cases.js", [](const http::Request&, http::Response& r) {
    Serve(r, "web/cases.js", "text/javascript; charset=utf-8");
  });
  router.Add("GET", "/links.js", [](const http::Request&, http::Response& r) {
    Serve(r, "web/links.js", "text/javascript; charset=utf-8");
  });
  // The graph library (npm cytoscape, web/vendor): its minified file as npm installed it.
  router.Add("GET", "/vendor/cytoscape.min.js", [](const http::Request&, http::Response& r) {
    Serve(r, "web/vendor/node_modules/cytoscape/dist/cytoscape.min.js",
          "text/javascript; charset=utf-8");
  });
  auto cases = [](const http::Request&, http::Response& r) {
    Serve(r, "web/cases.html", "text/html; charset=utf-8");
  };
  router.Add("GET", "/alerts", cases);
  router.Add("GET", "/alerts/{}", cases);
  router.Add("GET", "/parties/{*}", cases);
  router.Add("GET", "/ownership", cases);
}

}  // namespace vigil::server
