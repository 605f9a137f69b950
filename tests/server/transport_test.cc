// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The service's HTTP transport (src/server/transport.h) against a small echoing
// application, spoken to over raw sockets: keep-alive and pipelining, HEAD, chunked bodies,
// Expect: 100-continue, the limits and their answers, timeouts, the connection cap,
// blocking requests, and stopping.

#include "server/transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace vigil::server {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Answers "METHOD path capture|params|body" as text; /slow is blocking and sleeps 600 ms.
class EchoApp : public Application {
 public:
  bool IsBlocking(const http::Request& req) const override { return req.path == "/slow"; }

  void Handle(http::Request& req, http::Response& res) override {
    if (req.path == "/slow") std::this_thread::sleep_for(milliseconds(600));
    std::string params;
    for (const auto& [k, v] : req.params) params += k + "=" + v + ";";
    res.body = req.method + " " + req.path + "|" + params + "|" + req.body;
    res.SetHeader("Content-Type", "text/plain");
    if (req.path == "/teapot") res.status = 418;
  }

  void Refuse(const http::Request& req, http::Response& res) override {
    res.body = "refused " + std::to_string(res.status) + " " + req.method;
  }

  void Answered(const http::Request& /*req*/, const http::Response& res,
                double /*seconds*/) override {
    std::lock_guard<std::mutex> lock(mu_);
    statuses_.push_back(res.status);
  }

  std::vector<int> statuses() {
    std::lock_guard<std::mutex> lock(mu_);
    return statuses_;
  }

 private:
  std::mutex mu_;
  std::vector<int> statuses_;
};

// A Transport serving EchoApp on a free loopback port, on its own thread.
class Running {
 public:
  explicit Running(TransportOptions o = {}) {
    o.host = "127.0.0.1";
    o.port = 0;
    transport_ = std::make_unique<Transport>(o, &app_);
    Status s = transport_->Bind(&port_);
    EXPECT_TRUE(s.ok()) << s.ToString();
    done_ = std::async(std::launch::async, [this] { return transport_->Run(); });
  }
  ~Running() {
    transport_->Stop();
    if (done_.valid()) done_.wait();
  }
  int port() const { return port_; }
  EchoApp& app() { return app_; }
  Transport& transport() { return *transport_; }
  std::future<bool>& done() { return done_; }

 private:
  EchoApp app_;
  std::unique_ptr<Transport> transport_;
  std::future<bool> done_;
  int port_ = 0;
};

struct Reply {
  int status = 0;  // 0: none (closed or timed out)
  std::string head;
  std::string body;
};

// One TCP connection spoken to byte by byte.
class Conn {
 public:
  explicit Conn(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Conn() { ::close(fd_); }
  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response (Content-Length framed). Status 0 when the connection closed first or
  // nothing came within `wait`.
  // `head`: the answer to a HEAD request (no body, whatever its Content-Length says).
  Reply Read(milliseconds wait = milliseconds(5000), bool head = false) {
    Reply r;
    size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(wait)) return r;
    }
    r.head = in_.substr(0, end + 4);
    in_.erase(0, end + 4);
    r.status = std::stoi(r.head.substr(9, 3));
    size_t length = 0;
    if (size_t p = Lower(r.head).find("content-length:"); p != std::string::npos) {
      length = std::stoul(r.head.substr(p + 15));
    }
    if (r.status == 100 || head) return r;
    while (in_.size() < length) {
      if (!Fill(wait)) return Reply();
    }
    r.body = in_.substr(0, length);
    in_.erase(0, length);
    return r;
  }

  // True when the server closes the connection (EOF or reset) within `wait`.
  bool ClosedWithin(milliseconds wait) {
    auto until = Clock::now() + wait;
    while (Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
    return false;
  }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  bool Fill(milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    in_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string in_;
};

std::string Get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n" + std::string(extra) + "\r\n";
}

std::string Post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

bool HasHeader(const Reply& r, std::string_view line) {
  return r.head.find(std::string(line) + "\r\n") != std::string::npos;
}

TEST(TransportTest, KeepAliveAndPipelinedRequestsAnswerInOrder) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.connected());
  // Three requests in one write, the last with a decoded query.
  ASSERT_TRUE(c.Send(Get("/a") + Post("/b", "hello") + Get("/c%20d?q=Kim+Jong%2BUn&x=1")));
  Reply a = c.Read(), b = c.Read(), d = c.Read();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "GET /a||");
  EXPECT_TRUE(HasHeader(a, "Content-Type: text/plain")) << a.head;
  EXPECT_EQ(b.body, "POST /b||hello");
  EXPECT_EQ(d.body, "GET /c d|q=Kim Jong+Un;x=1;|");
  // Still open: another request on the same connection.
  ASSERT_TRUE(c.Send(Get("/teapot")));
  Reply t = c.Read();
  EXPECT_EQ(t.status, 418);
  EXPECT_FALSE(c.ClosedWithin(milliseconds(200)));
}

TEST(TransportTest, HttpTenAndConnectionCloseEndTheConnection) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send("GET /old HTTP/1.0\r\n\r\n"));
  Reply r = c.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.head.substr(0, 8), "HTTP/1.0");
  EXPECT_TRUE(c.ClosedWithin(milliseconds(2000)));

  Conn k(s.port());
  ASSERT_TRUE(k.Send(Get("/x", "Connection: close\r\n")));
  EXPECT_EQ(k.Read().status, 200);
  EXPECT_TRUE(k.ClosedWithin(milliseconds(2000)));
}

TEST(TransportTest, HeadGivesTheLengthWithoutTheBody) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n" + Get("/after")));
  // The HEAD answer says how long the body would be ("HEAD /h||" is 9 bytes) and sends
  // none: the next bytes on the connection are the next answer.
  Reply h = c.Read(milliseconds(5000), /*head=*/true);
  EXPECT_EQ(h.status, 200);
  EXPECT_TRUE(HasHeader(h, "Content-Length: 9")) << h.head;
  Reply after = c.Read();
  EXPECT_EQ(after.status, 200) << after.head;
  EXPECT_EQ(after.body, "GET /after||");
}

TEST(TransportTest, ChunkedBodyAndExpectContinue) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(
      c.Send("POST /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  EXPECT_EQ(c.Read().body, "POST /chunks||hello world");

  // The client waits for 100 Continue before sending its body.
  ASSERT_TRUE(c.Send(
      "POST /cont HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  Reply cont = c.Read();
  EXPECT_EQ(cont.status, 100);
  ASSERT_TRUE(c.Send("body"));
  EXPECT_EQ(c.Read().body, "POST /cont||body");
}

TEST(TransportTest, OversizedBodyGets413WhileTheClientIsStillSending) {
  TransportOptions o;
  o.max_body_bytes = 1024;
  Running s(o);
  Conn c(s.port());
  std::string body(4 << 20, 'x');
  // The whole body is sent, as clients do; the server refuses it from the Content-Length
  // and keeps reading what comes so that the client can read the answer.
  std::thread sender([&] { c.Send(Post("/big", body)); });
  Reply r = c.Read();
  sender.join();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, "refused 413 POST");
  EXPECT_TRUE(HasHeader(r, "Connection: close")) << r.head;
  EXPECT_TRUE(c.ClosedWithin(milliseconds(5000)));

  // Chunked bodies count too.
  Conn k(s.port());
  std::string chunk(800, 'y');
  std::string chunked = "POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) chunked += "320\r\n" + chunk + "\r\n";
  chunked += "0\r\n\r\n";
  ASSERT_TRUE(k.Send(chunked));
  EXPECT_EQ(k.Read().status, 413);
  // A body within the limit is fine on a new connection.
  Conn ok(s.port());
  ASSERT_TRUE(ok.Send(Post("/small", std::string(1024, 'z'))));
  EXPECT_EQ(ok.Read().status, 200);
}

TEST(TransportTest, MalformedAndOversizedHeadsAreRefused) {
  TransportOptions o;
  o.max_header_bytes = 4096;
  o.max_target_bytes = 1024;
  Running s(o);
  struct Case {
    std::string bytes;
    int status;
  };
  std::vector<Case> cases = {
      {"NOT HTTP AT ALL\r\n\r\n", 400},
      {"GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400},
      {"GET /x HTTP/1.1\r\nBad Header\r\n\r\n", 400},
      {Get("/" + std::string(2000, 't')), 414},
      {Get("/x", "X-Big: " + std::string(8000, 'h') + "\r\n"), 431},
  };
  for (const Case& k : cases) {
    Conn c(s.port());
    ASSERT_TRUE(c.Send(k.bytes));
    Reply r = c.Read();
    EXPECT_EQ(r.status, k.status) << k.bytes.substr(0, 40);
    EXPECT_NE(r.body.find("refused " + std::to_string(k.status)), std::string::npos) << r.body;
    EXPECT_TRUE(c.ClosedWithin(milliseconds(5000))) << k.bytes.substr(0, 40);
  }
  // Every refusal was reported to the application (for logs and metrics).
  std::vector<int> seen = s.app().statuses();
  for (const Case& k : cases) {
    EXPECT_NE(std::find(seen.begin(), seen.end(), k.status), seen.end()) << k.status;
  }
  // And it still serves.
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/fine")));
  EXPECT_EQ(c.Read().status, 200);
}

// Request smuggling (RFC 9112 6.3): a Transfer-Encoding other than one final "chunked", or
// one beside Content-Length or on HTTP/1.0, gets exactly one 400 and the connection closes;
// the bytes after the head (here a whole second request) are never read as a request.
TEST(TransportTest, AmbiguousTransferEncodingIsRefusedAndTheBodyNeverRuns) {
  Running s;
  const std::string smuggled = Get("/smuggled");
  const std::vector<std::string> heads = {
      "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
      "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
      "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
      "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"
      "\r\n0\r\n\r\n",
      "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: 0\r\n\r\n",
      "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
      "0\r\n\r\n",
      "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\n",
      "POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n",
  };
  for (const std::string& head : heads) {
    Conn c(s.port());
    ASSERT_TRUE(c.Send(head + smuggled));
    Reply r = c.Read();
    EXPECT_EQ(r.status, 400) << head;
    if (head.find("HTTP/1.0") == std::string::npos) {
      EXPECT_TRUE(HasHeader(r, "Connection: close")) << head << r.head;
    }
    EXPECT_EQ(c.Read(milliseconds(300)).status, 0) << "a second answer to " << head;
    EXPECT_TRUE(c.ClosedWithin(milliseconds(5000))) << head;
  }
  // One answer per connection, every one a 400: "/smuggled" never ran.
  std::vector<int> seen = s.app().statuses();
  EXPECT_EQ(seen, std::vector<int>(heads.size(), 400));
  // A single "chunked" (any case, with spaces) is still a body.
  Conn ok(s.port());
  ASSERT_TRUE(
      ok.Send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:  Chunked \r\n\r\n"
              "3\r\nabc\r\n0\r\n\r\n"));
  EXPECT_EQ(ok.Read().body, "POST /c||abc");
}

TEST(TransportTest, IdleAndStalledConnectionsAreClosed) {
  TransportOptions o;
  o.keep_alive_seconds = 1;
  o.read_timeout_seconds = 1;
  Running s(o);
  Conn idle(s.port());
  ASSERT_TRUE(idle.Send(Get("/once")));
  EXPECT_EQ(idle.Read().status, 200);
  Conn stalled(s.port());
  ASSERT_TRUE(stalled.Send("GET /half HTTP/1.1\r\nHost:"));  // and nothing more
  EXPECT_TRUE(idle.ClosedWithin(milliseconds(4000)));
  EXPECT_TRUE(stalled.ClosedWithin(milliseconds(4000)));
}

TEST(TransportTest, ConnectionsPastTheCapGet503) {
  TransportOptions o;
  o.max_connections = 2;
  Running s(o);
  Conn a(s.port()), b(s.port());
  ASSERT_TRUE(a.Send(Get("/a")));
  ASSERT_TRUE(b.Send(Get("/b")));
  ASSERT_EQ(a.Read().status, 200);
  ASSERT_EQ(b.Read().status, 200);
  Conn c(s.port());
  Reply r = c.Read();
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("refused 503"), std::string::npos) << r.body;
  EXPECT_TRUE(HasHeader(r, "Retry-After: 1")) << r.head;
  EXPECT_TRUE(c.ClosedWithin(milliseconds(2000)));
  // Once one closes, a new connection is served (as soon as the server has seen the close).
  b.Send(Get("/bye", "Connection: close\r\n"));
  EXPECT_EQ(b.Read().status, 200);
  EXPECT_TRUE(b.ClosedWithin(milliseconds(2000)));
  Reply again;
  for (int i = 0; i < 50 && again.status != 200; ++i) {
    Conn d(s.port());
    d.Send(Get("/again"));
    again = d.Read();
    if (again.status != 200) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(again.status, 200);
}

TEST(TransportTest, BlockingRequestsDoNotHoldUpTheirThread) {
  TransportOptions o;
  o.threads = 1;  // every connection shares the one event loop
  Running s(o);
  Conn slow(s.port()), fast(s.port());
  auto start = Clock::now();
  ASSERT_TRUE(slow.Send(Get("/slow")));
  std::this_thread::sleep_for(milliseconds(50));
  ASSERT_TRUE(fast.Send(Get("/quick")));
  Reply q = fast.Read();
  auto quick_at = Clock::now() - start;
  Reply w = slow.Read();
  auto slow_at = Clock::now() - start;
  EXPECT_EQ(q.body, "GET /quick||");
  EXPECT_EQ(w.body, "GET /slow||");
  EXPECT_LT(quick_at, milliseconds(500));  // /slow sleeps 600 ms off the loop
  EXPECT_GE(slow_at, milliseconds(600));
}

TEST(TransportTest, StopClosesIdleConnectionsAndFinishesAnswersInProgress) {
  Running s;
  Conn idle(s.port());
  ASSERT_TRUE(idle.Send(Get("/x")));
  ASSERT_EQ(idle.Read().status, 200);
  Conn busy(s.port());
  ASSERT_TRUE(busy.Send(Get("/slow")));
  std::this_thread::sleep_for(milliseconds(100));
  s.transport().Stop();
  EXPECT_TRUE(idle.ClosedWithin(milliseconds(2000)));
  Reply r = busy.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /slow||");
  EXPECT_TRUE(HasHeader(r, "Connection: close")) << r.head;
  ASSERT_EQ(s.done().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(s.done().get());
  Conn late(s.port());
  EXPECT_FALSE(late.connected() && late.Send(Get("/y")) && late.Read().status == 200);
}

// Garbled requests (valid ones with bytes flipped, inserted, dropped or cut short) never
// stop the server: each gets an answer, a close, or waits for more; then a good request on
// a new connection is answered.
TEST(TransportTest, GarbledRequestsNeverStopTheServer) {
  Running s;
  const std::vector<std::string> seeds = {
      Post("/v1/screen", R"({"name": "Kim Jong Un"})"),
      Get("/v1/search?q=Kim%20Jong&limit=5", "Authorization: Bearer abc\r\n"),
      "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
      "HEAD / HTTP/1.0\r\n\r\n",
  };
  std::mt19937 rng(20261123);
  int answered = 0;
  for (int i = 0; i < 120; ++i) {
    std::string bytes = seeds[static_cast<size_t>(i) % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !bytes.empty(); ++e) {
      size_t at = rng() % bytes.size();
      switch (rng() % 4) {
        case 0:
          bytes[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          bytes.insert(at, 1, static_cast<char>(rng() % 256));
          break;
        case 2:
          bytes.erase(at, 1);
          break;
        default:
          bytes.resize(at);  // cut short
      }
    }
    Conn c(s.port());
    ASSERT_TRUE(c.connected()) << "case " << i;
    c.Send(bytes);
    Reply r = c.Read(milliseconds(50));
    if (r.status != 0) {
      ++answered;
      EXPECT_TRUE(r.status == 200 || r.status == 400 || r.status == 413 || r.status == 414 ||
                  r.status == 431)
          << r.status << " for case " << i;
    }
  }
  EXPECT_GT(answered, 30);  // most garbled requests are answered at once, not left waiting
  Conn good(s.port());
  ASSERT_TRUE(good.Send(Get("/after")));
  EXPECT_EQ(good.Read().body, "GET /after||");
}

TEST(TransportTest, BindFailsClearlyOnABusyPort) {
  Running s;
  EchoApp app;
  TransportOptions o;
  o.port = s.port();
  Transport second(o, &app);
  int port = 0;
  Status st = second.Bind(&port);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find(std::to_string(s.port())), std::string::npos) << st.ToString();
  EXPECT_FALSE(second.Run());
}

// /write runs in Lane::kStoreWrite and waits until released; /read runs in kStoreRead.
class LaneApp : public Application {
 public:
  bool IsBlocking(const http::Request& /*req*/) const override { return false; }
  http::Lane LaneOf(const http::Request& req) const override {
    if (req.path == "/write") return http::Lane::kStoreWrite;
    if (req.path == "/read") return http::Lane::kStoreRead;
    return http::Lane::kInline;
  }
  void Handle(http::Request& req, http::Response& res) override {
    if (req.path == "/write") {
      std::unique_lock<std::mutex> lock(mu_);
      ++writing_;
      cv_.notify_all();
      cv_.wait(lock, [this] { return released_; });
      ++written_;
    }
    res.body = req.path;
  }
  void Refuse(const http::Request& /*req*/, http::Response& /*res*/) override {}
  void Answered(const http::Request&, const http::Response&, double) override {}

  // Waits until `n` writes are running (blocked).
  void AwaitWriting(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return writing_ >= n; });
  }
  int written() {
    std::lock_guard<std::mutex> lock(mu_);
    return written_;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int writing_ = 0, written_ = 0;
  bool released_ = false;
};

TEST(TransportTest, AQueueOfStoreWritesDoesNotHoldUpReadsOrScreening) {
  LaneApp app;
  TransportOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.threads = 1;
  Transport t(o, &app);
  int port = 0;
  ASSERT_TRUE(t.Bind(&port).ok());
  auto done = std::async(std::launch::async, [&t] { return t.Run(); });
  // More writes than the write pool has threads: every thread blocked, the rest queued.
  std::vector<std::unique_ptr<Conn>> writers;
  for (int i = 0; i < 6; ++i) {
    writers.push_back(std::make_unique<Conn>(port));
    ASSERT_TRUE(writers.back()->Send("GET /write HTTP/1.1\r\nHost: x\r\n\r\n"));
  }
  app.AwaitWriting(2);
  // A read and an inline request are answered while every write still waits.
  Conn reader(port), inline_conn(port);
  ASSERT_TRUE(reader.Send("GET /read HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(inline_conn.Send("GET /screen HTTP/1.1\r\nHost: x\r\n\r\n"));
  Reply r = reader.Read(milliseconds(30000));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "/read");
  EXPECT_EQ(inline_conn.Read(milliseconds(30000)).status, 200);
  EXPECT_EQ(app.written(), 0);
  app.Release();
  for (auto& w : writers) EXPECT_EQ(w->Read(milliseconds(30000)).status, 200);
  EXPECT_EQ(app.written(), 6);
  t.Stop();
  EXPECT_TRUE(done.get());
}

}  // namespace
}  // namespace vigil::server
