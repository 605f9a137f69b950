// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "server/http.h"

#include "util/strings.h"

namespace vigil::server::http {
namespace {

const std::string kEmpty;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const std::string* FindField(const Fields& fields, std::string_view name, bool ignore_case,
                             size_t nth) {
  for (const auto& [k, v] : fields) {
    if (ignore_case ? util::EqualsIgnoreCase(k, name) : k == name) {
      if (nth-- == 0) return &v;
    }
  }
  return nullptr;
}

}  // namespace

bool Request::HasHeader(std::string_view name) const {
  return FindField(headers, name, true, 0) != nullptr;
}

std::string_view Request::Header(std::string_view name) const {
  const std::string* v = FindField(headers, name, true, 0);
  return v == nullptr ? std::string_view() : std::string_view(*v);
}

bool Request::HasParam(std::string_view name) const {
  return FindField(params, name, false, 0) != nullptr;
}

size_t Request::ParamCount(std::string_view name) const {
  size_t n = 0;
  for (const auto& kv : params) n += kv.first == name;
  return n;
}

const std::string& Request::Param(std::string_view name, size_t i) const {
  const std::string* v = FindField(params, name, false, i);
  return v == nullptr ? kEmpty : *v;
}

void Response::SetHeader(std::string_view name, std::string_view value) {
  for (auto& [k, v] : headers) {
    if (util::EqualsIgnoreCase(k, name)) {
      v.assign(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::string(value));
}

std::string_view Response::Header(std::string_view name) const {
  const std::string* v = FindField(headers, name, true, 0);
  return v == nullptr ? std::string_view() : std::string_view(*v);
}

std::string Decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

void ParseTarget(std::string_view target, std::string* path, Fields* params) {
  size_t q = target.find('?');
  *path = Decode(target.substr(0, q), false);
  params->clear();
  if (q == std::string_view::npos) return;
  std::string_view query = target.substr(q + 1);
  if (size_t hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    params->emplace_back(Decode(key, true), Decode(value, true));
  }
}

void Router::Add(std::string method, std::string_view pattern, Handler handler, bool blocking) {
  Add(std::move(method), pattern, std::move(handler), blocking ? Lane::kSlow : Lane::kInline);
}

void Router::Add(std::string method, std::string_view pattern, Handler handler, Lane lane) {
  Route r;
  r.method = std::move(method);
  r.handler = std::move(handler);
  r.lane = lane;
  r.blocking = lane != Lane::kInline;
  if (pattern.ends_with("{*}")) {
    r.capture = Route::Capture::kRest;
    pattern.remove_suffix(3);
  } else if (pattern.ends_with("{}")) {
    r.capture = Route::Capture::kSegment;
    pattern.remove_suffix(2);
  }
  r.prefix = std::string(pattern);
  routes_.push_back(std::move(r));
}

bool Router::Matches(const Route& r, std::string_view path, std::string* capture) {
  if (r.capture == Route::Capture::kNone) return path == r.prefix;
  if (!path.starts_with(r.prefix) || path.size() == r.prefix.size()) return false;
  std::string_view rest = path.substr(r.prefix.size());
  if (r.capture == Route::Capture::kSegment && rest.find('/') != std::string_view::npos) {
    return false;
  }
  if (capture != nullptr) capture->assign(rest);
  return true;
}

const Router::Route* Router::Find(std::string_view method, std::string_view path,
                                  std::string* capture, std::string* allow) const {
  std::string_view want = method == "HEAD" ? std::string_view("GET") : method;
  for (const Route& r : routes_) {
    if (r.method == want && Matches(r, path, capture)) return &r;
  }
  allow->clear();
  for (const Route& r : routes_) {
    if (Matches(r, path, nullptr) && allow->find(r.method) == std::string::npos) {
      if (!allow->empty()) *allow += ", ";
      *allow += r.method;
    }
  }
  return nullptr;
}

}  // namespace vigil::server::http
