// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The case store: the parties a business screens, every screening and what it found, the
// alerts, the analysts' decisions, and a hash-chained audit trail of all of it.
//
//   std::unique_ptr<store::Store> db;
//   Status s = store::Store::Open("vigil.db", {}, &db);            // SQLite, one file
//   Status s = store::Store::Open("postgresql:///vigil?host=/run/pg", {}, &db);  // PostgreSQL
//
// Two backends, one schema, one implementation of the logic above SQL (src/store/sql.h):
// SQLite (the embedded default: WAL, synchronous=FULL) and PostgreSQL (several `vigil
// serve` replicas on one database). Schema migrations are versioned and run on Open();
// opening a database written by a newer schema fails with a clear message.
//
// Every method that writes runs in one transaction, serialized with every other writer of
// the same database, in whatever process (SQLite: BEGIN IMMEDIATE; PostgreSQL: a
// transaction-level advisory lock), and appends its audit record(s) in that transaction: a
// change is there with its audit record or not at all.
//
// Errors: Status::Conflict (a decision against a stale alert version), NotFound,
// InvalidArgument (bad input, named), Unavailable (the database cannot be written: read-only
// file, full disk, server gone; the service answers 503), Corruption (the schema is newer
// than this program, or the database is not Vigil's).
//
// Thread safety: a Store may be used from any number of threads at once (it keeps a small
// pool of connections).

#ifndef VIGIL_STORE_STORE_H_
#define VIGIL_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/party.h"
#include "vigil/status.h"

namespace vigil::store {

// Who did it: the API key's principal, the CLI's --by (default: the login name), or
// "system" for what the program does on its own. Every audit record names one.
struct Actor {
  std::string principal;
};

// Times are ISO 8601 UTC with milliseconds: "2026-11-29T09:17:59.123Z".
using Clock = std::function<std::string()>;

struct OpenOptions {
  // For tests: the time every record is stamped with (default: the system clock).
  Clock clock;
  // Connections kept for concurrent readers (SQLite: writers still go one at a time).
  int pool_size = 4;
};

// ---- Parties ----

struct PartyVersion {
  int64_t version = 0;  // 1, 2, ... per party
  std::string recorded_at;
  std::string recorded_by;
  nlohmann::json record;      // model::ToJson(party) as imported
  std::string screened_hash;  // model::JsonHash(model::ScreenedFields(party))
};

// PutParties() adds its counts to these (one summary can span several batches).
struct ImportSummary {
  int64_t added = 0;      // new party ids
  int64_t changed = 0;    // a new version of an existing party
  int64_t unchanged = 0;  // same record as the latest version: nothing written
  // Ids to screen: new parties and parties whose screened fields changed.
  std::vector<std::string> changed_screened;
  // Every new or changed party (any field: an address or a website changes its links,
  // graph/exposure_alerts.h, even when its screening does not change).
  std::vector<std::string> changed_ids;
};

// ---- Lists, screenings, alerts ----

// One list file a screening used.
struct ListFile {
  std::string source;     // "us_ofac_sdn"
  std::string file;       // "sdn.csv"
  std::string sha256;     // of the file
  std::string published;  // the list's publication date, when known
  int64_t entities = 0;
};

// A (party, listed entity) pair scoring at or above the review threshold in a screening.
struct Hit {
  std::string entity_id;  // "us_ofac_sdn:22323"
  std::string list;       // the entity's source: "us_ofac_sdn"
  std::string entity_name;
  double score = 0;
  std::string band;              // "match" or "review"
  nlohmann::json explanation;    // screen::PartyHit::match
  nlohmann::json entity_record;  // screen::PartyHit::entity_record
};

struct ScreeningInput {
  std::string party_id;
  int64_t party_version = 0;  // the version screened (its record gives the screened fields)
  std::vector<ListFile> lists;
  std::string lists_version;  // model::ListsVersion: one short name for all the files
  std::vector<Hit> hits;      // every hit at or above the review threshold
  // Pairs scoring under the review threshold but within kNearMissMargin of it
  // (screen_parties.h): not alerts, but kept (party_pairs) so that a later list update
  // re-screens the parties whose score may cross the threshold when token weights move.
  std::vector<std::pair<std::string, double>> near;  // (entity id, score)
  // The re-screen run this screening belongs to (0: none); alerts it raises name it.
  int64_t rescreen_run = 0;
};

// What became of each hit of a screening.
enum class HitOutcome {
  kNewAlert,    // no alert for the pair before: a new one
  kReAlert,     // suppressed or closed before, but the entity or the party changed: a new
                // alert with the field diff
  kExisting,    // the pair has an open (or escalated) alert: not duplicated (its score,
                // explanation and hashes are refreshed when they changed)
  kSuppressed,  // decided false_positive and neither side changed: no alert, recorded
  kConfirmed,   // decided true_match and neither side changed: no new alert, recorded
};
std::string_view ToString(HitOutcome o);  // "new_alert", "re_alert", "existing", ...

struct ScreeningResult {
  int64_t screening_id = 0;
  std::vector<std::pair<HitOutcome, int64_t>> outcomes;  // per input hit: (outcome, alert id)
  int64_t new_alerts = 0;                                // kNewAlert + kReAlert
};

struct Screening {
  int64_t id = 0;
  std::string party_id;
  int64_t party_version = 0;
  std::string at, by, lists_version;
  std::vector<ListFile> lists;
  // Every hit with its outcome: {"entity_id", "entity_name", "list", "score", "band",
  // "outcome", "alert_id"}.
  nlohmann::json hits = nlohmann::json::array();
};

// Alert states. An alert is open until decided; `escalate` keeps it open as "escalated".
enum class AlertState { kOpen, kEscalated, kTrueMatch, kFalsePositive, kClosed };
std::string_view ToString(AlertState s);  // "open", "escalated", "true_match", ...
std::optional<AlertState> ParseAlertState(std::string_view s);

enum class DecisionKind { kTrueMatch, kFalsePositive, kEscalate, kClose };
std::string_view ToString(DecisionKind d);  // "true_match", "false_positive", "escalate",
                                            // "close" (system only: a delisting)
std::optional<DecisionKind> ParseDecisionKind(std::string_view s);

struct DecisionRecord {
  int64_t id = 0;
  int64_t alert_id = 0;
  DecisionKind decision = DecisionKind::kEscalate;
  std::string reason;
  std::string by;
  std::string at;
  int64_t alert_version = 0;  // the alert version it was made against
};

struct Alert {
  int64_t id = 0;
  std::string party_id;
  int64_t party_version = 0;
  std::string entity_id, entity_name, list;
  double score = 0;
  std::string band;  // "match" or "review"
  AlertState state = AlertState::kOpen;
  int64_t version = 1;  // +1 per decision or refresh: the If-Match of a decision
  std::string created_at, updated_at;
  int64_t screening_id = 0;
  std::string lists_version;
  nlohmann::json explanation;
  std::string party_hash, entity_hash;
  nlohmann::json party_fields;   // the party's screened fields when raised
  nlohmann::json entity_record;  // the listed record when raised
  // When it re-opens a suppressed or decided pair: the earlier alert and what changed,
  // {"party": FieldDiff, "entity": FieldDiff}; null otherwise.
  int64_t previous_alert_id = 0;
  nlohmann::json changes;
  std::vector<std::string> party_tags;
  std::vector<DecisionRecord> history;  // oldest first (filled by GetAlert only)
  // The re-screen run (a list update) that raised it; 0 when raised by a screening of the
  // party itself.
  int64_t rescreen_run = 0;
  // Set when its entity was removed from its list: "delisted in us_ofac_sdn version
  // 2024-05-13 (a1b2c3d4e5f6)"; empty otherwise.
  std::string delisted;
};

struct AlertQuery {
  std::string status = "open";  // "open" (open + escalated), "decided", "all", or one state
  std::string band;             // "", "match", "review"
  std::string list;             // "" or a source
  std::string tag;              // "" or a party tag
  std::string party_id;         // "" or one party
  int64_t rescreen_run = 0;     // 0 or the re-screen run that raised the alerts
  std::string sort = "score";   // "score" (best first) or "age" (oldest first)
  int64_t limit = 50;           // at most 500
  int64_t offset = 0;
};

struct AlertPage {
  std::vector<Alert> alerts;  // without history
  int64_t total = 0;          // matching the query, all pages
  // Alerts per state, over the whole store (the queue's counters).
  std::map<std::string, int64_t> counts;
};

struct PartyDetail {
  std::string id;
  std::vector<PartyVersion> versions;  // oldest first
  std::vector<Screening> screenings;   // newest first
  std::vector<Alert> alerts;           // newest first, with history
};

// ---- Red flags (issue 16: src/redflags, src/store/red_flag_alerts.h) ----

// A red-flag alert is an alert like any other, on a fixed pseudo-entity: entity_id
// kRedFlagEntityId, list kRedFlagList, band "high". Its explanation holds the flags and the
// cluster; its entity_record the flags' signature (what a decision is made against: a pair
// decided false_positive re-alerts only when the signature changed).
inline constexpr std::string_view kRedFlagEntityId = "redflags:it-worker";
inline constexpr std::string_view kRedFlagList = "red-flags";
inline constexpr std::string_view kRedFlagEntityName = "IT-worker red flags";

// One party whose red flags open (or refresh) an alert.
struct RedFlagAlertInput {
  std::string party_id;
  int64_t party_version = 0;  // the version evaluated (must be in the store)
  double score = 0;
  std::string band = "high";
  // {"kind": "red_flags", "risk", "score", "flags": [...], "cluster": {...}|null}
  nlohmann::json explanation;
  // The signature of the flags: {"id": kRedFlagEntityId, "rules": [...], "flags": [...]}.
  nlohmann::json signature;
};

struct RedFlagAlertResult {
  std::vector<std::pair<HitOutcome, int64_t>> outcomes;  // per input: (outcome, alert id)
  int64_t new_alerts = 0;                                // alerts opened, re-alerts included
  int64_t re_alerts = 0;   // of new_alerts: decided pairs re-opened (the flags changed)
  int64_t existing = 0;    // open alerts refreshed (or already up to date)
  int64_t suppressed = 0;  // decided false_positive, same flags: no alert
  int64_t confirmed = 0;   // decided true_match, same flags: no new alert
};

// ---- Ownership and control edges (issue 15: `vigil ownership import`) ----

// One end of an imported edge: as given in the file and as resolved.
struct OwnershipEnd {
  std::string given;  // the text of the file's owner / owned column
  // The graph node it resolved to: "party:P-1", a listed entity id ("us_ofac_sdn:123"), or
  // "name:<given>" (an outside node, when nothing resolved).
  std::string node;
  std::string how;           // "party", "entity", "name_match", "unresolved"
  double score = 0;          // name_match: the screener's score
  std::string matched_id;    // name_match: the entity matched
  std::string matched_name;  // name_match: its primary name
  // The analyst's review of a name match: "" (not a name match), "to_review", "accepted"
  // (the match stands; how stays "name_match") or "rejected" (how is then "rejected_match"
  // with node "name:<given>", or "party"/"entity" with the node the analyst gave;
  // score, matched_id and matched_name keep the rejected match).
  std::string review;
};

struct OwnershipEdgeRecord {
  int64_t id = 0;  // set by the store
  OwnershipEnd owner, owned;
  std::string percentage;  // as given: "60", "25-50", "" (unknown)
  double low = 0, high = 100;
  std::string kind;  // ownership, control, director, officer, family
  std::string source, as_of;
  std::string file;  // the import file's name
  int64_t line = 0;
  std::string imported_at, by;  // set by the store
  // "accepted" when both ends resolved by id or stayed outside nodes; "to_review" while an
  // end is a name match nobody reviewed yet (the match is recorded and counts in the graph
  // meanwhile; ReviewOwnershipEdge settles it).
  std::string review = "accepted";
  // The latest review (ReviewOwnershipEdge); empty until then.
  std::string reviewed_by, reviewed_at, review_note;
};

// An analyst's review of the name-matched end(s) of an edge (Store::ReviewOwnershipEdge).
struct OwnershipReview {
  std::string decision;  // "accept" | "reject"
  std::string end;       // "owner" | "owned" | "" (every name-matched end still to review)
  // reject: the node the end points to instead: a party "party:P", a listed entity id, or
  // "" (keep the end as an outside node "name:<given>"). Must be empty for accept.
  std::string node;
  std::string note;
};

struct OwnershipImportSummary {
  int64_t edges = 0;
  int64_t name_matches = 0;  // ends resolved by a name match (to review)
  int64_t unresolved = 0;    // ends kept as outside nodes
};

// An exposure alert (issue 15, src/graph/exposure.h): an alert like any other on the
// pseudo-entity "exposure:<listed entity id>", list kExposureList. Its explanation holds the
// path; its entity_record the path's signature (a pair decided false_positive re-alerts only
// when the signature changed).
inline constexpr std::string_view kExposureList = "links";
inline constexpr std::string_view kExposureEntityPrefix = "exposure:";

struct ExposureAlertInput {
  std::string party_id;
  int64_t party_version = 0;  // the version evaluated (must be in the store)
  std::string entity_id;      // the listed entity at the end of the path
  std::string entity_name;
  double score = 0;  // the exposure level, 0..1
  std::string band = "review";
  nlohmann::json explanation;  // {"kind": "exposure", "status", "paths": [...], ...}
  nlohmann::json signature;    // what a decision is made against
};

// ---- List versions and ongoing screening ----

// What the store keeps of one listed entity in one list version: enough to tell what a
// later version changed without keeping the list itself.
struct EntityDigest {
  std::string id;           // "us_ofac_sdn:22323"
  std::string record_hash;  // model::JsonHash(model::ToJson(entity)): the alerts' entity_hash
  // model::JsonHash(model::ScreenedEntityFields(entity)): what a screening reads of it.
  std::string screened_hash;
  std::vector<std::string> names;  // Name::full of every name, in list order
};

// A pair of a party's latest screening: a hit or a near miss (ScreeningInput::near).
struct PartyPair {
  std::string party_id, entity_id;
  double score = 0;
};

// One version of one list (one source), as recorded.
struct ListVersion {
  int64_t id = 0;
  std::string source;  // "us_ofac_sdn"
  // sha256 (hex) over the sorted "file:sha256" lines of its files: equal files, equal key.
  std::string key;
  std::vector<ListFile> files;
  std::string published;  // the list's publication date, when known
  int64_t entities = 0;
  std::string loaded_at;  // when this store first recorded it
  std::string loaded_by;
};

// A list version to record: its files and the digest of every entity.
struct ListVersionInput {
  std::string source;
  std::string key;  // as ListVersion::key (ListVersionKey() in rescreen.h computes it)
  std::vector<ListFile> files;
  std::string published;
  std::vector<EntityDigest> digests;  // one per entity, in list order
};

// A run that brought the stored parties up to date with new list versions: "delta" (only
// what the change touches) or "full" (every party; also `vigil parties screen`).
struct RescreenRun {
  int64_t id = 0;
  std::string kind;    // "delta" or "full"
  std::string status;  // "running", "done", "failed"
  std::string started_at, finished_at, by;
  std::string from_lists_version;  // the baseline it started from ("" on a first run)
  std::string to_lists_version;
  // The list versions it brought the parties to, per source (ListVersion::id).
  std::map<std::string, int64_t> to_versions;
  // Counts as the run reports them: {"added": .., "changed": .., "removed": ..,
  // "parties_screened": .., "new_alerts": .., ...} (rescreen.h, RescreenSummary::ToJson).
  nlohmann::json counts = nlohmann::json::object();
  std::string error;  // why it failed
};

// One attempt series to deliver a notification to a webhook.
struct WebhookDelivery {
  int64_t id = 0;
  std::string event_id;  // the X-Vigil-Event-Id sent (unique per notification)
  std::string url;       // the endpoint, without credentials or query string
  int64_t rescreen_run = 0;
  int64_t alerts = 0;   // alerts the notification carried
  std::string status;   // "delivered" or "failed"
  int attempts = 0;     // requests made
  int http_status = 0;  // of the last attempt (0: no answer)
  std::string error;    // the last failure, when any
  std::string first_attempt_at, last_attempt_at;
};

// ---- Audit ----

struct AuditRecord {
  int64_t seq = 0;  // 1, 2, ... without gaps (a purge keeps an anchor)
  std::string at;
  std::string principal;
  std::string action;     // "party.import", "party.update", "screening", "alert.raise",
                          // "alert.decide", "lists.reload", "config.change", "audit.purge", ...
  std::string object;     // "party:P-1", "alert:17", ...
  nlohmann::json detail;  // what, with "before"/"after" where it applies
  std::string prev_hash;  // the previous record's hash (the anchor's for the first)
  std::string hash;       // SHA-256 over this record's content and prev_hash
};

struct AuditVerify {
  bool ok = true;
  int64_t records = 0;        // records checked
  int64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;        // "record 17 was altered (its hash does not match its content)",
                              // "record 18 is missing", "record 20 is out of order", ...
  // The newest record of the chain (0 and "" when empty). The chain alone cannot show that
  // its newest records were removed: keep the head somewhere else (a ticket, a signed log)
  // and give it back to VerifyAudit as `known` later.
  int64_t head_seq = 0;
  std::string head_hash;
};

// A head recorded earlier (AuditVerify::head_seq/head_hash).
struct AuditCheckpoint {
  int64_t seq = 0;
  std::string hash;
};

class Store {
 public:
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  // `db`: a file path (SQLite, created when absent) or a "postgresql://" / "postgres://"
  // URL (libpq's syntax). Runs pending migrations.
  static Status Open(std::string_view db, const OpenOptions& options, std::unique_ptr<Store>* out);

  std::string_view backend() const;  // "sqlite" or "postgresql"
  int schema_version() const;

  // Adds or updates parties by id, in one transaction (each party as model::ParseParty read
  // it: its record, which is what is stored, must carry its id; InvalidArgument otherwise): a
  // record equal to the latest version writes nothing; a different one adds a version. One audit
  // record per party added or changed ("party.import" / "party.update", with the field diff).
  Status PutParties(const std::vector<model::Party>& parties, const Actor& by,
                    ImportSummary* summary);

  // The latest version of a party (NotFound when unknown).
  Status GetParty(std::string_view id, PartyVersion* out);
  // Versions, screenings and alerts of one party.
  Status GetPartyDetail(std::string_view id, PartyDetail* out);
  // Calls `fn` with the latest version of every party, in id order, `batch` at a time
  // (stops early when fn returns false); each Party's stored_version is set.
  Status ForEachParty(size_t batch,
                      const std::function<bool(const std::vector<model::Party>&)>& fn);
  int64_t CountParties();

  // Records screenings (one per input, in one transaction): the screening row whatever
  // it found, new alerts, suppressed and confirmed pairs, and the audit records
  // ("screening" per party, "alert.raise" per new alert). results->size() == inputs.size().
  Status RecordScreenings(const std::vector<ScreeningInput>& inputs, const Actor& by,
                          std::vector<ScreeningResult>* results);

  // Opens or refreshes the red-flag alerts of `inputs` in one transaction, deduplicated as
  // RecordScreenings does (an open alert for the party is refreshed, not duplicated; a
  // decided one stays decided while the signature is the same), with "alert.raise" /
  // "alert.refresh" records, and one "redflags.run" audit record (object
  // kRedFlagEntityId) whose detail is `run` (the caller's counts: parties per risk,
  // clusters, rules) plus the outcome counts. `lists_version`: the alerts' lists_version
  // (the rules' version). NotFound when a party version is not in the store.
  Status RecordRedFlagAlerts(const std::vector<RedFlagAlertInput>& inputs,
                             std::string_view lists_version, const nlohmann::json& run,
                             const Actor& by, RedFlagAlertResult* result);

  Status GetAlert(int64_t id, Alert* out);  // with history
  Status ListAlerts(const AlertQuery& query, AlertPage* out);

  // Appends a decision. `expected_version`, when given, must equal the alert's version
  // (else Conflict, nothing written). false_positive needs a non-empty reason. Decisions are
  // never changed or removed; the alert's state follows the latest.
  Status Decide(int64_t alert_id, DecisionKind decision, std::string_view reason,
                std::optional<int64_t> expected_version, const Actor& by, Alert* updated);

  // ---- List versions and ongoing screening ----

  // Records list versions not recorded yet (same source and key: nothing written) and the
  // combined `lists_version` (model::ListsVersion) as the set of them; audits each new one
  // ("lists.version": source, key, files, entities). *ids (may be null): the ListVersion id
  // of each input, in order.
  Status RecordListVersions(const std::string& lists_version,
                            const std::vector<ListVersionInput>& lists, const Actor& by,
                            std::vector<int64_t>* ids);
  // Every recorded list version, newest first (without digests).
  Status ListListVersions(std::vector<ListVersion>* out);
  Status GetListVersion(int64_t id, ListVersion* out);  // NotFound when unknown
  // The entity digests of a recorded version, in list order.
  Status GetListDigests(int64_t list_version_id, std::vector<EntityDigest>* out);
  // The version of `source` that the latest finished ("done") re-screen run brought the
  // parties to; *found false when no run covered the source yet.
  Status GetBaseline(std::string_view source, ListVersion* out, bool* found);

  // Starts a run (status "running"); *id receives its id.
  Status BeginRescreenRun(std::string_view kind, std::string_view from_lists_version,
                          std::string_view to_lists_version,
                          const std::map<std::string, int64_t>& to_versions, const Actor& by,
                          int64_t* id);
  // Ends a run as "done" (ok) or "failed" (`error` says why) with its counts, and appends
  // one audit record for it ("rescreen", object "rescreen:ID", detail: kind, versions,
  // counts, error). Only a "done" run moves the baseline.
  Status FinishRescreenRun(int64_t id, bool ok, const nlohmann::json& counts,
                           std::string_view error, const Actor& by);
  Status GetRescreenRun(int64_t id, RescreenRun* out);                    // NotFound when unknown
  Status ListRescreenRuns(int64_t limit, std::vector<RescreenRun>* out);  // newest first

  // Parties a re-screen must screen whatever changed in the lists: never screened, or
  // their screened fields changed since their latest screening. In id order.
  Status PartiesToRescreen(std::vector<std::string>* ids);
  // Parties whose latest screening has a pair (a hit or a near miss, see
  // ScreeningInput::near) scoring at least `min_score` with one of `entity_ids` (empty:
  // with any entity). In id order, each once.
  Status PartiesWithPairs(const std::vector<std::string>& entity_ids, double min_score,
                          std::vector<std::string>* ids);
  // The pairs of the parties' latest screenings scoring at least `min_score` (hits and near
  // misses), ordered by party then entity.
  Status PairsAbove(double min_score, std::vector<PartyPair>* pairs);
  // A counter that grows with every party added or changed (PutParties); with
  // PartiesChangedSince it tells what changed after a reverse index of the parties was built.
  // Only a change a screening can see moves it: a new party, or one whose screened fields
  // changed (a new version that only changes tags or notes does not).
  Status PartyChangeSeq(int64_t* seq);
  // *ids = the ids of the parties changed after `seq`, sorted.
  Status PartiesChangedSince(int64_t seq, std::vector<std::string>* ids);
  // The latest versions of the given parties (stored_version set), in id order, each once;
  // unknown ids are skipped.
  Status GetParties(const std::vector<std::string>& ids, std::vector<model::Party>* out);

  // The entities `entity_ids` were removed from their list in the version `label` names
  // ("us_ofac_sdn version 2024-05-13 (a1b2c3d4e5f6)"). Every alert on them gets
  // Alert::delisted = "delisted in " + label; open and escalated ones are closed by a
  // system decision ("close", reason the same text), audited like any decision. Nothing
  // is deleted; an alert already marked is left alone. *annotated, *closed may be null.
  Status CloseDelisted(const std::vector<std::string>& entity_ids, std::string_view label,
                       int64_t rescreen_run, const Actor& by, int64_t* annotated, int64_t* closed);

  // ---- Ownership ----

  // Adds imported ownership/control edges in one transaction (all or none), with one
  // "ownership.import" audit record (object "ownership:<file>", detail: file, the counts).
  // InvalidArgument (naming file and line) for a row without owner or owned, or low > high.
  Status PutOwnershipEdges(const std::vector<OwnershipEdgeRecord>& edges, const Actor& by,
                           OwnershipImportSummary* summary);
  // Every stored edge, in id (import) order; to_review_only: only the edges with
  // review "to_review".
  Status ListOwnershipEdges(std::vector<OwnershipEdgeRecord>* out, bool to_review_only = false);
  Status GetOwnershipEdge(int64_t id, OwnershipEdgeRecord* out);  // NotFound when unknown
  // Records an analyst's review of the name match(es) of edge `edge_id`, in one transaction
  // with one "ownership.review" audit record (object "ownership_edge:<id>", detail: the
  // review and the edge "before"/"after"). accept: the end's review becomes "accepted".
  // reject: the end points to r.node (see OwnershipReview) and keeps the rejected match.
  // The edge's review becomes "accepted" when no end is left to review. The store checks
  // that a "party:P" node names a stored party; the caller checks that an entity id is on
  // the loaded lists. NotFound for an unknown edge; InvalidArgument (saying why) for a bad
  // decision, end or node, or an end (edge) that is not to review. *updated may be null.
  Status ReviewOwnershipEdge(int64_t edge_id, const OwnershipReview& r, const Actor& by,
                             OwnershipEdgeRecord* updated = nullptr);
  // Opens or refreshes exposure alerts (one per input; entity_id kExposureEntityPrefix +
  // entity_id, list kExposureList), deduplicated as RecordRedFlagAlerts does, with
  // "alert.raise" / "alert.refresh" records and one "exposure.run" audit record whose
  // detail is `run` plus the outcome counts. NotFound when a party version is not stored.
  Status RecordExposureAlerts(const std::vector<ExposureAlertInput>& inputs,
                              std::string_view lists_version, const nlohmann::json& run,
                              const Actor& by, RedFlagAlertResult* result);

  // Records a webhook delivery (its final outcome) and audits it ("webhook.delivery").
  Status RecordWebhookDelivery(const WebhookDelivery& d, const Actor& by, int64_t* id);
  Status ListWebhookDeliveries(int64_t limit, std::vector<WebhookDelivery>* out);  // newest first

  // Appends one audit record of the caller's own ("lists.reload", "config.change", ...).
  Status Audit(std::string_view action, std::string_view object, const nlohmann::json& detail,
               const Actor& by);
  // Checks the whole chain; Ok() even when it is broken (see out->ok).
  Status VerifyAudit(AuditVerify* out);
  // The same, and the record `known.seq` must still be in the chain with `known.hash`: fails
  // (out->ok false) when the chain now ends before it (records removed from its end) or
  // that record differs (the chain was rewritten from there).
  Status VerifyAudit(const AuditCheckpoint& known, AuditVerify* out);
  // Records with from <= at < to (ISO dates or times; empty: open), in order.
  Status ExportAudit(std::string_view from, std::string_view to,
                     const std::function<void(const AuditRecord&)>& fn);
  // The newest record whose action is one of `actions` (*found false when none).
  Status LastAudit(const std::vector<std::string>& actions, AuditRecord* out, bool* found);
  // Deletes records older than `before`, which must be at least ten years before now
  // (InvalidArgument otherwise), keeping the chain verifiable (an anchor) and auditing the
  // purge itself. *removed: how many.
  Status PurgeAudit(std::string_view before, const Actor& by, int64_t* removed);

 private:
  struct Rep;
  explicit Store(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace vigil::store

#endif  // VIGIL_STORE_STORE_H_
