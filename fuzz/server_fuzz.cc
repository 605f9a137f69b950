// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Attacks the whole service through its real transport (src/server/transport.cc, Boost.Beast
// on Asio): a Server over the fixture lists listens on a loopback port; each input is
// sent as the bytes of one connection, which is then half-closed. Whatever comes back must
// be HTTP responses, none of them a 500 (but a failed reload's), and the server must close the
// connection within 15 seconds.

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "fuzz_http.h"
#include "fuzz_util.h"
#include "server/server.h"

namespace {

int StartServer() {
  using namespace vigil;
  server::ServerOptions o;
  o.port = 0;
  o.threads = 1;
  o.access_log = false;
  o.list_paths = [](std::vector<std::string>* p) {
    for (const char* sub : {"ofac", "un", "csl", "dpl"}) {
      p->push_back(std::string(VIGIL_FIXTURES) + "/" + sub);
    }
    return Status::Ok();
  };
  auto* srv = new server::Server(o);  // serves until the process ends
  int port = 0;
  if (Status s = srv->Bind(&port); !s.ok()) fuzz::Fail(s.ToString());
  if (Status s = srv->Reload(nullptr); !s.ok()) fuzz::Fail(s.ToString());
  std::thread([srv] { srv->Run(); }).detach();
  return port;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace beast = boost::beast;
  namespace bhttp = boost::beast::http;
  static const int port = StartServer();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Connecting may fail for a moment when the machine runs out of ephemeral ports (other
  // load on loopback): that is no finding, so retry for a while.
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) vigil::fuzz::Fail(std::string("socket(): ") + std::strerror(errno));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) break;
    int err = errno;
    ::close(fd);
    fd = -1;
    if (attempt == 100) {
      vigil::fuzz::Fail(std::string("connect() to the fuzzed server: ") + std::strerror(err));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  timeval timeout{15, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  linger no_time_wait{1, 0};  // closed after the server closed: reset, keep no port waiting
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &no_time_wait, sizeof no_time_wait);
  for (size_t sent = 0; sent < size;) {
    ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server answered and closed early
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  char buf[16384];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        vigil::fuzz::Fail("the server kept a half-closed connection open for 15 s");
      }
      break;  // reset
    }
    answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  beast::flat_buffer in;
  vigil::fuzz::Fill(&in, answer);
  while (in.size() > 0) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    beast::error_code ec;
    bool whole = vigil::fuzz::ParseOne(&in, &parser, &ec);
    // An answer to HEAD has a Content-Length but no body: then only the first is checked.
    if (!whole && vigil::fuzz::AsView(data, size).find("HEAD") != std::string_view::npos) break;
    if (!whole)
      vigil::fuzz::Fail("the server's answer is not HTTP: " + ec.message() + "\n" + answer);
    // 500 is a handler that failed (a reload that fails answers reload_failed: no finding).
    if (parser.get().result_int() == 500 &&
        parser.get().body().find("reload_failed") == std::string::npos) {
      vigil::fuzz::Fail("answered 500:\n" + answer);
    }
  }
  return 0;
}
