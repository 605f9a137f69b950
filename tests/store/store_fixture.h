// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The fixture of the store tests that run on both backends: GetParam() is "sqlite" (a
// scratch file) or "postgresql" (a fresh database on the throwaway server; skipped, or a
// failure with VIGIL_REQUIRE_POSTGRES=1, when PostgreSQL is not installed). The store's
// clock is the fixture's now_, set with SetNow().

#ifndef VIGIL_TESTS_STORE_STORE_FIXTURE_H_
#define VIGIL_TESTS_STORE_STORE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "model/party.h"
#include "store/postgres_server.h"
#include "store/sql.h"
#include "store/store.h"
#include "test_util.h"

namespace vigil::store {

class StoreFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      db_ = (testing::ScratchDir("db") / "vigil.db").string();
    } else {
      VIGIL_REQUIRE_POSTGRES(url);
      db_ = url;
    }
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }

  // Another Store on the same database, with the fixture's clock.
  std::unique_ptr<Store> Open() {
    OpenOptions o;
    o.clock = [this] {
      std::lock_guard<std::mutex> lock(clock_mu_);
      return now_;
    };
    std::unique_ptr<Store> s;
    Status st = Store::Open(db_, o, &s);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return s;
  }

  void SetNow(std::string now) {
    std::lock_guard<std::mutex> lock(clock_mu_);
    now_ = std::move(now);
  }

  // A plain connection, to look at (or tamper with) the tables.
  std::unique_ptr<sql::Connection> Sql() {
    std::unique_ptr<sql::Connection> c;
    Status s = sql::Connect(db_, &c);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return c;
  }

  void Put(const std::vector<model::Party>& parties, ImportSummary* summary = nullptr) {
    ImportSummary local;
    Status s = store_->PutParties(parties, {"alice"}, summary ? summary : &local);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::string db_;
  std::mutex clock_mu_;
  std::string now_ = "2026-03-01T10:00:00.000Z";
  std::unique_ptr<Store> store_;
};

}  // namespace vigil::store

#endif  // VIGIL_TESTS_STORE_STORE_FIXTURE_H_
