// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Attacks HTTP request parsing and routing: raw bytes as one connection would send them,
// parsed with Boost.Beast's request_parser configured as src/server/transport.cc configures
// it (body and header limits of TransportOptions, a fresh parser per request, pipelined
// requests read from the rest of the buffer), then turned into an http::Request
// (ParseTarget), routed (http::Router) and answered by the service's handlers over the
// fixture lists. See fuzz_server for the same through the real transport on a socket.

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "fuzz_http.h"
#include "fuzz_service.h"
#include "server/transport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  namespace beast = boost::beast;
  namespace bhttp = boost::beast::http;
  static const server::TransportOptions kOptions;
  beast::flat_buffer buffer;
  fuzz::Fill(&buffer, fuzz::AsView(data, size));
  for (int requests = 0; requests < 16 && buffer.size() > 0; ++requests) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(kOptions.max_body_bytes);
    parser.header_limit(static_cast<uint32_t>(kOptions.max_header_bytes));
    beast::error_code ec;
    if (!fuzz::ParseOne(&buffer, &parser, &ec)) return 0;  // refused (4xx) and closed
    auto& msg = parser.get();
    if (msg.target().size() > kOptions.max_target_bytes) return 0;  // 414
    server::http::Request req;
    req.remote_addr = "127.0.0.1";
    req.method.assign(msg.method_string().data(), msg.method_string().size());
    req.target.assign(msg.target().data(), msg.target().size());
    server::http::ParseTarget(req.target, &req.path, &req.params);
    for (const auto& f : msg) {
      req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    req.keep_alive = msg.keep_alive();
    req.body = std::move(msg.body());
    fuzz::FixtureService::Get().Answer(req);
    if (!req.keep_alive) return 0;
  }
  return 0;
}
