// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "server/transport.h"

#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <list>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace vigil::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kStopGrace{10};   // an answer in progress may finish
constexpr std::chrono::seconds kLinger{2};       // reading after a refusal, at most
constexpr size_t kLingerBytes = 64 << 20;        // ... and at most this much
constexpr std::chrono::seconds kAcceptRetry{1};  // after running out of descriptors

void LogError(std::string_view what, std::string_view detail) {
  std::string line = nlohmann::json{{"level", "error"}, {"msg", what}, {"error", detail}}.dump(
                         -1, ' ', false, nlohmann::json::error_handler_t::replace) +
                     "\n";
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

class Session;

// Whether the body's framing is unambiguous (RFC 9112 6.1, 6.3): no Transfer-Encoding, or
// exactly one Transfer-Encoding field whose only coding is "chunked" on an HTTP/1.1 request
// without Content-Length. Beast reads any other Transfer-Encoding (gzip, "chunked, chunked",
// "gzip, chunked") as no body at all, so the body would be read as the next request.
template <class Message>
bool FramingIsSafe(const Message& msg) {
  size_t fields = 0;
  std::string_view value;
  for (const auto& f : msg) {
    if (f.name() == bhttp::field::transfer_encoding) {
      ++fields;
      value = std::string_view(f.value().data(), f.value().size());
    }
  }
  if (fields == 0) return true;
  if (fields > 1 || msg.version() < 11 || msg.find(bhttp::field::content_length) != msg.end()) {
    return false;
  }
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return beast::iequals(beast::string_view(value.data(), value.size()), "chunked");
}

// One event loop and the connections it serves. Everything but `connections` is touched
// only on the loop's own thread.
struct Worker {
  std::list<Session*> sessions;
  asio::io_context ioc{1};  // run by one thread (others only post to it)
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard{
      asio::make_work_guard(ioc)};
  asio::steady_timer sweep{ioc};
  std::atomic<size_t> connections{0};  // sessions, counted from accept (any thread reads it)
  bool stopping = false;
  Clock::time_point stop_at{};
  std::thread thread;
};

// What every connection reads: the options, the application, the connection count and
// the pool for blocking requests.
struct Shared {
  Shared(TransportOptions o, Application* a) : opt(std::move(o)), app(a) {}
  TransportOptions opt;
  Application* app;
  std::atomic<size_t> open{0};       // connections open, over all workers
  asio::thread_pool blocking{4};     // Lane::kSlow
  asio::thread_pool store_write{2};  // Lane::kStoreWrite: writes queue at the database anyway
  asio::thread_pool store_read{4};   // Lane::kStoreRead
  asio::thread_pool& Pool(http::Lane lane) {
    if (lane == http::Lane::kStoreWrite) return store_write;
    if (lane == http::Lane::kStoreRead) return store_read;
    return blocking;
  }
};

// One connection: reads a request, answers it, and again while the client keeps it alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  enum class State { kIdle, kReading, kHandling, kWriting, kLingering };

  Session(Shared* t, Worker* w, tcp::socket s) : t_(t), w_(w), socket_(std::move(s)) {
    it_ = w_->sessions.insert(w_->sessions.end(), this);
  }

  ~Session() {
    w_->sessions.erase(it_);
    w_->connections.fetch_sub(1, std::memory_order_relaxed);
    t_->open.fetch_sub(1, std::memory_order_relaxed);
  }

  void Start() {
    beast::error_code ec;
    tcp::endpoint peer = socket_.remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string();
    ReadHeader();
  }

  bool Expired(Clock::time_point now) const {
    return state_ != State::kHandling && now >= deadline_;
  }
  bool IdleWithoutInput() const { return state_ == State::kIdle && buffer_.size() == 0; }
  void Close() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

 private:
  void SetState(State s, int seconds) {
    state_ = s;
    deadline_ = Clock::now() + std::chrono::seconds(seconds);
  }

  void ReadHeader() {
    if (w_->stopping && buffer_.size() == 0) return Close();
    parser_.emplace();
    parser_->body_limit(t_->opt.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(t_->opt.max_header_bytes));
    SetState(buffer_.size() == 0 ? State::kIdle : State::kReading,
             buffer_.size() == 0 ? t_->opt.keep_alive_seconds : t_->opt.read_timeout_seconds);
    bhttp::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    const auto& msg = parser_->get();
    if (msg.target().size() > t_->opt.max_target_bytes) return Refuse(414);
    if (!FramingIsSafe(msg)) {
      return Refuse(400,
                    "Transfer-Encoding must be exactly one final \"chunked\" (HTTP/1.1 only, "
                    "without Content-Length)");
    }
    if (parser_->is_done()) return OnRequest();
    SetState(State::kReading, t_->opt.read_timeout_seconds);
    if (beast::iequals(msg[bhttp::field::expect], "100-continue") && msg.version() >= 11) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](beast::error_code ec2, size_t) {
                          if (ec2) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->OnRequest();
                      });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return Refuse(413);
    if (ec == bhttp::error::header_limit) return Refuse(431);
    if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return Refuse(400);  // not HTTP
    }
    Close();  // the peer closed or reset, or the deadline closed the socket
  }

  // Fills req_ from the parser's message: what of it was parsed (a refusal may come before
  // the header is complete; the request line is there once its fields began).
  void TakeRequest(bool whole) {
    http::Request& r = req_;
    r = http::Request();
    r.remote_addr = remote_;
    version_ = 11;
    head_ = false;
    if (!parser_) return;
    auto& msg = parser_->get();
    if (msg.version() == 10) version_ = 10;
    if (whole) version_ = msg.version();
    head_ = msg.method() == bhttp::verb::head;
    r.method.assign(msg.method_string().data(), msg.method_string().size());
    r.target.assign(msg.target().data(), msg.target().size());
    http::ParseTarget(r.target, &r.path, &r.params);
    r.headers.reserve(8);
    for (const auto& f : msg) {
      r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    r.keep_alive = msg.keep_alive();
    if (whole) r.body = std::move(msg.body());
  }

  void OnRequest() {
    TakeRequest(true);
    close_after_ = false;
    state_ = State::kHandling;
    http::Lane lane = t_->app->LaneOf(req_);
    if (lane == http::Lane::kInline) {
      Answer();
      return Write();
    }
    // Off the event loop; the work guard keeps the loop running until the answer is back.
    asio::post(t_->Pool(lane),
               [self = shared_from_this(), work = asio::make_work_guard(w_->ioc)]() mutable {
                 self->Answer();
                 Worker* w = self->w_;
                 asio::post(w->ioc, [self = std::move(self)] { self->Write(); });
               });
  }

  void Answer() {
    Clock::time_point start = Clock::now();
    res_ = http::Response();
    t_->app->Handle(req_, res_);
    t_->app->Answered(req_, res_, std::chrono::duration<double>(Clock::now() - start).count());
  }

  void Refuse(int status, std::string_view reason = {}) {
    TakeRequest(false);
    close_after_ = true;
    res_ = http::Response();
    res_.status = status;
    res_.body.assign(reason.data(), reason.size());
    t_->app->Refuse(req_, res_);
    t_->app->Answered(req_, res_, 0);
    Write();
  }

  void Write() {
    bool keep = req_.keep_alive && !close_after_ && !w_->stopping;
    out_ = bhttp::response<bhttp::string_body>();
    out_.version(version_);
    out_.result(static_cast<unsigned>(res_.status));
    for (const auto& [k, v] : res_.headers) out_.insert(k, v);
    size_t n = res_.body.size();
    if (!head_) out_.body() = std::move(res_.body);
    out_.content_length(n);
    out_.keep_alive(keep);
    SetState(State::kWriting, t_->opt.write_timeout_seconds);
    bhttp::async_write(socket_, out_,
                       [self = shared_from_this(), keep](beast::error_code ec, size_t) {
                         if (ec) return self->Close();
                         if (keep) return self->ReadHeader();
                         if (self->close_after_) return self->Linger();
                         self->Close();  // the request was read whole: nothing to drain
                       });
  }

  // After a refusal the client may still be sending: read and drop it for a while, so that
  // closing does not reset the connection before the client has read the answer.
  void Linger() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    state_ = State::kLingering;
    deadline_ = Clock::now() + kLinger;
    lingered_ = 0;
    Drain();
  }

  void Drain() {
    buffer_.clear();
    socket_.async_read_some(buffer_.prepare(64 << 10),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->lingered_ += n;
                              if (ec || self->lingered_ > kLingerBytes) return self->Close();
                              self->Drain();
                            });
  }

  Shared* t_;
  Worker* w_;
  tcp::socket socket_;
  std::list<Session*>::iterator it_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  http::Request req_;
  http::Response res_;
  bhttp::response<bhttp::string_body> out_;
  unsigned version_ = 11;
  bool head_ = false;
  bool close_after_ = false;
  State state_ = State::kIdle;
  Clock::time_point deadline_{};
  size_t lingered_ = 0;
};

}  // namespace

struct Transport::Rep {
  Rep(TransportOptions o, Application* a) : shared(std::move(o), a), opt(shared.opt) {}
  Shared shared;  // outlives the workers (their sessions count themselves out of it)
  const TransportOptions& opt;
  std::vector<std::unique_ptr<Worker>> workers;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::atomic<bool> stopping{false};
  bool bound = false;

  Worker* LeastLoaded() const {
    Worker* best = workers.front().get();
    for (const auto& w : workers) {
      if (w->connections.load(std::memory_order_relaxed) <
          best->connections.load(std::memory_order_relaxed)) {
        best = w.get();
      }
    }
    return best;
  }
  void Accept();
  void Sweep(Worker* w);
  void BeginStop(Worker* w);
  void RefuseBusy(tcp::socket& s);
};

void Transport::Rep::RefuseBusy(tcp::socket& s) {
  http::Request req;
  beast::error_code ec;
  tcp::endpoint peer = s.remote_endpoint(ec);
  if (!ec) req.remote_addr = peer.address().to_string();
  http::Response res;
  res.status = 503;
  res.SetHeader("Retry-After", "1");
  shared.app->Refuse(req, res);
  shared.app->Answered(req, res, 0);
  bhttp::response<bhttp::string_body> out{bhttp::status::service_unavailable, 11};
  for (const auto& [k, v] : res.headers) out.insert(k, v);
  out.body() = std::move(res.body);
  out.prepare_payload();
  out.keep_alive(false);
  bhttp::write(s, out, ec);  // a fresh socket's buffer takes it at once
  s.shutdown(tcp::socket::shutdown_both, ec);
  s.close(ec);
}

void Transport::Rep::Accept() {
  Worker* w = LeastLoaded();
  w->connections.fetch_add(1, std::memory_order_relaxed);
  acceptor->async_accept(w->ioc, [this, w](beast::error_code ec, tcp::socket s) {
    if (ec == asio::error::operation_aborted || stopping) {
      w->connections.fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    if (ec) {
      w->connections.fetch_sub(1, std::memory_order_relaxed);
      // Out of descriptors (or a connection that died in the queue): try again shortly.
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space) {
        LogError("accept failed", ec.message());
        accept_retry->expires_after(kAcceptRetry);
        accept_retry->async_wait([this](beast::error_code e) {
          if (!e && !stopping) Accept();
        });
        return;
      }
      return Accept();
    }
    if (shared.open.fetch_add(1, std::memory_order_relaxed) >= opt.max_connections) {
      shared.open.fetch_sub(1, std::memory_order_relaxed);
      w->connections.fetch_sub(1, std::memory_order_relaxed);
      RefuseBusy(s);
      return Accept();
    }
    beast::error_code ignored;
    s.set_option(tcp::no_delay(true), ignored);
    asio::post(w->ioc, [this, w, s = std::move(s)]() mutable {
      std::make_shared<Session>(&shared, w, std::move(s))->Start();
    });
    Accept();
  });
}

void Transport::Rep::Sweep(Worker* w) {
  Clock::time_point now = Clock::now();
  bool force = w->stopping && now >= w->stop_at + kStopGrace;
  // Closing a socket only cancels its pending operation: sessions leave the list later.
  for (Session* s : w->sessions) {
    if (force || s->Expired(now) || (w->stopping && s->IdleWithoutInput())) s->Close();
  }
  if (w->stopping && w->sessions.empty()) return;  // nothing left: the loop may end
  w->sweep.expires_after(std::chrono::milliseconds(w->stopping ? 10 : 1000));
  w->sweep.async_wait([this, w](beast::error_code ec) {
    if (!ec) Sweep(w);
  });
}

void Transport::Rep::BeginStop(Worker* w) {
  if (w->stopping) return;
  w->stopping = true;
  w->stop_at = Clock::now();
  if (w == workers.front().get()) {
    beast::error_code ec;
    if (acceptor) acceptor->close(ec);
    if (accept_retry) accept_retry->cancel();
  }
  w->guard.reset();
  w->sweep.cancel();
  Sweep(w);
}

Transport::Transport(TransportOptions options, Application* app)
    : rep_(std::make_unique<Rep>(std::move(options), app)) {}

Transport::~Transport() {
  Stop();
  rep_->shared.blocking.join();
  rep_->shared.store_write.join();
  rep_->shared.store_read.join();
}

Status Transport::Bind(int* port) {
  Rep& t = *rep_;
  if (t.opt.threads == 0) return Status::InvalidArgument("threads must be > 0");
  for (size_t i = 0; i < t.opt.threads; ++i) t.workers.push_back(std::make_unique<Worker>());
  Worker& first = *t.workers.front();
  beast::error_code ec;
  tcp::resolver resolver(first.ioc);
  auto found = resolver.resolve(t.opt.host, std::to_string(t.opt.port),
                                tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || found.empty()) {
    return Status::IoError(fmt::format("cannot listen on {}:{}: {}", t.opt.host, t.opt.port,
                                       ec ? ec.message() : "no such address"));
  }
  tcp::endpoint at = found.begin()->endpoint();
  tcp::acceptor& a = t.acceptor.emplace(first.ioc);
  a.open(at.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(at, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    t.acceptor.reset();
    return Status::IoError(
        fmt::format("cannot listen on {}:{} ({}; in use, or not an address "
                    "of this machine?)",
                    t.opt.host, t.opt.port, ec.message()));
  }
  t.accept_retry.emplace(first.ioc);
  *port = a.local_endpoint().port();
  t.bound = true;
  return Status::Ok();
}

bool Transport::Run() {
  Rep& t = *rep_;
  if (!t.bound) return false;
  asio::post(t.workers.front()->ioc, [&t] {
    if (!t.stopping) t.Accept();
  });
  auto loop = [&t](Worker* w) {
    asio::post(w->ioc, [&t, w] {
      if (t.stopping) return t.BeginStop(w);
      t.Sweep(w);
    });
    for (;;) {
      try {
        w->ioc.run();
        return;
      } catch (const std::exception& e) {  // a handler threw: log it and keep serving
        LogError("event loop", e.what());
      }
    }
  };
  for (size_t i = 1; i < t.workers.size(); ++i) {
    Worker* w = t.workers[i].get();
    w->thread = std::thread(loop, w);
  }
  loop(t.workers.front().get());
  for (size_t i = 1; i < t.workers.size(); ++i) t.workers[i]->thread.join();
  return true;
}

size_t Transport::threads() const { return rep_->opt.threads; }

size_t Transport::open_connections() const {
  return rep_->shared.open.load(std::memory_order_relaxed);
}

void Transport::Stop() {
  Rep& t = *rep_;
  if (t.stopping.exchange(true)) return;
  for (auto& w : t.workers) {
    Worker* wp = w.get();
    asio::post(wp->ioc, [&t, wp] { t.BeginStop(wp); });
  }
}

}  // namespace vigil::server
