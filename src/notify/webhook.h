// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Webhook notifications: the alerts a re-screen raised, POSTed as JSON to an endpoint the
// business runs (a ticketing system, a chat bridge), signed so that it can tell the message
// came from this Vigil.
//
//   notify::WebhookOptions w;
//   w.url = "https://hooks.example.org/vigil";
//   w.secret = "...";                       // --webhook-secret-file, or VIGIL_WEBHOOK_SECRET
//   notify::NotifySummary n;
//   Status s = notify::NotifyAlerts(*db, w, run_json, run_id, alert_ids, {"system"}, &n);
//
// The body: {"event": "rescreen.alerts", "event_id": "...", "run": {...}, "alerts": [alert
// JSON as GET /v1/alerts/{id} gives it, ...]}, at most `max_alerts` alerts per message
// (more alerts: several messages, each its own event id). Headers:
//   X-Vigil-Event-Id:  the event id (unique per message: receivers drop repeats by it)
//   X-Vigil-Timestamp: seconds since 1970 when the attempt was made
//   X-Vigil-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
// A receiver recomputes the HMAC over the timestamp it got, a dot and the raw body, compares
// in constant time, and refuses old timestamps (replays).
//
// Any 2xx answer is a delivery. Anything else (another status, no connection, a timeout) is
// retried after `backoff`, doubled after each failure, up to `attempts` requests. Each
// message's outcome is recorded in the store (Store::RecordWebhookDelivery, audited).
//
// Thread safety: the functions are reentrant; `sleep` is called on the calling thread.

#ifndef VIGIL_NOTIFY_WEBHOOK_H_
#define VIGIL_NOTIFY_WEBHOOK_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "vigil/status.h"

namespace vigil::notify {

struct WebhookOptions {
  std::string url;                          // http:// or https://; empty: no webhook
  std::string secret;                       // the HMAC key (required when url is set)
  int attempts = 5;                         // requests per message at most
  std::chrono::milliseconds backoff{2000};  // wait before the 2nd attempt, doubled after
  int timeout_seconds = 10;                 // connect, and read of the answer
  size_t max_alerts = 500;                  // alerts per message
  // Waits between attempts; returns false to give up (the service stopping). Default:
  // std::this_thread::sleep_for.
  std::function<bool(std::chrono::milliseconds)> sleep;
};

// Checks the options: an http(s) URL with a host, and a non-empty secret.
Status CheckWebhook(const WebhookOptions& o);

// Reads the secret: the first line of `file` (trailing spaces and newline dropped) when a
// file is given, else $VIGIL_WEBHOOK_SECRET. InvalidArgument (naming the file) when neither
// gives a non-empty secret.
Status ReadWebhookSecret(const std::string& file, std::string* secret);

// "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body).
std::string Signature(std::string_view secret, std::string_view timestamp, std::string_view body);

// True when `header` is the signature of (timestamp, body) under `secret` (constant-time
// comparison): what a receiver checks.
bool VerifySignature(std::string_view secret, std::string_view timestamp, std::string_view body,
                     std::string_view header);

// A fresh event id: 32 hex digits from the system's random source.
std::string NewEventId();

// `url` as recorded: without user:password@ and without ?query or #fragment.
std::string RedactUrl(std::string_view url);

// POSTs `body` (JSON) to o.url with the headers above, retrying as described. Never throws;
// the result is in the returned record (status "delivered" or "failed", attempts,
// http_status of the last attempt, error, times; id 0: not recorded).
store::WebhookDelivery Deliver(const WebhookOptions& o, const std::string& event_id,
                               const std::string& body);

struct NotifySummary {
  int64_t messages = 0;   // messages sent (delivered or not)
  int64_t delivered = 0;  // of those, delivered
  int64_t failed = 0;
  int64_t alerts = 0;  // alerts carried by delivered messages
  int64_t alerts_undelivered = 0;
  std::string error;  // the last failure, when any
};

// Sends the alerts `alert_ids` raised by re-screen run `run_id` (summary `run`:
// RescreenSummary::ToJson) in messages of at most o.max_alerts, and records each message's
// delivery in `db`. Nothing is sent when alert_ids is empty. Fails only when the store
// cannot be read or written; a message that could not be delivered is counted in *out.
Status NotifyAlerts(store::Store& db, const WebhookOptions& o, const nlohmann::json& run,
                    int64_t run_id, const std::vector<int64_t>& alert_ids, const store::Actor& by,
                    NotifySummary* out);

}  // namespace vigil::notify

#endif  // VIGIL_NOTIFY_WEBHOOK_H_
