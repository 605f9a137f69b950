// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// An HTTP server on the loopback interface for tests (cpp-httplib): serves what the test
// installs (handlers, mount points) on any free port, on its own thread.

#ifndef VIGIL_TESTS_LOCAL_HTTP_SERVER_H_
#define VIGIL_TESTS_LOCAL_HTTP_SERVER_H_

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>

#include "sources/httplib.h"

namespace vigil::testing {

// An httplib::Server on 127.0.0.1 (any free port), run on its own thread.
class TestServer {
 public:
  TestServer() = default;
  ~TestServer() { Stop(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  httplib::Server& server() { return server_; }

  // Call after installing handlers and mount points.
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0) << "cannot bind a port on 127.0.0.1";
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }

  void Stop() {
    if (!thread_.joinable()) return;
    // stop() is a no-op until the accept loop runs; give it a moment (bounded).
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = -1;
};

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_LOCAL_HTTP_SERVER_H_
