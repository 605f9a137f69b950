// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The HTTP request and response the service's handlers see, and the router that picks a
// handler for a request (internal to src/server). The transport (transport.h) parses the
// wire format with Boost.Beast and fills a Request; nothing here depends on Beast.
//
//   http::Router router;
//   router.Add("GET", "/v1/entities/{*}", [](const http::Request& req, http::Response& res) {
//     res.body = req.capture;  // the percent-decoded rest of the path
//   });

#ifndef VIGIL_SERVER_HTTP_H_
#define VIGIL_SERVER_HTTP_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::server::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;       // as sent ("GET", "POST", ...)
  std::string target;       // as sent: path and query string
  std::string path;         // percent-decoded, without the query string
  std::string capture;      // the part of the path the route's {} or {*} matched, decoded
  std::string body;         // whole (the transport reads it before routing)
  std::string remote_addr;  // the peer's IP address
  Fields headers;           // as sent, in order
  Fields params;            // the query string, decoded ('+' is a space), in order
  bool keep_alive = true;   // the connection stays open after the answer

  // Header names compare without regard to case. Header() is "" when absent.
  bool HasHeader(std::string_view name) const;
  std::string_view Header(std::string_view name) const;

  // Query parameters may repeat: Param(name, i) is the i-th value ("" past the last).
  bool HasParam(std::string_view name) const;
  size_t ParamCount(std::string_view name) const;
  const std::string& Param(std::string_view name, size_t i = 0) const;
};

struct Response {
  int status = 200;
  std::string body;
  Fields headers;  // Content-Length and Connection are the transport's

  // Replaces a header of the same name (any case), else adds it.
  void SetHeader(std::string_view name, std::string_view value);
  std::string_view Header(std::string_view name) const;  // "" when absent
};

using Handler = std::function<void(const Request&, Response&)>;

// Where the transport runs a route's handler. kInline: on the event loop that read the
// request (fast handlers: screening, lists). The others run off the event loops, each on a
// pool of its own, so that a queue of requests in one lane never holds up another:
//   kSlow       reloads (seconds of work);
//   kStoreWrite case store writes that an analyst or a client makes one after another
//               (parties, imports, decisions): they queue at the database's write lock;
//   kStoreRead  case store reads and party screening (the alert queue, an alert, a party,
//               POST /v1/parties/{id}/screen, the audit trail): never behind kStoreWrite's
//               queue, so many concurrent decisions cannot starve screening.
enum class Lane : int { kInline = 0, kSlow = 1, kStoreWrite = 2, kStoreRead = 3 };

// Percent-decodes `s`; with `plus_is_space` (query strings) '+' becomes ' '. A '%' not
// followed by two hex digits is kept as it is.
std::string Decode(std::string_view s, bool plus_is_space);

// Splits `target` into its decoded path and query parameters.
void ParseTarget(std::string_view target, std::string* path, Fields* params);

// Routes are (method, pattern). A pattern is a literal path ("/v1/lists"), or a literal
// prefix ending in "{}" (one non-empty path segment: no '/') or "{*}" (the non-empty rest of
// the path). HEAD requests are routed as GET. Routes are tried in the order added.
class Router {
 public:
  struct Route {
    std::string method;
    std::string prefix;
    enum class Capture { kNone, kSegment, kRest } capture = Capture::kNone;
    Handler handler;
    bool blocking = false;  // lane != kInline: the transport keeps it off its threads
    Lane lane = Lane::kInline;
  };

  // `blocking`: Lane::kSlow (runs for long, a reload), else Lane::kInline.
  void Add(std::string method, std::string_view pattern, Handler handler, bool blocking = false);
  void Add(std::string method, std::string_view pattern, Handler handler, Lane lane);

  // The route for `method` and decoded `path`, with the captured part in *capture. When no
  // route has that method but some route matches the path, *allow receives the methods that
  // do ("GET" or "GET, POST"); else it is left empty. Null: no route.
  const Route* Find(std::string_view method, std::string_view path, std::string* capture,
                    std::string* allow) const;

 private:
  static bool Matches(const Route& r, std::string_view path, std::string* capture);
  std::vector<Route> routes_;
};

}  // namespace vigil::server::http

#endif  // VIGIL_SERVER_HTTP_H_
