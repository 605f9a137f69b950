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
    case Role::kAdmin:
      return "admin";
    case Role::kNone:
      break;
  }
  return "none";
}

Status ApiKeys::Parse(const std::vector<std::string>& entries, ApiKeys* out) {
  ApiKeys keys;
  for (const std::string& entry : entries) {
    size_t colon = entry.find(':');
    std::string role_text =
        colon == std::string::npos ? "" : util::AsciiLower(entry.substr(0, colon));
    std::string hash = colon == std::string::npos ? "" : util::AsciiLower(entry.substr(colon + 1));
    Role role = Role::kNone;
    if (role_text == "screen") role = Role::kScreen;
    if (role_text == "admin") role = Role::kAdmin;
    bool hex = hash.size() == 64 && hash.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (role == Role::kNone || !hex) {
      return Status::InvalidArgument(
          "API key entries are \"screen:<sha256 hex>\" or \"admin:<sha256 hex>\" (64 hex "
          "digits: printf %s KEY | sha256sum); got '" +
          entry.substr(0, 16) + (entry.size() > 16 ? "...'" : "'"));
    }
    keys.keys_.emplace_back(std::move(hash), role);
  }
  *out = std::move(keys);
  return Status::Ok();
}

Role ApiKeys::Check(const http::Request& req, bool* presented) const {
  std::string_view key;
  std::string_view auth = req.Header("Authorization");
  std::string_view x_api_key = req.Header("X-API-Key");
  std::string_view a = util::Trim(auth);
  for (std::string_view scheme : {"bearer ", "apikey "}) {
    if (util::StartsWithIgnoreCase(a, scheme)) key = util::Trim(a.substr(scheme.size()));
  }
  if (key.empty()) key = util::Trim(x_api_key);
  *presented = !key.empty();
  if (key.empty()) return Role::kNone;
  std::string hash = util::Sha256Hex(key);
  for (const auto& [h, role] : keys_) {
    if (CRYPTO_memcmp(h.data(), hash.data(), hash.size()) == 0) return role;
  }
  return Role::kNone;
}

}  // namespace vigil::server
