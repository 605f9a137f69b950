// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Attacks the JSON API's request handling (src/server/api.cc, yente.cc, service.cc): the
// bodies of POST /v1/screen and POST /match/{dataset}, and the query strings of the GET
// routes, answered over the fixture lists. The input's first line is "METHOD target"
// (e.g. "POST /v1/screen" or "GET /v1/search?q=kim"); the rest is the body. Every answer
// must be a JSON 2xx/4xx: a 500 or an exception is a finding.

#include "fuzz_service.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  std::string_view in = fuzz::AsView(data, size);
  size_t eol = in.find('\n');
  std::string_view line = in.substr(0, eol);
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return 0;
  server::http::Request req;
  req.method = std::string(line.substr(0, sp));
  req.target = std::string(line.substr(sp + 1));
  server::http::ParseTarget(req.target, &req.path, &req.params);
  if (eol != std::string_view::npos) req.body = std::string(in.substr(eol + 1));
  req.remote_addr = "127.0.0.1";
  req.headers = {{"Host", "localhost"}, {"Content-Type", "application/json"}};
  fuzz::FixtureService::Get().Answer(req);
  return 0;
}
