// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The audit chain. Each record's hash is the SHA-256 (hex) of a JSON array of its content
// and the previous record's hash:
//
//   [seq, at, principal, action, object, detail (the stored text), prev_hash]
//
// The first record links to 64 zeros, or after a purge to the anchor (the last removed
// record's seq and hash, kept in audit_anchor). Verify walks the chain in seq order and
// names the first record that is missing (a gap in seq), out of order (its prev_hash is not
// the hash of the record before it), or altered (its hash does not match its content).

#include <algorithm>

#include "store/internal.h"
#include "util/file.h"

// GCC 12 reports a false "may be used uninitialized" inside std::variant's string member
// when an sql::Params is built from an initializer list.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace vigil::store {

using nlohmann::json;

std::string AuditHash(int64_t seq, const std::string& at, const std::string& principal,
                      const std::string& action, const std::string& object,
                      const std::string& detail_text, const std::string& prev_hash) {
  json a = json::array({seq, at, principal, action, object, detail_text, prev_hash});
  return util::Sha256Hex(Dump(a));
}

Status LoadAuditHead(sql::Connection& c, AuditHead* head) {
  sql::Rows rows;
  Status s = c.Query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", {}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) {
    s = c.Query("SELECT seq, hash FROM audit_anchor WHERE id = 1", {}, &rows);
    if (!s.ok()) return s;
  }
  if (rows.empty()) {
    head->seq = 0;
    head->hash = kZeroHash;
  } else {
    head->seq = rows[0].Int(0);
    head->hash = rows[0].Text(1);
  }
  return Status::Ok();
}

Status AppendAudit(sql::Connection& c, AuditHead* head, const std::string& at,
                   const std::string& principal, std::string_view action_view,
                   std::string_view object_view, const json& detail) {
  const std::string action(action_view), object(object_view);
  const std::string detail_text = Dump(detail);
  const int64_t seq = head->seq + 1;
  std::string hash = AuditHash(seq, at, principal, action, object, detail_text, head->hash);
  Status s = c.Query(
      "INSERT INTO audit (seq, at, principal, action, object, detail, prev_hash, hash) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8)",
      {seq, at, principal, action, object, detail_text, head->hash, hash}, nullptr);
  if (!s.ok()) return s;
  head->seq = seq;
  head->hash = std::move(hash);
  return Status::Ok();
}

Status Store::Audit(std::string_view action, std::string_view object, const json& detail,
                    const Actor& by) {
  if (action.empty()) return Status::InvalidArgument("an audit record needs an action");
  const std::string now = rep_->Now();
  return InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    AuditHead head;
    Status s = LoadAuditHead(c, &head);
    if (!s.ok()) return s;
    return AppendAudit(c, &head, now, by.principal, action, object, detail);
  });
}

namespace {

constexpr int64_t kPage = 5000;
constexpr std::string_view kAuditCols =
    "seq, at, principal, action, object, detail, prev_hash, hash";

AuditRecord ReadRecord(const sql::Row& r, std::string* detail_text) {
  AuditRecord a;
  a.seq = r.Int(0);
  a.at = r.Text(1);
  a.principal = r.Text(2);
  a.action = r.Text(3);
  a.object = r.Text(4);
  *detail_text = r.Text(5);
  a.prev_hash = r.Text(6);
  a.hash = r.Text(7);
  return a;
}

}  // namespace

Status Store::VerifyAudit(AuditVerify* out) { return VerifyAudit(AuditCheckpoint(), out); }

Status Store::VerifyAudit(const AuditCheckpoint& known, AuditVerify* out) {
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    AuditVerify v;
    sql::Rows rows;
    Status s = c.Query("SELECT seq, hash FROM audit_anchor WHERE id = 1", {}, &rows);
    if (!s.ok()) return s;
    int64_t expect_seq = 1;
    std::string expect_prev = kZeroHash;
    if (!rows.empty()) {
      expect_seq = rows[0].Int(0) + 1;
      expect_prev = rows[0].Text(1);
    }
    auto bad = [&](int64_t seq, std::string problem) {
      v.ok = false;
      v.first_bad_seq = seq;
      v.problem = std::move(problem);
    };
    // Rows before the anchor would be records the purge should have removed, or an anchor
    // moved forward over them: either way the chain is not what was written.
    s = c.Query("SELECT MIN(seq) FROM audit", {}, &rows);
    if (!s.ok()) return s;
    if (!rows.empty() && !rows[0].IsNull(0) && rows[0].Int(0) < expect_seq) {
      bad(rows[0].Int(0), "record " + std::to_string(rows[0].Int(0)) +
                              " is out of order (it comes before the purge anchor, record " +
                              std::to_string(expect_seq - 1) + ")");
      *out = std::move(v);
      return Status::Ok();
    }
    int64_t after = expect_seq - 1;
    while (v.ok) {
      s = c.Query(
          "SELECT " + std::string(kAuditCols) + " FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
          {after, kPage}, &rows);
      if (!s.ok()) return s;
      for (const sql::Row& r : rows) {
        std::string detail;
        AuditRecord a = ReadRecord(r, &detail);
        after = a.seq;
        if (a.seq != expect_seq) {
          bad(expect_seq, "record " + std::to_string(expect_seq) + " is missing (record " +
                              std::to_string(a.seq) + " follows record " +
                              std::to_string(expect_seq - 1) + ")");
          break;
        }
        if (a.prev_hash != expect_prev) {
          bad(a.seq, "record " + std::to_string(a.seq) +
                         " is out of order (it does not link to the record before it: its "
                         "previous-record hash differs)");
          break;
        }
        if (AuditHash(a.seq, a.at, a.principal, a.action, a.object, detail, a.prev_hash) !=
            a.hash) {
          bad(a.seq, "record " + std::to_string(a.seq) +
                         " was altered (its hash does not match its content)");
          break;
        }
        if (known.seq != 0 && a.seq == known.seq && a.hash != known.hash) {
          bad(a.seq, "record " + std::to_string(a.seq) +
                         " is not the record recorded as the head earlier (its hash differs: "
                         "the chain was rewritten from there)");
          break;
        }
        ++v.records;
        ++expect_seq;
        expect_prev = a.hash;
      }
      if (static_cast<int64_t>(rows.size()) < kPage) break;
    }
    if (v.ok && expect_seq > 1) {
      v.head_seq = expect_seq - 1;
      v.head_hash = expect_prev;
    }
    if (v.ok && known.seq > v.head_seq) {
      bad(v.head_seq + 1,
          "record " + std::to_string(v.head_seq + 1) + " is missing: the chain ends at record " +
              std::to_string(v.head_seq) + " but record " + std::to_string(known.seq) +
              " was its head earlier (records were removed from its end)");
    }
    if (v.ok) v.problem.clear();
    *out = std::move(v);
    return Status::Ok();
  });
}

Status Store::ExportAudit(std::string_view from_view, std::string_view to_view,
                          const std::function<void(const AuditRecord&)>& fn) {
  const std::string from(from_view), to(to_view);
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    int64_t after = -1;
    while (true) {
      std::string sql = "SELECT " + std::string(kAuditCols) + " FROM audit WHERE seq > $1";
      sql::Params params = {after};
      if (!from.empty()) {
        params.push_back(from);
        sql += " AND at >= $" + std::to_string(params.size());
      }
      if (!to.empty()) {
        params.push_back(to);
        sql += " AND at < $" + std::to_string(params.size());
      }
      params.push_back(kPage);
      sql += " ORDER BY seq LIMIT $" + std::to_string(params.size());
      sql::Rows rows;
      Status s = c.Query(sql, params, &rows);
      if (!s.ok()) return s;
      for (const sql::Row& r : rows) {
        std::string detail;
        AuditRecord a = ReadRecord(r, &detail);
        a.detail = Parse(detail);
        after = a.seq;
        fn(a);
      }
      if (static_cast<int64_t>(rows.size()) < kPage) return Status::Ok();
    }
  });
}

Status Store::LastAudit(const std::vector<std::string>& actions, AuditRecord* out, bool* found) {
  *found = false;
  if (actions.empty()) return Status::Ok();
  return InRead(rep_.get(), [&](sql::Connection& c) -> Status {
    std::string sql = "SELECT " + std::string(kAuditCols) + " FROM audit WHERE action IN (";
    sql::Params params;
    for (const std::string& a : actions) {
      params.push_back(a);
      sql += (params.size() > 1 ? ", $" : "$") + std::to_string(params.size());
    }
    sql += ") ORDER BY seq DESC LIMIT 1";
    sql::Rows rows;
    Status s = c.Query(sql, params, &rows);
    if (!s.ok() || rows.empty()) return s;
    std::string detail;
    *out = ReadRecord(rows[0], &detail);
    out->detail = Parse(detail);
    *found = true;
    return Status::Ok();
  });
}

Status Store::PurgeAudit(std::string_view before_view, const Actor& by, int64_t* removed) {
  const std::string before(before_view);
  const std::string now = rep_->Now();
  if (before.size() < 10 || before[4] != '-' || before[7] != '-') {
    return Status::InvalidArgument("purge date '" + before + "' is not an ISO date (YYYY-MM-DD)");
  }
  // Ten years before now, same day and time.
  int year = std::atoi(now.substr(0, 4).c_str());
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", std::max(0, year - 10));
  const std::string limit = std::string(buf) + now.substr(4);
  if (before > limit) {
    return Status::InvalidArgument("audit records are kept ten years: the purge date " + before +
                                   " must be on or before " + limit.substr(0, 10));
  }
  int64_t n = 0;
  Status s = InWrite(rep_.get(), [&](sql::Connection& c) -> Status {
    sql::Rows rows;
    // The newest record older than `before`: it and everything before it go; it becomes the
    // anchor the first kept record links to.
    Status st = c.Query(
        "SELECT seq, hash, at FROM audit WHERE seq = (SELECT MAX(seq) FROM audit WHERE at < $1)",
        {before}, &rows);
    if (!st.ok()) return st;
    AuditHead head;
    if (!rows.empty()) {
      const int64_t anchor_seq = rows[0].Int(0);
      const std::string anchor_hash = rows[0].Text(1), anchor_at = rows[0].Text(2);
      sql::Rows counted;
      st = c.Query("SELECT count(*) FROM audit WHERE seq <= $1", {anchor_seq}, &counted);
      if (!st.ok()) return st;
      n = counted.empty() ? 0 : counted[0].Int(0);
      // The chain's end must stay: when every record goes, the purge record links to the
      // anchor (LoadAuditHead reads it when the table is empty).
      st = c.Query("DELETE FROM audit_anchor WHERE id = 1", {}, nullptr);
      if (!st.ok()) return st;
      st = c.Query("INSERT INTO audit_anchor (id, seq, hash, at) VALUES (1, $1, $2, $3)",
                   {anchor_seq, anchor_hash, anchor_at}, nullptr);
      if (!st.ok()) return st;
      st = LoadAuditHead(c, &head);  // before the delete: the true end of the chain
      if (!st.ok()) return st;
      st = c.Query("DELETE FROM audit WHERE seq <= $1", {anchor_seq}, nullptr);
      if (!st.ok()) return st;
      return AppendAudit(c, &head, now, by.principal, "audit.purge", "audit",
                         {{"before", before},
                          {"removed", n},
                          {"anchor", {{"seq", anchor_seq}, {"hash", anchor_hash}}}});
    }
    st = LoadAuditHead(c, &head);
    if (!st.ok()) return st;
    return AppendAudit(c, &head, now, by.principal, "audit.purge", "audit",
                       {{"before", before}, {"removed", 0}});
  });
  if (!s.ok()) return s;
  if (removed != nullptr) *removed = n;
  return Status::Ok();
}

}  // namespace vigil::store
