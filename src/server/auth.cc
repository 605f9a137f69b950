// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "server/auth.h"

#include <openssl/crypto.h>

#include "util/file.h"
#include "util/strings.h"

namespace vigil::server {

std::string_view ToString(Role role) {
  switch (role) {
    case Role::kScreen:
      return "screen";
    case Role::kAnalyst:
      return "analyst";
    case Role::kAdmin:
      return "admin";
    case Role::kNone:
      break;
  }
  return "none";
}

namespace {

std::string Shown(const std::string& entry) {
  return "'" + entry.substr(0, 16) + (entry.size() > 16 ? "...'" : "'");
}

bool ValidPrincipal(std::string_view p) {
  if (p.empty() || p.size() > 64) return false;
  for (char c : p) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

}  // namespace

Status ApiKeys::Parse(const std::vector<std::string>& entries, ApiKeys* out) {
  ApiKeys keys;
  for (const std::string& entry : entries) {
    size_t colon = entry.find(':');
    size_t second = colon == std::string::npos ? std::string::npos : entry.find(':', colon + 1);
    std::string role_text =
        colon == std::string::npos ? "" : util::AsciiLower(entry.substr(0, colon));
    std::string hash =
        colon == std::string::npos
            ? ""
            : util::AsciiLower(entry.substr(
                  colon + 1, second == std::string::npos ? std::string::npos : second - colon - 1));
    Role role = Role::kNone;
    if (role_text == "screen") role = Role::kScreen;
    if (role_text == "analyst") role = Role::kAnalyst;
    if (role_text == "admin") role = Role::kAdmin;
    bool hex = hash.size() == 64 && hash.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (role == Role::kNone || !hex) {
      return Status::InvalidArgument(
          "API key entries are \"ROLE:<sha256 hex>\" or \"ROLE:<sha256 hex>:PRINCIPAL\" with "
          "ROLE screen, analyst or admin (64 hex digits: printf %s KEY | sha256sum); got " +
          Shown(entry));
    }
    std::string principal = "key-" + hash.substr(0, 8);
    if (second != std::string::npos) {
      principal = entry.substr(second + 1);
      if (!ValidPrincipal(principal)) {
        return Status::InvalidArgument(
            "the principal of an API key entry must be 1 to 64 printable characters without "
            "spaces; got " +
            Shown(entry));
      }
    }
    for (const Key& k : keys.keys_) {
      if (k.hash == hash) {
        return Status::InvalidArgument("the API key with hash " + hash.substr(0, 8) +
                                       "... is configured twice");
      }
    }
    keys.keys_.push_back(Key{std::move(hash), role, std::move(principal)});
  }
  *out = std::move(keys);
  return Status::Ok();
}

Principal ApiKeys::Check(const http::Request& req, bool* presented) const {
  std::string_view key;
  std::string_view auth = req.Header("Authorization");
  std::string_view x_api_key = req.Header("X-API-Key");
  std::string_view a = util::Trim(auth);
  for (std::string_view scheme : {"bearer ", "apikey "}) {
    if (util::StartsWithIgnoreCase(a, scheme)) key = util::Trim(a.substr(scheme.size()));
  }
  if (key.empty()) key = util::Trim(x_api_key);
  *presented = !key.empty();
  if (keys_.empty()) return Principal{Role::kAdmin, "anonymous"};
  if (key.empty()) return Principal{};
  std::string hash = util::Sha256Hex(key);
  for (const Key& k : keys_) {
    if (CRYPTO_memcmp(k.hash.data(), hash.data(), hash.size()) == 0) {
      return Principal{k.role, k.principal};
    }
  }
  return Principal{};
}

}  // namespace vigil::server
