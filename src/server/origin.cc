// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "server/origin.h"

#include <algorithm>

#include "util/strings.h"

namespace vigil::server {
namespace {

// Splits an authority into its name (as HostName gives it) and port ("" when none).
bool SplitAuthority(std::string_view a, std::string* name, std::string* port) {
  a = util::Trim(a);
  std::string_view host, rest;
  if (!a.empty() && a.front() == '[') {
    size_t close = a.find(']');
    if (close == std::string_view::npos) return false;
    host = a.substr(0, close + 1);
    rest = a.substr(close + 1);
  } else if (std::count(a.begin(), a.end(), ':') > 1) {  // a bare IPv6 address
    *name = "[" + util::AsciiLower(a) + "]";
    port->clear();
    return true;
  } else {
    size_t colon = a.find(':');
    host = a.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : a.substr(colon);
  }
  if (!rest.empty()) {
    if (rest.front() != ':') return false;
    rest.remove_prefix(1);
    if (rest.find_first_not_of("0123456789") != std::string_view::npos) return false;
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty() || host.find_first_of(" \t/\\@?#") != std::string_view::npos) return false;
  *name = util::AsciiLower(host);
  port->assign(rest);
  return true;
}

}  // namespace

std::string HostName(std::string_view authority) {
  std::string name, port;
  return SplitAuthority(authority, &name, &port) ? name : std::string();
}

HostPolicy::HostPolicy(std::string_view bind_host, const std::vector<std::string>& extra) {
  names_ = {"localhost", "127.0.0.1", "[::1]"};
  std::string bound = HostName(bind_host);
  if (!bound.empty() && bound != "0.0.0.0" && bound != "[::]") names_.push_back(bound);
  for (const std::string& e : extra) {
    if (util::Trim(e) == "*") any_ = true;
    std::string n = HostName(e);
    if (!n.empty()) names_.push_back(n);
  }
}

bool HostPolicy::Allows(std::string_view host_header) const {
  if (any_ || host_header.empty()) return true;
  std::string name = HostName(host_header);
  return !name.empty() && std::find(names_.begin(), names_.end(), name) != names_.end();
}

bool CrossSite(const http::Request& req) {
  if (util::EqualsIgnoreCase(util::Trim(req.Header("Sec-Fetch-Site")), "cross-site")) return true;
  if (!req.HasHeader("Origin")) return false;
  std::string_view origin = util::Trim(req.Header("Origin"));
  size_t sep = origin.find("://");
  if (sep == std::string_view::npos) return true;  // "null" and anything else opaque
  std::string scheme = util::AsciiLower(origin.substr(0, sep));
  std::string oname, oport, hname, hport;
  if (!SplitAuthority(origin.substr(sep + 3), &oname, &oport) ||
      !SplitAuthority(req.Header("Host"), &hname, &hport) || oname != hname) {
    return true;
  }
  if (oport.empty()) oport = scheme == "https" ? "443" : "80";
  // Behind a proxy the Host may come without the port the browser used.
  if (hport.empty()) return oport != "80" && oport != "443";
  return oport != hport;
}

}  // namespace vigil::server
