// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Helpers for the server tests: a Server running in process on a free loopback port, a
// keep-alive client, and copies of the sample list to reload between.

#ifndef VIGIL_TESTS_SERVER_SERVER_TEST_UTIL_H_
#define VIGIL_TESTS_SERVER_SERVER_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server/server.h"
#include "sources/httplib.h"
#include "util/file.h"

namespace vigil::testing {

inline std::string SampleDir() { return VIGIL_SAMPLE_DIR; }

inline std::string Sha(std::string_view key) { return util::Sha256Hex(key); }

// Copies the bundled sample list into `dir`.
inline void CopySample(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  for (const auto& f : std::filesystem::directory_iterator(SampleDir())) {
    if (f.path().extension() == ".csv") {
      std::filesystem::copy_file(f.path(), dir / f.path().filename(),
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }
}

// Adds one person, us_ofac_sdn:999999 "TESTPERSON, Zebulon Quixotic", to the sdn.csv in `dir`.
inline void AppendTestPerson(const std::filesystem::path& dir) {
  std::ifstream in(dir / "sdn.csv", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  while (!bytes.empty() && bytes.back() == '\x1a') bytes.pop_back();  // DOS end-of-file byte
  bytes +=
      "999999,\"TESTPERSON, Zebulon Quixotic\",\"individual\",\"DPRK4\",-0- ,-0- ,-0- ,-0- ,"
      "-0- ,-0- ,-0- ,\"DOB 01 Jan 1970.\"\r\n\x1a";  // OFAC's end-of-file line again
  std::ofstream out(dir / "sdn.csv", std::ios::binary | std::ios::trunc);
  out << bytes;
}

// A Server on 127.0.0.1 and a port the system picks, serving on its own thread until
// destroyed. By default it loads the bundled sample before returning.
class RunningServer {
 public:
  struct Answer {
    int status = 0;  // 0: no answer (connection failed)
    nlohmann::json body;
    std::string raw;
  };

  explicit RunningServer(vigil::server::ServerOptions o = {}, bool load = true) {
    o.port = 0;
    if (!o.list_paths) {
      o.list_paths = [](std::vector<std::string>* p) {
        *p = {SampleDir()};
        return Status::Ok();
      };
    }
    if (std::getenv("VIGIL_TEST_ACCESS_LOG") == nullptr) o.access_log = false;
    server_ = std::make_unique<vigil::server::Server>(o);
    Status s = server_->Bind(&port_);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (load) {
      Status r = server_->Reload(nullptr);
      EXPECT_TRUE(r.ok()) << r.ToString();
    }
    thread_ = std::thread([this] { server_->Run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_keep_alive(true);
    client_->set_read_timeout(60, 0);
    // Wait until it answers.
    for (int i = 0; i < 500; ++i) {
      if (auto r = client_->Get("/healthz"); r && r->status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  ~RunningServer() {
    client_.reset();
    server_->Stop();
    thread_.join();
  }

  int port() const { return port_; }
  vigil::server::Server& server() { return *server_; }
  httplib::Client& client() { return *client_; }

  Answer Post(const std::string& path, const std::string& body, httplib::Headers headers = {}) {
    Answer a;
    auto r = client_->Post(path.c_str(), headers, body, "application/json");
    if (!r) return a;
    a.status = r->status;
    a.raw = r->body;
    a.body = nlohmann::json::parse(r->body, nullptr, false);
    return a;
  }

 private:
  std::unique_ptr<vigil::server::Server> server_;
  std::unique_ptr<httplib::Client> client_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_SERVER_SERVER_TEST_UTIL_H_
