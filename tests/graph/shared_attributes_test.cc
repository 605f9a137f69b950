// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "graph/shared_attributes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/address.h"
#include "text/domain.h"
#include "text/phone.h"

namespace vigil::graph {
namespace {

TEST(SharedNormalize, PhonesToE164) {
  EXPECT_EQ(text::NormalizePhone("+850 2 381 8111", {}), "+85023818111");
  EXPECT_EQ(text::NormalizePhone("00850-2-3818111", {}), "+85023818111");
  EXPECT_EQ(text::NormalizePhone("00850-2-3818111", {"US"}), "+85023818111");
  // Written without "+" and without the region: read as international.
  EXPECT_EQ(text::NormalizePhone("850 2 381 8221", {}), "+85023818221");
  EXPECT_EQ(text::NormalizePhone("850 2 381 8221", {"KP"}), "+85023818221");
  // A national number read in the record's country.
  EXPECT_EQ(text::NormalizePhone("(847) 311-5734", {"US"}), "+18473115734");
  EXPECT_EQ(text::NormalizePhone("020 7946 0018", {"GB"}), "+442079460018");
  // The country code written, in the country's own region.
  EXPECT_EQ(text::NormalizePhone("8613621583465", {"CN"}), "+8613621583465");
  // A second number and an extension are dropped.
  EXPECT_EQ(text::NormalizePhone("850 2 381 8208/4188", {"KP"}), "+85023818208");
  EXPECT_EQ(text::NormalizePhone("+1 847 311 5734 ext. 12", {}), "+18473115734");
  EXPECT_EQ(text::NormalizePhone("+44 (0)20 7946 0018", {}), "+442079460018");
  EXPECT_EQ(text::NormalizePhone("+39 06 6988 3333", {}), "+390669883333");  // leading zero kept
  EXPECT_EQ(text::NormalizePhone("06 6988 3333", {"IT"}), "+390669883333");
  EXPECT_EQ(text::NormalizePhone("+44 020 7946 0018", {}), "+442079460018");  // trunk 0
  EXPECT_EQ(text::NormalizePhone("+800 1234 5678", {}), "+80012345678");      // non-geographic
  EXPECT_EQ(text::NormalizePhone("+999 123 4567", {}), "");                   // no such code
  EXPECT_EQ(text::NormalizePhone("not a phone", {"US"}), "");
  EXPECT_EQ(text::NormalizePhone("123", {"US"}), "");
}

TEST(SharedNormalize, DomainsFromUrlsAndEmails) {
  EXPECT_EQ(text::HostOf("HTTP://WWW.Example.COM:8080/a?b"), "example.com");
  EXPECT_EQ(text::HostOf("not a host"), "");
  EXPECT_EQ(text::HostOf("10.1.2.3"), "");
  EXPECT_EQ(text::RegistrableDomain("https://www.kcc.com.kp/en/"), "kcc.com.kp");
  EXPECT_EQ(text::RegistrableDomain("info@mail.kcc.com.kp"), "kcc.com.kp");
  EXPECT_EQ(text::RegistrableDomain("shop.example.co.uk"), "example.co.uk");
  EXPECT_EQ(text::RegistrableDomain("kdb@co.chesin.com."), "chesin.com");
  // net.kp is missing from the Public Suffix List: data/names/extra_public_suffixes.tsv.
  EXPECT_EQ(text::RegistrableDomain("haejinsm@silibank.net.kp"), "silibank.net.kp");
  EXPECT_EQ(text::RegistrableDomain("co.uk"), "");
  EXPECT_EQ(text::NormalizeEmail("  MailTo:Info@Example.COM. "), "info@example.com");
  EXPECT_EQ(text::NormalizeEmail("a@b@c.com"), "");
  EXPECT_EQ(text::NormalizeEmail("nobody"), "");
  EXPECT_TRUE(text::IsWebmailDomain("gmail.com"));
  EXPECT_TRUE(text::IsWebmailDomain("QQ.com"));
  EXPECT_FALSE(text::IsWebmailDomain("kcc.com.kp"));
}

TEST(SharedNormalize, Addresses) {
  EXPECT_EQ(text::NormalizeStreet("12 Main Street, Suite 4"), "12 main st ste 4");
  EXPECT_EQ(text::NormalizeStreet("12, MAIN ST. STE 4"), "12 main st ste 4");
  EXPECT_EQ(text::NormalizeStreet("Kumsong-dong, Mangyongdae District"),
            text::NormalizeStreet("KUMSONG DONG, MANGYONGDAE DIST."));
  EXPECT_EQ(text::NormalizeCity("PYONGYANG,"), "pyongyang");
  EXPECT_EQ(text::NormalizePostalCode("sw1a 1aa"), "SW1A1AA");
  EXPECT_EQ(text::NormalizeCountry("Korea, North"), "KP");
  EXPECT_EQ(text::NormalizeCountry("kp"), "KP");
}

Entity Listed(std::string id, std::string name) {
  Entity e;
  e.id = std::move(id);
  e.source = "test";
  e.kind = EntityKind::kOrganization;
  e.names.push_back({name, "", "", NameKind::kPrimary});
  return e;
}

Identifier Id(IdKind kind, std::string value, std::string currency = {}) {
  Identifier id;
  id.kind = kind;
  id.value = std::move(value);
  id.currency = std::move(currency);
  return id;
}

model::Party PartyOf(std::string id) {
  model::Party p;
  p.id = std::move(id);
  p.name = "Party " + p.id;
  p.kind = EntityKind::kOrganization;
  return p;
}

void AddId(model::Party* p, std::string type, std::string value) {
  model::PartyIdentifier id;
  id.type = std::move(type);
  id.value = std::move(value);
  p->identifiers.push_back(std::move(id));
}

const SharedLink* Find(const SharedLinks& links, std::string_view to, SharedKind kind) {
  for (const SharedLink& l : links.links) {
    if (l.to == to && l.kind == kind) return &l;
  }
  return nullptr;
}

TEST(SharedValues, EntityAndPartyValues) {
  Entity e = Listed("test:1", "KOREA DAESONG BANK");
  e.addresses.push_back(
      {"Segori-dong, Gyongheung St.", "Pyongyang", "", "", "KP", "Korea, North", ""});
  e.addresses.push_back({"", "Pyongyang", "", "", "KP", "Korea, North", ""});  // no street
  e.identifiers.push_back(Id(IdKind::kPhone, "850 2 381 8221"));
  e.identifiers.push_back(Id(IdKind::kEmail, "KDB@co.chesin.com"));
  e.identifiers.push_back(Id(IdKind::kEmail, "someone@gmail.com"));
  e.identifiers.push_back(Id(IdKind::kWebsite, "http://www.daesongbank.com.kp/"));
  e.identifiers.push_back(Id(IdKind::kImo, "IMO 8712520"));
  e.identifiers.push_back(Id(IdKind::kImo, "IMO 8712521"));  // bad check digit
  e.identifiers.push_back(
      Id(IdKind::kDigitalCurrency, "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01", "ETH"));
  e.identifiers.push_back(
      Id(IdKind::kDigitalCurrency, "134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak", "XBT"));
  e.properties.push_back({"Director", "Kim Chol-Nam"});
  std::vector<SharedValue> v = ExtractValues(e);
  auto has = [&](SharedKind k, std::string_view key) {
    for (const SharedValue& x : v) {
      if (x.kind == k && x.key == key) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(SharedKind::kAddress, "segori dong gyongheung st|pyongyang|KP"));
  EXPECT_TRUE(has(SharedKind::kPhone, "+85023818221"));
  EXPECT_TRUE(has(SharedKind::kEmail, "kdb@co.chesin.com"));
  EXPECT_TRUE(has(SharedKind::kDomain, "chesin.com"));
  EXPECT_TRUE(has(SharedKind::kEmail, "someone@gmail.com"));
  EXPECT_FALSE(has(SharedKind::kDomain, "gmail.com"));  // free mail: not a shared domain
  EXPECT_TRUE(has(SharedKind::kDomain, "daesongbank.com.kp"));
  EXPECT_TRUE(has(SharedKind::kImo, "8712520"));
  EXPECT_FALSE(has(SharedKind::kImo, "8712521"));
  EXPECT_TRUE(has(SharedKind::kWallet, "0xabcdef0123456789abcdef0123456789abcdef01"));
  EXPECT_TRUE(has(SharedKind::kWallet, "134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak"));  // base58 as is
  EXPECT_TRUE(has(SharedKind::kOfficer, "chol kim nam"));
  size_t addresses = 0;
  for (const SharedValue& x : v) addresses += x.kind == SharedKind::kAddress;
  EXPECT_EQ(addresses, 1u);  // the address without a street is no value
}

TEST(SharedIndex, PartyLinkedToListedEntityWithEvidence) {
  Entity e = Listed("test:kdb", "KOREA DAESONG BANK");
  e.addresses.push_back(
      {"Segori-dong, Gyongheung Street", "Pyongyang", "", "", "KP", "Korea, North", ""});
  e.identifiers.push_back(Id(IdKind::kPhone, "+850 2 381 8111"));
  e.identifiers.push_back(Id(IdKind::kWebsite, "www.daesongbank.com.kp"));
  e.identifiers.push_back(
      Id(IdKind::kDigitalCurrency, "0xABCDEF0123456789ABCDEF0123456789ABCDEF01", "ETH"));

  model::Party p = PartyOf("P-1");
  p.country = "KP";
  p.addresses.push_back({"office", "SEGORI DONG, GYONGHEUNG ST.", "pyongyang", "", ""});
  AddId(&p, "phone", "00850-2-3818111");
  AddId(&p, "email", "Trade@Mail.DaesongBank.com.kp");
  AddId(&p, "wallet", "0xabcdef0123456789abcdef0123456789abcdef01");
  model::Party unrelated = PartyOf("P-2");
  AddId(&unrelated, "phone", "+1 847 311 5734");

  SharedAttributeIndex index;
  index.AddEntity(e);
  index.AddParty(p);
  index.AddParty(unrelated);
  index.Finish();
  EXPECT_TRUE(index.LinkedToListed("party:P-1"));
  EXPECT_FALSE(index.LinkedToListed("party:P-2"));

  SharedLinks links = index.Links("party:P-1");
  const SharedLink* phone = Find(links, "test:kdb", SharedKind::kPhone);
  ASSERT_NE(phone, nullptr);
  EXPECT_EQ(phone->value, "+85023818111");
  EXPECT_EQ(phone->from_written, "00850-2-3818111");
  EXPECT_EQ(phone->to_written, "+850 2 381 8111");
  EXPECT_TRUE(phone->to_listed);
  EXPECT_EQ(phone->to_name, "KOREA DAESONG BANK");
  EXPECT_EQ(phone->holders, 2u);
  EXPECT_DOUBLE_EQ(phone->weight, SharedWeight(SharedKind::kPhone, 2));
  const SharedLink* domain = Find(links, "test:kdb", SharedKind::kDomain);
  ASSERT_NE(domain, nullptr);
  EXPECT_EQ(domain->value, "daesongbank.com.kp");
  EXPECT_EQ(domain->from_written, "Trade@Mail.DaesongBank.com.kp");
  EXPECT_EQ(domain->to_written, "www.daesongbank.com.kp");
  const SharedLink* address = Find(links, "test:kdb", SharedKind::kAddress);
  ASSERT_NE(address, nullptr);
  EXPECT_EQ(address->value, "segori dong gyongheung st|pyongyang|KP");
  ASSERT_NE(Find(links, "test:kdb", SharedKind::kWallet), nullptr);
  EXPECT_EQ(links.links.front().kind, SharedKind::kWallet);  // best weight first
  EXPECT_TRUE(index.Links("party:P-2").links.empty());

  // Both ways: the entity's links name the party.
  SharedLinks back = index.Links("test:kdb");
  ASSERT_NE(Find(back, "party:P-1", SharedKind::kPhone), nullptr);
  EXPECT_FALSE(Find(back, "party:P-1", SharedKind::kPhone)->to_listed);
}

TEST(SharedIndex, AddressPostalCodes) {
  Entity e = Listed("test:a", "A");
  e.addresses.push_back({"1 Harbour Road", "Hong Kong", "", "999077", "HK", "Hong Kong", ""});
  model::Party same = PartyOf("same");  // same postal code, written differently
  same.addresses.push_back({"", "1 HARBOUR RD.", "HONG KONG", "999 077", "HK"});
  model::Party missing = PartyOf("missing");  // no postal code: street, city, country agree
  missing.addresses.push_back({"", "1 Harbour Rd", "Hong Kong", "", "Hong Kong"});
  model::Party other_postal = PartyOf("other");  // another postal code: a different place
  other_postal.addresses.push_back({"", "1 Harbour Road", "Hong Kong", "999078", "HK"});
  model::Party other_city = PartyOf("city");
  other_city.addresses.push_back({"", "1 Harbour Road", "Kowloon", "", "HK"});
  model::Party other_country = PartyOf("country");
  other_country.addresses.push_back({"", "1 Harbour Road", "Hong Kong", "", "GB"});

  SharedAttributeIndex index;
  index.AddEntity(e);
  for (const model::Party* p : {&same, &missing, &other_postal, &other_city, &other_country}) {
    index.AddParty(*p);
  }
  index.Finish();
  EXPECT_NE(Find(index.Links("party:same"), "test:a", SharedKind::kAddress), nullptr);
  EXPECT_NE(Find(index.Links("party:missing"), "test:a", SharedKind::kAddress), nullptr);
  EXPECT_EQ(Find(index.Links("party:other"), "test:a", SharedKind::kAddress), nullptr);
  EXPECT_TRUE(index.Links("party:city").links.empty());
  EXPECT_TRUE(index.Links("party:country").links.empty());
}

TEST(SharedIndex, CommonValuesWeighedDownThenNotLinked) {
  SharedOptions options;
  options.max_holders = 10;
  SharedAttributeIndex index(options);
  Entity agent = Listed("test:agent", "Listed via agent");
  agent.addresses.push_back(
      {"1000 N West Street, Suite 1200", "Wilmington", "DE", "19801", "US", "United States", ""});
  agent.identifiers.push_back(Id(IdKind::kWebsite, "https://shared-host.example.com"));
  index.AddEntity(agent);
  // 5 parties at the agent's website's domain; 20 at its address.
  for (int i = 0; i < 20; ++i) {
    model::Party p = PartyOf("R" + std::to_string(i));
    p.addresses.push_back(
        {"registered", "1000 N. West St., Ste. 1200", "WILMINGTON", "19801", "US"});
    if (i < 5) AddId(&p, "website", "http://site" + std::to_string(i) + ".example.com");
    index.AddParty(p);
  }
  index.Finish();
  SharedLinks links = index.Links("party:R0");
  const SharedLink* domain = Find(links, "test:agent", SharedKind::kDomain);
  ASSERT_NE(domain, nullptr);
  EXPECT_EQ(domain->holders, 6u);
  EXPECT_LT(domain->weight, SharedWeight(SharedKind::kDomain, 2));
  EXPECT_DOUBLE_EQ(domain->weight, SharedWeight(SharedKind::kDomain, 6));
  EXPECT_EQ(Find(links, "test:agent", SharedKind::kAddress), nullptr);
  ASSERT_EQ(links.too_common.size(), 1u);
  EXPECT_EQ(links.too_common[0].kind, SharedKind::kAddress);
  EXPECT_EQ(links.too_common[0].holders, 21u);
  // Parties sharing only the too-common address are not linked.
  EXPECT_FALSE(index.LinkedToListed("party:R10"));
  EXPECT_TRUE(index.LinkedToListed("party:R1"));
  // Weight falls with holders.
  EXPECT_GT(SharedWeight(SharedKind::kAddress, 3), SharedWeight(SharedKind::kAddress, 30));
}

TEST(SharedIndex, PartyToPartyThroughALinkedParty) {
  Entity e = Listed("test:x", "LISTED X");
  e.identifiers.push_back(Id(IdKind::kEmail, "sales@listed-x.com"));
  model::Party a = PartyOf("A");  // shares the listed entity's email: linked
  AddId(&a, "email", "SALES@listed-x.com");
  AddId(&a, "phone", "+44 20 7946 0018");
  model::Party b = PartyOf("B");  // shares A's phone: linked through A
  b.country = "GB";
  AddId(&b, "phone", "020 7946 0018");
  AddId(&b, "registration", "HRB 12345");
  model::Party c = PartyOf("C");  // shares B's registration only; B is not itself linked
  c.country = "GB";
  AddId(&c, "registration", "hrb-12345");
  model::Party d = PartyOf("D");  // same registration, another country
  d.country = "DE";
  AddId(&d, "registration", "HRB12345");

  SharedAttributeIndex index;
  index.AddEntity(e);
  for (const model::Party* p : {&a, &b, &c, &d}) index.AddParty(*p);
  index.Finish();

  SharedLinks lb = index.Links("party:B");
  const SharedLink* via = Find(lb, "party:A", SharedKind::kPhone);
  ASSERT_NE(via, nullptr);
  EXPECT_FALSE(via->to_listed);
  EXPECT_EQ(via->value, "+442079460018");
  EXPECT_EQ(via->to_linked_to, std::vector<std::string>{"test:x"});
  // B shares its registration with C, but C is not linked: no link from B to C.
  EXPECT_EQ(Find(lb, "party:C", SharedKind::kRegistration), nullptr);
  // From C: B is not linked to a listed entity directly, so no link either.
  EXPECT_TRUE(index.Links("party:C").links.empty());
  EXPECT_FALSE(index.LinkedToListed("party:B"));
  EXPECT_TRUE(index.LinkedToListed("party:A"));
  // A's links: the listed entity; B (a party not itself linked) is not listed there.
  SharedLinks la = index.Links("party:A");
  EXPECT_NE(Find(la, "test:x", SharedKind::kEmail), nullptr);
  EXPECT_EQ(Find(la, "party:B", SharedKind::kPhone), nullptr);
  EXPECT_TRUE(index.Links("party:D").links.empty());
}

TEST(SharedIndex, UnknownNodeAndDuplicates) {
  SharedAttributeIndex index;
  model::Party p = PartyOf("P");
  AddId(&p, "email", "a@example.org");
  index.AddParty(p);
  index.AddParty(p);  // ignored
  index.Finish();
  EXPECT_EQ(index.node_count(), 1u);
  EXPECT_TRUE(index.Links("party:nope").links.empty());
  EXPECT_TRUE(index.ValuesOf("party:nope").empty());
  EXPECT_EQ(index.ValuesOf("party:P").size(), 2u);  // email and domain
}

}  // namespace
}  // namespace vigil::graph
