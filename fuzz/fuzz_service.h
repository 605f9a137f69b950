// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// For the HTTP harnesses: the service's routes (the /v1 API, the yente API, the web page)
// over the test fixtures, answering a parsed request in process as Server does, except
// that a handler that throws is a finding rather than a logged 500.

#ifndef VIGIL_FUZZ_FUZZ_SERVICE_H_
#define VIGIL_FUZZ_FUZZ_SERVICE_H_

#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "server/http.h"
#include "server/service.h"

namespace vigil::fuzz {

namespace http = server::http;

class FixtureService {
 public:
  static FixtureService& Get() {
    static FixtureService* s = new FixtureService();  // lives as long as the process
    return *s;
  }

  // Routes and answers `req` (no reload: it is blocking and slow). Checks that the answer
  // is not a 500 and that a JSON answer is JSON.
  void Answer(http::Request& req) {
    http::Response res;
    std::string allow;
    const http::Router::Route* r = router_.Find(req.method, req.path, &req.capture, &allow);
    if (r == nullptr || r->blocking) return;
    r->handler(req, res);
    if (res.status < 200 || res.status > 599 || res.status == 500) {
      Fail("answered " + std::to_string(res.status) + " to " + req.method + " " + req.target +
           ": " + res.body);
    }
    if (res.Header("Content-Type").starts_with("application/json") &&
        !nlohmann::json::accept(res.body)) {
      Fail("a JSON answer that is not JSON: " + res.body);
    }
  }

  const http::Router& router() const { return router_; }

 private:
  FixtureService() : svc_(Options()) {
    if (Status s = svc_.Init(); !s.ok()) Fail(s.ToString());
    bool busy = false;
    if (Status s = svc_.Reload(nullptr, &busy); !s.ok()) Fail("fixtures: " + s.ToString());
    server::RegisterApi(router_, svc_);
    server::RegisterYente(router_, svc_);
    server::RegisterWeb(router_, svc_);
  }

  static server::ServerOptions Options() {
    server::ServerOptions o;
    o.access_log = false;
    o.list_paths = [](std::vector<std::string>* p) {
      for (const char* sub : {"ofac", "un", "csl", "dpl"}) {
        p->push_back(std::string(VIGIL_FIXTURES) + "/" + sub);
      }
      return Status::Ok();
    };
    return o;
  }

  server::Service svc_;
  http::Router router_;
};

}  // namespace vigil::fuzz

#endif  // VIGIL_FUZZ_FUZZ_SERVICE_H_
