// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Red flags over 100,000 parties (redflags::Engine::Run), in the manner of the dev set's
// generator (../shared/eval/itworkers/README.md): ordinary people from
// ../shared/bench/names-100k.csv with a home in their country and logins from IP ranges of
// their country (the @ip-location-db country table); some travel, share a home or an office
// IP, use remote desktop or crypto; plus planted networks that share payment accounts,
// phones and wallets, log in from China and Russia, and ship to laptop farms.
//
//   vigil_redflags_bench [--parties N] [--threads T] [--names FILE] [--ip-data DIR]
//                        [--planted-share S] [--runs R] [--lists DIR...]
//
// Prints the time to generate, to load the IP tables, and Engine::Run's time (best of R).
// With --lists (list folders, as `vigil --lists`), the name_screen rule screens every
// party's name against them too, as `vigil red-flags --lists ...` does.

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ip/ip_database.h"
#include "model/party.h"
#include "redflags/red_flags.h"
#include "util/csv.h"
#include "util/file.h"
#include "vigil/list.h"
#include "vigil/screen.h"

namespace {

using vigil::Status;
namespace fs = std::filesystem;

struct Range {
  uint32_t start, end;
};

std::string Dotted(uint32_t v) {
  return fmt::format("{}.{}.{}.{}", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
}

uint32_t ParseV4(const std::string& s) {
  uint32_t v = 0, part = 0;
  for (char c : s) {
    if (c == '.') {
      v = (v << 8) | part;
      part = 0;
    } else {
      part = part * 10 + static_cast<uint32_t>(c - '0');
    }
  }
  return (v << 8) | part;
}

// The country table's IPv4 ranges by country (to draw logins from, as the generator does).
Status ReadRanges(const fs::path& dir, std::map<std::string, std::vector<Range>>* out) {
  std::string text;
  fs::path file = dir / "geo-whois-asn-country" / "geo-whois-asn-country-ipv4.csv";
  if (Status s = vigil::util::ReadFile(file, &text); !s.ok()) return s;
  vigil::util::CsvReader r(text, ',', file.string());
  vigil::util::CsvRecord rec;
  while (r.Next(&rec)) {
    if (rec.fields.size() < 3) continue;
    (*out)[rec.fields[2]].push_back({ParseV4(rec.fields[0]), ParseV4(rec.fields[1])});
  }
  return r.status();
}

struct Generator {
  std::mt19937_64 rng{16};
  std::map<std::string, std::vector<Range>> ranges;
  int day0 = 1;

  double U() { return std::uniform_real_distribution<double>(0, 1)(rng); }
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

  std::string IpIn(const std::string& country) {
    auto it = ranges.find(country);
    if (it == ranges.end() || it->second.empty()) it = ranges.find("US");
    const Range& r = it->second[Pick(it->second.size())];
    return Dotted(r.start + static_cast<uint32_t>(Pick(r.end - r.start + 1)));
  }
  std::string Time(int day, int minute) {
    return fmt::format("2026-{:02d}-{:02d}T{:02d}:{:02d}:00Z", 3 + (day - 1) / 28,
                       (day - 1) % 28 + 1, (minute / 60) % 24, minute % 60);
  }
  void Logins(vigil::model::Party* p, const std::vector<std::string>& ips, int n) {
    for (int k = 0; k < n; ++k) {
      p->logins.push_back({ips[Pick(ips.size())],
                           Time(1 + static_cast<int>(Pick(56)), static_cast<int>(Pick(1440)))});
    }
  }
  std::string Street() {
    static const char* kStreets[] = {"Main", "Oak", "Pine", "Maple", "Elm", "Lake", "Hill"};
    return fmt::format("{} {} St", 1 + Pick(9999), kStreets[Pick(7)]);
  }
};

std::string Family(const std::string& name) {
  size_t sp = name.rfind(' ');
  return sp == std::string::npos ? name : name.substr(sp + 1);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"red flags over generated parties: Engine::Run's time"};
  size_t n = 100000, threads = 2, runs = 3;
  double planted_share = 0.03;
  std::string names = std::string(VIGIL_SHARED_LISTS) + "/../bench/names-100k.csv";
  std::string ip_data;
  app.add_option("--parties", n, "parties to generate");
  app.add_option("--threads", threads, "Engine threads");
  app.add_option("--runs", runs, "runs (the best is reported)");
  app.add_option("--names", names, "names-100k.csv");
  app.add_option("--ip-data", ip_data, "the @ip-location-db folder (default: DefaultDataDir)");
  app.add_option("--planted-share", planted_share, "share of planted profiles");
  std::vector<std::string> list_dirs;
  app.add_option("--lists", list_dirs, "list folders: screen the names too (name_screen)");
  CLI11_PARSE(app, argc, argv);

  auto t0 = std::chrono::steady_clock::now();
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  fs::path dir = ip_data.empty() ? vigil::ip::DefaultDataDir() : fs::path(ip_data);
  std::unique_ptr<vigil::ip::IpDatabase> ipdb;
  vigil::ip::OpenOptions io;
  io.data_dir = dir;
  io.ipv4_only = true;
  if (Status s = vigil::ip::IpDatabase::Open(io, &ipdb); !s.ok()) {
    fmt::print(stderr, "{}\n", s.ToString());
    return 1;
  }
  auto t1 = std::chrono::steady_clock::now();

  Generator g;
  if (Status s = ReadRanges(dir, &g.ranges); !s.ok()) {
    fmt::print(stderr, "{}\n", s.ToString());
    return 1;
  }
  std::string text;
  if (Status s = vigil::util::ReadFile(names, &text); !s.ok()) {
    fmt::print(stderr, "{} (give --names)\n", s.ToString());
    return 1;
  }
  struct NameRow {
    std::string name, country;
  };
  std::vector<NameRow> rows;
  {
    vigil::util::CsvReader r(text, ',', names);
    vigil::util::CsvRecord rec;
    r.Next(&rec);  // header
    while (r.Next(&rec)) {
      if (rec.fields.size() >= 4) rows.push_back({rec.fields[2], rec.fields[3]});
    }
  }
  if (rows.empty()) return 1;

  std::vector<vigil::model::Party> parties;
  parties.reserve(n);
  const size_t planted = static_cast<size_t>(static_cast<double>(n) * planted_share);
  const size_t ordinary = n - planted;
  std::vector<std::string> vpn = {"CH", "SE", "NL", "DE", "GB", "US"};
  std::vector<std::string> offices;
  for (int k = 0; k < 2000; ++k) offices.push_back(g.IpIn(rows[g.Pick(rows.size())].country));
  for (size_t i = 0; i < ordinary; ++i) {
    const NameRow& row = rows[i % rows.size()];
    vigil::model::Party p;
    p.id = fmt::format("P-{:06d}", i);
    p.kind = vigil::EntityKind::kPerson;
    p.name = row.name;
    p.country = p.nationality = row.country;
    // A family: the previous party's home, same family name, now and then.
    if (i > 0 && g.U() < 0.03 && !parties.back().addresses.empty()) {
      p.addresses.push_back(parties.back().addresses[0]);
      p.name = row.name.substr(0, row.name.find(' ')) + " " + Family(parties.back().name);
    } else {
      p.addresses.push_back({"home", g.Street(), "Springfield",
                             fmt::format("{}", 10000 + g.Pick(89999)), row.country});
    }
    p.identifiers.push_back({"email", fmt::format("user{}@mail.example", i), "", "", ""});
    p.identifiers.push_back({"phone", fmt::format("+1 {}", 2000000000 + i), "", "", ""});
    p.identifiers.push_back(
        {"payment_account", fmt::format("acct{}@pay.example", i), p.name, row.country, ""});
    std::vector<std::string> ips = {g.IpIn(row.country), g.IpIn(row.country)};
    double u = g.U();
    if (u < 0.05) ips = {g.IpIn(vpn[g.Pick(vpn.size())])};                                // VPN
    if (u >= 0.05 && u < 0.10) ips.push_back(g.IpIn(rows[g.Pick(rows.size())].country));  // travel
    if (g.U() < 0.04) ips.push_back(offices[g.Pick(offices.size())]);                     // office
    g.Logins(&p, ips, 3 + static_cast<int>(g.Pick(10)));
    if (g.U() < 0.02) p.remote_access.push_back("anydesk");
    if (g.U() < 0.03) {
      p.identifiers.push_back({"wallet", fmt::format("T{:033d}", i), "", "", "USDT"});
    }
    parties.push_back(std::move(p));
  }
  // Planted: networks of 2..6 profiles; one in three ships to a farm shared by 3 networks.
  std::vector<std::string> fac = {"CN", "RU", "CN", "RU", "LA", "NG"};
  std::vector<std::string> claimed = {"US", "CA", "DE", "PL", "UA", "AU", "JP", "GB"};
  size_t made = 0, net = 0;
  std::string farm_addr, farm_ip;
  while (made < planted) {
    size_t size = std::min(planted - made, 2 + g.Pick(5));
    if (net % 9 == 0) {
      farm_addr = g.Street();
      farm_ip = g.IpIn("US");
    }
    bool farm = net % 3 == 0;
    std::string pay = fmt::format("net{}@payoneer.example", net);
    std::string phone = fmt::format("+86 {}", 5000000000 + net);
    std::string where = fac[g.Pick(fac.size())];
    for (size_t k = 0; k < size; ++k, ++made) {
      const NameRow& row = rows[g.Pick(rows.size())];
      vigil::model::Party p;
      p.id = fmt::format("Q-{:06d}", made);
      p.kind = vigil::EntityKind::kPerson;
      p.name = row.name;
      std::string c = claimed[g.Pick(claimed.size())];
      p.country = p.nationality = c;
      p.addresses.push_back({"home", g.Street(), "Riverside", "12345", c});
      if (farm) p.addresses.push_back({"shipping", farm_addr, "Phoenix", "85001", "US"});
      p.identifiers.push_back({"email", fmt::format("q{}@proton.example", made), "", "", ""});
      if (g.U() < 0.6) p.identifiers.push_back({"phone", phone, "", "", ""});
      p.identifiers.push_back(
          {"payment_account", g.U() < 0.7 ? pay : fmt::format("own{}", made), "Li Wei", "HK", ""});
      std::vector<std::string> ips = {g.IpIn(where), g.IpIn(where), g.IpIn(where)};
      if (farm) ips.push_back(farm_ip);
      g.Logins(&p, ips, 6 + static_cast<int>(g.Pick(10)));
      g.Logins(&p, {g.IpIn(c)}, 1);
      p.remote_access.push_back("rdp");
      parties.push_back(std::move(p));
    }
    ++net;
  }
  auto t2 = std::chrono::steady_clock::now();

  std::unique_ptr<vigil::Screener> screener;
  if (!list_dirs.empty()) {
    std::vector<vigil::LoadedList> lists;
    for (const std::string& d : list_dirs) {
      vigil::LoadOptions lo;
      lo.accept_truncated = true;  // the shared CSL snapshot ends inside a quoted field
      vigil::LoadedList l;
      if (Status s = vigil::LoadList(d, lo, &l); !s.ok()) {
        fmt::print(stderr, "{}: {}\n", d, s.ToString());
        return 1;
      }
      lists.push_back(std::move(l));
    }
    if (Status s = vigil::Screener::Create(std::move(lists), &screener); !s.ok()) {
      fmt::print(stderr, "{}\n", s.ToString());
      return 1;
    }
  }

  vigil::redflags::Options o;
  o.ip = ipdb.get();
  o.screener = screener.get();
  o.threads = threads;
  std::unique_ptr<vigil::redflags::Engine> engine;
  if (Status s = vigil::redflags::Engine::Create(o, &engine); !s.ok()) {
    fmt::print(stderr, "{}\n", s.ToString());
    return 1;
  }
  double best = 1e9;
  vigil::redflags::Report report;
  for (size_t r = 0; r < runs; ++r) {
    auto a = std::chrono::steady_clock::now();
    if (Status s = engine->Run(parties, &report); !s.ok()) {
      fmt::print(stderr, "{}\n", s.ToString());
      return 1;
    }
    best = std::min(best, secs(a, std::chrono::steady_clock::now()));
  }
  std::map<std::string, size_t> counts;
  size_t planted_high = 0, ordinary_high = 0;
  for (size_t i = 0; i < report.parties.size(); ++i) {
    ++counts[report.parties[i].risk];
    if (report.parties[i].risk == "high") (i < ordinary ? ordinary_high : planted_high)++;
  }
  size_t logins = 0;
  for (const auto& p : parties) logins += p.logins.size();
  fmt::print("parties            {} ({} planted in {} networks), {} logins\n", parties.size(),
             planted, net, logins);
  fmt::print("ip tables load     {:.2f} s\n", secs(t0, t1));
  fmt::print("generate           {:.2f} s\n", secs(t1, t2));
  fmt::print("Engine::Run        {:.2f} s (best of {}, {} threads, {})\n", best, runs, threads,
             screener ? fmt::format("names screened against {} lists", list_dirs.size())
                      : std::string("no name screening: give --lists"));
  fmt::print(
      "risk               high {} (planted {}, ordinary {}), medium {}, low {}, none {}; "
      "{} clusters\n",
      counts["high"], planted_high, ordinary_high, counts["medium"], counts["low"], counts["none"],
      report.clusters.size());
  return 0;
}
