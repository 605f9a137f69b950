// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Reviews of the name matches of ownership imports (Store::ReviewOwnershipEdge, the
// to_review filter of ListOwnershipEdges, schema migration 6), on SQLite and PostgreSQL.

#include <gtest/gtest.h>

#include "model/party.h"
#include "store/json.h"
#include "store/store.h"
#include "store/store_fixture.h"

namespace vigil::store {
namespace {

using nlohmann::json;

OwnershipEnd NameMatch(std::string given, std::string id, std::string name, double score) {
  OwnershipEnd e;
  e.given = std::move(given);
  e.node = id;
  e.how = "name_match";
  e.score = score;
  e.matched_id = std::move(id);
  e.matched_name = std::move(name);
  return e;
}

OwnershipEnd PartyEnd(std::string id) {
  OwnershipEnd e;
  e.given = id;
  e.node = "party:" + id;
  e.how = "party";
  return e;
}

OwnershipEdgeRecord Edge(OwnershipEnd owner, OwnershipEnd owned, int64_t line) {
  OwnershipEdgeRecord e;
  e.owner = std::move(owner);
  e.owned = std::move(owned);
  e.percentage = "60";
  e.low = 60;
  e.high = 60;
  e.kind = "ownership";
  e.file = "owners.csv";
  e.line = line;
  e.review = e.owner.how == "name_match" || e.owned.how == "name_match" ? "to_review" : "accepted";
  return e;
}

class OwnershipReviewTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    if (store_ == nullptr) return;
    std::vector<model::Party> parties;
    for (const char* id : {"P-1", "P-2"}) {
      model::Party p;
      std::vector<std::string> warnings;
      ASSERT_TRUE(
          model::ParseParty({{"id", id}, {"name", std::string("Party ") + id}}, &p, &warnings)
              .ok());
      parties.push_back(std::move(p));
    }
    Put(parties);
    OwnershipImportSummary sum;
    // 1: owner a name match; 2: by ids (accepted); 3: both ends name matches.
    Status s = store_->PutOwnershipEdges(
        {Edge(NameMatch("Korea Mining", "us_ofac_sdn:9345", "KOREA MINING", 0.93), PartyEnd("P-1"),
              2),
         Edge(PartyEnd("P-2"), PartyEnd("P-1"), 3),
         Edge(NameMatch("Tanchon Bank", "us_ofac_sdn:1", "TANCHON COMMERCIAL BANK", 0.88),
              NameMatch("Ocean Ship", "us_ofac_sdn:2", "OCEAN MARITIME", 0.9), 4)},
        {"alice"}, &sum);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::vector<OwnershipEdgeRecord> Edges(bool to_review_only) {
    std::vector<OwnershipEdgeRecord> out;
    Status s = store_->ListOwnershipEdges(&out, to_review_only);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  std::vector<AuditRecord> Audit() {
    std::vector<AuditRecord> out;
    Status s = store_->ExportAudit("", "", [&](const AuditRecord& r) { out.push_back(r); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
};

TEST_P(OwnershipReviewTest, ListsOnlyTheEdgesToReview) {
  EXPECT_GE(store_->schema_version(), 6);
  std::vector<OwnershipEdgeRecord> all = Edges(false);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].owner.review, "to_review");
  EXPECT_EQ(all[0].owned.review, "");
  EXPECT_EQ(all[1].review, "accepted");
  std::vector<OwnershipEdgeRecord> to_review = Edges(true);
  ASSERT_EQ(to_review.size(), 2u);
  EXPECT_EQ(to_review[0].id, all[0].id);
  EXPECT_EQ(to_review[1].id, all[2].id);
}

TEST_P(OwnershipReviewTest, AcceptKeepsTheMatchAndIsAudited) {
  const int64_t id = Edges(true).at(0).id;
  SetNow("2026-03-02T08:00:00.000Z");
  OwnershipEdgeRecord after;
  Status s =
      store_->ReviewOwnershipEdge(id, {"accept", "", "", "same registry number"}, {"bob"}, &after);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(after.review, "accepted");
  EXPECT_EQ(after.owner.review, "accepted");
  EXPECT_EQ(after.owner.how, "name_match");
  EXPECT_EQ(after.owner.node, "us_ofac_sdn:9345");
  OwnershipEdgeRecord got;
  ASSERT_TRUE(store_->GetOwnershipEdge(id, &got).ok());
  EXPECT_EQ(got.reviewed_by, "bob");
  EXPECT_EQ(got.reviewed_at, "2026-03-02T08:00:00.000Z");
  EXPECT_EQ(got.review_note, "same registry number");
  EXPECT_EQ(ToJson(got)["reviewed_by"], "bob");
  EXPECT_EQ(Edges(true).size(), 1u);

  AuditRecord last = Audit().back();
  EXPECT_EQ(last.action, "ownership.review");
  EXPECT_EQ(last.object, "ownership_edge:" + std::to_string(id));
  EXPECT_EQ(last.principal, "bob");
  EXPECT_EQ(last.detail["decision"], "accept");
  EXPECT_EQ(last.detail["before"]["review"], "to_review");
  EXPECT_EQ(last.detail["after"]["review"], "accepted");
  AuditVerify v;
  ASSERT_TRUE(store_->VerifyAudit(&v).ok());
  EXPECT_TRUE(v.ok) << v.problem;

  // Reviewed: not to review any more.
  s = store_->ReviewOwnershipEdge(id, {"reject", "", "", ""}, {"bob"});
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("not to review"), std::string::npos) << s.message();
}

TEST_P(OwnershipReviewTest, RejectRePointsTheEndAndKeepsTheRejectedMatch) {
  const int64_t id = Edges(true).at(0).id;
  // Kept as an outside node by the name given.
  OwnershipEdgeRecord after;
  ASSERT_TRUE(
      store_->ReviewOwnershipEdge(id, {"reject", "owner", "", "other company"}, {"bob"}, &after)
          .ok());
  EXPECT_EQ(after.owner.node, "name:Korea Mining");
  EXPECT_EQ(after.owner.how, "rejected_match");
  EXPECT_EQ(after.owner.review, "rejected");
  EXPECT_EQ(after.owner.matched_id, "us_ofac_sdn:9345");
  EXPECT_EQ(after.owner.matched_name, "KOREA MINING");
  EXPECT_DOUBLE_EQ(after.owner.score, 0.93);
  EXPECT_EQ(after.review, "accepted");
  OwnershipEdgeRecord got;
  ASSERT_TRUE(store_->GetOwnershipEdge(id, &got).ok());
  EXPECT_EQ(got.owner.node, "name:Korea Mining");
  EXPECT_EQ(got.owner.matched_id, "us_ofac_sdn:9345");
  AuditRecord last = Audit().back();
  EXPECT_EQ(last.detail["before"]["owner"]["node"], "us_ofac_sdn:9345");
  EXPECT_EQ(last.detail["after"]["owner"]["node"], "name:Korea Mining");

  // Both ends are name matches: one end re-pointed to a party, the other to an entity.
  const int64_t both = Edges(true).at(0).id;
  ASSERT_TRUE(
      store_->ReviewOwnershipEdge(both, {"reject", "owner", "party:P-2", ""}, {"bob"}, &after)
          .ok());
  EXPECT_EQ(after.owner.node, "party:P-2");
  EXPECT_EQ(after.owner.how, "party");
  EXPECT_EQ(after.review, "to_review");  // the owned end is still to review
  ASSERT_TRUE(
      store_->ReviewOwnershipEdge(both, {"reject", "owned", "us_ofac_sdn:77", ""}, {"bob"}, &after)
          .ok());
  EXPECT_EQ(after.owned.node, "us_ofac_sdn:77");
  EXPECT_EQ(after.owned.how, "entity");
  EXPECT_EQ(after.owned.matched_id, "us_ofac_sdn:2");
  EXPECT_EQ(after.review, "accepted");
  EXPECT_TRUE(Edges(true).empty());
}

TEST_P(OwnershipReviewTest, BadReviewsAreRefusedAndWriteNothing) {
  std::vector<OwnershipEdgeRecord> edges = Edges(false);
  const int64_t one = edges[0].id, accepted = edges[1].id, both = edges[2].id;
  const size_t audit = Audit().size();
  auto code = [&](int64_t id, OwnershipReview r) {
    return store_->ReviewOwnershipEdge(id, r, {"bob"}).code();
  };
  EXPECT_EQ(code(9999, {"accept", "", "", ""}), Status::Code::kNotFound);
  EXPECT_EQ(code(one, {"maybe", "", "", ""}), Status::Code::kInvalidArgument);
  EXPECT_EQ(code(one, {"accept", "middle", "", ""}), Status::Code::kInvalidArgument);
  EXPECT_EQ(code(one, {"accept", "", "party:P-2", ""}), Status::Code::kInvalidArgument);
  EXPECT_EQ(code(one, {"accept", "owned", "", ""}), Status::Code::kInvalidArgument);
  EXPECT_EQ(code(one, {"reject", "owner", "party:P-404", ""}), Status::Code::kInvalidArgument);
  EXPECT_EQ(code(one, {"reject", "owner", "nonsense", ""}), Status::Code::kInvalidArgument);
  EXPECT_EQ(code(one, {"reject", "owner", "us_ofac_sdn:9345", ""}), Status::Code::kInvalidArgument);
  EXPECT_EQ(code(one, {"reject", "owner", "party:P-1", ""}),
            Status::Code::kInvalidArgument);  // owner and owned the same node
  EXPECT_EQ(code(both, {"reject", "", "party:P-2", ""}), Status::Code::kInvalidArgument);
  EXPECT_EQ(code(accepted, {"accept", "", "", ""}), Status::Code::kInvalidArgument);
  EXPECT_EQ(Audit().size(), audit);
  EXPECT_EQ(Edges(true).size(), 2u);
  EXPECT_EQ(Edges(false)[0].owner.node, "us_ofac_sdn:9345");
}

// A store written at schema 5 (name matches to review, no review columns) is brought to 6:
// its name-matched ends become to review.
TEST_P(OwnershipReviewTest, MigratesFromSchema5) {
  store_.reset();
  for (const char* undo6 :
       {"DROP INDEX ownership_edges_review", "ALTER TABLE ownership_edges DROP COLUMN owner_review",
        "ALTER TABLE ownership_edges DROP COLUMN owned_review",
        "ALTER TABLE ownership_edges DROP COLUMN reviewed_by",
        "ALTER TABLE ownership_edges DROP COLUMN reviewed_at",
        "ALTER TABLE ownership_edges DROP COLUMN review_note",
        "DELETE FROM schema_migrations WHERE version >= 6"}) {
    ASSERT_TRUE(Sql()->Exec(undo6).ok()) << undo6;
  }
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_GE(store_->schema_version(), 6);
  std::vector<OwnershipEdgeRecord> to_review = Edges(true);
  ASSERT_EQ(to_review.size(), 2u);
  EXPECT_EQ(to_review[0].owner.review, "to_review");
  EXPECT_EQ(to_review[1].owned.review, "to_review");
  EXPECT_TRUE(store_->ReviewOwnershipEdge(to_review[0].id, {"accept", "", "", ""}, {"bob"}).ok());
}

INSTANTIATE_TEST_SUITE_P(Store, OwnershipReviewTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vigil::store
