// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Re-screening the stored parties when a list changes (store/rescreen.h): the scenarios of
// issue 14 on two hand-written versions of an OFAC list, and the equivalence of a delta
// re-screen with a full one on the real OFAC change 2021-07 -> 2024-05 with 100,000
// parties (../shared; VIGIL_RESCREEN_PARTIES sets fewer).
#include "store/rescreen.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "cli/run_program.h"
#include "model/diff.h"
#include "model/list_status.h"
#include "model/party.h"
#include "store/postgres_server.h"
#include "test_util.h"
#include "util/csv.h"
#include "util/file.h"

namespace vigil::store {
namespace {

namespace fs = std::filesystem;

using testing::OfacRow;
using testing::WriteOfacVersion;

// Version 1 and version 2 of a small list: 1000 and 1004 unchanged, 1001 changed outside
// the screened fields (a program added), 1002 changed for screening (a date of birth),
// 1003 removed, 1005 added.
std::string Version1() {
  return OfacRow(1000, "PETROV, Ivan Sergeyevich", true, "SDGT") +
         OfacRow(1001, "VOLKOV, Dmitri Anatolyevich", true, "SDGT") +
         OfacRow(1002, "ORLOVSKY, Nikolai Pavlovich", true, "SDGT") +
         OfacRow(1003, "BLACKWOOD MARITIME SHIPPING LTD", false, "SDGT") +
         OfacRow(1004, "SOKOLOVSKY, Andrei Viktorovich", true, "SDGT");
}
std::string Version2() {
  return OfacRow(1000, "PETROV, Ivan Sergeyevich", true, "SDGT") +
         OfacRow(1001, "VOLKOV, Dmitri Anatolyevich", true, "SDGT] [RUSSIA-EO14024") +
         OfacRow(1002, "ORLOVSKY, Nikolai Pavlovich", true, "SDGT", "DOB 04 Mar 1961.") +
         OfacRow(1004, "SOKOLOVSKY, Andrei Viktorovich", true, "SDGT") +
         OfacRow(1005, "GREYSTONE ARCTIC HOLDINGS LLC", false, "RUSSIA-EO14024");
}

Status MakeScreener(const fs::path& dir, std::unique_ptr<Screener>* out) {
  LoadedList l;
  if (Status s = LoadList(dir, &l); !s.ok()) return s;
  std::vector<LoadedList> lists;
  lists.push_back(std::move(l));
  return Screener::Create(std::move(lists), out);
}

model::Party MakeParty(const std::string& id, const std::string& kind, const std::string& name) {
  model::Party p;
  std::vector<std::string> w;
  Status s = model::ParsePartyLine(
      nlohmann::json{{"id", id}, {"kind", kind}, {"name", name}}.dump(), &p, &w);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return p;
}

using AlertKey = std::tuple<std::string, std::string, std::string>;  // party, entity, state

std::set<AlertKey> Alerts(Store& store) {
  std::set<AlertKey> out;
  AlertQuery q;
  q.status = "all";
  q.limit = 500;
  for (q.offset = 0;; q.offset += q.limit) {
    AlertPage page;
    Status s = store.ListAlerts(q, &page);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok() || page.alerts.empty()) break;
    for (const Alert& a : page.alerts) {
      out.emplace(a.party_id, a.entity_id, std::string(ToString(a.state)));
    }
  }
  return out;
}

// The alert of `party` on `entity` that is not the one given (0: the newest).
Alert FindAlert(Store& store, const std::string& party, const std::string& entity,
                int64_t newest_other_than = 0) {
  AlertQuery q;
  q.status = "all";
  q.party_id = party;
  q.limit = 500;
  AlertPage page;
  EXPECT_TRUE(store.ListAlerts(q, &page).ok());
  Alert best;
  for (const Alert& a : page.alerts) {
    if (a.entity_id != entity || a.id == newest_other_than) continue;
    if (a.id > best.id) best = a;
  }
  if (best.id != 0) {
    EXPECT_TRUE(store.GetAlert(best.id, &best).ok());
  }
  return best;
}

class RescreenTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      db_ = (testing::ScratchDir("db") / "vigil.db").string();
    } else {
      VIGIL_REQUIRE_POSTGRES(url);
      db_ = url;
    }
    Status s = Store::Open(db_, {}, &store_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    const fs::path lists = testing::ScratchDir("lists");
    v1_ = WriteOfacVersion(lists / "v1", Version1());
    v2_ = WriteOfacVersion(lists / "v2", Version2());
    ASSERT_TRUE(MakeScreener(v1_, &screener1_).ok());
    ASSERT_TRUE(MakeScreener(v2_, &screener2_).ok());
  }

  void ImportParties() {
    std::vector<model::Party> parties = {
        MakeParty("P-1", "person", "Ivan Sergeyevich Petrov"),
        MakeParty("P-2", "person", "Dmitri Anatolyevich Volkov"),
        MakeParty("P-3", "organization", "Blackwood Maritime Shipping Ltd"),
        MakeParty("P-4", "organization", "Greystone Arctic Holdings LLC"),
        MakeParty("P-5", "person", "Nikolai Pavlovich Orlovsky"),
        MakeParty("P-6", "person", "Johanna Lindqvist"),
    };
    ImportSummary sum;
    ASSERT_TRUE(store_->PutParties(parties, {"alice"}, &sum).ok());
  }

  // A run; `index`: a warm reverse index of the parties; `built`: where the run hands over
  // the index it builds.
  RescreenSummary Run(const Screener& screener, bool full,
                      const screen::PartyIndex* index = nullptr,
                      std::unique_ptr<screen::PartyIndex>* built = nullptr) {
    RescreenOptions o;
    o.full = full;
    o.index = index;
    o.built_index = built;
    o.threads = 2;
    o.screen.min_score = kReviewThreshold;
    RescreenSummary sum;
    Status s = Rescreen(*store_, screener, o, {"system"}, &sum);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return sum;
  }

  // P-6 becomes a listed person's namesake (us_ofac_sdn:1004); nothing in the list changes.
  void RenameP6() {
    ImportSummary is;
    Status s = store_->PutParties({MakeParty("P-6", "person", "Andrei Viktorovich Sokolovsky")},
                                  {"alice"}, &is);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void Decide(const std::string& party, const std::string& entity, DecisionKind d) {
    Alert a = FindAlert(*store_, party, entity);
    ASSERT_NE(a.id, 0) << party << " has no alert on " << entity;
    Status s = store_->Decide(a.id, d, "checked: another person", std::nullopt, {"alice"}, nullptr);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::string db_;
  fs::path v1_, v2_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Screener> screener1_, screener2_;
};

TEST_P(RescreenTest, TheFirstRunIsFullAndRecordsTheListVersion) {
  ImportParties();
  RescreenSummary first = Run(*screener1_, false);
  EXPECT_EQ(first.kind, "full");  // no baseline yet
  EXPECT_EQ(first.screened.parties, 6);
  ASSERT_EQ(first.sources.size(), 1u);
  EXPECT_EQ(first.sources[0].source, "us_ofac_sdn");
  EXPECT_EQ(first.sources[0].from_key, "");
  EXPECT_EQ(first.sources[0].to_key, ListVersionKey(screener1_->lists()[0]));
  EXPECT_EQ(first.screened.new_alerts, 4);  // P-1, P-2, P-3, P-5 (P-4's entity comes later)

  std::vector<ListVersion> versions;
  ASSERT_TRUE(store_->ListListVersions(&versions).ok());
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0].entities, 5);
  std::vector<EntityDigest> digests;
  ASSERT_TRUE(store_->GetListDigests(versions[0].id, &digests).ok());
  ASSERT_EQ(digests.size(), 5u);
  EXPECT_EQ(digests[0].id, "us_ofac_sdn:1000");
  EXPECT_EQ(digests[0].names, std::vector<std::string>{"PETROV, Ivan Sergeyevich"});
  ListVersion base;
  bool found = false;
  ASSERT_TRUE(store_->GetBaseline("us_ofac_sdn", &base, &found).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(base.id, versions[0].id);

  // The same lists again: a delta run with nothing to do.
  RescreenSummary again = Run(*screener1_, false);
  EXPECT_EQ(again.kind, "delta");
  EXPECT_EQ(again.sources[0].unchanged, 5);
  EXPECT_EQ(again.screened.parties, 0);
  EXPECT_EQ(again.screened.new_alerts, 0);
}

// The must-show scenarios: a false positive on a changed entity re-alerts with the diff, one
// on an unchanged entity does not, an alert on a removed entity is closed as delisted with
// an audit record, an added entity raises a new alert naming the run.
TEST_P(RescreenTest, ADeltaRunReAlertsClosesDelistedAndRaisesNewAlerts) {
  ImportParties();
  Run(*screener1_, true);
  Decide("P-1", "us_ofac_sdn:1000", DecisionKind::kFalsePositive);  // unchanged
  Decide("P-2", "us_ofac_sdn:1001", DecisionKind::kFalsePositive);  // changed (programs)
  const int64_t fp2 = FindAlert(*store_, "P-2", "us_ofac_sdn:1001").id;

  RescreenSummary sum = Run(*screener2_, false);
  EXPECT_EQ(sum.kind, "delta");
  ASSERT_EQ(sum.sources.size(), 1u);
  const SourceChange& c = sum.sources[0];
  EXPECT_EQ(c.added, 1);
  EXPECT_EQ(c.removed, 1);
  EXPECT_EQ(c.changed, 2);
  EXPECT_EQ(c.changed_screened, 1);
  EXPECT_EQ(c.unchanged, 2);
  EXPECT_LT(sum.screened.parties, 6);  // P-6 is not touched by the change
  EXPECT_EQ(sum.screened.new_alerts, 2);
  EXPECT_EQ(sum.screened.re_alerts, 1);
  EXPECT_EQ(sum.delisted_annotated, 1);
  EXPECT_EQ(sum.delisted_closed, 1);

  // P-1: the false positive on an unchanged entity holds.
  EXPECT_EQ(FindAlert(*store_, "P-1", "us_ofac_sdn:1000").state, AlertState::kFalsePositive);
  // P-2: re-alerted, with what changed in the entity.
  Alert re = FindAlert(*store_, "P-2", "us_ofac_sdn:1001");
  EXPECT_NE(re.id, fp2);
  EXPECT_EQ(re.state, AlertState::kOpen);
  EXPECT_EQ(re.previous_alert_id, fp2);
  EXPECT_EQ(re.rescreen_run, sum.run_id);
  ASSERT_TRUE(re.changes.is_object()) << re.changes.dump();
  EXPECT_NE(re.changes.dump().find("programs"), std::string::npos) << re.changes.dump();
  // P-3: closed as delisted, with an audited system decision.
  Alert gone = FindAlert(*store_, "P-3", "us_ofac_sdn:1003");
  EXPECT_EQ(gone.state, AlertState::kClosed);
  EXPECT_NE(gone.delisted.find("delisted in us_ofac_sdn version"), std::string::npos)
      << gone.delisted;
  ASSERT_FALSE(gone.history.empty());
  EXPECT_EQ(gone.history.back().decision, DecisionKind::kClose);
  EXPECT_EQ(gone.history.back().by, "system");
  // P-4: a new alert from the run.
  Alert added = FindAlert(*store_, "P-4", "us_ofac_sdn:1005");
  EXPECT_EQ(added.state, AlertState::kOpen);
  EXPECT_EQ(added.rescreen_run, sum.run_id);
  // P-5: the open alert stays open (refreshed, not duplicated).
  EXPECT_EQ(FindAlert(*store_, "P-5", "us_ofac_sdn:1002").state, AlertState::kOpen);

  // The audit trail: the decision closing P-3's alert and one record for the run.
  bool found = false;
  AuditRecord rec;
  ASSERT_TRUE(store_->LastAudit({"rescreen"}, &rec, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(rec.object, "rescreen:" + std::to_string(sum.run_id));
  EXPECT_NE(rec.detail.dump().find("\"new_alerts\":2"), std::string::npos) << rec.detail.dump();
  ASSERT_TRUE(store_->LastAudit({"alert.decide"}, &rec, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(rec.object, "alert:" + std::to_string(gone.id));
  EXPECT_EQ(rec.principal, "system");
  AuditVerify v;
  ASSERT_TRUE(store_->VerifyAudit(&v).ok());
  EXPECT_TRUE(v.ok) << v.problem;

  RescreenRun run;
  ASSERT_TRUE(store_->GetRescreenRun(sum.run_id, &run).ok());
  EXPECT_EQ(run.status, "done");
  EXPECT_EQ(run.kind, "delta");
  EXPECT_EQ(run.from_lists_version, model::ListsVersion(screener1_->lists()));
  EXPECT_EQ(run.to_lists_version, model::ListsVersion(screener2_->lists()));
}

TEST_P(RescreenTest, APartyChangedSinceItsScreeningIsScreenedByTheNextRun) {
  ImportParties();
  Run(*screener1_, true);
  ASSERT_NO_FATAL_FAILURE(RenameP6());
  RescreenSummary sum = Run(*screener1_, false);
  EXPECT_EQ(sum.parties_changed, 1);
  EXPECT_EQ(sum.screened.parties, 1);
  EXPECT_EQ(sum.screened.new_alerts, 1);
  EXPECT_EQ(FindAlert(*store_, "P-6", "us_ofac_sdn:1004").state, AlertState::kOpen);
}

// The service's case: the reverse index is kept warm, built after a party changed (so the
// change is in it) but before any run screened that party. The party still waits to be
// screened (Store::PartiesToRescreen), and the next run screens it.
TEST_P(RescreenTest, APartyChangedBeforeTheWarmIndexWasBuiltIsScreenedByTheNextRun) {
  ImportParties();
  Run(*screener1_, true);
  ASSERT_NO_FATAL_FAILURE(RenameP6());
  std::unique_ptr<screen::PartyIndex> index;
  ASSERT_TRUE(BuildPartyIndex(*store_, &index).ok());
  RescreenSummary sum = Run(*screener1_, false, index.get());
  EXPECT_EQ(sum.kind, "delta");
  EXPECT_EQ(sum.parties_changed, 1);
  EXPECT_EQ(sum.screened.parties, 1);
  EXPECT_EQ(sum.screened.new_alerts, 1);
  EXPECT_EQ(FindAlert(*store_, "P-6", "us_ofac_sdn:1004").state, AlertState::kOpen);
}

// `vigil watch`'s case: the first delta run builds the reverse index and hands it over
// (RescreenOptions::built_index); the next run uses it warm, and still screens a party
// changed after it was built.
TEST_P(RescreenTest, AnIndexBuiltByARunServesTheNextRunWarm) {
  ImportParties();
  Run(*screener1_, true);
  std::unique_ptr<screen::PartyIndex> kept;
  RescreenSummary first = Run(*screener2_, false, nullptr, &kept);
  EXPECT_EQ(first.kind, "delta");
  EXPECT_EQ(first.party_index, "built");
  EXPECT_EQ(first.ToJson()["party_index"], "built");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->size(), 6u);

  ASSERT_NO_FATAL_FAILURE(RenameP6());
  RescreenSummary second = Run(*screener1_, false, kept.get());  // back to v1
  EXPECT_EQ(second.kind, "delta");
  EXPECT_EQ(second.party_index, "warm");
  EXPECT_EQ(second.parties_changed, 1);
  EXPECT_EQ(FindAlert(*store_, "P-6", "us_ofac_sdn:1004").state, AlertState::kOpen);
  // Re-listed in v1: P-3 is alerted again on us_ofac_sdn:1003.
  EXPECT_EQ(FindAlert(*store_, "P-3", "us_ofac_sdn:1003").state, AlertState::kOpen);
}

// A kept index is stale once more parties changed since it was built than the caller
// allows (the service and `vigil watch` then build it again).
TEST_P(RescreenTest, AKeptIndexIsStaleOnceTooManyPartiesChanged) {
  ImportParties();
  std::unique_ptr<screen::PartyIndex> index;
  ASSERT_TRUE(BuildPartyIndex(*store_, &index).ok());
  EXPECT_FALSE(PartyIndexStale(*store_, *index, 0));
  ASSERT_NO_FATAL_FAILURE(RenameP6());
  EXPECT_FALSE(PartyIndexStale(*store_, *index, 1));
  EXPECT_TRUE(PartyIndexStale(*store_, *index, 0));
}

INSTANTIATE_TEST_SUITE_P(Rescreen, RescreenTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// The alerts after a delta run equal those after a full run of the same store (a copy).
TEST(RescreenEquivalenceTest, SmallListsDeltaEqualsFull) {
  const fs::path dir = testing::ScratchDir("eq");
  const fs::path v1 = WriteOfacVersion(dir / "v1", Version1());
  const fs::path v2 = WriteOfacVersion(dir / "v2", Version2());
  std::unique_ptr<Screener> s1, s2;
  ASSERT_TRUE(MakeScreener(v1, &s1).ok());
  ASSERT_TRUE(MakeScreener(v2, &s2).ok());
  const std::string a = (dir / "a.db").string(), b = (dir / "b.db").string();
  {
    std::unique_ptr<Store> st;
    ASSERT_TRUE(Store::Open(a, {}, &st).ok());
    std::vector<model::Party> parties;
    for (const char* n : {"Ivan Petrov", "Dmitri Volkov", "Nikolai Orlovsky", "Andrei Sokolovsky",
                          "Greystone Holdings", "Blackwood Shipping", "Ivan Sergeyevich Petrov"}) {
      parties.push_back(MakeParty("Q-" + std::to_string(parties.size()), "person", n));
    }
    ImportSummary is;
    ASSERT_TRUE(st->PutParties(parties, {"alice"}, &is).ok());
    RescreenOptions o;
    o.screen.min_score = kReviewThreshold;
    o.full = true;
    ASSERT_TRUE(Rescreen(*st, *s1, o, {"system"}, nullptr).ok());
  }
  fs::copy_file(a, b);
  std::set<AlertKey> delta, full;
  for (bool is_full : {false, true}) {
    std::unique_ptr<Store> st;
    ASSERT_TRUE(Store::Open(is_full ? b : a, {}, &st).ok());
    RescreenOptions o;
    o.screen.min_score = kReviewThreshold;
    o.full = is_full;
    RescreenSummary sum;
    ASSERT_TRUE(Rescreen(*st, *s2, o, {"system"}, &sum).ok());
    EXPECT_EQ(sum.kind, is_full ? "full" : "delta");
    (is_full ? full : delta) = Alerts(*st);
  }
  EXPECT_EQ(delta, full);
  EXPECT_FALSE(full.empty());
}

// A list that fails to load: `vigil rescreen` re-screens nothing, the baseline stays, and
// the failure is in the audit trail.
TEST(RescreenCliTest, AListThatFailsToLoadReScreensNothingAndIsAudited) {
  const fs::path dir = testing::ScratchDir("cli");
  const fs::path v1 = WriteOfacVersion(dir / "v1", Version1());
  // Version 2 cut in the middle of a quoted field, without the end-of-file byte.
  const fs::path bad = dir / "bad";
  fs::create_directories(bad);
  std::string cut = Version2();
  cut.resize(cut.size() / 2);
  testing::WriteFile(bad / "sdn.csv", cut);
  const std::string db = (dir / "v.db").string();
  {
    std::unique_ptr<Store> st;
    ASSERT_TRUE(Store::Open(db, {}, &st).ok());
    ImportSummary is;
    ASSERT_TRUE(
        st->PutParties({MakeParty("P-1", "person", "Ivan Sergeyevich Petrov")}, {"alice"}, &is)
            .ok());
  }
  auto run = [&](const fs::path& lists) {
    return testing::RunProgram(VIGIL_BINARY,
                               {"rescreen", "--db", db, "--lists", lists.string(), "--by", "ops"},
                               {"USER=tester"});
  };
  testing::ProgramResult ok = run(v1);
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("re-screen run 1 (full)"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("1 new"), std::string::npos) << ok.out;

  testing::ProgramResult failed = run(bad);
  EXPECT_EQ(failed.code, 1);
  EXPECT_NE(failed.err.find("nothing was re-screened"), std::string::npos) << failed.err;

  std::unique_ptr<Store> st;
  ASSERT_TRUE(Store::Open(db, {}, &st).ok());
  std::vector<RescreenRun> runs;
  ASSERT_TRUE(st->ListRescreenRuns(10, &runs).ok());
  EXPECT_EQ(runs.size(), 1u);  // no run for the failed lists
  std::vector<ListVersion> versions;
  ASSERT_TRUE(st->ListListVersions(&versions).ok());
  EXPECT_EQ(versions.size(), 1u);
  ListVersion base;
  bool found = false;
  ASSERT_TRUE(st->GetBaseline("us_ofac_sdn", &base, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(base.id, versions[0].id);
  AuditRecord rec;
  ASSERT_TRUE(st->LastAudit({"rescreen.lists_failed"}, &rec, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(rec.principal, "ops");
  EXPECT_NE(rec.detail.value("error", "").find("sdn.csv"), std::string::npos) << rec.detail;
}

// Parties imported and screened at once (no re-screen run yet) are compared with the list
// version they were screened against: the first `vigil rescreen` with a new version is a
// delta that closes the alerts of removed entities, not a full run that knows nothing.
TEST(RescreenCliTest, AfterAnImportScreeningTheFirstRescreenIsADeltaThatClosesDelistedAlerts) {
  const fs::path dir = testing::ScratchDir("cli-import");
  const fs::path v1 = WriteOfacVersion(dir / "v1", Version1());
  const fs::path v2 = WriteOfacVersion(dir / "v2", Version2());
  const std::string db = (dir / "v.db").string();
  testing::WriteFile(dir / "p.jsonl",
                     "{\"id\": \"P-3\", \"kind\": \"organization\", \"name\": \"Blackwood "
                     "Maritime Shipping Ltd\"}\n"
                     "{\"id\": \"P-6\", \"kind\": \"person\", \"name\": \"Johanna Lindqvist\"}\n");
  testing::ProgramResult imp = testing::RunProgram(
      VIGIL_BINARY,
      {"--lists", v1.string(), "parties", "import", (dir / "p.jsonl").string(), "--db", db},
      {"USER=tester"});
  ASSERT_EQ(imp.code, 0) << imp.err;
  testing::ProgramResult re = testing::RunProgram(
      VIGIL_BINARY, {"--lists", v2.string(), "rescreen", "--db", db, "--json"}, {"USER=tester"});
  ASSERT_EQ(re.code, 0) << re.err;
  nlohmann::json j = nlohmann::json::parse(re.out);
  EXPECT_EQ(j["kind"], "delta") << re.out;
  EXPECT_EQ(j["delisted_closed"], 1) << re.out;
  std::unique_ptr<Store> st;
  ASSERT_TRUE(Store::Open(db, {}, &st).ok());
  Alert a = FindAlert(*st, "P-3", "us_ofac_sdn:1003");
  ASSERT_NE(a.id, 0);
  EXPECT_EQ(a.state, AlertState::kClosed);
  EXPECT_NE(a.delisted.find("delisted in us_ofac_sdn version"), std::string::npos) << a.delisted;
}

// The equivalence of issue 14 on real data: 100,000 parties (../shared/bench/names-100k.csv)
// and planted parties named after entities added, changed and removed between the OFAC SDN
// list of 2021-07 and that of 2024-05, screened against 2021-07, some decided false
// positive; then one copy of the store re-screened by a delta run and another by a full
// run against 2024-05: the same (party, entity, state) alerts.
TEST(RescreenEquivalenceTest, OfacSdn2021To2024DeltaEqualsFull) {
  VIGIL_REQUIRE_SHARED(old_dir, "us_ofac_sdn/2021-07");
  VIGIL_REQUIRE_SHARED(new_dir, "us_ofac_sdn/2024-05");
  const fs::path names_csv =
      fs::path(VIGIL_SHARED_LISTS).parent_path() / "bench" / "names-100k.csv";
  if (!fs::exists(names_csv)) GTEST_SKIP() << names_csv << " not found";
  size_t want = 100000;
  if (const char* env = std::getenv("VIGIL_RESCREEN_PARTIES"); env != nullptr && *env != '\0') {
    want = static_cast<size_t>(std::strtoul(env, nullptr, 10));
  }

  LoadedList old_list, new_list;
  ASSERT_TRUE(LoadList(old_dir, &old_list).ok());
  ASSERT_TRUE(LoadList(new_dir, &new_list).ok());
  const model::ListDiff diff = model::Diff(old_list, new_list);
  std::unordered_map<std::string, const Entity*> old_by_id;
  for (const Entity& e : old_list.entities) old_by_id.emplace(e.id, &e);
  std::unordered_map<std::string, const Entity*> new_by_id;
  for (const Entity& e : new_list.entities) new_by_id.emplace(e.id, &e);

  std::vector<model::Party> parties;
  {
    std::string text;
    ASSERT_TRUE(util::ReadFile(names_csv.string(), &text).ok());
    util::CsvReader csv(text, ',', names_csv.string());
    util::CsvRecord rec;
    bool header = true;
    while (parties.size() < want && csv.Next(&rec)) {
      if (header) {
        header = false;
        continue;
      }
      if (rec.fields.size() < 4) continue;
      nlohmann::json j = {{"id", "N-" + rec.fields[0]},
                          {"kind", rec.fields[1]},
                          {"name", rec.fields[2]},
                          {"country", rec.fields[3]}};
      model::Party p;
      std::vector<std::string> w;
      if (model::ParseParty(j, &p, &w).ok()) parties.push_back(std::move(p));
    }
  }
  // Planted parties: named as the entity was listed in 2021-07 (changed, removed) or in
  // 2024-05 (added), every 40th of each kind of change, and some unchanged entities.
  std::vector<std::string> changed_ids, unchanged_ids;
  for (const model::EntityChange& c : diff.changed) changed_ids.push_back(c.id);
  for (const Entity& e : new_list.entities) {
    if (old_by_id.count(e.id) != 0 && unchanged_ids.size() < 2000 &&
        std::find(changed_ids.begin(), changed_ids.end(), e.id) == changed_ids.end()) {
      unchanged_ids.push_back(e.id);
    }
  }
  std::map<std::string, std::string> planted;  // party id -> "added" | "changed" | ...
  auto plant = [&](const std::string& what, const std::vector<std::string>& ids,
                   const std::unordered_map<std::string, const Entity*>& by_id) {
    for (size_t i = 0; i < ids.size(); i += 40) {
      const Entity& e = *by_id.at(ids[i]);
      if (e.kind != EntityKind::kPerson && e.kind != EntityKind::kOrganization) continue;
      nlohmann::json j = {{"id", "X-" + what + "-" + e.source_id},
                          {"kind", e.kind == EntityKind::kPerson ? "person" : "organization"},
                          {"name", e.primary_name()}};
      model::Party p;
      std::vector<std::string> w;
      ASSERT_TRUE(model::ParseParty(j, &p, &w).ok());
      planted[p.id] = what;
      parties.push_back(std::move(p));
    }
  };
  plant("added", diff.added, new_by_id);
  plant("changed", changed_ids, old_by_id);
  plant("removed", diff.removed, old_by_id);
  plant("unchanged", unchanged_ids, old_by_id);

  const fs::path dir = testing::ScratchDir("eq");
  const std::string a = (dir / "delta.db").string(), b = (dir / "full.db").string();
  std::unique_ptr<Screener> old_screener, new_screener;
  {
    std::vector<LoadedList> l;
    l.push_back(std::move(old_list));
    ASSERT_TRUE(Screener::Create(std::move(l), &old_screener).ok());
    l.clear();
    l.push_back(std::move(new_list));
    ASSERT_TRUE(Screener::Create(std::move(l), &new_screener).ok());
  }
  RescreenOptions o;
  o.screen.min_score = kReviewThreshold;
  int64_t decided_fp = 0;
  {
    std::unique_ptr<Store> st;
    ASSERT_TRUE(Store::Open(a, {}, &st).ok());
    for (size_t i = 0; i < parties.size(); i += 10000) {
      std::vector<model::Party> batch(
          parties.begin() + static_cast<std::ptrdiff_t>(i),
          parties.begin() + static_cast<std::ptrdiff_t>(std::min(parties.size(), i + 10000)));
      ImportSummary is;
      ASSERT_TRUE(st->PutParties(batch, {"alice"}, &is).ok());
    }
    RescreenOptions first = o;
    first.full = true;
    RescreenSummary sum;
    ASSERT_TRUE(Rescreen(*st, *old_screener, first, {"system"}, &sum).ok());
    // Decisions: every other planted alert false positive, and every 7th other alert.
    AlertQuery q;
    q.status = "open";
    q.limit = 500;
    std::vector<Alert> open;
    for (q.offset = 0;; q.offset += q.limit) {
      AlertPage page;
      ASSERT_TRUE(st->ListAlerts(q, &page).ok());
      if (page.alerts.empty()) break;
      open.insert(open.end(), page.alerts.begin(), page.alerts.end());
    }
    for (size_t i = 0; i < open.size(); ++i) {
      const bool is_planted = planted.count(open[i].party_id) != 0;
      if (is_planted ? i % 2 == 0 : i % 7 == 0) {
        ASSERT_TRUE(st->Decide(open[i].id, DecisionKind::kFalsePositive, "another party",
                               std::nullopt, {"alice"}, nullptr)
                        .ok());
        ++decided_fp;
      }
    }
  }
  ASSERT_GT(decided_fp, 0);
  fs::copy_file(a, b);

  RescreenSummary delta_sum, full_sum;
  std::set<AlertKey> delta, full;
  {
    std::unique_ptr<Store> st;
    ASSERT_TRUE(Store::Open(a, {}, &st).ok());
    ASSERT_TRUE(Rescreen(*st, *new_screener, o, {"system"}, &delta_sum).ok());
    delta = Alerts(*st);
  }
  {
    std::unique_ptr<Store> st;
    ASSERT_TRUE(Store::Open(b, {}, &st).ok());
    RescreenOptions f = o;
    f.full = true;
    ASSERT_TRUE(Rescreen(*st, *new_screener, f, {"system"}, &full_sum).ok());
    full = Alerts(*st);
  }
  EXPECT_EQ(delta_sum.kind, "delta");
  EXPECT_EQ(full_sum.kind, "full");
  std::vector<AlertKey> only_delta, only_full;
  std::set_difference(delta.begin(), delta.end(), full.begin(), full.end(),
                      std::back_inserter(only_delta));
  std::set_difference(full.begin(), full.end(), delta.begin(), delta.end(),
                      std::back_inserter(only_full));
  for (size_t i = 0; i < only_full.size() && i < 20; ++i) {
    const auto& [p, e, st] = only_full[i];
    ADD_FAILURE() << "only after the full run: " << p << " " << e << " " << st;
  }
  for (size_t i = 0; i < only_delta.size() && i < 20; ++i) {
    const auto& [p, e, st] = only_delta[i];
    ADD_FAILURE() << "only after the delta run: " << p << " " << e << " " << st;
  }
  EXPECT_EQ(only_full.size(), 0u);
  EXPECT_EQ(only_delta.size(), 0u);
  EXPECT_EQ(delta_sum.screened.new_alerts, full_sum.screened.new_alerts);
  EXPECT_EQ(delta_sum.screened.re_alerts, full_sum.screened.re_alerts);
  EXPECT_EQ(delta_sum.delisted_closed, full_sum.delisted_closed);
  EXPECT_GT(delta_sum.screened.re_alerts, 0);
  EXPECT_GT(delta_sum.delisted_closed, 0);
  if (want >= 10000) {
    EXPECT_LT(delta_sum.screened.parties, full_sum.screened.parties / 5);
  }
  std::cout << "delta: " << delta_sum.ToJson().dump() << "\nfull: " << full_sum.ToJson().dump()
            << "\n";
}

}  // namespace
}  // namespace vigil::store
