// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// A throwaway PostgreSQL for the store tests: started once per test process on first use
// (initdb into a fresh temporary folder, `pg_ctl -w start` listening only on a Unix socket
// in that folder), stopped and removed at exit. As root (CI), the server runs as the
// `postgres` system user (runuser), since initdb refuses root. VIGIL_TEST_POSTGRES_URL set:
// that server is used instead.
//
//   VIGIL_REQUIRE_POSTGRES(url);  // a fresh empty database's URL, or skip (fail when
//                                 // VIGIL_REQUIRE_POSTGRES=1) when PostgreSQL is absent

#ifndef VIGIL_TESTS_STORE_POSTGRES_SERVER_H_
#define VIGIL_TESTS_STORE_POSTGRES_SERVER_H_

#include <gtest/gtest.h>

#include <string>

#include "vigil/status.h"

namespace vigil::testing {

class TestPostgres {
 public:
  // The server (started on first call), or null when it cannot be had; *why then says why.
  static const TestPostgres* Get(std::string* why);

  // The URL of the server's `postgres` database.
  std::string url() const { return url_; }
  // Creates a new, empty database (t_<pid>_<n>) and gives its URL.
  Status NewDatabase(std::string* url) const;

  explicit TestPostgres(std::string url) : url_(std::move(url)) {}

 private:
  std::string url_;
};

// True when PostgreSQL tests must run (VIGIL_REQUIRE_POSTGRES=1): absence is a failure.
bool PostgresRequired();

}  // namespace vigil::testing

#define VIGIL_REQUIRE_POSTGRES(url_var)                                                     \
  std::string url_var;                                                                      \
  {                                                                                         \
    std::string why_;                                                                       \
    const ::vigil::testing::TestPostgres* pg_ = ::vigil::testing::TestPostgres::Get(&why_); \
    if (pg_ == nullptr) {                                                                   \
      if (::vigil::testing::PostgresRequired()) {                                           \
        FAIL() << why_ << " (VIGIL_REQUIRE_POSTGRES=1)";                                    \
      }                                                                                     \
      GTEST_SKIP() << why_;                                                                 \
    }                                                                                       \
    ::vigil::Status s_ = pg_->NewDatabase(&url_var);                                        \
    ASSERT_TRUE(s_.ok()) << s_.ToString();                                                  \
  }

#endif  // VIGIL_TESTS_STORE_POSTGRES_SERVER_H_
