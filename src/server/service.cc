// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "server/service.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <future>
#include <utility>

#include "model/json.h"
#include "notify/webhook.h"
#include "server/log.h"
#include "util/file.h"
#include "util/memory.h"
#include "util/strings.h"

namespace vigil::server {

using nlohmann::json;

ReleaseMemoryWhenDestroyed::~ReleaseMemoryWhenDestroyed() { util::ReleaseFreeMemory(); }

std::string ListVersion(const ListInfo& info) {
  if (model::AgeDays(info.published, std::chrono::system_clock::now()) >= 0) {
    return info.published.substr(0, 10);
  }
  if (!info.published.empty()) return info.published;
  if (!info.files.empty()) return info.files.front().sha256.substr(0, 12);
  return "";
}

Status LoadSnapshot(const std::vector<std::string>& paths, const LoadOptions& options,
                    uint64_t generation, std::shared_ptr<const Snapshot>* out) {
  auto start = std::chrono::steady_clock::now();
  std::vector<LoadedList> lists;
  if (Status s = LoadLists(paths, options, &lists); !s.ok()) return s;

  auto snap = std::make_shared<Snapshot>();
  for (const LoadedList& l : lists) snap->list_versions[l.info.source] = ListVersion(l.info);
  snap->version = model::ListsVersion(lists);
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

model::ListsStatus ListsStatusNow(const Snapshot& snap, long max_age_days) {
  return model::GetListsStatus(snap.screener->lists(), max_age_days,
                               std::chrono::system_clock::now());
}

std::shared_ptr<const Snapshot::StatusText> ListsStatusText(const Snapshot& snap,
                                                            long max_age_days) {
  const auto now = std::chrono::system_clock::now();
  std::vector<long> ages;
  for (const LoadedList& l : snap.screener->lists()) {
    ages.push_back(model::AgeDays(l.info.published, now));
  }
  {
    std::lock_guard<std::mutex> lock(snap.status_mu);
    if (snap.status_text != nullptr && snap.status_text->ages == ages) return snap.status_text;
  }
  json j = model::ToJson(model::GetListsStatus(snap.screener->lists(), max_age_days, now));
  for (json& l : j["lists"]) {
    for (json& w : l["warnings"]) w = RedactPaths(w.get<std::string>());
  }
  for (json& w : j["warnings"]) w = RedactPaths(w.get<std::string>());
  auto text = std::make_shared<Snapshot::StatusText>();
  text->ages = std::move(ages);
  auto dump = [](const json& x) { return x.dump(-1, ' ', false, json::error_handler_t::replace); };
  text->lists = dump(j["lists"]);
  text->sample = dump(j["sample"]);
  text->warnings = dump(j["warnings"]);
  text->json = {{"lists", j["lists"]}, {"sample", j["sample"]}, {"warnings", j["warnings"]}};
  std::lock_guard<std::mutex> lock(snap.status_mu);
  snap.status_text = text;
  return text;
}

void AddListsStatus(const Snapshot& snap, long max_age_days, json* j) {
  auto text = ListsStatusText(snap, max_age_days);
  for (const auto& [key, value] : text->json.items()) (*j)[key] = value;
}

json SnapshotListsJson(const Snapshot& snap) {
  json lists = json::array();
  for (const LoadedList& l : snap.screener->lists()) {
    json files = json::array();
    for (const SourceFile& f : l.info.files) {
      files.push_back({{"file", ShowPath(f.path)}, {"sha256", f.sha256}});
    }
    lists.push_back({{"source", l.info.source},
                     {"version", ListVersion(l.info)},
                     {"entities", l.entities.size()},
                     {"files", std::move(files)}});
  }
  return lists;
}

json Service::ConfigJson() const {
  const ServerOptions& o = options_;
  json keys = json::array();
  for (const ApiKeys::Key& k : keys_.keys()) {
    keys.push_back({{"role", std::string(ToString(k.role))}, {"principal", k.principal}});
  }
  json lists = json::array();
  if (o.list_paths) {
    std::vector<std::string> paths;
    if (o.list_paths(&paths).ok()) lists = paths;
  }
  json j{
      {"host", o.host},
      {"port", o.port},
      {"lists", std::move(lists)},
      {"strict", o.strict},
      {"accept_truncated", o.accept_truncated},
      {"max_entity_drop", o.max_entity_drop},
      {"max_list_age_days", o.max_list_age_days},
      {"max_connections", o.max_connections},
      {"max_body_bytes", o.max_body_bytes},
      {"max_batch", o.max_batch},
      {"max_results", o.max_results},
      {"api_keys", std::move(keys)},
      {"allowed_hosts", o.allowed_hosts},
      {"metrics_public", o.metrics_public},
      {"rescreen", o.rescreen},
      {"refresh_seconds", o.refresh_seconds},
      {"fetch_base_url", notify::RedactUrl(o.fetch_base_url)},
      {"webhook", o.webhook.url.empty() ? json(nullptr) : json(notify::RedactUrl(o.webhook.url))}};
  if (store_ != nullptr) j["store"] = {{"backend", std::string(store_->backend())}};
  return j;
}

namespace {

// The configuration the last "service.start" or "config.change" record holds (null when
// none is recorded).
Status LastConfig(store::Store& db, json* out) {
  *out = nullptr;
  store::AuditRecord r;
  bool found = false;
  Status s = db.LastAudit({"service.start", "config.change"}, &r, &found);
  if (!s.ok() || !found) return s;
  if (r.action == "service.start" && r.detail.contains("config")) {
    *out = r.detail["config"];
  } else if (r.action == "config.change" && r.detail.contains("after")) {
    *out = r.detail["after"];
  }
  return Status::Ok();
}

// `s` with `prefix` before its message, same code.
Status Prefixed(const Status& s, const std::string& prefix) {
  std::string m = prefix + s.message();
  switch (s.code()) {
    case Status::Code::kOk:
      return s;
    case Status::Code::kNotFound:
      return Status::NotFound(m);
    case Status::Code::kInvalidArgument:
      return Status::InvalidArgument(m);
    case Status::Code::kCorruption:
      return Status::Corruption(m);
    case Status::Code::kConflict:
      return Status::Conflict(m);
    case Status::Code::kUnavailable:
      return Status::Unavailable(m);
    case Status::Code::kIoError:
      break;
  }
  return Status::IoError(m);
}

}  // namespace

Status Service::Init() {
  if (Status s = ApiKeys::Parse(options_.api_keys, &keys_); !s.ok()) return s;
  if (Status s = InitIp(); !s.ok()) return s;
  if (options_.db.empty()) return Status::Ok();
  std::unique_ptr<store::Store> db;
  if (Status s = store::Store::Open(options_.db, {}, &db); !s.ok()) {
    return Prefixed(s, "cannot open the case store: ");
  }
  json config = ConfigJson();
  config["store"] = {{"backend", std::string(db->backend())}};
  json before;
  if (Status s = LastConfig(*db, &before); !s.ok()) {
    return Prefixed(s, "cannot read the case store's audit trail: ");
  }
  json start{{"config", config}, {"pid", static_cast<long>(::getpid())}};
  pending_audit_.emplace_back("service.start", std::move(start));
  if (!before.is_null() && before != config) {
    pending_audit_.emplace_back("config.change", json{{"before", before}, {"after", config}});
  }
  has_pending_audit_ = true;
  store_ = std::move(db);
  if (Status s = FlushPendingAudit(); !s.ok()) {
    if (s.code() != Status::Code::kUnavailable) {
      store_.reset();
      return Prefixed(s, "cannot write to the case store: ");
    }
    // A read-only or full store: screening and reading the store work; every write answers
    // 503 until the store takes the start's records, which then come first.
    LogLine("error",
            "the case store cannot be written: the service starts, and every write to the "
            "store answers 503 until it can",
            {{"detail", s.ToString()}});
  }
  return Status::Ok();
}

Status Service::FlushPendingAudit() {
  if (!has_pending_audit_.load(std::memory_order_acquire)) return Status::Ok();
  std::lock_guard<std::mutex> lock(pending_mu_);
  store::Actor system{"system"};
  while (!pending_audit_.empty()) {
    const auto& [action, detail] = pending_audit_.front();
    if (Status s = store_->Audit(action, "service", detail, system); !s.ok()) return s;
    pending_audit_.erase(pending_audit_.begin());
  }
  has_pending_audit_.store(false, std::memory_order_release);
  return Status::Ok();
}

bool Service::Authorize(const http::Request& req, http::Response& res, Role role, Principal* who) {
  bool presented = false;
  Principal p = keys_.Check(req, &presented);
  if (who != nullptr) *who = p;
  if (!keys_.enabled()) return true;
  Role have = p.role;
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
                                               Role role, Principal* who) {
  if (!Authorize(req, res, role, who)) return nullptr;
  std::shared_ptr<const Snapshot> snap = Current();
  if (snap == nullptr) {
    res.SetHeader("Retry-After", "1");
    SendError(res, 503, "not_ready", "the lists are still loading; try again shortly");
  }
  return snap;
}

json TruncatedJson(const Snapshot& snap) {
  json out = json::array();
  for (const LoadedList& l : snap.screener->lists()) {
    if (l.info.truncation.empty()) continue;
    json signs = json::array();
    for (const LoadWarning& w : l.info.truncation) {
      signs.push_back(
          {{"file", ShowPath(w.file)}, {"line", w.line}, {"message", RedactPaths(w.message)}});
    }
    out.push_back({{"source", l.info.source}, {"truncation", std::move(signs)}});
  }
  return out;
}

Status Service::Reload(std::string* summary, bool* busy, std::vector<std::string>* truncated,
                       std::string_view principal, std::string_view via, Status* audit_error) {
  *busy = false;
  if (audit_error != nullptr) *audit_error = Status::Ok();
  std::unique_lock<std::mutex> lock(reload_mu_, std::try_to_lock);
  if (!lock.owns_lock()) {
    *busy = true;
    return Status::InvalidArgument("a reload is already running");
  }
  std::shared_ptr<const Snapshot> before = Current();
  // The audit record of this reload, once it is over (success or failure).
  auto audit = [&](const Status& outcome, const Snapshot* after) {
    if (store_ == nullptr) return;
    json detail{{"via", std::string(via)}, {"ok", outcome.ok()}};
    detail["before"] = before ? json{{"lists_version", before->version},
                                     {"generation", before->generation},
                                     {"lists", SnapshotListsJson(*before)}}
                              : json(nullptr);
    if (after != nullptr) {
      detail["after"] = {{"lists_version", after->version},
                         {"generation", after->generation},
                         {"lists", SnapshotListsJson(*after)}};
    } else {
      detail["error"] = outcome.ToString();
    }
    Status s = FlushPendingAudit();
    if (s.ok()) {
      s = store_->Audit("lists.reload", "lists", detail, store::Actor{std::string(principal)});
    }
    if (audit_error != nullptr) *audit_error = s;
  };
  auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::shared_ptr<const Snapshot> next;
  Status s;
  try {  // whatever goes wrong while loading is a failed reload, never a crash or a 500
    std::vector<std::string> paths;
    s = options_.list_paths ? options_.list_paths(&paths)
                            : Status::InvalidArgument("no list paths configured");
    LoadOptions load;
    load.strict = options_.strict;
    load.accept_truncated = options_.accept_truncated;
    load.max_entity_drop = options_.max_entity_drop;
    load.sample_path = options_.sample_path;
    if (std::shared_ptr<const Snapshot> serving = Current()) {
      for (const LoadedList& l : serving->screener->lists()) {
        load.previous_entities[l.info.source] = l.entities.size();
      }
    }
    if (s.ok()) s = LoadSnapshot(paths, load, generation_ + 1, &next);
  } catch (const std::exception& e) {
    s = Status::IoError(std::string("loading the lists failed: ") + e.what());
  } catch (...) {
    s = Status::IoError("loading the lists failed with an unknown exception");
  }
  if (!s.ok()) {
    metrics_.CountReload(false, seconds());
    util::ReleaseFreeMemory();  // what the failed load freed goes back to the system
    audit(s, nullptr);
    return s;
  }
  ++generation_;
  // Recorded before it serves: whatever a client sees serving is in the audit trail.
  audit(s, next.get());
  snapshot_.store(next, std::memory_order_release);
  metrics_.CountReload(true, seconds());
  // The stored parties are brought up to date with the new lists in the background.
  if (store_ != nullptr && options_.rescreen) QueueRescreen();
  if (truncated != nullptr) {
    truncated->clear();
    for (const LoadedList& l : next->screener->lists()) {
      for (const LoadWarning& w : l.info.truncation) {
        truncated->push_back(l.info.source + ": " + util::Where(w.file, w.line, w.message));
      }
    }
  }
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

std::string ShowPath(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t last = path.rfind('/');
  if (last == std::string_view::npos) return std::string(path);
  size_t folder = last == 0 ? std::string_view::npos : path.rfind('/', last - 1);
  std::string_view shown = folder == std::string_view::npos ? path : path.substr(folder + 1);
  while (!shown.empty() && shown.front() == '/') shown.remove_prefix(1);
  return std::string(shown);
}

std::string RedactPaths(std::string_view message) {
  auto is_end = [](char c) {
    return std::string_view(" \t\r\n'\"`:,;()[]<>=").find(c) != std::string_view::npos;
  };
  std::string out;
  out.reserve(message.size());
  size_t i = 0;
  while (i < message.size()) {
    std::string_view rest = message.substr(i);
    bool starts =
        (i == 0 || is_end(message[i - 1])) && (rest.starts_with('/') || rest.starts_with("./") ||
                                               rest.starts_with("../") || rest.starts_with("~/"));
    if (!starts) {
      out.push_back(message[i++]);
      continue;
    }
    size_t j = i;
    while (j < message.size() && !is_end(message[j])) ++j;
    out += ShowPath(message.substr(i, j - i));
    i = j;
  }
  return out;
}

bool JsonContentType(const http::Request& req, http::Response& res, bool empty_body_ok) {
  std::string_view type = req.Header("Content-Type");
  type = util::Trim(type.substr(0, type.find(';')));
  if (util::EqualsIgnoreCase(type, "application/json")) return true;
  if (type.empty() && !req.HasHeader("Content-Type") && empty_body_ok && req.body.empty()) {
    return true;
  }
  SendError(res, 415, "unsupported_media_type",
            type.empty() ? "send the body as JSON with Content-Type: application/json"
                         : fmt::format("the body must be JSON (Content-Type: application/json), "
                                       "not {}",
                                       json(std::string(type.substr(0, 100)))
                                           .dump(-1, ' ', false, json::error_handler_t::replace)));
  return false;
}

bool ParseJsonBody(const http::Request& req, http::Response& res, json* out) {
  if (!JsonContentType(req, res, false)) return false;
  if (util::Trim(req.body).empty()) {
    SendError(res, 400, "invalid_json", "the request body is empty; send a JSON object");
    return false;
  }
  if (Status s = util::CheckUtf8(req.body, "body"); !s.ok()) {
    SendError(res, 400, "invalid_utf8", "the request body is not valid UTF-8: " + s.message());
    return false;
  }
  // A key given twice is refused (nlohmann::json would silently take the last value).
  std::string duplicate, error;
  if (!model::ParseJsonStrict(req.body, out, &duplicate, &error)) {
    // A syntax error or a number beyond double's range (out_of_range 406).
    SendError(res, 400, "invalid_json",
              duplicate.empty()
                  ? "the request body is not valid JSON: " + error
                  : "the request body gives the key " +
                        json(duplicate).dump(-1, ' ', false, json::error_handler_t::replace) +
                        " twice in one object");
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
