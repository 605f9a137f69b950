// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// A `vigil` process started by a test (`vigil serve ...`, usually), its standard error in a
// log file: wait for it to be ready (the port it logged answers /readyz), for it to end,
// kill it. Stopped (SIGTERM, then SIGKILL) when it goes out of scope.

#ifndef VIGIL_TESTS_SERVE_PROCESS_H_
#define VIGIL_TESTS_SERVE_PROCESS_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "sources/httplib.h"
#include "test_util.h"

extern char** environ;

namespace vigil::testing {

class ServeProcess {
 public:
  // Runs VIGIL_BINARY with `args`, stdin /dev/null, standard error to `log`.
  ServeProcess(std::vector<std::string> args, std::string log) : log_(std::move(log)) {
    args.insert(args.begin(), VIGIL_BINARY);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  ~ServeProcess() {
    if (pid_ > 0 && code_ < 0) {
      ::kill(pid_, SIGTERM);
      if (Wait(std::chrono::seconds(15)) < 0) {  // hung: it must not outlive the test
        Kill();
      }
    }
  }

  // The exit code (128 + signal when killed) once the program ends within `limit`; -1 when
  // it still runs.
  int Wait(std::chrono::seconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (code_ < 0) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      if (std::chrono::steady_clock::now() >= until) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return code_;
  }

  void Kill() {
    ::kill(pid_, SIGKILL);
    Wait(std::chrono::seconds(15));
  }

  std::string Log() const { return ReadAll(log_); }

  // The port once /readyz answers 200; 0 when not within `limit` or the program ended.
  int Ready(std::chrono::seconds limit = std::chrono::seconds(60)) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until && Wait(std::chrono::seconds(0)) < 0) {
      std::string log = Log();
      size_t p = log.find("\"port\":");
      if (p != std::string::npos) {
        int port = std::stoi(log.substr(p + 7));
        httplib::Client c("127.0.0.1", port);
        if (auto r = c.Get("/readyz"); r && r->status == 200) return port_ = port;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return 0;
  }

  pid_t pid() const { return pid_; }
  int port() const { return port_; }

 private:
  std::string log_;
  pid_t pid_ = -1;
  int code_ = -1;
  int port_ = 0;
};

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_SERVE_PROCESS_H_
