// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "text/domain.h"

#include <libpsl.h>

#include <string>
#include <unordered_set>
#include <vector>

#include "util/data.h"

namespace vigil::text {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"' ||
                        s.front() == '<' || s.front() == '(')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '"' || s.back() == '>' ||
                        s.back() == ')' || s.back() == '.' || s.back() == ',' || s.back() == ';')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// A host name we can look up: dotted labels of letters, digits, '-' (or UTF-8), not an
// IPv4 address.
bool IsHostName(std::string_view host) {
  if (host.empty() || host.find('.') == std::string_view::npos) return false;
  bool letter = false;
  for (char c : host) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (c >= 'a' && c <= 'z')) {
      letter = true;
    } else if (!(c >= '0' && c <= '9') && c != '-' && c != '.') {
      return false;
    }
  }
  return letter && host.front() != '.' && host.find("..") == std::string_view::npos;
}

const psl_ctx_t* Psl() {
  static const psl_ctx_t* ctx = [] {
    // The system's list (Debian's publicsuffix package) when present: newer than the
    // copy built into the library.
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest != nullptr ? latest : psl_builtin();
  }();
  return ctx;
}

const std::vector<std::string>& ExtraSuffixes() {
  static const std::vector<std::string> suffixes = [] {
    std::vector<std::string> out;
    for (const auto& row : util::DataRows("names/extra_public_suffixes.tsv")) {
      out.push_back("." + LowerAscii(row[0]));
    }
    return out;
  }();
  return suffixes;
}

const std::unordered_set<std::string>& Webmail() {
  static const std::unordered_set<std::string> domains = [] {
    std::unordered_set<std::string> out;
    for (const auto& row : util::DataRows("names/webmail_domains.tsv")) {
      out.insert(LowerAscii(row[0]));
    }
    return out;
  }();
  return domains;
}

}  // namespace

std::string HostOf(std::string_view url) {
  std::string_view s = Trim(url);
  size_t scheme = s.find("://");
  if (scheme != std::string_view::npos) s.remove_prefix(scheme + 3);
  s = s.substr(0, s.find_first_of("/?#"));
  size_t at = s.rfind('@');
  if (at != std::string_view::npos) s.remove_prefix(at + 1);
  s = s.substr(0, s.find(':'));
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  std::string host = LowerAscii(s);
  if (host.starts_with("www.")) host.erase(0, 4);
  if (!IsHostName(host)) return {};
  return host;
}

std::string NormalizeEmail(std::string_view email) {
  std::string_view s = Trim(email);
  std::string out = LowerAscii(s);
  if (out.starts_with("mailto:")) out.erase(0, 7);
  size_t at = out.find('@');
  if (at == 0 || at == std::string::npos || out.find('@', at + 1) != std::string::npos) {
    return {};
  }
  for (char c : out) {
    if (c == ' ' || c == '\t' || c == ',' || c == ';') return {};
  }
  if (!IsHostName(std::string_view(out).substr(at + 1))) return {};
  return out;
}

std::string RegistrableDomain(std::string_view url_host_or_email) {
  std::string_view s = Trim(url_host_or_email);
  std::string host;
  if (s.find("://") == std::string_view::npos && s.find('@') != std::string_view::npos) {
    std::string email = NormalizeEmail(s);
    if (email.empty()) return {};
    host = email.substr(email.find('@') + 1);
  } else {
    host = HostOf(s);
  }
  if (host.empty()) return {};
  for (const std::string& suffix : ExtraSuffixes()) {
    if (host.size() > suffix.size() && host.ends_with(suffix)) {
      size_t label = host.rfind('.', host.size() - suffix.size() - 1);
      return label == std::string::npos ? host : host.substr(label + 1);
    }
  }
  const char* domain = psl_registrable_domain(Psl(), host.c_str());
  return domain != nullptr ? std::string(domain) : std::string();
}

bool IsWebmailDomain(std::string_view registrable_domain) {
  return Webmail().contains(LowerAscii(registrable_domain));
}

}  // namespace vigil::text
