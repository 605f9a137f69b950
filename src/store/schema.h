// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The case store's schema and its migrations (internal to src/store).

#ifndef VIGIL_STORE_SCHEMA_H_
#define VIGIL_STORE_SCHEMA_H_

#include "store/sql.h"
#include "vigil/status.h"

namespace vigil::store {

// The newest schema version this program knows.
int LatestSchemaVersion();

// Brings the database to LatestSchemaVersion(), each migration in one write transaction
// recorded in schema_migrations(version, applied_at). A database whose schema is newer than
// this program's is refused (Status::Corruption naming both versions). *version: the
// database's schema version afterwards.
Status Migrate(sql::Connection& c, const std::string& now, int* version);

}  // namespace vigil::store

#endif  // VIGIL_STORE_SCHEMA_H_
