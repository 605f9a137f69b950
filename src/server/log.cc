// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "server/log.h"

#include <unistd.h>

#include <chrono>
#include <string>

namespace vigil::server {

void LogLine(const char* level, std::string_view msg, nlohmann::json extra) {
  using namespace std::chrono;
  extra["ts"] = static_cast<double>(
                    duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count()) /
                1e3;
  extra["level"] = level;
  extra["msg"] = msg;
  std::string line = extra.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace vigil::server
