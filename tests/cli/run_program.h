// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Runs a program as the CLI tests need it: stdin /dev/null, standard output and standard
// error captured, the exit code. Shared by the tests of the `vigil` program (tests/cli).

#ifndef VIGIL_TESTS_CLI_RUN_PROGRAM_H_
#define VIGIL_TESTS_CLI_RUN_PROGRAM_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "test_util.h"

extern char** environ;

namespace vigil::testing {

struct ProgramResult {
  int code = -1;  // exit status, or 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

// An empty data folder: what `vigil` sees on a machine where nothing was fetched.
inline std::string EmptyDataDir() {
  static const std::string dir = ScratchDir("empty_data_dir").string();
  return dir;
}

// Runs `program args...` (found on PATH when it has no '/') with stdout and stderr sent to
// files in a scratch folder, in the environment of the tests without VIGIL_SAMPLE_DIR,
// VIGIL_DATA_DIR, XDG_DATA_HOME, VIGIL_DB or any variable `env` sets, plus `env` ("NAME=value"
// each). The data folder is EmptyDataDir() unless `env` names one, so that lists fetched on
// the machine running the tests change no result.
inline ProgramResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                                std::vector<std::string> env = {}) {
  namespace fs = std::filesystem;
  static int counter = 0;
  fs::path dir = ScratchRoot() / "cli_runs";
  fs::create_directories(dir);
  std::string stem = std::to_string(getpid()) + "." + std::to_string(counter++);
  fs::path out_path = dir / (stem + ".out");
  fs::path err_path = dir / (stem + ".err");

  std::vector<std::string> argv_s = {program};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (std::none_of(env.begin(), env.end(),
                   [](const std::string& e) { return e.starts_with("VIGIL_DATA_DIR="); })) {
    env.push_back("VIGIL_DATA_DIR=" + EmptyDataDir());
  }
  auto dropped = [&](std::string_view v) {
    for (std::string_view name :
         {"VIGIL_SAMPLE_DIR=", "VIGIL_DATA_DIR=", "XDG_DATA_HOME=", "VIGIL_DB="}) {
      if (v.starts_with(name)) return true;
    }
    for (const std::string& e : env) {
      std::string_view name = std::string_view(e).substr(0, e.find('=') + 1);
      if (v.starts_with(name)) return true;
    }
    return false;
  };
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!dropped(*e)) envp.push_back(*e);
  }
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ProgramResult r;
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << program << ": " << std::strerror(rc);
    return r;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      ADD_FAILURE() << "waitpid: " << std::strerror(errno);
      return r;
    }
  }
  if (WIFEXITED(status)) r.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.code = 128 + WTERMSIG(status);
  r.out = ReadAll(out_path);
  r.err = ReadAll(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return r;
}

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_CLI_RUN_PROGRAM_H_
