// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// HTTP/1.1 over TCP for the service (internal to src/server): Boost.Beast parses and writes
// the messages, Boost.Asio runs the sockets. Each of `threads` threads runs its own event
// loop and serves many keep-alive connections; a new connection goes to the thread with the
// fewest. A request is answered on the thread that read it, except one the application
// calls blocking (a reload, a case store call), which runs on a small separate pool per
// lane (http::Lane) so that the connections sharing its thread are not held up, and a queue
// in one lane does not hold up another.
//
// Limits: a body over max_body_bytes gets 413 as soon as its Content-Length (or the chunks
// read so far) says so; a header block over max_header_bytes 431; a request target over
// max_target_bytes 414; anything Beast cannot parse 400, and so is a Transfer-Encoding other
// than one final "chunked" on HTTP/1.1 without Content-Length (else the body could be read
// as a further request: request smuggling). Those answers close the
// connection, after reading what the client still sends for a short while so that it sees
// the answer. A connection idle for keep_alive_seconds, or a request not received within
// read_timeout_seconds, is closed. Past max_connections, new connections get 503.
//
// Thread safety: Bind() and Run() are called once each, by one thread; Stop() may be
// called from any thread at any time, also before Run().

#ifndef VIGIL_SERVER_TRANSPORT_H_
#define VIGIL_SERVER_TRANSPORT_H_

#include <cstddef>
#include <memory>
#include <string>

#include "server/http.h"
#include "vigil/status.h"

namespace vigil::server {

struct TransportOptions {
  std::string host = "127.0.0.1";
  int port = 8000;     // 0: any free port
  size_t threads = 2;  // event loops; each serves any number of connections
  size_t max_connections = 4096;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 64 << 10;  // request line and header fields together
  size_t max_target_bytes = 8 << 10;
  int keep_alive_seconds = 5;
  int read_timeout_seconds = 10;  // for the rest of a request once its first byte came
  int write_timeout_seconds = 10;
};

// What the transport calls. Every method may run on several threads at once.
class Application {
 public:
  virtual ~Application() = default;

  // True when answering `req` may take long (seconds): it then runs off the event loops.
  virtual bool IsBlocking(const http::Request& req) const = 0;

  // The lane `req` runs in (http::Lane); by default kSlow when IsBlocking(), else kInline.
  virtual http::Lane LaneOf(const http::Request& req) const {
    return IsBlocking(req) ? http::Lane::kSlow : http::Lane::kInline;
  }

  // Answers a request that parsed (and may fill req.capture while routing it). `res`
  // arrives with status 200 and nothing else. Must not throw.
  virtual void Handle(http::Request& req, http::Response& res) = 0;

  // Writes the body of an answer the transport gives itself: res.status is already 400,
  // 413, 414, 431 or 503, res.body holds the transport's reason in a few words or is empty,
  // and `req` holds what was parsed (perhaps nothing but remote_addr). Must not throw.
  virtual void Refuse(const http::Request& req, http::Response& res) = 0;

  // After every answer (handled or refused): `seconds` from the whole request having been
  // read to the answer being ready. Must not throw.
  virtual void Answered(const http::Request& req, const http::Response& res, double seconds) = 0;
};

class Transport {
 public:
  // `app` must outlive the Transport.
  Transport(TransportOptions options, Application* app);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Binds host:port (port 0: the system picks; *port receives the port bound).
  Status Bind(int* port);

  // Serves until Stop(): the calling thread runs one event loop, threads - 1 more start.
  // Returns once every connection has ended (idle ones are closed at Stop(); one that is
  // answering finishes its answer first, for at most ten more seconds). False when Bind()
  // did not succeed.
  bool Run();

  // Stops accepting and ends the connections (see Run()).
  void Stop();

  // Connections open now (any thread).
  size_t open_connections() const;

  size_t threads() const;  // TransportOptions::threads

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace vigil::server

#endif  // VIGIL_SERVER_TRANSPORT_H_
