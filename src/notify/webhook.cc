// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "notify/webhook.h"

#include <fmt/core.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "model/list_status.h"
#include "sources/httplib.h"
#include "store/json.h"
#include "util/file.h"
#include "util/strings.h"

namespace vigil::notify {
namespace {

using nlohmann::json;

std::string NowIso() { return model::IsoTimeMillis(std::chrono::system_clock::now()); }

// scheme://host[:port] and the path of `url` ("/" when none). False when not http(s).
bool SplitUrl(std::string_view url, std::string* origin, std::string* path) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return false;
  std::string scheme = util::AsciiLower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") return false;
  size_t host_start = sep + 3;
  size_t slash = url.find('/', host_start);
  std::string_view host = url.substr(
      host_start, slash == std::string_view::npos ? std::string_view::npos : slash - host_start);
  if (host.empty() || host.find_first_of("?# ") != std::string_view::npos) return false;
  *origin = scheme + "://" + std::string(host);
  *path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  return true;
}

}  // namespace

Status CheckWebhook(const WebhookOptions& o) {
  std::string origin, path;
  if (!SplitUrl(o.url, &origin, &path)) {
    return Status::InvalidArgument("webhook '" + RedactUrl(o.url) +
                                   "' is not an http:// or https:// URL with a host");
  }
  if (o.secret.empty()) {
    return Status::InvalidArgument(
        "a webhook needs a secret to sign its messages: --webhook-secret-file FILE or "
        "VIGIL_WEBHOOK_SECRET");
  }
  if (o.attempts < 1) return Status::InvalidArgument("webhook attempts must be at least 1");
  if (o.max_alerts < 1) return Status::InvalidArgument("webhook max alerts must be at least 1");
  return Status::Ok();
}

Status ReadWebhookSecret(const std::string& file, std::string* secret) {
  secret->clear();
  if (!file.empty()) {
    std::string text;
    if (Status s = util::ReadFile(file, &text); !s.ok()) return s;
    std::string_view first = text;
    first = first.substr(0, first.find('\n'));
    *secret = std::string(util::Trim(first));
    if (secret->empty()) {
      return Status::InvalidArgument(file + ":1: the webhook secret file's first line is empty");
    }
    return Status::Ok();
  }
  if (const char* env = std::getenv("VIGIL_WEBHOOK_SECRET"); env != nullptr) *secret = env;
  if (secret->empty()) {
    return Status::InvalidArgument(
        "a webhook needs a secret: give --webhook-secret-file FILE or set VIGIL_WEBHOOK_SECRET");
  }
  return Status::Ok();
}

std::string Signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), md, &len);
  return "sha256=" + util::Hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

bool VerifySignature(std::string_view secret, std::string_view timestamp, std::string_view body,
                     std::string_view header) {
  std::string want = Signature(secret, timestamp, body);
  if (header.size() != want.size()) return false;
  return CRYPTO_memcmp(want.data(), header.data(), want.size()) == 0;
}

std::string NewEventId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // No system randomness (never expected): time and a counter still make ids unique here.
    static std::atomic<uint64_t> counter{0};
    uint64_t t = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    uint64_t c = counter.fetch_add(1);
    for (int i = 0; i < 8; ++i) {
      bytes[i] = static_cast<unsigned char>(t >> (8 * i));
      bytes[8 + i] = static_cast<unsigned char>(c >> (8 * i));
    }
  }
  return util::Hex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string RedactUrl(std::string_view url) {
  std::string_view u = url.substr(0, url.find_first_of("?#"));
  size_t sep = u.find("://");
  if (sep == std::string_view::npos) return std::string(u);
  size_t host_start = sep + 3;
  size_t slash = u.find('/', host_start);
  size_t at = u.rfind('@', slash == std::string_view::npos ? u.size() : slash);
  if (at != std::string_view::npos && at >= host_start) {
    return std::string(u.substr(0, host_start)) + std::string(u.substr(at + 1));
  }
  return std::string(u);
}

store::WebhookDelivery Deliver(const WebhookOptions& o, const std::string& event_id,
                               const std::string& body) {
  store::WebhookDelivery d;
  d.event_id = event_id;
  d.url = RedactUrl(o.url);
  d.status = "failed";
  std::string origin, path;
  if (!SplitUrl(o.url, &origin, &path)) {
    d.error = "not an http:// or https:// URL";
    d.first_attempt_at = d.last_attempt_at = NowIso();
    return d;
  }
  auto wait = [&o](std::chrono::milliseconds ms) {
    if (o.sleep) return o.sleep(ms);
    std::this_thread::sleep_for(ms);
    return true;
  };
  std::chrono::milliseconds backoff = o.backoff;
  const int attempts = std::max(1, o.attempts);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      if (!wait(backoff)) {
        d.error += " (gave up: stopping)";
        break;
      }
      backoff *= 2;
    }
    std::string at = NowIso();
    if (d.first_attempt_at.empty()) d.first_attempt_at = at;
    d.last_attempt_at = at;
    d.attempts = attempt;
    std::string timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
    httplib::Headers headers = {
        {"User-Agent", std::string("vigil/") + VIGIL_VERSION},
        {"X-Vigil-Event-Id", event_id},
        {"X-Vigil-Timestamp", timestamp},
        {"X-Vigil-Signature", Signature(o.secret, timestamp, body)},
    };
    try {
      httplib::Client cli(origin);
      cli.set_connection_timeout(o.timeout_seconds, 0);
      cli.set_read_timeout(o.timeout_seconds, 0);
      cli.set_write_timeout(o.timeout_seconds, 0);
      cli.set_follow_location(false);  // a redirect would resend the alerts elsewhere
      httplib::Result res = cli.Post(path, headers, body, "application/json");
      if (!res) {
        d.http_status = 0;
        d.error = "no answer: " + httplib::to_string(res.error());
        continue;
      }
      d.http_status = res->status;
      if (res->status >= 200 && res->status < 300) {
        d.status = "delivered";
        d.error.clear();
        return d;
      }
      d.error = fmt::format("answered HTTP {}", res->status);
    } catch (const std::exception& e) {
      d.http_status = 0;
      d.error = std::string("request failed: ") + e.what();
    }
  }
  return d;
}

Status NotifyAlerts(store::Store& db, const WebhookOptions& o, const json& run, int64_t run_id,
                    const std::vector<int64_t>& alert_ids, const store::Actor& by,
                    NotifySummary* out) {
  NotifySummary local;
  NotifySummary& n = out != nullptr ? *out : local;
  const size_t per = std::max<size_t>(1, o.max_alerts);
  for (size_t begin = 0; begin < alert_ids.size(); begin += per) {
    size_t end = std::min(alert_ids.size(), begin + per);
    json alerts = json::array();
    for (size_t i = begin; i < end; ++i) {
      store::Alert a;
      Status s = db.GetAlert(alert_ids[i], &a);
      if (s.code() == Status::Code::kNotFound) continue;
      if (!s.ok()) return s;
      alerts.push_back(store::ToJson(a, /*full=*/true));
    }
    if (alerts.empty()) continue;
    std::string event_id = NewEventId();
    json message{{"event", "rescreen.alerts"},
                 {"event_id", event_id},
                 {"run", run},
                 {"alerts", std::move(alerts)}};
    const int64_t count = static_cast<int64_t>(message["alerts"].size());
    std::string body = message.dump(-1, ' ', false, json::error_handler_t::replace);
    store::WebhookDelivery d = Deliver(o, event_id, body);
    d.rescreen_run = run_id;
    d.alerts = count;
    ++n.messages;
    if (d.status == "delivered") {
      ++n.delivered;
      n.alerts += count;
    } else {
      ++n.failed;
      n.alerts_undelivered += count;
      n.error = d.error;
    }
    int64_t id = 0;
    if (Status s = db.RecordWebhookDelivery(d, by, &id); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace vigil::notify
