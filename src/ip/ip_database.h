// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// IP address screening: where an IPv4 or IPv6 address is registered (country, autonomous
// system), whether that is a comprehensively sanctioned jurisdiction, and whether the
// address lies in known North Korean address space. Every answer says which table, which
// row and which range gave each part, and names the data and its date.
//
// The data:
//   - the country and ASN tables of the `@ip-location-db/geo-whois-asn-country` and
//     `@ip-location-db/asn` npm packages (CSV, inclusive ranges "start,end,value"; the
//     setup command installs them, version pinned, with their licence files). Their README
//     warns of known data bugs: an answer always names the package, version and file.
//   - optionally MaxMind-format databases a user supplies (`--ip-db FILE.mmdb`, read with
//     libmaxminddb): consulted first; the tables answer what they do not.
//   - reviewed tables compiled in from data/ip/: the sanctioned jurisdictions (country,
//     program, legal source) and the known DPRK ranges (CIDR, AS, holder, source, date).
//     Sub-national sanctioned regions (Crimea, the so-called DNR and LNR) need city- or
//     subdivision-level data: an answer says they are "not covered" unless an --ip-db
//     database gives a subdivision.
//
// Lookups are a binary search over ranges prepared at load time (sorted starts, no
// allocation): IpDatabase::Brief() is the fast path for bulk work (red flags).
//
// Thread safety: an IpDatabase is immutable after Open(); any number of threads may call
// its const methods concurrently.

#ifndef VIGIL_IP_IP_DATABASE_H_
#define VIGIL_IP_IP_DATABASE_H_

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/status.h"

namespace vigil::ip {

// 128-bit unsigned (a GCC/Clang extension; __extension__ keeps -Wpedantic quiet).
__extension__ typedef unsigned __int128 Uint128;

// An address as a 128-bit number: IPv6 as is, IPv4 as the IPv4-mapped IPv6 address
// (::ffff:a.b.c.d), so one ordering serves both.
struct Address {
  Uint128 value = 0;
  bool v4 = false;
};

// Parses "175.45.178.10", "2001:db8::1", "::ffff:1.2.3.4" (surrounding blanks trimmed; a
// zone id "%eth0" or a prefix "/24" is an error). Error: "not an IP address: '...'", naming
// what is wrong when it can ("octet 256 out of range").
Status ParseAddress(std::string_view text, Address* out);
// The canonical text: dotted quad for v4, RFC 5952 for v6.
std::string FormatAddress(const Address& a);

// One data set the answers come from (shown in every answer).
struct DataSource {
  std::string name;     // "@ip-location-db/geo-whois-asn-country", "GeoLite2-City.mmdb", ...
  std::string version;  // package version, or the mmdb's build epoch as a date
  std::string date;     // YYYY-MM-DD the data was built (package version date / mmdb epoch)
  std::string path;     // the file or folder read
  std::string licence;  // "CC BY 4.0 (NRO)", ...
  std::string note;     // e.g. the package README's data-quality warning, shortened
};

// A sanctioned jurisdiction (data/ip/sanctioned_jurisdictions.tsv).
struct Sanction {
  std::string country;  // ISO 3166-1 alpha-2, or a subdivision code ("UA-43")
  std::string name;     // "North Korea"
  std::string program;  // "DPRK", "IRAN", "SYRIA", "CUBA", ...
  std::string source;   // the legal source: "31 CFR part 510 (North Korea Sanctions Regulations)"
  std::string date;     // YYYY-MM-DD of the instrument that made the sanctions comprehensive
  std::string note;     // caveats (e.g. a program since lifted), may be empty
};

// A known DPRK address range (data/ip/dprk_ranges.tsv).
struct KnownRange {
  std::string cidr;    // "175.45.176.0/22"
  std::string holder;  // "Star Joint Venture Co. Ltd."
  uint32_t asn = 0;    // 131279 (0 when none)
  std::string source;  // who documented it
  std::string date;    // since when / as of (YYYY or YYYY-MM-DD)
  std::string note;
};

// Which row of which table answered one part of the question.
struct Evidence {
  std::string part;   // "country", "asn", "dprk_range", "sanction", "region"
  std::string table;  // file name: "geo-whois-asn-country-ipv4.csv", "dprk_ranges.tsv", ...
  size_t row = 0;     // 1-based line in that file (0 for an mmdb)
  std::string range;  // "175.45.176.0-175.45.179.255" or the CIDR
  std::string value;  // "KP", "131279 Star Joint Venture Co. Ltd.", ...
};

struct Answer {
  std::string input;                // as given
  std::string address;              // FormatAddress()
  int version = 4;                  // 4 or 6
  std::string country;              // ISO alpha-2; empty when no table knows the address
  uint32_t asn = 0;                 // 0 when unknown
  std::string as_org;               // the AS holder's name
  std::string subdivision;          // ISO 3166-2 when an --ip-db gives one ("UA-43"), else empty
  bool sanctioned = false;          // in a comprehensively sanctioned jurisdiction or DPRK space
  std::vector<Sanction> sanctions;  // why sanctioned (country and/or region)
  std::optional<KnownRange> dprk;   // when in known DPRK address space
  bool special = false;             // private, loopback, link-local, documentation, ...
  std::string special_kind;         // "private (RFC 1918)", "loopback", ...
  std::vector<std::string> not_covered;  // what this data cannot tell, e.g. "sanctioned
                                         // regions (Crimea, DNR, LNR): no subdivision data"
  std::vector<Evidence> evidence;
};

// The answer as the CLI's --json and /v1/ip give it:
//   {"ip": input, "address": ..., "version": 4, "country": "KP", "asn": 131279,
//    "as_org": "...", "subdivision": null, "sanctioned": true,
//    "sanctions": [{"country","name","program","source"}], "dprk_range": {...}|null,
//    "special": null|"loopback", "not_covered": [...], "evidence": [{...}],
//    "sources": [DataSource...]}
nlohmann::json ToJson(const Answer& a, const std::vector<DataSource>& sources);

// The fast path: what bulk callers need, with no strings allocated.
struct Brief {
  std::array<char, 2> country = {0, 0};  // {0,0}: unknown
  uint32_t asn = 0;
  bool sanctioned = false;  // country in the sanctioned table, or DPRK range
  bool dprk = false;        // in a known DPRK range (or country KP)
  bool special = false;     // private, loopback, ...: no location
};

struct OpenOptions {
  // The folder holding the two npm packages (…/node_modules/@ip-location-db, with
  // geo-whois-asn-country/ and asn/ in it). Empty: DefaultDataDir().
  std::filesystem::path data_dir;
  // MaxMind-format databases (country, city or ASN); consulted in order before the tables.
  std::vector<std::filesystem::path> mmdb_files;
  // Skip the IPv6 tables (half the load time) when the caller only has IPv4 addresses.
  bool ipv4_only = false;
};

// $VIGIL_IP_DATA when set; else <dir of the running program>/../share/vigil/ip-location-db
// when it exists; else the source tree's data/ip-location-db/node_modules/@ip-location-db
// (where `tools/deps.sh` installs the packages). Empty when none exists.
std::filesystem::path DefaultDataDir();

class IpDatabase {
 public:
  ~IpDatabase();
  IpDatabase(const IpDatabase&) = delete;
  IpDatabase& operator=(const IpDatabase&) = delete;

  // Loads and prepares the tables. Errors name the file and line ("asn-ipv4.csv:1234:
  // range end before start"); a missing package folder says how to install it
  // ("run tools/deps.sh, or set VIGIL_IP_DATA"). Nothing half-loaded is returned.
  static Status Open(const OpenOptions& options, std::unique_ptr<IpDatabase>* out);

  // The full answer for one address given as text. InvalidArgument for a malformed one.
  Status Lookup(std::string_view text, Answer* out) const;
  Answer Lookup(const Address& a) const;
  Brief LookupBrief(const Address& a) const;

  const std::vector<DataSource>& sources() const;
  // The sanctioned jurisdictions table, by country code ("KP"): nullptr when not sanctioned.
  const Sanction* SanctionedCountry(std::string_view country) const;

 private:
  struct Rep;
  explicit IpDatabase(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace vigil::ip

#endif  // VIGIL_IP_IP_DATABASE_H_
