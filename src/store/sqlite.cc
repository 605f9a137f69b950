// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The SQLite connection (sqlite3 C API): WAL, synchronous=FULL, a 10 s busy timeout,
// foreign keys on; prepared statements cached per connection.

#include <sqlite3.h>

#include <charconv>
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "store/sql.h"

namespace vigil::store::sql {

int64_t Row::Int(size_t i) const {
  const Value& v = cells[i];
  if (const auto* x = std::get_if<int64_t>(&v)) return *x;
  if (const auto* x = std::get_if<double>(&v)) return static_cast<int64_t>(*x);
  if (const auto* x = std::get_if<std::string>(&v)) {
    int64_t n = 0;
    std::from_chars(x->data(), x->data() + x->size(), n);
    return n;
  }
  return 0;
}

double Row::Double(size_t i) const {
  const Value& v = cells[i];
  if (const auto* x = std::get_if<double>(&v)) return *x;
  if (const auto* x = std::get_if<int64_t>(&v)) return static_cast<double>(*x);
  if (const auto* x = std::get_if<std::string>(&v)) return std::strtod(x->c_str(), nullptr);
  return 0;
}

std::string Row::Text(size_t i) const {
  const Value& v = cells[i];
  if (const auto* x = std::get_if<std::string>(&v)) return *x;
  if (const auto* x = std::get_if<int64_t>(&v)) return std::to_string(*x);
  if (const auto* x = std::get_if<double>(&v)) return std::to_string(*x);
  return "";
}

bool IsPostgresUrl(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

Status Connect(std::string_view db, std::unique_ptr<Connection>* out) {
  if (IsPostgresUrl(db)) return OpenPostgres(db, out);
  return OpenSqlite(db, out);
}

namespace {

// $1 -> ?1 (our SQL has no '$' in literals).
std::string ToSqliteParams(std::string_view sql) {
  std::string out(sql);
  for (char& c : out) {
    if (c == '$') c = '?';
  }
  return out;
}

class SqliteConnection : public Connection {
 public:
  SqliteConnection(sqlite3* db, std::string name) : db_(db), name_(std::move(name)) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : stmts_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  const std::string& name() const override { return name_; }
  bool broken() const override { return false; }

  Status Error(int rc, std::string_view what) const {
    std::string msg = "database " + name_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_);
    switch (rc & 0xff) {
      case SQLITE_READONLY:
      case SQLITE_FULL:
      case SQLITE_IOERR:
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
      case SQLITE_CANTOPEN:
      case SQLITE_PERM:
      case SQLITE_NOMEM:
        return Status::Unavailable(std::move(msg));
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return Status::Corruption(std::move(msg));
      case SQLITE_CONSTRAINT:
        return Status::InvalidArgument(std::move(msg));
      default:
        return Status::IoError(std::move(msg));
    }
  }

  Status Query(std::string_view sql, const Params& params, Rows* out) override {
    if (out != nullptr) out->clear();
    sqlite3_stmt* stmt = nullptr;
    auto it = stmts_.find(std::string(sql));
    if (it != stmts_.end()) {
      stmt = it->second;
    } else {
      std::string text = ToSqliteParams(sql);
      int rc = sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()),
                                  SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return Error(rc, "cannot prepare '" + std::string(sql) + "'");
      }
      stmts_.emplace(std::string(sql), stmt);
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (const auto* x = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *x);
      } else if (const auto* x = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *x);
      } else if (const auto* x = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text(stmt, idx, x->data(), static_cast<int>(x->size()), SQLITE_TRANSIENT);
      } else {
        rc = sqlite3_bind_null(stmt, idx);
      }
      if (rc != SQLITE_OK) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        return Error(rc, "cannot bind a parameter");
      }
    }
    Status st;
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        st = Error(rc, "cannot run '" + std::string(sql.substr(0, 60)) + "'");
        break;
      }
      if (out == nullptr) continue;
      Row row;
      int n = sqlite3_column_count(stmt);
      row.cells.reserve(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER:
            row.cells.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          case SQLITE_FLOAT:
            row.cells.emplace_back(sqlite3_column_double(stmt, c));
            break;
          case SQLITE_NULL:
            row.cells.emplace_back(std::monostate{});
            break;
          default: {
            const unsigned char* t = sqlite3_column_text(stmt, c);
            int len = sqlite3_column_bytes(stmt, c);
            row.cells.emplace_back(
                std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(len)));
          }
        }
      }
      out->push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return st;
  }

  Status Exec(std::string_view sql) override {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "cannot run '" + text.substr(0, 60) + "'");
    return Status::Ok();
  }

  Status BeginWrite() override { return Exec("BEGIN IMMEDIATE"); }
  Status BeginRead() override { return Exec("BEGIN"); }
  Status Commit() override {
    Status s = Exec("COMMIT");
    if (!s.ok()) Rollback();
    return s;
  }
  void Rollback() override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  sqlite3* db_;
  std::string name_;
  std::unordered_map<std::string, sqlite3_stmt*> stmts_;
};

}  // namespace

Status OpenSqlite(std::string_view path, std::unique_ptr<Connection>* out) {
  std::string p(path);
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(p.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "database " + p +
                      ": cannot open: " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT) {
      return Status::Corruption(msg);
    }
    return Status::Unavailable(msg);
  }
  sqlite3_extended_result_codes(db, 0);
  sqlite3_busy_timeout(db, 10000);
  auto conn = std::make_unique<SqliteConnection>(db, p);
  // journal_mode=WAL needs write access the first time; a read-only database that is not
  // yet in WAL mode still opens (its writes fail later with a clear error).
  Status s = conn->Exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL");
  if (!s.ok()) return s;
  if (!sqlite3_db_readonly(db, "main")) {
    s = conn->Exec("PRAGMA journal_mode=WAL");
    if (!s.ok() && s.code() != Status::Code::kUnavailable) return s;
  }
  // Check it is a database at all (a text file gives SQLITE_NOTADB here, not at open).
  s = conn->Query("SELECT count(*) FROM sqlite_master", {}, nullptr);
  if (!s.ok()) return s;
  *out = std::move(conn);
  return Status::Ok();
}

}  // namespace vigil::store::sql
