// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Which Host names the service answers to, and whether a request comes from a page on
// another site (internal to src/server). Together they guard a server without API keys, on
// 127.0.0.1, against web pages in the user's browser:
//   - DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 calls the
//     API as "same origin"; its requests carry Host: evil.example, which is not served.
//   - Cross-site request forgery: a page elsewhere POSTs to http://127.0.0.1:8000/...; the
//     browser sends Origin (and Sec-Fetch-Site), which do not name the server.
//
//   HostPolicy hosts("127.0.0.1", {"vigil.internal"});
//   hosts.Allows("localhost:8000");          // true: localhost names, any port
//   hosts.Allows("evil.example");            // false
//   CrossSite(req);                          // Origin: http://evil.example -> true

#ifndef VIGIL_SERVER_ORIGIN_H_
#define VIGIL_SERVER_ORIGIN_H_

#include <string>
#include <string_view>
#include <vector>

#include "server/http.h"

namespace vigil::server {

class HostPolicy {
 public:
  // Serves localhost, 127.0.0.1 and [::1], `bind_host` unless it is a wildcard (0.0.0.0, ::,
  // empty), and each of `extra` (a name or address, with or without a port; "*" allows any
  // Host). Ports are not compared.
  HostPolicy(std::string_view bind_host, const std::vector<std::string>& extra);

  // True when the name in a Host header value is served. A request without Host (HTTP/1.0)
  // is served: browsers always send one.
  bool Allows(std::string_view host_header) const;

 private:
  std::vector<std::string> names_;  // as HostName() gives them
  bool any_ = false;
};

// The name in an authority ("Example.COM:8000" -> "example.com", "[::1]:80" -> "[::1]",
// "::1" -> "[::1]"), lower case, without port or a final dot; "" when it is not one.
std::string HostName(std::string_view authority);

// True when a browser says the request comes from another site: Sec-Fetch-Site is
// "cross-site", or Origin is present and names another host or port than the Host header
// (an opaque Origin, "null", counts as another).
bool CrossSite(const http::Request& req);

}  // namespace vigil::server

#endif  // VIGIL_SERVER_ORIGIN_H_
