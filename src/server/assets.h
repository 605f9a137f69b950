// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Files compiled into the program for the server: the analysts' web page (web/*) and the
// OpenAPI description (src/server/openapi.json). Generated at build time by
// cmake/embed_data.cmake, so `vigil serve` needs no data path.

#ifndef VIGIL_SERVER_ASSETS_H_
#define VIGIL_SERVER_ASSETS_H_

#include <string_view>

namespace vigil::server {

// The bytes of `path` (relative to the repository: "web/index.html",
// "src/server/openapi.json"), or an empty view when no such file was compiled in.
std::string_view Asset(std::string_view path);

}  // namespace vigil::server

#endif  // VIGIL_SERVER_ASSETS_H_
