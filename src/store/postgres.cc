// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The PostgreSQL connection (libpq C API). Statements are prepared once per connection
// (PQprepare) and run with text parameters; every write transaction takes the store's
// transaction-level advisory lock first, so writers in every process serialize.

#include <fmt/format.h>
#include <libpq-fe.h>

#include <string>
#include <unordered_map>

#include "store/sql.h"

namespace vigil::store::sql {
namespace {

// The URL without its password: "postgresql://user:secret@host/db" -> "postgresql://user@host/db".
std::string Redact(std::string_view url) {
  std::string u(url);
  size_t scheme = u.find("://");
  if (scheme == std::string::npos) return u;
  size_t start = scheme + 3;
  size_t at = u.find('@', start);
  size_t slash = u.find('/', start);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    size_t colon = u.find(':', start);
    if (colon != std::string::npos && colon < at) u.erase(colon, at - colon);
  }
  size_t pw = u.find("password=");
  if (pw != std::string::npos) {
    size_t end = u.find('&', pw);
    u.replace(pw, (end == std::string::npos ? u.size() : end) - pw, "password=***");
  }
  return u;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class PgConnection : public Connection {
 public:
  PgConnection(PGconn* conn, std::string name) : conn_(conn), name_(std::move(name)) {}
  ~PgConnection() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }
  const std::string& name() const override { return name_; }
  bool broken() const override { return PQstatus(conn_) != CONNECTION_OK; }

  Status Error(const PGresult* res, std::string_view what) const {
    std::string detail = Trim(res != nullptr ? PQresultErrorMessage(res) : "");
    if (detail.empty()) detail = Trim(PQerrorMessage(conn_));
    std::string msg = "database " + name_ + ": " + std::string(what) + ": " + detail;
    if (broken()) return Status::Unavailable(msg + " (connection lost)");
    const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string_view code = state != nullptr ? state : "";
    // 08: connection exception; 53: insufficient resources (disk full, out of memory,
    // too many connections); 57P: operator intervention (shutdown); 25006: read-only
    // transaction; 58: system error (I/O).
    if (code.starts_with("08") || code.starts_with("53") || code.starts_with("57P") ||
        code == "25006" || code.starts_with("58") || code.starts_with("40")) {
      return Status::Unavailable(msg);
    }
    if (code.starts_with("23") || code.starts_with("22")) return Status::InvalidArgument(msg);
    return Status::IoError(msg);
  }

  Status Query(std::string_view sql, const Params& params, Rows* out) override {
    if (out != nullptr) out->clear();
    std::string key(sql);
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      std::string stmt_name = "s" + std::to_string(prepared_.size() + 1);
      PGresult* res = PQprepare(conn_, stmt_name.c_str(), key.c_str(), 0, nullptr);
      if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        Status s = Error(res, "cannot prepare '" + key.substr(0, 60) + "'");
        PQclear(res);
        return s;
      }
      PQclear(res);
      it = prepared_.emplace(std::move(key), std::move(stmt_name)).first;
    }
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (const auto* x = std::get_if<int64_t>(&v)) {
        text[i] = std::to_string(*x);
      } else if (const auto* x = std::get_if<double>(&v)) {
        text[i] = fmt::format("{}", *x);
      } else if (const auto* x = std::get_if<std::string>(&v)) {
        text[i] = *x;
      } else {
        continue;  // NULL
      }
      values[i] = text[i].c_str();
    }
    PGresult* res = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                                   values.data(), nullptr, nullptr, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      Status s = Error(res, "cannot run '" + it->first.substr(0, 60) + "'");
      PQclear(res);
      return s;
    }
    if (out != nullptr && st == PGRES_TUPLES_OK) {
      int rows = PQntuples(res);
      int cols = PQnfields(res);
      out->reserve(static_cast<size_t>(rows));
      for (int r = 0; r < rows; ++r) {
        Row row;
        row.cells.reserve(static_cast<size_t>(cols));
        for (int c = 0; c < cols; ++c) {
          if (PQgetisnull(res, r, c)) {
            row.cells.emplace_back(std::monostate{});
          } else {
            row.cells.emplace_back(
                std::string(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c))));
          }
        }
        out->push_back(std::move(row));
      }
    }
    PQclear(res);
    return Status::Ok();
  }

  Status Exec(std::string_view sql) override {
    std::string text(sql);
    PGresult* res = PQexec(conn_, text.c_str());
    ExecStatusType st = PQresultStatus(res);
    Status s;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      s = Error(res, "cannot run '" + text.substr(0, 60) + "'");
    }
    PQclear(res);
    return s;
  }

  Status BeginWrite() override {
    Status s = Exec("BEGIN");
    if (!s.ok()) return s;
    s = Query("SELECT pg_advisory_xact_lock($1)", {kWriteLockKey}, nullptr);
    if (!s.ok()) Rollback();
    return s;
  }
  Status BeginRead() override { return Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
  Status Commit() override {
    Status s = Exec("COMMIT");
    if (!s.ok()) Rollback();
    return s;
  }
  void Rollback() override {
    if (PQstatus(conn_) != CONNECTION_OK) return;
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
    PGresult* res = PQexec(conn_, "ROLLBACK");
    PQclear(res);
  }

 private:
  PGconn* conn_;
  std::string name_;
  std::unordered_map<std::string, std::string> prepared_;
};

void IgnoreNotice(void*, const char*) {}

}  // namespace

Status OpenPostgres(std::string_view url, std::unique_ptr<Connection>* out) {
  std::string u(url);
  std::string name = Redact(u);
  PGconn* conn = PQconnectdb(u.c_str());
  if (conn == nullptr) return Status::Unavailable("database " + name + ": cannot connect");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = "database " + name + ": cannot connect: " + Trim(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Unavailable(msg);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  auto c = std::make_unique<PgConnection>(conn, name);
  Status s = c->Exec("SET client_min_messages = warning; SET TIME ZONE 'UTC'");
  if (!s.ok()) return s;
  *out = std::move(c);
  return Status::Ok();
}

}  // namespace vigil::store::sql
