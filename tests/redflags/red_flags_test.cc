// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The red-flag checks on small hand-written populations. Where logins are, comes from a
// small table given through Options::locate (the real IP tables are exercised by the
// dev-set test).

#include "redflags/red_flags.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "redflags/alerts.h"
#include "redflags/values.h"
#include "vigil/list.h"
#include "vigil/screen.h"

namespace vigil::redflags {
namespace {

using nlohmann::json;

// First octet -> country, for the fake IP data: 10 US, 20 DE, 30 CN, 40 RU, 50 GB, 60 FR,
// 70 AE; 175.45.176-179 DPRK.
bool FakeLocate(std::string_view ip, ip::Brief* out) {
  static const std::map<std::string, std::string> kByFirst = {
      {"10", "US"}, {"20", "DE"}, {"30", "CN"}, {"40", "RU"},
      {"50", "GB"}, {"60", "FR"}, {"70", "AE"}};
  std::string s(ip);
  if (s.rfind("175.45.17", 0) == 0) {
    *out = {};
    out->country = {'K', 'P'};
    out->asn = 131279;
    out->sanctioned = true;
    out->dprk = true;
    return true;
  }
  auto it = kByFirst.find(s.substr(0, s.find('.')));
  if (it == kByFirst.end()) return false;
  *out = {};
  out->country = {it->second[0], it->second[1]};
  return true;
}

// A builder for party records.
struct P {
  model::Party p;
  P(std::string id, std::string name, std::string country) {
    p.id = std::move(id);
    p.name = std::move(name);
    p.kind = EntityKind::kPerson;
    p.country = country;
    p.nationality = country;
  }
  P& Home(std::string street, std::string city, std::string country) {
    p.addresses.push_back({"home", std::move(street), std::move(city), "1000", std::move(country)});
    return *this;
  }
  P& Ship(std::string street, std::string city, std::string country) {
    p.addresses.push_back(
        {"shipping", std::move(street), std::move(city), "2000", std::move(country)});
    return *this;
  }
  P& Id(std::string type, std::string value, std::string holder = "", std::string country = "") {
    p.identifiers.push_back(
        {std::move(type), std::move(value), std::move(holder), std::move(country), ""});
    return *this;
  }
  // `n` logins from `ip`, a day apart from day `day`.
  P& Logins(const std::string& ip, int n, int day = 1, int hour = 9) {
    for (int k = 0; k < n; ++k) {
      p.logins.push_back({ip, fmt(day + k, hour)});
    }
    return *this;
  }
  P& Login(const std::string& ip, int day, int hour) {
    p.logins.push_back({ip, fmt(day, hour)});
    return *this;
  }
  P& Remote(std::string tool) {
    p.remote_access.push_back(std::move(tool));
    return *this;
  }
  static std::string fmt(int day, int hour) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-03-%02dT%02d:00:00Z", (day - 1) % 28 + 1, hour % 24);
    return buf;
  }
};

Report RunOn(const std::vector<model::Party>& parties, const Screener* screener = nullptr) {
  Options o;
  o.locate = FakeLocate;
  o.screener = screener;
  o.threads = 2;
  std::unique_ptr<Engine> e;
  Status s = Engine::Create(o, &e);
  EXPECT_TRUE(s.ok()) << s.ToString();
  Report r;
  s = e->Run(parties, &r);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return r;
}

const PartyResult& Result(const Report& r, std::string_view id) {
  for (const PartyResult& p : r.parties) {
    if (p.id == id) return p;
  }
  ADD_FAILURE() << "no result for " << id;
  static PartyResult none;
  return none;
}

bool HasFlag(const PartyResult& r, std::string_view rule) {
  for (const Flag& f : r.flags) {
    if (f.rule == rule) return true;
  }
  return false;
}

TEST(RedFlagsRules, DefaultRulesParseAndCiteTheAdvisories) {
  std::vector<Rule> rules;
  json levels;
  Status s = ParseRules(DefaultRulesText(), "it_workers.json", &rules, &levels);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GE(rules.size(), 10u);
  std::set<std::string> checks;
  for (const Rule& r : rules) {
    EXPECT_FALSE(r.source.empty()) << r.id;
    EXPECT_FALSE(r.quote.empty()) << r.id;
    checks.insert(r.check);
  }
  for (const char* c : {"login_sanctioned_ip", "login_country_mismatch", "impossible_travel",
                        "shared_ip", "shared_identifier", "laptop_farm", "third_party_payment",
                        "remote_access", "name_screen"}) {
    EXPECT_EQ(checks.count(c), 1u) << c;
  }
  EXPECT_GT(levels["high"].get<double>(), levels["medium"].get<double>());
}

TEST(RedFlagsRules, ErrorsNameTheFileAndTheRule) {
  std::vector<Rule> rules;
  json levels;
  const std::string text = R"({"levels": {"high": 0.7, "medium": 0.4, "low": 0.1}, "rules": [
    {"id": "a", "check": "remote_access", "weight": 0.1, "source": "s", "quote": "q"},
    {"id": "shared-ip", "check": "shared_ipp", "weight": 0.1, "source": "s", "quote": "q"}]})";
  Status s = ParseRules(text, "rules.json", &rules, &levels);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("rules.json: rule 2 (shared-ip): unknown check 'shared_ipp'"),
            std::string::npos)
      << s.message();
  s = ParseRules(R"({"levels": {"high": 0.7, "medium": 0.4, "low": 0.1}, "rules": [
    {"id": "a", "check": "remote_access", "weight": 0.1, "source": "s"}]})",
                 "r.json", &rules, &levels);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("r.json: rule 1 (a): \"quote\" missing"), std::string::npos)
      << s.message();
  s = ParseRules("{", "bad.json", &rules, &levels);
  EXPECT_NE(s.message().find("bad.json"), std::string::npos);
  std::unique_ptr<Engine> e;
  Options o;
  o.rules_text = text;
  o.rules_file_name = "rules.json";
  EXPECT_FALSE(Engine::Create(o, &e).ok());
}

TEST(RedFlagsValues, Normalize) {
  EXPECT_EQ(NormalizeValue("phone", "+1 (847) 311-5734"), "18473115734");
  EXPECT_EQ(NormalizeValue("phone", "0049 30 1234"), "49301234");
  EXPECT_EQ(NormalizeValue("email", " John.Doe@Example.COM "), "john.doe@example.com");
  EXPECT_EQ(NormalizeValue("wallet", "0xAbC123"), "0xabc123");
  EXPECT_EQ(NormalizeValue("wallet", "TQ2uj39o"), "TQ2uj39o");
  EXPECT_EQ(NormalizeValue("payment_account", "AB-12 34"), "ab1234");
  model::PartyAddress a{"home", "12 Main Street", "Springfield", "12345", "us"};
  model::PartyAddress b{"shipping", "12, main st.", "SPRINGFIELD", "12345", "US"};
  EXPECT_EQ(AddressKey(a), AddressKey(b));
  EXPECT_EQ(FamilyNameKey("Ana Laura Oliveira Jr."), FamilyNameKey("Pedro Oliveira"));
  EXPECT_EQ(FamilyNameKey("김정은"), FamilyNameKey("김유정"));
  EXPECT_EQ(Distinctiveness(1, 8), 0);
  EXPECT_EQ(Distinctiveness(5, 8), 1);
  EXPECT_DOUBLE_EQ(Distinctiveness(40, 8), 0.2);
  EXPECT_EQ(ParseTime("1970-01-01T00:01:00Z"), 60);
  EXPECT_EQ(ParseTime("2026-03-05T16:37:00+02:00"), ParseTime("2026-03-05T14:37:00Z"));
  EXPECT_FALSE(ParseTime("2026-13-05T16:37:00Z").has_value());
  EXPECT_FALSE(ParseTime("yesterday").has_value());
}

TEST(RedFlags, DprkLoginIsHigh) {
  std::vector<model::Party> ps = {
      P("A", "John Miller", "US").Home("1 Oak St", "Austin", "US").Logins("10.0.0.1", 5).p,
  };
  ps[0].logins.push_back({"175.45.178.10", "2026-03-20T10:00:00Z"});
  Report r = RunOn(ps);
  const PartyResult& a = Result(r, "A");
  EXPECT_EQ(a.risk, "high");
  ASSERT_FALSE(a.flags.empty());
  EXPECT_EQ(a.flags[0].rule, "login-dprk-or-sanctioned-ip");
  EXPECT_NE(a.flags[0].evidence.find("175.45.178.10"), std::string::npos);
  EXPECT_NE(a.flags[0].source.find("2022"), std::string::npos);
}

TEST(RedFlags, SharedPaymentAccountLinksUnrelatedProfiles) {
  std::vector<model::Party> ps;
  const char* names[] = {"Anna Kowalski", "Brian Smith", "Carla Diaz"};
  for (int i = 0; i < 3; ++i) {
    ps.push_back(P(std::string("N") + char('1' + i), names[i], "US")
                     .Home(std::to_string(10 + i) + " Elm St", "Denver", "US")
                     .Id("payment_account", "PAY-777-X", "Wei Zhang", "HK")
                     .Logins("30.1.1." + std::to_string(i), 6)
                     .Remote("anydesk")
                     .p);
  }
  ps.push_back(P("Z", "Dora Lee", "US").Home("9 Pine St", "Boston", "US").Logins("10.9.9.9", 4).p);
  Report r = RunOn(ps);
  for (const char* id : {"N1", "N2", "N3"}) {
    const PartyResult& p = Result(r, id);
    EXPECT_EQ(p.risk, "high") << id;
    EXPECT_TRUE(HasFlag(p, "shared-payment-account")) << id;
    ASSERT_TRUE(p.cluster.has_value()) << id;
    EXPECT_EQ(*p.cluster, "C-0001");
  }
  EXPECT_EQ(Result(r, "Z").risk, "none");
  EXPECT_FALSE(Result(r, "Z").cluster.has_value());
  ASSERT_EQ(r.clusters.size(), 1u);
  EXPECT_EQ(r.clusters[0].parties, (std::vector<std::string>{"N1", "N2", "N3"}));
  ASSERT_FALSE(r.clusters[0].links.empty());
  EXPECT_EQ(r.clusters[0].links[0].kind, "payment_account");
  EXPECT_EQ(r.clusters[0].links[0].value, "pay777x");
  json j = ToJson(Result(r, "N1"));
  EXPECT_EQ(j["cluster"], "C-0001");
  EXPECT_EQ(j["risk"], "high");
  EXPECT_TRUE(j["flags"][0].contains("source"));
  // The alert hook: the three at risk high, with their cluster.
  std::vector<AlertInput> alerts = AlertsToOpen(ps, r);
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[0].cluster, &r.clusters[0]);
  EXPECT_EQ(AlertExplanation(*alerts[0].result, alerts[0].cluster)["cluster"]["id"], "C-0001");
}

TEST(RedFlags, FamilyHomeIsNotAFlag) {
  // Two of one family at one home share the phone and the home IP.
  std::vector<model::Party> ps = {
      P("F1", "Marie Rossi", "FR")
          .Home("5 Rue Haute", "Lyon", "FR")
          .Id("phone", "+33 04 1234567")
          .Logins("60.0.0.1", 8)
          .p,
      P("F2", "Luc Rossi", "FR")
          .Home("5, rue haute", "LYON", "FR")
          .Id("phone", "+33 (04) 1234567")
          .Logins("60.0.0.1", 8)
          .p,
  };
  Report r = RunOn(ps);
  for (const char* id : {"F1", "F2"}) {
    const PartyResult& p = Result(r, id);
    EXPECT_FALSE(HasFlag(p, "shared-phone")) << id;
    EXPECT_FALSE(HasFlag(p, "shared-login-ip")) << id;
    EXPECT_FALSE(p.cluster.has_value()) << id;
    EXPECT_EQ(p.risk, "none") << id;
  }
}

TEST(RedFlags, OfficeIpAloneIsNotHighAndDoesNotLink) {
  // Twelve colleagues, each at home, log in from the office's IP now and then.
  std::vector<model::Party> ps;
  for (int i = 0; i < 12; ++i) {
    std::string n = std::to_string(i);
    ps.push_back(P("O" + n, "Worker" + n + " Surname" + n, "GB")
                     .Home(n + " High St", "London", "GB")
                     .Logins("50.0.1." + n, 6)
                     .Logins("50.9.9.9", 3, 10)
                     .p);
  }
  Report r = RunOn(ps);
  EXPECT_TRUE(r.clusters.empty());
  for (const PartyResult& p : r.parties) {
    EXPECT_TRUE(p.risk == "none" || p.risk == "low") << p.id << " " << p.risk;
    EXPECT_FALSE(p.cluster.has_value());
  }
}

TEST(RedFlags, TravellerIsNotHigh) {
  std::vector<model::Party> ps = {
      P("T", "Sophie Martin", "FR")
          .Home("3 Rue Neuve", "Lyon", "FR")
          .Logins("60.1.1.1", 10)
          .Login("30.2.2.2", 12, 8)  // a week in China
          .Login("30.2.2.2", 13, 8)
          .Login("60.1.1.1", 14, 9)
          .p,
  };
  Report r = RunOn(ps);
  const PartyResult& t = Result(r, "T");
  EXPECT_NE(t.risk, "high");
  EXPECT_TRUE(HasFlag(t, "login-country-mismatch"));
}

TEST(RedFlags, ChineseFreelancerAloneIsNotHigh) {
  std::vector<model::Party> ps = {
      P("C", "Wang Fang", "CN")
          .Home("8 Nanjing Rd", "Shanghai", "CN")
          .Id("payment_account", "wang.fang@alipay.example", "Wang Fang", "CN")
          .Logins("30.5.5.5", 12)
          .p,
  };
  Report r = RunOn(ps);
  const PartyResult& c = Result(r, "C");
  EXPECT_EQ(c.risk, "none");
  EXPECT_TRUE(c.flags.empty());
}

TEST(RedFlags, ClaimedElsewhereWorkingFromChinaWithThirdPartyPayee) {
  std::vector<model::Party> ps = {
      P("X", "Tom Becker", "DE")
          .Home("4 Hauptstr", "Berlin", "DE")
          .Id("payment_account", "acct-991", "Li Qiang", "HK")
          .Logins("30.7.7.7", 9)
          .Login("20.1.1.1", 12, 9)
          .Logins("30.7.7.8", 3, 14)
          .p,
  };
  Report r = RunOn(ps);
  const PartyResult& x = Result(r, "X");
  EXPECT_EQ(x.risk, "high");
  EXPECT_TRUE(HasFlag(x, "login-country-mismatch"));
  EXPECT_TRUE(HasFlag(x, "login-country-switching"));
  EXPECT_TRUE(HasFlag(x, "payment-prc-russia"));
}

TEST(RedFlags, ImpossibleTravel) {
  std::vector<model::Party> ps = {
      P("I", "Olga Ivanova", "GB")
          .Home("2 Kings Rd", "Leeds", "GB")
          .Login("40.1.1.1", 3, 10)
          .Login("30.1.1.1", 3, 11)
          .Logins("50.1.1.1", 5, 5)
          .p,
  };
  Report r = RunOn(ps);
  const PartyResult& i = Result(r, "I");
  ASSERT_TRUE(HasFlag(i, "impossible-travel"));
  for (const Flag& f : i.flags) {
    if (f.rule == "impossible-travel") {
      EXPECT_NE(f.evidence.find("1.0 h later"), std::string::npos);
    }
  }
}

TEST(RedFlags, LaptopFarmLinksTeams) {
  // Two teams (no value in common between them) ship to one farm address and work through
  // its IP by remote desktop.
  std::vector<model::Party> ps;
  for (int i = 0; i < 4; ++i) {
    std::string n = std::to_string(i);
    P p("L" + n, "Person" + n + " Family" + n, i < 2 ? "CA" : "AU");
    p.Home(n + " Bay St", i < 2 ? "Toronto" : "Sydney", i < 2 ? "CA" : "AU")
        .Ship("77 Farm Rd", "Phoenix", "US")
        .Remote("rdp")
        .Logins("10.77.77.77", 6)
        .Logins("30.3.3." + n, 4, 10);
    ps.push_back(p.p);
  }
  Report r = RunOn(ps);
  ASSERT_EQ(r.clusters.size(), 1u);
  EXPECT_EQ(r.clusters[0].parties.size(), 4u);
  bool address_link = false;
  for (const Link& l : r.clusters[0].links) address_link |= l.kind == "shipping_address";
  EXPECT_TRUE(address_link);
  for (const PartyResult& p : r.parties) {
    EXPECT_EQ(p.risk, "high") << p.id;
    EXPECT_TRUE(HasFlag(p, "laptop-farm-address")) << p.id;
  }
}

TEST(RedFlags, NoIpDataSkipsLoginChecksAndSaysSo) {
  std::unique_ptr<Engine> e;
  ASSERT_TRUE(Engine::Create({}, &e).ok());
  bool noted = false;
  for (const std::string& n : e->notes()) noted |= n.find("login checks") != std::string::npos;
  EXPECT_TRUE(noted);
  std::vector<model::Party> ps = {
      P("A", "John Miller", "US").Logins("175.45.178.10", 3).p,
  };
  Report r;
  ASSERT_TRUE(e->Run(ps, &r).ok());
  EXPECT_FALSE(HasFlag(r.parties[0], "login-dprk-or-sanctioned-ip"));
}

TEST(RedFlags, NameScreenAloneIsMediumAtMost) {
  std::vector<LoadedList> lists;
  LoadOptions lo;
  lo.sample_path = VIGIL_SAMPLE_DIR;
  ASSERT_TRUE(LoadLists({VIGIL_SAMPLE_DIR}, lo, &lists).ok());
  std::unique_ptr<Screener> screener;
  ASSERT_TRUE(Screener::Create(std::move(lists), &screener).ok());
  std::vector<model::Party> ps = {
      P("K", "Kim Kwang Hyok", "US").Home("1 Oak St", "Austin", "US").Logins("10.1.1.1", 4).p,
      P("Q", "Emily Clark", "US").Home("2 Oak St", "Austin", "US").Logins("10.1.1.2", 4).p,
  };
  Report r = RunOn(ps, screener.get());
  const PartyResult& k = Result(r, "K");
  ASSERT_TRUE(HasFlag(k, "name-screens-against-lists"));
  EXPECT_EQ(k.risk, "medium");
  EXPECT_NE(k.flags[0].evidence.find("us_ofac_sdn:18848"), std::string::npos)
      << k.flags[0].evidence;
  EXPECT_FALSE(HasFlag(Result(r, "Q"), "name-screens-against-lists"));
}

}  // namespace
}  // namespace vigil::redflags
