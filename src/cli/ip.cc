// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "cli/ip.h"

#include <fmt/core.h>

#include <iostream>
#include <nlohmann/json.hpp>

namespace vigil::cli {

void AddIpDataOptions(CLI::App* cmd, IpDataArgs* a) {
  cmd->add_option("--ip-data", a->data,
                  "the folder holding the @ip-location-db packages (geo-whois-asn-country/ and "
                  "asn/; default: $VIGIL_IP_DATA, else where tools/deps.sh installs them)");
  cmd->add_option("--ip-db", a->mmdb,
                  "a MaxMind-format database (.mmdb: country, city or ASN), consulted before "
                  "the tables; repeatable");
}

Status OpenIpDatabase(const IpDataArgs& a, bool ipv4_only, std::unique_ptr<ip::IpDatabase>* out) {
  ip::OpenOptions o;
  o.data_dir = a.data;
  for (const std::string& f : a.mmdb) o.mmdb_files.emplace_back(f);
  o.ipv4_only = ipv4_only;
  return ip::IpDatabase::Open(o, out);
}

CLI::App* AddIpCommand(CLI::App* app, IpArgs* a) {
  CLI::App* c = app->add_subcommand(
      "ip",
      "where IP addresses are registered (country, AS), and whether that is a sanctioned "
      "jurisdiction or known North Korean address space");
  c->add_option("ADDRESS", a->addresses, "IPv4 or IPv6 addresses")->required();
  AddIpDataOptions(c, &a->data);
  return c;
}

namespace {

std::string Row(const ip::Evidence& e) {
  std::string where = e.row > 0 ? fmt::format("{} line {}", e.table, e.row) : e.table;
  return e.range.empty() ? where : fmt::format("{}: {}", where, e.range);
}

const ip::Evidence* Find(const ip::Answer& a, std::string_view part, size_t nth = 0) {
  for (const ip::Evidence& e : a.evidence) {
    if (e.part == part && nth-- == 0) return &e;
  }
  return nullptr;
}

void PrintAnswer(const ip::Answer& a) {
  fmt::print("{} (IPv{}{})\n", a.address, a.version,
             a.input != a.address ? fmt::format(", given as '{}'", a.input) : "");
  if (a.special) {
    fmt::print("  special      {}: not a public Internet address, so no country or AS\n",
               a.special_kind);
    if (const ip::Evidence* e = Find(a, "special")) fmt::print("               ({})\n", Row(*e));
    fmt::print("  sanctioned   no (a special-purpose address)\n");
    return;
  }
  if (a.country.empty()) {
    fmt::print("  country      unknown\n");
  } else {
    const ip::Evidence* e = Find(a, "country");
    fmt::print("  country      {}{}\n", a.country, e ? fmt::format("  ({})", Row(*e)) : "");
  }
  if (!a.subdivision.empty()) {
    const ip::Evidence* e = Find(a, "region");
    fmt::print("  region       {}{}\n", a.subdivision, e ? fmt::format("  ({})", Row(*e)) : "");
  }
  if (a.asn == 0) {
    fmt::print("  AS           unknown\n");
  } else {
    const ip::Evidence* e = Find(a, "asn");
    fmt::print("  AS           AS{} {}{}\n", a.asn, a.as_org,
               e ? fmt::format("  ({})", Row(*e)) : "");
  }
  if (a.sanctioned) {
    for (size_t i = 0; i < a.sanctions.size(); ++i) {
      const ip::Sanction& s = a.sanctions[i];
      const ip::Evidence* e = Find(a, "sanction", i);
      fmt::print(
          "  SANCTIONED   {} {}, program {}{}\n", s.country, s.name, s.program,
          e ? fmt::format(" (by {}; {})", e->range, Row(*e).substr(0, Row(*e).find(':'))) : "");
      fmt::print("               legal source: {}\n", s.source);
      if (!s.note.empty()) fmt::print("               note: {}\n", s.note);
    }
  } else {
    fmt::print("  sanctioned   no{}\n",
               a.country.empty()
                   ? " (no country known)"
                   : fmt::format(" ({} is not in the sanctioned jurisdictions table)", a.country));
  }
  if (a.dprk) {
    const ip::Evidence* e = Find(a, "dprk_range");
    fmt::print("  DPRK range   in {}: {}{}, documented {}\n", a.dprk->cidr, a.dprk->holder,
               a.dprk->asn ? fmt::format(" (AS{})", a.dprk->asn) : "", a.dprk->date);
    fmt::print("               source: {}{}\n", a.dprk->source,
               e ? fmt::format(" ({} line {})", e->table, e->row) : "");
    if (!a.dprk->note.empty()) fmt::print("               note: {}\n", a.dprk->note);
  } else {
    fmt::print("  DPRK range   no (not in the known North Korean ranges, dprk_ranges.tsv)\n");
  }
  for (const std::string& n : a.not_covered) fmt::print("  not covered  {}\n", n);
}

void PrintSources(const std::vector<ip::DataSource>& sources) {
  fmt::print("data:\n");
  for (const ip::DataSource& s : sources) {
    fmt::print("  {} {}{}, {}\n", s.name, s.version,
               s.date.empty() || s.date == s.version ? "" : fmt::format(" (data of {})", s.date),
               s.licence);
    if (!s.path.empty()) fmt::print("    {}\n", s.path);
    if (!s.note.empty()) fmt::print("    {}\n", s.note);
  }
}

}  // namespace

int RunIp(const IpArgs& a, bool json) {
  std::unique_ptr<ip::IpDatabase> db;
  if (Status s = OpenIpDatabase(a.data, false, &db); !s.ok()) {
    std::cerr << "vigil: " << s.ToString() << "\n";
    return 1;
  }
  int rc = 0;
  nlohmann::json out = nlohmann::json::array();
  bool first = true;
  for (const std::string& text : a.addresses) {
    ip::Answer ans;
    Status s = db->Lookup(text, &ans);
    if (!s.ok()) {
      rc = 2;
      std::cerr << "vigil: " << s.message() << "\n";
      if (json) out.push_back({{"ip", text}, {"error", s.message()}});
      continue;
    }
    if (json) {
      out.push_back(ip::ToJson(ans, db->sources()));
    } else {
      if (!first) fmt::print("\n");
      first = false;
      PrintAnswer(ans);
    }
  }
  if (json) {
    std::cout << (a.addresses.size() == 1 ? out[0] : out).dump(2) << "\n";
  } else if (!first) {
    fmt::print("\n");
    PrintSources(db->sources());
  }
  return rc;
}

}  // namespace vigil::cli
