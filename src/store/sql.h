// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// A small SQL connection interface with two implementations, SQLite (sqlite.cc, the sqlite3
// C API) and PostgreSQL (postgres.cc, libpq), so that the case store's logic (store.cc) is
// written once.
//
//   std::unique_ptr<sql::Connection> c;
//   Status s = sql::Connect("vigil.db", &c);
//   s = c->BeginWrite();
//   sql::Rows rows;
//   s = c->Query("SELECT id FROM alerts WHERE state = $1", {std::string("open")}, &rows);
//   s = c->Commit();
//
// SQL is written with PostgreSQL's positional parameters ($1, $2, ...); the SQLite
// connection rewrites them to ?1, ?2, ... Statements are prepared once per connection and
// reused (keyed by their text).
//
// Errors name the database. Conditions where trying again later may help (a read-only file,
// a full disk, an I/O error, a lock not obtained within the busy timeout, a lost server
// connection) are Status::Unavailable; after one, Connection::broken() says whether the
// connection must be dropped.
//
// A Connection is used by one thread at a time.

#ifndef VIGIL_STORE_SQL_H_
#define VIGIL_STORE_SQL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vigil/status.h"

namespace vigil::store::sql {

enum class Dialect { kSqlite, kPostgres };

// A parameter or a result cell: NULL, an integer, a real number or text.
using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Params = std::vector<Value>;

// A result row. PostgreSQL gives text; the accessors convert as needed.
struct Row {
  std::vector<Value> cells;

  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(cells[i]); }
  int64_t Int(size_t i) const;       // 0 for NULL
  double Double(size_t i) const;     // 0 for NULL
  std::string Text(size_t i) const;  // "" for NULL
};
using Rows = std::vector<Row>;

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;
  // The database as messages name it (a PostgreSQL URL without its password).
  virtual const std::string& name() const = 0;

  // Runs one statement with parameters $1, $2, ... (prepared once, then reused). `out` (may
  // be null) receives the rows.
  virtual Status Query(std::string_view sql, const Params& params, Rows* out) = 0;
  // Runs one or more statements without parameters (DDL, PRAGMA).
  virtual Status Exec(std::string_view sql) = 0;

  // A write transaction, serialized with every other writer of the database (SQLite: BEGIN
  // IMMEDIATE; PostgreSQL: BEGIN and a transaction-level advisory lock).
  virtual Status BeginWrite() = 0;
  // A read transaction: one consistent snapshot.
  virtual Status BeginRead() = 0;
  virtual Status Commit() = 0;
  // Never fails in a way the caller can act on; safe to call without a transaction.
  virtual void Rollback() = 0;

  // True when the connection cannot be used any more (the server went away).
  virtual bool broken() const = 0;
};

// `db`: "postgresql://..." or "postgres://..." (libpq's URL syntax) opens PostgreSQL;
// anything else is an SQLite file (created when absent; "file:" URIs are accepted, e.g.
// "file:vigil.db?mode=ro").
Status Connect(std::string_view db, std::unique_ptr<Connection>* out);
bool IsPostgresUrl(std::string_view db);

Status OpenSqlite(std::string_view path, std::unique_ptr<Connection>* out);
Status OpenPostgres(std::string_view url, std::unique_ptr<Connection>* out);

// The key of the advisory lock every PostgreSQL write transaction takes.
inline constexpr int64_t kWriteLockKey = 0x5669'6769'6c31'3300;  // "Vigil13\0"

}  // namespace vigil::store::sql

#endif  // VIGIL_STORE_SQL_H_
