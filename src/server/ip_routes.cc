// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// IP screening over HTTP (role: screen):
//   GET  /v1/ip?ip=ADDR        -> ip::ToJson(answer)            (400 for a malformed address)
//   POST /v1/ip {"ips": [...]} -> {"results": [answer | {"ip", "error"}], "sources": [...]}
// (at most max_batch addresses; a malformed one is an error in its place, the others are
// answered). Without IP data both answer 503 no_ip_data, saying how to give it.

#include <fmt/core.h>

#include "server/log.h"
#include "server/service.h"

namespace vigil::server {

using nlohmann::json;

Status Service::InitIp() {
  const ServerOptions& o = options_;
  if (o.ip_database != nullptr) {
    ip_.store(o.ip_database, std::memory_order_release);
    ip_state_ = 2;
    return Status::Ok();
  }
  if (!o.ip_data.empty() || !o.ip_db.empty()) {
    ip::OpenOptions opt;
    opt.data_dir = o.ip_data;
    for (const std::string& f : o.ip_db) opt.mmdb_files.emplace_back(f);
    std::unique_ptr<ip::IpDatabase> db;
    if (Status s = ip::IpDatabase::Open(opt, &db); !s.ok()) {
      std::string m = "cannot load the IP data: " + s.message();
      return s.code() == Status::Code::kNotFound ? Status::NotFound(m) : Status::InvalidArgument(m);
    }
    ip_.store(std::shared_ptr<const ip::IpDatabase>(std::move(db)), std::memory_order_release);
    ip_state_ = 2;
    return Status::Ok();
  }
  if (!o.ip_data_background.empty() && !ip_loader_.joinable()) {
    ip_state_ = 1;
    ip_loader_ = std::thread([this, dir = o.ip_data_background] {
      ip::OpenOptions opt;
      opt.data_dir = dir;
      std::unique_ptr<ip::IpDatabase> db;
      auto start = std::chrono::steady_clock::now();
      if (Status s = ip::IpDatabase::Open(opt, &db); !s.ok()) {
        ip_state_ = 3;
        LogLine("error", "the IP data did not load: /v1/ip answers 503",
                {{"detail", RedactPaths(s.ToString())}});
        return;
      }
      ip_.store(std::shared_ptr<const ip::IpDatabase>(std::move(db)), std::memory_order_release);
      ip_state_ = 2;
      LogLine("info", "IP data loaded",
              {{"seconds",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}});
    });
  }
  return Status::Ok();
}

std::string Service::IpUnavailableReason() const {
  switch (ip_state_.load()) {
    case 1:
      return "the IP data is still loading; try again in a few seconds";
    case 3:
      return "no IP data: it failed to load when the service started (see its log); start "
             "the service with --ip-data DIR or --ip-db FILE.mmdb";
    default:
      return "no IP data: start the service with --ip-data DIR (the @ip-location-db packages, "
             "which tools/deps.sh installs) or --ip-db FILE.mmdb";
  }
}

namespace {

// The IP data, or null after writing 503.
const ip::IpDatabase* IpOr503(Service& svc, http::Response& res) {
  const ip::IpDatabase* db = svc.ip();
  if (db == nullptr) {
    res.SetHeader("Retry-After", "5");
    SendError(res, 503, "no_ip_data", svc.IpUnavailableReason());
  }
  return db;
}

constexpr size_t kMaxAddressBytes = 256;

void HandleGet(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kScreen)) return;
  std::string text;
  if (!TextParam(req, res, "ip", kMaxAddressBytes, &text)) return;
  if (!req.HasParam("ip")) {
    SendError(res, 400, "invalid_request", "give the address to look up: /v1/ip?ip=ADDRESS");
    return;
  }
  const ip::IpDatabase* db = IpOr503(svc, res);
  if (db == nullptr) return;
  ip::Answer a;
  if (Status s = db->Lookup(text, &a); !s.ok()) {
    SendError(res, 400, "invalid_ip", s.message());
    return;
  }
  SendJson(res, 200, ip::ToJson(a, db->sources()));
}

void HandleBatch(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kScreen)) return;
  json body;
  if (!ParseJsonBody(req, res, &body)) return;
  if (!body.is_object() || !body.contains("ips")) {
    SendError(res, 400, "invalid_request", "the body must be an object {\"ips\": [addresses]}");
    return;
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "ips") {
      SendError(res, 400, "invalid_request",
                fmt::format("unknown field {} beside ips",
                            json(key).dump(-1, ' ', false, json::error_handler_t::replace)));
      return;
    }
  }
  const json& ips = body["ips"];
  if (!ips.is_array()) {
    SendError(res, 400, "invalid_request", "ips must be an array of addresses (strings)");
    return;
  }
  if (ips.empty()) {
    SendError(res, 400, "invalid_request", "ips is empty");
    return;
  }
  const size_t limit = svc.options().max_batch;
  if (ips.size() > limit) {
    SendError(res, 413, "batch_too_large",
              fmt::format("{} addresses in one request; the limit is {}", ips.size(), limit));
    return;
  }
  const ip::IpDatabase* db = IpOr503(svc, res);
  if (db == nullptr) return;
  json results = json::array();
  size_t errors = 0;
  for (size_t i = 0; i < ips.size(); ++i) {
    const json& item = ips[i];
    if (!item.is_string()) {
      ++errors;
      results.push_back(
          {{"ip", item},
           {"error",
            {{"code", "invalid_ip"}, {"message", fmt::format("ips[{}] is not a string", i)}}}});
      continue;
    }
    const std::string& text = item.get_ref<const std::string&>();
    ip::Answer a;
    if (Status s = text.size() > kMaxAddressBytes
                       ? Status::InvalidArgument(fmt::format(
                             "not an IP address: longer than {} bytes", kMaxAddressBytes))
                       : db->Lookup(text, &a);
        !s.ok()) {
      ++errors;
      results.push_back({{"ip", text.size() > kMaxAddressBytes ? text.substr(0, 64) + "..." : text},
                         {"error", {{"code", "invalid_ip"}, {"message", s.message()}}}});
      continue;
    }
    json j = ip::ToJson(a, {});
    j.erase("sources");  // once, beside the results
    results.push_back(std::move(j));
  }
  json sources = ip::ToJson(ip::Answer(), db->sources())["sources"];
  SendJson(
      res, 200,
      json{{"results", std::move(results)}, {"errors", errors}, {"sources", std::move(sources)}});
}

}  // namespace

void RegisterIp(http::Router& router, Service& svc) {
  router.Add("GET", "/v1/ip",
             [&svc](const http::Request& req, http::Response& res) { HandleGet(svc, req, res); });
  router.Add("POST", "/v1/ip",
             [&svc](const http::Request& req, http::Response& res) { HandleBatch(svc, req, res); });
}

}  // namespace vigil::server
