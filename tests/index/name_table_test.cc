// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "index/name_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil::index {
namespace {

Entity Make(std::string id, EntityKind kind, std::string name, std::string program) {
  Entity e;
  e.id = "test:" + id;
  e.source = "test";
  e.source_id = std::move(id);
  e.kind = kind;
  e.names.push_back(Name{std::move(name), "", "", NameKind::kPrimary});
  e.programs.push_back(std::move(program));
  return e;
}

class NameTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    entities_.push_back(Make("ysn", EntityKind::kOrganization,
                             "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.", "DPRK3"));
    entities_.push_back(
        Make("ruel", EntityKind::kPerson, "RUELAS AVILA, Patricia Lourdes", "SDNTK"));
    entities_.push_back(Make("kjs", EntityKind::kPerson, "KIM, Kyong Sik", "DPRK3"));
    std::vector<const Entity*> all;
    for (const Entity& e : entities_) all.push_back(&e);
    table_.Build(all);
  }

  std::vector<Entity> entities_;
  NameTable table_;
};

TEST_F(NameTableTest, CompoundViewJoinsAndSplitsIntoListWords) {
  auto joined = table_.PrepareCompounds(
      table_.Prepare("Yanbian Silver Star Network", EntityKind::kOrganization));
  EXPECT_EQ(joined.tokens, (std::vector<std::string>{"yanbian", "silverstar", "network"}));
  EXPECT_EQ(joined.weights.size(), joined.tokens.size());
  EXPECT_EQ(joined.joined, "yanbiansilverstarnetwork");
  auto split =
      table_.PrepareCompounds(table_.Prepare("Patricia Lourdes RUELASAVILA", EntityKind::kPerson));
  EXPECT_EQ(split.tokens, (std::vector<std::string>{"patricia", "lourdes", "ruelas", "avila"}));
  // Nothing to join or split: no compound view.
  EXPECT_TRUE(
      table_.PrepareCompounds(table_.Prepare("Silver Moon", EntityKind::kUnknown)).tokens.empty());
}

TEST_F(NameTableTest, KoreanViewKeepsWordsWhole) {
  // One token per word: the syllables of one word never pair with parts of another.
  auto k = table_.PrepareKorean(table_.Prepare("Kim Kyongsik", EntityKind::kPerson));
  ASSERT_EQ(k.tokens.size(), 2u);
  auto apart = table_.PrepareKorean(table_.Prepare("Gim Gyeong Sik", EntityKind::kPerson));
  ASSERT_EQ(apart.tokens.size(), 3u);
  EXPECT_EQ(k.tokens[0], apart.tokens[0]);
  EXPECT_EQ(k.tokens[1], apart.tokens[1] + apart.tokens[2]);
  EXPECT_EQ(k.joined, apart.joined);  // the joined comparison meets them
  auto osong = table_.PrepareKorean(table_.Prepare("Korea Osong Shipping", EntityKind::kUnknown));
  EXPECT_EQ(osong.tokens.size(), 3u);
}

TEST_F(NameTableTest, PatronymicsWeighLikeParticles) {
  auto p = table_.Prepare("Viktor Anatolijevitch Bout", EntityKind::kPerson);
  ASSERT_EQ(p.tokens.size(), 3u);
  EXPECT_TRUE(match::IsPatronymic(p, 1));
  EXPECT_FLOAT_EQ(p.weights[1], kLegalFormWeight * table_.TokenWeight("anatolijevitch"));
  EXPECT_FLOAT_EQ(p.weights[2], table_.TokenWeight("bout"));
}

}  // namespace
}  // namespace vigil::index
