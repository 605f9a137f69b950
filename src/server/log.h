// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The service's log: one JSON object per line on standard error, {"ts", "level", "msg", ...},
// written with one write(2) so that lines from several threads never interleave. Text that
// is not UTF-8 is written with U+FFFD.

#ifndef VIGIL_SERVER_LOG_H_
#define VIGIL_SERVER_LOG_H_

#include <nlohmann/json.hpp>
#include <string_view>

namespace vigil::server {

// Writes `extra` with "ts" (seconds since the epoch, to the millisecond), "level" and "msg".
void LogLine(const char* level, std::string_view msg,
             nlohmann::json extra = nlohmann::json::object());

}  // namespace vigil::server

#endif  // VIGIL_SERVER_LOG_H_
