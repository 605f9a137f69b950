// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// API keys. The server never holds a key itself, only its SHA-256 (lower-case hex) with a
// role and a principal, as configured: "ROLE:<sha256hex>" or "ROLE:<sha256hex>:PRINCIPAL".
// A request presents its key as `Authorization: Bearer KEY`, `Authorization: ApiKey KEY`
// (what OpenSanctions clients send) or `X-API-Key: KEY`; the server hashes it and looks the
// hash up.
//
// Roles, each allowed what the one before it is: `screen` (screening and the lists),
// `analyst` (also parties, alerts and decisions in the case store), `admin` (also reloads,
// the audit trail and the configuration).
//
// The principal names whoever holds the key in the audit trail ("alice", "kyc-batch"); it
// defaults to "key-" and the first 8 hex digits of the key's hash. Without any key
// configured every request is let in as the principal "anonymous" with the admin role.
//
// Thread safety: immutable after Parse(); Check() may run on any number of threads.

#ifndef VIGIL_SERVER_AUTH_H_
#define VIGIL_SERVER_AUTH_H_

#include <string>
#include <string_view>
#include <vector>

#include "server/http.h"
#include "vigil/status.h"

namespace vigil::server {

enum class Role : int { kNone = 0, kScreen = 1, kAnalyst = 2, kAdmin = 3 };
std::string_view ToString(Role role);  // "none", "screen", "analyst", "admin"

// Who makes a request: the role and principal of the key it presents.
struct Principal {
  Role role = Role::kNone;
  std::string name;  // "" when role is kNone
};

class ApiKeys {
 public:
  struct Key {
    std::string hash;  // sha256 hex, lower case
    Role role = Role::kNone;
    std::string principal;
  };

  // Parses "role:sha256hex" and "role:sha256hex:principal" entries (role `screen`,
  // `analyst` or `admin`, case-insensitive; 64 hex digits; a principal of 1 to 64 printable
  // ASCII characters without spaces). Two entries with the same hash are an error.
  static Status Parse(const std::vector<std::string>& entries, ApiKeys* out);

  // False when no key is configured: then every request is let in (as "anonymous", admin).
  bool enabled() const { return !keys_.empty(); }

  // The key the request presents: role kNone (and an empty name) when it presents none or
  // an unknown one. *presented says whether it presented any. Without keys configured:
  // {kAdmin, "anonymous"}.
  Principal Check(const http::Request& req, bool* presented) const;

  // The keys as configured, for the configuration the service records (never print the
  // hashes: callers show role and principal only).
  const std::vector<Key>& keys() const { return keys_; }

 private:
  std::vector<Key> keys_;
};

}  // namespace vigil::server

#endif  // VIGIL_SERVER_AUTH_H_
