// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "server/service.h"

#include <fmt/core.h>

#include <charconv>
#include <future>
#include <utility>

#include "util/file.h"
#include "util/strings.h"

namespace vigil::server {

using nlohmann::json;

std::string ListVersion(const ListInfo& info) {
  if (!info.published.empty()) return info.published;
  if (!info.files.empty()) return info.files.front().sha256.substr(0, 12);
  return "";
}

Status LoadSnapshot(const std::vector<std::string>& paths, bool strict, uint64_t generation,
                    std::shared_ptr<const Snapshot>* out) {
  if (paths.empty()) return Status::InvalidArgument("no lists to load");
  auto start = std::chrono::steady_clock::now();
  std::vector<std::future<std::pair<Status, LoadedList>>> jobs;
  jobs.reserve(paths.size());
  for (const std::string& p : paths) {
    jobs.push_back(std::async(std::launch::async, [p] {
      LoadedList l;
      Status s = LoadList(p, &l);
      return std::make_pair(s, std::move(l));
    }));
  }
  std::vector<LoadedList> lists;
  Status first_error;
  for (size_t k = 0; k < jobs.size(); ++k) {
    auto [s, l] = jobs[k].get();  // every job is waited for, even after an error
    if (!first_error.ok()) continue;
    if (!s.ok()) {
      first_error = s;
      continue;
    }
    if (strict && !l.info.warnings.empty()) {
      const LoadWarning& w = l.info.warnings.front();
      first_error = Status::Corruption(
          fmt::format("{}: loaded with {} warning(s) and strict is set; first: {}", paths[k],
                      l.info.warnings.size(), util::Where(w.file, w.line, w.message)));
      continue;
    }
    lists.push_back(std::move(l));
  }
  if (!first_error.ok()) return first_error;

  auto snap = std::make_shared<Snapshot>();
  std::string hashes;
  for (const LoadedList& l : lists) {
    hashes += l.info.source;
    for (const SourceFile& f : l.info.files) hashes += ":" + f.sha256;
    hashes += "\n";
    snap->list_versions[l.info.source] = ListVersion(l.info);
  }
  snap->version = util::Sha256Hex(hashes).substr(0, 12);
  if (Status s = Screener::Create(std::move(lists), &snap->screener); !s.ok()) return s;
  for (const LoadedList& l : snap->screener->lists()) {
    snap->entities += l.entities.size();
    for (const Entity& e : l.entities) {
      for (const Relationship& r : e.relationships) {
        if (!r.target_id.empty()) snap->referenced_by[r.target_id].push_back(&e);
      }
    }
  }
  snap->generation = generation;
  snap->paths = paths;
  snap->loaded_at = std::chrono::system_clock::now();
  snap->load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  *out = std::move(snap);
  return Status::Ok();
}

Service::Service(ServerOptions options)
    : options_(std::move(options)), started_(std::chrono::system_clock::now()) {}

Status Service::Init() { return ApiKeys::Parse(options_.api_keys, &keys_); }

bool Service::Authorize(const http::Request& req, http::Response& res, Role role) {
  if (!keys_.enabled()) return true;
  bool presented = false;
  Role have = keys_.Check(req, &presented);
  if (have == Role::kNone) {
    res.SetHeader("WWW-Authenticate", "Bearer");
    SendError(res, 401, "unauthorized",
              presented ? "the API key is not valid"
                        : "an API key is required: send Authorization: Bearer KEY (or "
                          "X-API-Key: KEY)");
    return false;
  }
  if (static_cast<int>(have) < static_cast<int>(role)) {
    SendError(res, 403, "forbidden",
              fmt::format("this route needs the {} role; the key has the {} role", ToString(role),
                          ToString(have)));
    return false;
  }
  return true;
}

std::shared_ptr<const Snapshot> Service::Begin(const http::Request& req, http::Response& res,
                                               Role role) {
  if (!Authorize(req, res, role)) return nullptr;
  std::shared_ptr<const Snapshot> snap = Current();
  if (snap == nullptr) {
    res.SetHeader("Retry-After", "1");
    SendError(res, 503, "not_ready", "the lists are still loading; try again shortly");
  }
  return snap;
}

Status Service::Reload(std::string* summary, bool* busy) {
  *busy = false;
  std::unique_lock<std::mutex> lock(reload_mu_, std::try_to_lock);
  if (!lock.owns_lock()) {
    *busy = true;
    return Status::InvalidArgument("a reload is already running");
  }
  auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::vector<std::string> paths;
  Status s = options_.list_paths ? options_.list_paths(&paths)
                                 : Status::InvalidArgument("no list paths configured");
  std::shared_ptr<const Snapshot> next;
  if (s.ok()) s = LoadSnapshot(paths, options_.strict, generation_ + 1, &next);
  if (!s.ok()) {
    metrics_.CountReload(false, seconds());
    return s;
  }
  ++generation_;
  snapshot_.store(next, std::memory_order_release);
  metrics_.CountReload(true, seconds());
  if (summary != nullptr) {
    std::vector<std::string> parts;
    for (const LoadedList& l : next->screener->lists()) {
      parts.push_back(fmt::format("{} {} ({} entities)", l.info.source, ListVersion(l.info),
                                  l.entities.size()));
    }
    *summary = fmt::format("generation {} version {}: ", next->generation, next->version);
    for (size_t i = 0; i < parts.size(); ++i) *summary += (i ? ", " : "") + parts[i];
  }
  return Status::Ok();
}

// ---- answers ----

void SendJson(http::Response& res, int status, const json& j) {
  SendJsonText(res, status, j.dump(-1, ' ', false, json::error_handler_t::replace));
}

void SendJsonText(http::Response& res, int status, std::string body) {
  res.status = status;
  res.body = std::move(body);
  res.SetHeader("Content-Type", "application/json");
}

void SendError(http::Response& res, int status, std::string_view code, std::string_view message) {
  std::string m(message);
  SendJson(res, status,
           json{{"error", {{"status", status}, {"code", std::string(code)}, {"message", m}}},
                {"detail", m}});
}

bool IsUtf8(std::string_view s) { return util::CheckUtf8(s, "").ok(); }

bool ParseJsonBody(const http::Request& req, http::Response& res, json* out) {
  if (util::Trim(req.body).empty()) {
    SendError(res, 400, "invalid_json", "the request body is empty; send a JSON object");
    return false;
  }
  if (Status s = util::CheckUtf8(req.body, "body"); !s.ok()) {
    SendError(res, 400, "invalid_utf8", "the request body is not valid UTF-8: " + s.message());
    return false;
  }
  try {
    *out = json::parse(req.body);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e400
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." without the tag.
    std::string what = e.what();
    if (size_t p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    SendError(res, 400, "invalid_json", "the request body is not valid JSON: " + what);
    return false;
  }
  if (!out->is_object()) {
    SendError(res, 400, "invalid_request", "the request body must be a JSON object");
    return false;
  }
  return true;
}

bool IntParam(const http::Request& req, http::Response& res, const char* name, long lo, long hi,
              long* value) {
  if (!req.HasParam(name)) return true;
  std::string v = req.Param(name);
  long x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x < lo || x > hi) {
    SendError(res, 400, "invalid_parameter",
              fmt::format("parameter '{}' must be a whole number from {} to {}", name, lo, hi));
    return false;
  }
  *value = x;
  return true;
}

bool DoubleParam(const http::Request& req, http::Response& res, const char* name, double lo,
                 double hi, double* value) {
  if (!req.HasParam(name)) return true;
  std::string v = req.Param(name);
  double x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || !(x >= lo && x <= hi)) {
    SendError(res, 400, "invalid_parameter",
              fmt::format("parameter '{}' must be a number from {} to {}", name, lo, hi));
    return false;
  }
  *value = x;
  return true;
}

bool BoolParam(const http::Request& req, http::Response& res, const char* name, bool* value) {
  if (!req.HasParam(name)) return true;
  std::string v = util::AsciiLower(req.Param(name));
  if (v == "true" || v == "1" || v == "yes") {
    *value = true;
  } else if (v == "false" || v == "0" || v == "no") {
    *value = false;
  } else {
    SendError(res, 400, "invalid_parameter",
              fmt::format("parameter '{}' must be true or false", name));
    return false;
  }
  return true;
}

bool TextParam(const http::Request& req, http::Response& res, const char* name, size_t max_bytes,
               std::string* value) {
  if (!req.HasParam(name)) return true;
  std::string v = req.Param(name);
  if (!IsUtf8(v)) {
    SendError(res, 400, "invalid_utf8",
              fmt::format("parameter '{}' is not valid UTF-8 (or holds a NUL byte)", name));
    return false;
  }
  if (v.size() > max_bytes) {
    SendError(res, 400, "too_long",
              fmt::format("parameter '{}' is longer than {} bytes", name, max_bytes));
    return false;
  }
  *value = std::move(v);
  return true;
}

}  // namespace vigil::server
