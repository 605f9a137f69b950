// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Webhook notifications against a receiver on the loopback interface, started in the test.
#include "notify/webhook.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "local_http_server.h"
#include "model/party.h"
#include "store/screen_parties.h"
#include "test_util.h"

namespace vigil::notify {
namespace {

using nlohmann::json;
using ::vigil::testing::ScratchDir;
using ::vigil::testing::TestServer;

constexpr char kSecret[] = "s3cret-for-tests";

// What the receiver saw of one request.
struct Received {
  std::string event_id, timestamp, signature, body;
  bool signature_ok = false;
};

// A receiver that answers `fail_first` requests with 503, then 204; checks each signature.
class Receiver {
 public:
  explicit Receiver(int fail_first) : fail_first_(fail_first) {
    srv_.server().Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      Received r;
      r.event_id = req.get_header_value("X-Vigil-Event-Id");
      r.timestamp = req.get_header_value("X-Vigil-Timestamp");
      r.signature = req.get_header_value("X-Vigil-Signature");
      r.body = req.body;
      r.signature_ok = VerifySignature(kSecret, r.timestamp, r.body, r.signature);
      std::lock_guard<std::mutex> lock(mu_);
      got_.push_back(r);
      res.status = static_cast<int>(got_.size()) <= fail_first_ ? 503 : 204;
    });
  }
  void Start() { srv_.Start(); }
  std::string Url() const { return srv_.Url("/hook"); }
  std::vector<Received> got() {
    std::lock_guard<std::mutex> lock(mu_);
    return got_;
  }

 private:
  TestServer srv_;
  int fail_first_;
  std::mutex mu_;
  std::vector<Received> got_;
};

WebhookOptions Options(const std::string& url, std::vector<std::chrono::milliseconds>* waits) {
  WebhookOptions o;
  o.url = url;
  o.secret = kSecret;
  o.attempts = 3;
  o.backoff = std::chrono::milliseconds(10);
  o.timeout_seconds = 5;
  o.sleep = [waits](std::chrono::milliseconds ms) {
    waits->push_back(ms);
    return true;
  };
  return o;
}

TEST(WebhookSignature, HmacSha256OverTimestampAndBody) {
  // Computed independently: printf 'what do ya want.for nothing?' | openssl dgst -sha256
  // -hmac Jefe
  EXPECT_EQ(Signature("Jefe", "what do ya want", "for nothing?"),
            "sha256=e33f91577b90d4b3bbd73cb61803074f1965d27701b5527942dd9ea9443af37c");
  std::string sig = Signature(kSecret, "1700000000", R"({"a":1})");
  EXPECT_TRUE(VerifySignature(kSecret, "1700000000", R"({"a":1})", sig));
  EXPECT_FALSE(VerifySignature(kSecret, "1700000001", R"({"a":1})", sig));
  EXPECT_FALSE(VerifySignature(kSecret, "1700000000", R"({"a":2})", sig));
  EXPECT_FALSE(VerifySignature("other", "1700000000", R"({"a":1})", sig));
  EXPECT_FALSE(VerifySignature(kSecret, "1700000000", R"({"a":1})", ""));
}

TEST(WebhookOptions, CheckedAndRedacted) {
  WebhookOptions o;
  o.url = "ftp://example.org/x";
  o.secret = "x";
  EXPECT_EQ(CheckWebhook(o).code(), Status::Code::kInvalidArgument);
  o.url = "https://example.org/x";
  EXPECT_TRUE(CheckWebhook(o).ok());
  o.secret.clear();
  Status s = CheckWebhook(o);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("secret"), std::string::npos) << s.ToString();
  EXPECT_EQ(RedactUrl("https://user:pw@hooks.example.org:8443/a/b?token=x#f"),
            "https://hooks.example.org:8443/a/b");
  EXPECT_NE(NewEventId(), NewEventId());
  EXPECT_EQ(NewEventId().size(), 32u);
}

TEST(WebhookSecret, FromFileOrEnvironment) {
  std::filesystem::path dir = ScratchDir("secret");
  ::vigil::testing::WriteFile(dir / "s", "  abc def  \nsecond line\n");
  std::string secret;
  ASSERT_TRUE(ReadWebhookSecret((dir / "s").string(), &secret).ok());
  EXPECT_EQ(secret, "abc def");
  ::vigil::testing::WriteFile(dir / "empty", "\n");
  Status s = ReadWebhookSecret((dir / "empty").string(), &secret);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("empty"), std::string::npos) << s.ToString();
  EXPECT_FALSE(ReadWebhookSecret((dir / "missing").string(), &secret).ok());
  ::setenv("VIGIL_WEBHOOK_SECRET", "from-env", 1);
  ASSERT_TRUE(ReadWebhookSecret("", &secret).ok());
  EXPECT_EQ(secret, "from-env");
  ::unsetenv("VIGIL_WEBHOOK_SECRET");
  EXPECT_EQ(ReadWebhookSecret("", &secret).code(), Status::Code::kInvalidArgument);
}

TEST(WebhookDeliver, SignedAndRetriedAfterAFailedAttempt) {
  Receiver rx(/*fail_first=*/1);
  ASSERT_NO_FATAL_FAILURE(rx.Start());
  std::vector<std::chrono::milliseconds> waits;
  WebhookOptions o = Options(rx.Url(), &waits);
  std::string body = R"({"event":"rescreen.alerts","alerts":[]})";
  store::WebhookDelivery d = Deliver(o, "ev-1", body);
  EXPECT_EQ(d.status, "delivered") << d.error;
  EXPECT_EQ(d.attempts, 2);
  EXPECT_EQ(d.http_status, 204);
  EXPECT_EQ(d.event_id, "ev-1");
  EXPECT_FALSE(d.first_attempt_at.empty());
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0], std::chrono::milliseconds(10));
  std::vector<Received> got = rx.got();
  ASSERT_EQ(got.size(), 2u);
  for (const Received& r : got) {
    EXPECT_EQ(r.event_id, "ev-1");
    EXPECT_EQ(r.body, body);
    EXPECT_TRUE(r.signature_ok) << r.signature;
  }
}

TEST(WebhookDeliver, GivesUpAfterTheLastAttemptWithDoublingBackoff) {
  Receiver rx(/*fail_first=*/100);
  ASSERT_NO_FATAL_FAILURE(rx.Start());
  std::vector<std::chrono::milliseconds> waits;
  WebhookOptions o = Options(rx.Url(), &waits);
  store::WebhookDelivery d = Deliver(o, "ev-2", "{}");
  EXPECT_EQ(d.status, "failed");
  EXPECT_EQ(d.attempts, 3);
  EXPECT_EQ(d.http_status, 503);
  EXPECT_NE(d.error.find("503"), std::string::npos) << d.error;
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_EQ(waits[1], 2 * waits[0]);
  EXPECT_EQ(rx.got().size(), 3u);
}

TEST(WebhookDeliver, NoReceiverIsAFailureNotACrash) {
  TestServer gone;
  ASSERT_NO_FATAL_FAILURE(gone.Start());
  std::string url = gone.Url("/hook");
  gone.Stop();  // nothing listens on that port any more
  std::vector<std::chrono::milliseconds> waits;
  WebhookOptions o = Options(url, &waits);
  o.attempts = 2;
  store::WebhookDelivery d = Deliver(o, "ev-3", "{}");
  EXPECT_EQ(d.status, "failed");
  EXPECT_EQ(d.attempts, 2);
  EXPECT_EQ(d.http_status, 0);
  EXPECT_NE(d.error.find("no answer"), std::string::npos) << d.error;
  // Stopping while waiting gives up at once.
  o.sleep = [](std::chrono::milliseconds) { return false; };
  d = Deliver(o, "ev-4", "{}");
  EXPECT_EQ(d.attempts, 1);
  EXPECT_EQ(d.status, "failed");
}

// NotifyAlerts reads the alerts from the store, sends them, and records the delivery.
TEST(WebhookNotify, SendsTheRunsAlertsAndRecordsTheDelivery) {
  LoadedList l;
  ASSERT_TRUE(LoadList(VIGIL_SAMPLE_DIR, &l).ok());
  std::vector<LoadedList> lists;
  lists.push_back(std::move(l));
  std::unique_ptr<Screener> screener;
  ASSERT_TRUE(Screener::Create(std::move(lists), &screener).ok());
  std::unique_ptr<store::Store> db;
  Status s = store::Store::Open((ScratchDir("db") / "t.db").string(), {}, &db);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<model::Party> parties;
  for (int i = 0; i < 3; ++i) {
    model::Party p;
    std::vector<std::string> w;
    ASSERT_TRUE(
        model::ParsePartyLine(
            fmt::format(R"({{"id":"P-{}","kind":"person","name":"Kim Jong Un"}})", i), &p, &w)
            .ok());
    parties.push_back(std::move(p));
  }
  store::ImportSummary imported;
  ASSERT_TRUE(db->PutParties(parties, {"test"}, &imported).ok());
  store::ScreenRunOptions so;
  so.screen.min_score = kReviewThreshold;
  store::ScreenRunSummary screened;
  s = store::ScreenAllParties(*db, *screener, so, {"test"}, &screened);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(screened.new_alert_ids.size(), 3u);

  Receiver rx(/*fail_first=*/1);
  ASSERT_NO_FATAL_FAILURE(rx.Start());
  std::vector<std::chrono::milliseconds> waits;
  WebhookOptions o = Options(rx.Url(), &waits);
  o.max_alerts = 2;  // two messages: 2 alerts, then 1
  NotifySummary n;
  json run{{"run_id", 7}, {"kind", "delta"}};
  s = NotifyAlerts(*db, o, run, 7, screened.new_alert_ids, {"system"}, &n);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(n.messages, 2);
  EXPECT_EQ(n.delivered, 2);
  EXPECT_EQ(n.alerts, 3);
  std::vector<Received> got = rx.got();
  ASSERT_EQ(got.size(), 3u);  // the first message twice (503, then 204), the second once
  EXPECT_EQ(got[0].event_id, got[1].event_id);
  EXPECT_NE(got[1].event_id, got[2].event_id);
  std::vector<int64_t> sent;
  for (size_t i = 1; i < got.size(); ++i) {
    EXPECT_TRUE(got[i].signature_ok);
    json m = json::parse(got[i].body);
    EXPECT_EQ(m["event"], "rescreen.alerts");
    EXPECT_EQ(m["event_id"], got[i].event_id);
    EXPECT_EQ(m["run"]["run_id"], 7);
    for (const json& a : m["alerts"]) {
      EXPECT_EQ(a["entity_id"], "us_ofac_sdn:20157");
      sent.push_back(a["id"].get<int64_t>());
    }
  }
  EXPECT_EQ(sent, screened.new_alert_ids);

  std::vector<store::WebhookDelivery> recorded;
  ASSERT_TRUE(db->ListWebhookDeliveries(10, &recorded).ok());
  ASSERT_EQ(recorded.size(), 2u);
  int64_t alerts = 0;
  for (const store::WebhookDelivery& d : recorded) {
    EXPECT_EQ(d.status, "delivered");
    EXPECT_EQ(d.rescreen_run, 7);
    EXPECT_EQ(d.url, rx.Url());
    alerts += d.alerts;
  }
  EXPECT_EQ(alerts, 3);
  EXPECT_EQ(recorded.back().attempts, 2);  // newest first: the first message is last
  store::AuditRecord last;
  bool found = false;
  ASSERT_TRUE(db->LastAudit({"webhook.delivery"}, &last, &found).ok());
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace vigil::notify
