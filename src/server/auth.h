// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// API keys. The server never holds a key itself, only its SHA-256 (lower-case hex) with a
// role, as configured: "screen:<sha256hex>" or "admin:<sha256hex>". A request presents its
// key as `Authorization: Bearer KEY`, `Authorization: ApiKey KEY` (what OpenSanctions
// clients send) or `X-API-Key: KEY`; the server hashes it and looks the hash up.
//
// Roles: `screen` may read and screen; `admin` may also reload the lists.
// Thread safety: immutable after Parse(); Check() may run on any number of threads.

#ifndef VIGIL_SERVER_AUTH_H_
#define VIGIL_SERVER_AUTH_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http.h"
#include "vigil/status.h"

namespace vigil::server {

enum class Role : int { kNone = 0, kScreen = 1, kAdmin = 2 };
std::string_view ToString(Role role);  // "none", "screen", "admin"

class ApiKeys {
 public:
  // Parses "role:sha256hex" entries (role `screen` or `admin`, 64 hex digits).
  static Status Parse(const std::vector<std::string>& entries, ApiKeys* out);

  // False when no key is configured: then every request is let in (as kAdmin).
  bool enabled() const { return !keys_.empty(); }

  // The role of the key the request presents: kNone when it presents none or an unknown
  // one. *presented says whether it presented any.
  Role Check(const http::Request& req, bool* presented) const;

 private:
  std::vector<std::pair<std::string, Role>> keys_;  // (sha256 hex, role)
};

}  // namespace vigil::server

#endif  // VIGIL_SERVER_AUTH_H_
