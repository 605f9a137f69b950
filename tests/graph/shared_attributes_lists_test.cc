// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Shared attributes on the real lists (../shared/lists; skipped when absent): a party whose
// website, email or address equals one on a listed DPRK entity is linked to it, with the
// value as evidence.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "graph/shared_attributes.h"
#include "test_util.h"

namespace vigil::graph {
namespace {

const SharedLink* Find(const SharedLinks& links, std::string_view to, SharedKind kind) {
  for (const SharedLink& l : links.links) {
    if (l.to == to && l.kind == kind) return &l;
  }
  return nullptr;
}

model::Party PartyOf(std::string id, std::string name) {
  model::Party p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.kind = EntityKind::kOrganization;
  return p;
}

void AddId(model::Party* p, std::string type, std::string value) {
  model::PartyIdentifier id;
  id.type = std::move(type);
  id.value = std::move(value);
  p->identifiers.push_back(std::move(id));
}

bool IsDprk(const Entity& e) {
  for (const std::string& p : e.programs) {
    if (p.find("DPRK") != std::string::npos) return true;
  }
  return false;
}

// OFAC SDN 2024-05 (sdn.csv: remarks carry "Website ..." and "Email Address ..."):
// SINBAD (44437, DPRK3/CYBER2) lists "Website https://sinbad.io" and "Email Address
// support@sinbad.io"; TORNADO CASH (39796) "Website tornado.cash", and Roman SEMENOV
// (44718) "Email Address poma@tornado.cash".
TEST(SharedAttributesLists, WebsiteAndEmailOfListedDprkEntities) {
  VIGIL_REQUIRE_SHARED(path, "us_ofac_sdn/2024-05");
  LoadedList list;
  LoadOptions lo;
  lo.accept_truncated = true;
  Status s = LoadList(path, lo, &list);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<LoadedList> lists;
  lists.push_back(std::move(list));

  model::Party web = PartyOf("WEB-1", "Sinbad Services Ltd");
  AddId(&web, "website", "http://www.Sinbad.io/en/");
  model::Party mail = PartyOf("MAIL-1", "Support desk");
  AddId(&mail, "email", " Support@SINBAD.io ");
  model::Party mixer = PartyOf("MIX-1", "Mixer front");
  AddId(&mixer, "website", "https://app.tornado.cash");
  model::Party webmail = PartyOf("GMAIL-1", "Someone at gmail");
  AddId(&webmail, "email", "another.person@gmail.com");
  auto index = SharedAttributeIndex::Build(lists, {web, mail, mixer, webmail});

  SharedLinks wl = index->Links("party:WEB-1");
  const SharedLink* l = Find(wl, "us_ofac_sdn:44437", SharedKind::kDomain);
  ASSERT_NE(l, nullptr) << "no domain link from the party to SINBAD";
  EXPECT_TRUE(l->to_listed);
  EXPECT_EQ(l->value, "sinbad.io");
  EXPECT_EQ(l->from_written, "http://www.Sinbad.io/en/");
  EXPECT_NE(l->to_written.find("sinbad.io"), std::string::npos);
  EXPECT_EQ(l->to_name, "SINBAD");

  SharedLinks ml = index->Links("party:MAIL-1");
  const SharedLink* e = Find(ml, "us_ofac_sdn:44437", SharedKind::kEmail);
  ASSERT_NE(e, nullptr) << "no email link from the party to SINBAD";
  EXPECT_EQ(e->value, "support@sinbad.io");
  EXPECT_EQ(e->to_written, "support@sinbad.io");
  EXPECT_EQ(e->holders, 2u);
  EXPECT_NE(Find(ml, "us_ofac_sdn:44437", SharedKind::kDomain), nullptr);

  // tornado.cash: the mixer's website and a listed person's email address.
  SharedLinks xl = index->Links("party:MIX-1");
  EXPECT_NE(Find(xl, "us_ofac_sdn:39796", SharedKind::kDomain), nullptr);
  const SharedLink* person = Find(xl, "us_ofac_sdn:44718", SharedKind::kDomain);
  ASSERT_NE(person, nullptr);
  EXPECT_EQ(person->to_written, "poma@tornado.cash");

  // Listed people with gmail addresses share no domain with another gmail user.
  EXPECT_TRUE(index->Links("party:GMAIL-1").links.empty());
  EXPECT_FALSE(index->LinkedToListed("party:GMAIL-1"));
}

// OFAC SDN 2021-07 (add.csv has the addresses): KOREA DAESONG BANK (12312, DPRK) at
// "Segori-dong, Gyongheung St., Potonggang District, Pyongyang, Korea, North", remarks
// "PHONE 850 2 381 8221 ... EMAIL kdb@co.chesin.com".
TEST(SharedAttributesLists, AddressEmailAndPhoneOfListedDprkEntity) {
  VIGIL_REQUIRE_SHARED(path, "us_ofac_sdn/2021-07");
  std::vector<LoadedList> lists(1);
  Status s = LoadList(path, &lists[0]);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const Entity* bank = nullptr;
  for (const Entity& e : lists[0].entities) {
    if (e.id == "us_ofac_sdn:12312") bank = &e;
  }
  ASSERT_NE(bank, nullptr);
  ASSERT_TRUE(IsDprk(*bank));

  model::Party office = PartyOf("ADDR-1", "Potonggang Trading");
  office.country = "North Korea";
  office.addresses.push_back(
      {"office", "SEGORI DONG, GYONGHEUNG STREET, POTONGGANG DIST.", "Pyongyang City", "", ""});
  model::Party mail = PartyOf("MAIL-2", "Daesong agent");
  AddId(&mail, "email", "KDB@co.chesin.com");
  AddId(&mail, "phone", "+850-2-381-8221");
  model::Party elsewhere = PartyOf("ADDR-2", "Same street, another city");
  elsewhere.addresses.push_back(
      {"office", "Segori-dong, Gyongheung St., Potonggang District", "Dandong", "", "CN"});
  auto index = SharedAttributeIndex::Build(lists, {office, mail, elsewhere});

  SharedLinks al = index->Links("party:ADDR-1");
  const SharedLink* a = Find(al, "us_ofac_sdn:12312", SharedKind::kAddress);
  ASSERT_NE(a, nullptr) << "no address link from the party to KOREA DAESONG BANK";
  EXPECT_EQ(a->value, "segori dong gyongheung st potonggang dist|pyongyang|KP");
  EXPECT_EQ(a->to_written,
            "Segori-dong, Gyongheung St., Potonggang District, Pyongyang, Korea, North");
  EXPECT_EQ(a->to_name, "KOREA DAESONG BANK");

  SharedLinks ml = index->Links("party:MAIL-2");
  const SharedLink* e = Find(ml, "us_ofac_sdn:12312", SharedKind::kEmail);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->value, "kdb@co.chesin.com");
  const SharedLink* ph = Find(ml, "us_ofac_sdn:12312", SharedKind::kPhone);
  ASSERT_NE(ph, nullptr) << "the remark 'PHONE 850 2 381 8221' gives no phone identifier";
  EXPECT_EQ(ph->value, "+85023818221");
  // co.chesin.com is shared by several DPRK entities: the domain links to each of them,
  // weighed by how many hold it.
  const SharedLink* d = Find(ml, "us_ofac_sdn:12313", SharedKind::kDomain);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->value, "chesin.com");
  EXPECT_GE(d->holders, 3u);
  EXPECT_LT(d->weight, e->weight);

  EXPECT_TRUE(index->Links("party:ADDR-2").links.empty());
}

}  // namespace
}  // namespace vigil::graph
