// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// What store.cc and audit.cc share (internal to src/store).

#ifndef VIGIL_STORE_INTERNAL_H_
#define VIGIL_STORE_INTERNAL_H_

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/sql.h"
#include "store/store.h"

namespace vigil::store {

// The pool of connections and the options of one Store.
struct StoreState {
  std::string db;
  OpenOptions options;
  sql::Dialect dialect = sql::Dialect::kSqlite;
  int schema = 0;
  std::mutex mu;
  std::vector<std::unique_ptr<sql::Connection>> idle;

  std::string Now() const { return options.clock(); }
  Status Acquire(std::unique_ptr<sql::Connection>* out);
  void Release(std::unique_ptr<sql::Connection> c);
};
struct Store::Rep : StoreState {};

// A connection taken from the pool for one scope; rolls back what is left open and returns
// the connection to the pool.
class PooledConnection {
 public:
  explicit PooledConnection(StoreState* rep) : rep_(rep) {}
  ~PooledConnection() {
    if (c_ != nullptr) {
      c_->Rollback();
      rep_->Release(std::move(c_));
    }
  }
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;

  Status Get() { return rep_->Acquire(&c_); }
  sql::Connection& operator*() { return *c_; }
  sql::Connection* operator->() { return c_.get(); }

 private:
  StoreState* rep_;
  std::unique_ptr<sql::Connection> c_;
};

// Runs fn(connection) in a write (or read) transaction: committed when fn returns OK,
// rolled back otherwise.
Status InWrite(StoreState* rep, const std::function<Status(sql::Connection&)>& fn);
Status InRead(StoreState* rep, const std::function<Status(sql::Connection&)>& fn);

// JSON as stored: compact, invalid UTF-8 replaced (never throws).
std::string Dump(const nlohmann::json& j);
// Stored JSON text back (null when it does not parse).
nlohmann::json Parse(const std::string& text);

// The end of the audit chain within one write transaction.
struct AuditHead {
  int64_t seq = 0;
  std::string hash;
};
inline const std::string kZeroHash(64, '0');
Status LoadAuditHead(sql::Connection& c, AuditHead* head);
// Appends one record after *head (and moves *head to it).
Status AppendAudit(sql::Connection& c, AuditHead* head, const std::string& at,
                   const std::string& principal, std::string_view action, std::string_view object,
                   const nlohmann::json& detail);
// SHA-256 (hex) of a record's content and its prev_hash.
std::string AuditHash(int64_t seq, const std::string& at, const std::string& principal,
                      const std::string& action, const std::string& object,
                      const std::string& detail_text, const std::string& prev_hash);

}  // namespace vigil::store

#endif  // VIGIL_STORE_INTERNAL_H_
