// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Migrations: numbered, each a list of statements written once with a placeholder for what
// differs between the dialects: {ID} (an integer primary key the database assigns),
// {WITHOUT_ROWID} (SQLite keeps a table with a text key in one b-tree). Every
// other type is spelled so that both accept it (BIGINT, TEXT, DOUBLE
// PRECISION). Never edit a released migration; add the next one.

#include "store/schema.h"

#include <string>
#include <vector>

// GCC 12 reports a false "may be used uninitialized" inside std::variant's string member
// when an sql::Params is built from an initializer list.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace vigil::store {
namespace {

struct Migration {
  int version;
  std::vector<const char*> statements;
};

// The alert queue (ListAlerts) asks "open alerts, best score first, 50 at a time" and
// "oldest first": is_open (1 for open and escalated) leads the two queue indexes so that
// either order is an index range scan, never a sort of every open alert; the per-state
// indexes serve a single-state filter. The counters per state are kept in alert_counts,
// updated in the same transactions, so the queue's counts are not a count of 100,000 rows.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       {
           "CREATE TABLE parties ("
           " id TEXT PRIMARY KEY,"
           " version BIGINT NOT NULL,"
           " record TEXT NOT NULL,"
           " screened_hash TEXT NOT NULL,"
           " created_at TEXT NOT NULL,"
           " updated_at TEXT NOT NULL)",
           "CREATE TABLE party_versions ("
           " party_id TEXT NOT NULL REFERENCES parties(id),"
           " version BIGINT NOT NULL,"
           " recorded_at TEXT NOT NULL,"
           " recorded_by TEXT NOT NULL,"
           " record TEXT NOT NULL,"
           " screened TEXT NOT NULL,"
           " screened_hash TEXT NOT NULL,"
           " PRIMARY KEY (party_id, version))",
           "CREATE TABLE party_tags ("
           " party_id TEXT NOT NULL REFERENCES parties(id),"
           " tag TEXT NOT NULL,"
           " PRIMARY KEY (party_id, tag))",
           "CREATE INDEX party_tags_tag ON party_tags (tag, party_id)",
           "CREATE TABLE screenings ("
           " id {ID},"
           " party_id TEXT NOT NULL REFERENCES parties(id),"
           " party_version BIGINT NOT NULL,"
           " at TEXT NOT NULL,"
           " by_principal TEXT NOT NULL,"
           " lists_version TEXT NOT NULL,"
           " lists TEXT NOT NULL,"
           " hits TEXT NOT NULL)",
           "CREATE INDEX screenings_party ON screenings (party_id, id)",
           "CREATE TABLE alerts ("
           " id {ID},"
           " party_id TEXT NOT NULL REFERENCES parties(id),"
           " party_version BIGINT NOT NULL,"
           " entity_id TEXT NOT NULL,"
           " entity_name TEXT NOT NULL,"
           " list TEXT NOT NULL,"
           " score DOUBLE PRECISION NOT NULL,"
           " band TEXT NOT NULL,"
           " state TEXT NOT NULL,"
           " is_open BIGINT NOT NULL,"
           " version BIGINT NOT NULL,"
           " created_at TEXT NOT NULL,"
           " updated_at TEXT NOT NULL,"
           " screening_id BIGINT NOT NULL,"
           " lists_version TEXT NOT NULL,"
           " explanation TEXT NOT NULL,"
           " party_hash TEXT NOT NULL,"
           " entity_hash TEXT NOT NULL,"
           " party_fields TEXT NOT NULL,"
           " entity_record TEXT NOT NULL,"
           " previous_alert_id BIGINT,"
           " changes TEXT)",
           "CREATE INDEX alerts_queue_score ON alerts (is_open, score DESC, id)",
           "CREATE INDEX alerts_queue_age ON alerts (is_open, created_at, id)",
           "CREATE INDEX alerts_state_score ON alerts (state, score DESC, id)",
           "CREATE INDEX alerts_state_age ON alerts (state, created_at, id)",
           // Small covering indexes for the totals of filtered queue requests.
           "CREATE INDEX alerts_open_band ON alerts (is_open, band)",
           "CREATE INDEX alerts_open_list ON alerts (is_open, list)",
           "CREATE INDEX alerts_open_party ON alerts (is_open, party_id)",
           "CREATE INDEX alerts_all_score ON alerts (score DESC, id)",
           "CREATE INDEX alerts_all_age ON alerts (created_at, id)",
           "CREATE INDEX alerts_pair ON alerts (party_id, entity_id, id)",
           "CREATE TABLE alert_counts (state TEXT PRIMARY KEY, n BIGINT NOT NULL)",
           "INSERT INTO alert_counts (state, n) VALUES ('open', 0), ('escalated', 0),"
           " ('true_match', 0), ('false_positive', 0), ('closed', 0)",
           "CREATE TABLE decisions ("
           " id {ID},"
           " alert_id BIGINT NOT NULL REFERENCES alerts(id),"
           " decision TEXT NOT NULL,"
           " reason TEXT NOT NULL,"
           " by_principal TEXT NOT NULL,"
           " at TEXT NOT NULL,"
           " alert_version BIGINT NOT NULL)",
           "CREATE INDEX decisions_alert ON decisions (alert_id, id)",
           "CREATE TABLE audit ("
           " seq BIGINT PRIMARY KEY,"
           " at TEXT NOT NULL,"
           " principal TEXT NOT NULL,"
           " action TEXT NOT NULL,"
           " object TEXT NOT NULL,"
           " detail TEXT NOT NULL,"
           " prev_hash TEXT NOT NULL,"
           " hash TEXT NOT NULL)",
           "CREATE INDEX audit_at ON audit (at, seq)",
           // After a purge: the last removed record, which the first kept one links to.
           "CREATE TABLE audit_anchor ("
           " id BIGINT PRIMARY KEY,"
           " seq BIGINT NOT NULL,"
           " hash TEXT NOT NULL,"
           " at TEXT NOT NULL)",
       }},
      // The newest record of an action (Store::LastAudit: the configuration the service
      // last started with) without walking back over every screening since.
      {2,
       {
           "CREATE INDEX audit_action ON audit (action, seq)",
       }},
      // Alerts per (party tag, state), kept with the alerts and the parties' tags: the
      // queue's total for a tag filter without counting the joined rows.
      {3,
       {
           "CREATE TABLE alert_tag_counts ("
           " tag TEXT NOT NULL,"
           " state TEXT NOT NULL,"
           " n BIGINT NOT NULL,"
           " PRIMARY KEY (tag, state))",
           "INSERT INTO alert_tag_counts (tag, state, n) SELECT t.tag, a.state, count(*) FROM "
           "party_tags t JOIN alerts a ON a.party_id = t.party_id WHERE 1 = 1 GROUP BY t.tag, "
           "a.state",
       }},
      // Ongoing screening (issue 14): the list versions screened against (each with the
      // digest of every entity, one TEXT value per version: thousands of rows per version
      // would cost a delta re-screen more than its whole budget), the combined versions,
      // the re-screen runs, each party's latest pairs (hits and near misses) by entity, the
      // parties a re-screen must look at again (rescreen) or that changed after a reverse
      // index was built (change_seq), delistings on alerts and webhook deliveries.
      {4,
       {
           "CREATE TABLE list_versions ("
           " id {ID},"
           " source TEXT NOT NULL,"
           " key TEXT NOT NULL,"
           " files TEXT NOT NULL,"
           " published TEXT NOT NULL,"
           " entities BIGINT NOT NULL,"
           " loaded_at TEXT NOT NULL,"
           " loaded_by TEXT NOT NULL,"
           " digests TEXT NOT NULL,"
           " UNIQUE (source, key))",
           "CREATE TABLE lists_versions ("
           " lists_version TEXT PRIMARY KEY,"
           " members TEXT NOT NULL,"
           " recorded_at TEXT NOT NULL)",
           "CREATE TABLE rescreen_runs ("
           " id {ID},"
           " kind TEXT NOT NULL,"
           " status TEXT NOT NULL,"
           " started_at TEXT NOT NULL,"
           " finished_at TEXT NOT NULL,"
           " by_principal TEXT NOT NULL,"
           " from_lists_version TEXT NOT NULL,"
           " to_lists_version TEXT NOT NULL,"
           " to_versions TEXT NOT NULL,"
           " counts TEXT NOT NULL,"
           " error TEXT NOT NULL)",
           "CREATE INDEX rescreen_runs_status ON rescreen_runs (status, id)",
           "CREATE TABLE party_pairs ("
           " party_id TEXT NOT NULL,"
           " entity_id TEXT NOT NULL,"
           " score DOUBLE PRECISION NOT NULL,"
           " PRIMARY KEY (party_id, entity_id))",
           "CREATE INDEX party_pairs_entity ON party_pairs (entity_id, party_id)",
           "CREATE INDEX party_pairs_score ON party_pairs (score)",
           // The parties to screen again whatever the lists do: never screened, or screened
           // fields changed since. A narrow table of its own rather than a flag on parties:
           // clearing a flag rewrites the whole party row, which cost a first screening of
           // 100,000 parties about a second; deleting a key from here is cheap, and free once
           // the table is empty. Every party of an older store is in it.
           "CREATE TABLE party_rescreen (party_id TEXT PRIMARY KEY){WITHOUT_ROWID}",
           "INSERT INTO party_rescreen (party_id) SELECT id FROM parties",
           "ALTER TABLE parties ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0",
           "CREATE INDEX parties_change_seq ON parties (change_seq)",
           // The last change_seq given (PutParties).
           "CREATE TABLE party_change_counter (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL)",
           "INSERT INTO party_change_counter (id, seq) VALUES (1, 0)",
           "ALTER TABLE alerts ADD COLUMN rescreen_run BIGINT",
           "ALTER TABLE alerts ADD COLUMN delisted TEXT",
           "CREATE INDEX alerts_entity ON alerts (entity_id, id)",
           "CREATE INDEX alerts_rescreen_run ON alerts (rescreen_run, id)",
           "CREATE TABLE webhook_deliveries ("
           " id {ID},"
           " event_id TEXT NOT NULL,"
           " url TEXT NOT NULL,"
           " rescreen_run BIGINT,"
           " alerts BIGINT NOT NULL,"
           " status TEXT NOT NULL,"
           " attempts BIGINT NOT NULL,"
           " http_status BIGINT NOT NULL,"
           " error TEXT NOT NULL,"
           " first_attempt_at TEXT NOT NULL,"
           " last_attempt_at TEXT NOT NULL)",
       }},
      // Ownership and control edges (issue 15, `vigil ownership import`): each end as the
      // file gave it and as resolved (a party, a listed entity, a name match with its score
      // and the entity matched, or an outside node by name), the share as written and its
      // bounds, and where the row came from.
      {5,
       {
           "CREATE TABLE ownership_edges ("
           " id {ID},"
           " owner_given TEXT NOT NULL,"
           " owner_node TEXT NOT NULL,"
           " owner_how TEXT NOT NULL,"
           " owner_score DOUBLE PRECISION NOT NULL,"
           " owner_matched_id TEXT NOT NULL,"
           " owner_matched_name TEXT NOT NULL,"
           " owned_given TEXT NOT NULL,"
           " owned_node TEXT NOT NULL,"
           " owned_how TEXT NOT NULL,"
           " owned_score DOUBLE PRECISION NOT NULL,"
           " owned_matched_id TEXT NOT NULL,"
           " owned_matched_name TEXT NOT NULL,"
           " percentage TEXT NOT NULL,"
           " low DOUBLE PRECISION NOT NULL,"
           " high DOUBLE PRECISION NOT NULL,"
           " kind TEXT NOT NULL,"
           " source TEXT NOT NULL,"
           " as_of TEXT NOT NULL,"
           " file TEXT NOT NULL,"
           " line BIGINT NOT NULL,"
           " imported_at TEXT NOT NULL,"
           " by_principal TEXT NOT NULL,"
           " review TEXT NOT NULL)",
           "CREATE INDEX ownership_edges_owner ON ownership_edges (owner_node, id)",
           "CREATE INDEX ownership_edges_owned ON ownership_edges (owned_node, id)",
       }},
      // Reviews of the name matches of ownership imports (`vigil ownership review`): each
      // end's review ("" when not a name match, "to_review", "accepted", "rejected"; a
      // rejected end keeps the match in its matched_* columns), who reviewed last, when and
      // why, and an index for the queue of edges to review.
      {6,
       {
           "ALTER TABLE ownership_edges ADD COLUMN owner_review TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE ownership_edges ADD COLUMN owned_review TEXT NOT NULL DEFAULT ''",
           "UPDATE ownership_edges SET owner_review = 'to_review' WHERE owner_how = 'name_match'",
           "UPDATE ownership_edges SET owned_review = 'to_review' WHERE owned_how = 'name_match'",
           "ALTER TABLE ownership_edges ADD COLUMN reviewed_by TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE ownership_edges ADD COLUMN reviewed_at TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE ownership_edges ADD COLUMN review_note TEXT NOT NULL DEFAULT ''",
           "CREATE INDEX ownership_edges_review ON ownership_edges (review, id)",
       }},
  };
  return kMigrations;
}

std::string ForDialect(std::string sql, sql::Dialect d) {
  auto replace = [&](std::string_view from, std::string_view to) {
    for (size_t p = sql.find(from); p != std::string::npos; p = sql.find(from, p + to.size())) {
      sql.replace(p, from.size(), to);
    }
  };
  replace("{WITHOUT_ROWID}", d == sql::Dialect::kSqlite ? " WITHOUT ROWID" : "");
  replace("{ID}", d == sql::Dialect::kSqlite
                      ? "INTEGER PRIMARY KEY"
                      : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  return sql;
}

Status CurrentVersion(sql::Connection& c, int* version) {
  sql::Rows rows;
  Status s = c.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, &rows);
  if (!s.ok()) return s;
  *version = rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
  return Status::Ok();
}

Status TooNew(const sql::Connection& c, int version) {
  return Status::Corruption(c.name() + ": written by a newer Vigil (schema " +
                            std::to_string(version) + "; this program knows up to " +
                            std::to_string(LatestSchemaVersion()) + "): upgrade Vigil to open it");
}

Status HasMigrationsTable(sql::Connection& c, bool* has) {
  sql::Rows rows;
  Status s = c.dialect() == sql::Dialect::kSqlite
                 ? c.Query(
                       "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                       "'schema_migrations'",
                       {}, &rows)
                 : c.Query(
                       "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                       "current_schema() AND table_name = 'schema_migrations'",
                       {}, &rows);
  if (!s.ok()) return s;
  *has = !rows.empty() && rows[0].Int(0) > 0;
  return Status::Ok();
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

Status Migrate(sql::Connection& c, const std::string& now, int* version) {
  // Look first without writing: an up-to-date database opens even when it is read-only.
  Status s = c.BeginRead();
  if (!s.ok()) return s;
  bool has = false;
  s = HasMigrationsTable(c, &has);
  int current = 0;
  if (s.ok() && has) s = CurrentVersion(c, &current);
  c.Rollback();
  if (!s.ok()) return s;
  if (current > LatestSchemaVersion()) return TooNew(c, current);
  if (has && current == LatestSchemaVersion()) {
    *version = current;
    return Status::Ok();
  }

  s = c.BeginWrite();
  if (!s.ok()) return s;
  auto fail = [&](Status st) {
    c.Rollback();
    return st;
  };
  s = c.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at "
      "TEXT NOT NULL)");
  if (!s.ok()) return fail(s);
  s = CurrentVersion(c, &current);  // again, under the write lock
  if (!s.ok()) return fail(s);
  if (current > LatestSchemaVersion()) return fail(TooNew(c, current));
  for (const Migration& m : Migrations()) {
    if (m.version <= current) continue;
    for (const char* stmt : m.statements) {
      s = c.Exec(ForDialect(stmt, c.dialect()));
      if (!s.ok()) return fail(s);
    }
    s = c.Query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                {static_cast<int64_t>(m.version), now}, nullptr);
    if (!s.ok()) return fail(s);
    current = m.version;
  }
  s = c.Commit();
  if (!s.ok()) return s;
  *version = current;
  return Status::Ok();
}

}  // namespace vigil::store
