// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "ip/ip_database.h"

#include <arpa/inet.h>
#include <fmt/core.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <unordered_map>

#include "ip/mmdb_reader.h"
#include "util/data.h"
#include "util/file.h"
#include "util/strings.h"

namespace vigil::ip {

using u128 = Uint128;

namespace {

constexpr u128 kV4Mapped = static_cast<u128>(0xffff) << 32;
constexpr size_t kNone = static_cast<size_t>(-1);

u128 V4(uint32_t v) { return kV4Mapped | v; }

Address MakeV4(uint32_t v) { return Address{V4(v), true}; }

std::string Shown(std::string_view text) {
  if (text.size() <= 60) return std::string(text);
  return std::string(text.substr(0, 57)) + "...";
}

// Why `t` (no ':' in it) is not a dotted quad, or empty when it looks like one.
std::string Ipv4Problem(std::string_view t) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t j = i;
    while (j < t.size() && t[j] != '.') ++j;
    std::string_view part = t.substr(i, j - i);
    ++parts;
    if (part.empty()) return "an empty octet";
    for (char c : part) {
      if (c < '0' || c > '9') return fmt::format("'{}' is not a number", Shown(part));
    }
    if (part.size() > 1 && part[0] == '0')
      return fmt::format("octet '{}' has a leading zero", part);
    if (part.size() > 3 || std::atoi(std::string(part).c_str()) > 255) {
      return fmt::format("octet {} out of range (0-255)", Shown(part));
    }
    if (j == t.size()) break;
    i = j + 1;
  }
  if (parts != 4) return fmt::format("{} octets instead of 4", parts);
  return "";
}

// Why `t` (with a ':') is not an IPv6 address, as far as a quick look tells.
std::string Ipv6Problem(std::string_view t) {
  if (t.find(":::") != std::string_view::npos) return "':::' is not allowed";
  size_t first = t.find("::");
  if (first != std::string_view::npos && t.find("::", first + 1) != std::string_view::npos) {
    return "'::' appears more than once";
  }
  size_t group = 0;
  for (char c : t) {
    if (c == ':') {
      group = 0;
    } else if (c == '.') {
      group = 0;  // an embedded IPv4 tail: inet_pton judges it
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return fmt::format("'{}' is not a hexadecimal digit", c);
    } else if (++group > 4) {
      return "a group has more than 4 hexadecimal digits";
    }
  }
  return "not 8 groups of hexadecimal digits (or fewer with one '::')";
}

u128 FromBytes16(const unsigned char* b) {
  u128 v = 0;
  for (int i = 0; i < 16; ++i) v = (v << 8) | b[i];
  return v;
}

// Parses one address of a table row (text without blanks). False when malformed.
bool ParseTableV4(std::string_view s, uint32_t* out) {
  char buf[32];
  if (s.empty() || s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  in_addr a{};
  if (inet_pton(AF_INET, buf, &a) != 1) return false;
  *out = ntohl(a.s_addr);
  return true;
}
bool ParseTableV6(std::string_view s, u128* out) {
  char buf[64];
  if (s.empty() || s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  in6_addr a{};
  if (inet_pton(AF_INET6, buf, &a) != 1) return false;
  *out = FromBytes16(a.s6_addr);
  return true;
}

std::string FormatV4(uint32_t v) { return FormatAddress(MakeV4(v)); }
std::string FormatV6(u128 v) { return FormatAddress(Address{v, false}); }

// ---- the prepared range tables ----

// One table: its rows as in the file, and the disjoint ranges prepared from them for the
// binary search (where rows overlap, the narrowest row wins; see Flatten()).
template <typename T>
struct Table {
  std::vector<T> row_start, row_end;
  std::vector<uint32_t> line;           // of each row in its file
  std::vector<std::array<char, 2>> cc;  // country tables
  std::vector<uint32_t> asn, org;       // ASN tables (org: index into Rep::orgs)
  std::vector<T> start, end;            // prepared, sorted, disjoint
  std::vector<uint32_t> row;            // the row each prepared range comes from
  // The row whose range holds x, or kNone.
  size_t Find(T x) const {
    auto it = std::upper_bound(start.begin(), start.end(), x);
    if (it == start.begin()) return kNone;
    size_t i = static_cast<size_t>(it - start.begin()) - 1;
    return x <= end[i] ? row[i] : kNone;
  }
};

// One field of a CSV line from `pos`: quoted ("" inside a quoted field is a quote) or not.
// Moves pos past the field and its comma. False on an unterminated quote or text after
// the closing quote.
bool NextField(std::string_view line, size_t* pos, std::string* quoted, std::string_view* out) {
  size_t p = *pos;
  if (p < line.size() && line[p] == '"') {
    quoted->clear();
    ++p;
    while (true) {
      if (p >= line.size()) return false;
      if (line[p] == '"') {
        if (p + 1 < line.size() && line[p + 1] == '"') {
          quoted->push_back('"');
          p += 2;
          continue;
        }
        ++p;
        break;
      }
      quoted->push_back(line[p++]);
    }
    if (p < line.size() && line[p] != ',') return false;
    *out = *quoted;
    *pos = p < line.size() ? p + 1 : line.size() + 1;
    return true;
  }
  size_t c = line.find(',', p);
  if (c == std::string_view::npos) {
    *out = line.substr(std::min(p, line.size()));
    *pos = line.size() + 1;
  } else {
    *out = line.substr(p, c - p);
    *pos = c + 1;
  }
  return true;
}

bool ParseUint32(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

// Prepares the disjoint ranges of `t`. The tables' rows may nest or overlap (the
// package README's "data bugs": a single address or a geofeed block inside a wider
// registry block): for every address the narrowest row holding it wins, and of rows of the
// same size the later one. Rows that neither nest nor overlap (the usual case) are used as
// they are.
template <typename T>
void Flatten(Table<T>* t) {
  const size_t n = t->row_start.size();
  bool simple = true;
  for (size_t i = 1; i < n && simple; ++i) simple = t->row_end[i - 1] < t->row_start[i];
  t->start.clear();
  t->end.clear();
  t->row.clear();
  if (simple) {
    t->start = t->row_start;
    t->end = t->row_end;
    t->row.resize(n);
    std::iota(t->row.begin(), t->row.end(), 0u);
    return;
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return t->row_start[a] < t->row_start[b]; });
  constexpr T kMax = ~static_cast<T>(0);
  // The points where the set of rows holding an address changes.
  std::vector<T> points;
  points.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    points.push_back(t->row_start[i]);
    if (t->row_end[i] != kMax) points.push_back(t->row_end[i] + 1);
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  // The rows holding the current point, the winner on top: narrowest, then latest.
  auto worse = [&](uint32_t a, uint32_t b) {
    T sa = t->row_end[a] - t->row_start[a], sb = t->row_end[b] - t->row_start[b];
    return sa != sb ? sa > sb : a < b;
  };
  std::vector<uint32_t> heap;
  size_t k = 0;
  t->start.reserve(n);
  t->end.reserve(n);
  t->row.reserve(n);
  for (size_t i = 0; i < points.size(); ++i) {
    T p = points[i];
    while (k < n && t->row_start[order[k]] <= p) {
      heap.push_back(order[k++]);
      std::push_heap(heap.begin(), heap.end(), worse);
    }
    while (!heap.empty() && t->row_end[heap.front()] < p) {
      std::pop_heap(heap.begin(), heap.end(), worse);
      heap.pop_back();
    }
    if (heap.empty()) continue;
    uint32_t w = heap.front();
    T last = i + 1 < points.size() ? points[i + 1] - 1 : kMax;
    if (last > t->row_end[w]) last = t->row_end[w];
    if (!t->row.empty() && t->row.back() == w && t->end.back() + 1 == p) {
      t->end.back() = last;
    } else {
      t->start.push_back(p);
      t->end.push_back(last);
      t->row.push_back(w);
    }
  }
}

// ---- the compiled-in tables ----

struct SanctionRow {
  Sanction s;
  std::string scope;  // "country", "region", "part"
  size_t line = 0;
};

struct DprkRow {
  KnownRange r;
  u128 first = 0, last = 0;
  size_t line = 0;
};

// Rows of an embedded TSV with their line numbers, empty cells kept.
std::vector<std::pair<size_t, std::vector<std::string>>> TsvRows(std::string_view name) {
  std::vector<std::pair<size_t, std::vector<std::string>>> rows;
  std::string_view data = util::EmbeddedData(name);
  size_t line = 0, pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string_view::npos) nl = data.size();
    std::string_view l = data.substr(pos, nl - pos);
    pos = nl + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (util::Trim(l).empty() || l[0] == '#') continue;
    std::vector<std::string> cells;
    size_t p = 0;
    while (true) {
      size_t tab = l.find('\t', p);
      cells.emplace_back(util::Trim(l.substr(p, tab == std::string_view::npos ? tab : tab - p)));
      if (tab == std::string_view::npos) break;
      p = tab + 1;
    }
    rows.emplace_back(line, std::move(cells));
  }
  return rows;
}

// Parses "a.b.c.d/len" or "v6/len" into an inclusive range. False when malformed.
bool ParseCidr(std::string_view cidr, u128* first, u128* last) {
  size_t slash = cidr.find('/');
  if (slash == std::string_view::npos) return false;
  Address a;
  if (!ParseAddress(cidr.substr(0, slash), &a).ok()) return false;
  uint32_t len = 0;
  if (!ParseUint32(cidr.substr(slash + 1), &len)) return false;
  uint32_t bits = a.v4 ? 32 : 128;
  if (len > bits) return false;
  uint32_t host = bits - len;
  u128 mask = host >= 128 ? ~static_cast<u128>(0) : (static_cast<u128>(1) << host) - 1;
  if ((a.value & mask) != 0) return false;  // host bits set: not a network
  *first = a.value;
  *last = a.value | mask;
  return true;
}

const std::vector<SanctionRow>& SanctionRows() {
  static const std::vector<SanctionRow> rows = [] {
    std::vector<SanctionRow> out;
    for (auto& [line, c] : TsvRows("ip/sanctioned_jurisdictions.tsv")) {
      c.resize(7);
      SanctionRow r;
      r.s = Sanction{c[0], c[1], c[2], c[3], c[4], c[6]};
      r.scope = c[5];
      r.line = line;
      out.push_back(std::move(r));
    }
    return out;
  }();
  return rows;
}

const std::vector<DprkRow>& DprkRows() {
  static const std::vector<DprkRow> rows = [] {
    std::vector<DprkRow> out;
    for (auto& [line, c] : TsvRows("ip/dprk_ranges.tsv")) {
      c.resize(6);
      DprkRow r;
      r.r.cidr = c[0];
      uint32_t asn = 0;
      ParseUint32(c[1], &asn);
      r.r.asn = asn;
      r.r.holder = c[2];
      r.r.source = c[3];
      r.r.date = c[4];
      r.r.note = c[5];
      r.line = line;
      // The table is reviewed and tested (tests/ip): a malformed CIDR never matches.
      if (!ParseCidr(c[0], &r.first, &r.last)) continue;
      out.push_back(std::move(r));
    }
    return out;
  }();
  return rows;
}

// ---- special-purpose addresses (IANA registries, RFC 6890 and successors) ----

struct Special {
  const char* cidr;
  const char* kind;
};
constexpr Special kSpecial[] = {
    {"0.0.0.0/8", "\"this network\" (RFC 791)"},
    {"10.0.0.0/8", "private (RFC 1918)"},
    {"100.64.0.0/10", "shared address space, carrier-grade NAT (RFC 6598)"},
    {"127.0.0.0/8", "loopback (RFC 1122)"},
    {"169.254.0.0/16", "link-local (RFC 3927)"},
    {"172.16.0.0/12", "private (RFC 1918)"},
    {"192.0.0.0/24", "IETF protocol assignments (RFC 6890)"},
    {"192.0.2.0/24", "documentation, TEST-NET-1 (RFC 5737)"},
    {"192.168.0.0/16", "private (RFC 1918)"},
    {"198.18.0.0/15", "benchmarking (RFC 2544)"},
    {"198.51.100.0/24", "documentation, TEST-NET-2 (RFC 5737)"},
    {"203.0.113.0/24", "documentation, TEST-NET-3 (RFC 5737)"},
    {"224.0.0.0/4", "multicast (RFC 5771)"},
    {"240.0.0.0/4", "reserved (RFC 1112); 255.255.255.255 is the limited broadcast address"},
    {"::/128", "unspecified address (RFC 4291)"},
    {"::1/128", "loopback (RFC 4291)"},
    {"100::/64", "discard-only (RFC 6666)"},
    {"2001:db8::/32", "documentation (RFC 3849)"},
    {"3fff::/20", "documentation (RFC 9637)"},
    {"fc00::/7", "unique local (RFC 4193)"},
    {"fe80::/10", "link-local (RFC 4291)"},
    {"ff00::/8", "multicast (RFC 4291)"},
};

struct SpecialRange {
  u128 first, last;
  const Special* s;
};

const std::vector<SpecialRange>& SpecialRanges() {
  static const std::vector<SpecialRange> ranges = [] {
    std::vector<SpecialRange> out;
    for (const Special& s : kSpecial) {
      SpecialRange r{0, 0, &s};
      if (ParseCidr(s.cidr, &r.first, &r.last)) out.push_back(r);
    }
    return out;
  }();
  return ranges;
}

const SpecialRange* FindSpecial(const Address& a) {
  for (const SpecialRange& r : SpecialRanges()) {
    if (a.value >= r.first && a.value <= r.last) return &r;
  }
  return nullptr;
}

const DprkRow* FindDprk(const Address& a) {
  for (const DprkRow& r : DprkRows()) {
    if (a.value >= r.first && a.value <= r.last) return &r;
  }
  return nullptr;
}

// "2.3.2026061719" -> "2026-06-17" (the @ip-location-db packages' version scheme).
std::string VersionDate(std::string_view version) {
  size_t dot = version.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string_view d = version.substr(dot + 1);
  if (d.size() < 8 || !std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return "";
  return fmt::format("{}-{}-{}", d.substr(0, 4), d.substr(4, 2), d.substr(6, 2));
}

}  // namespace

// ---- parsing and formatting ----

Status ParseAddress(std::string_view text, Address* out) {
  std::string_view t = util::Trim(text);
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(fmt::format("not an IP address: '{}': {}", Shown(text), why));
  };
  if (t.empty()) return Status::InvalidArgument("not an IP address: '' (empty)");
  if (t.size() > 45) return bad("too long for an IP address");
  if (t.find('%') != std::string_view::npos) return bad("a zone id ('%...') is not allowed");
  if (t.find('/') != std::string_view::npos) {
    return bad("a network prefix ('/...') is not an address: give one address");
  }
  char buf[64];
  std::memcpy(buf, t.data(), t.size());
  buf[t.size()] = '\0';
  if (t.find(':') != std::string_view::npos) {
    in6_addr a{};
    if (inet_pton(AF_INET6, buf, &a) != 1) return bad(Ipv6Problem(t));
    u128 v = FromBytes16(a.s6_addr);
    // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 address.
    *out = Address{v, (v >> 32) == 0xffff};
    return Status::Ok();
  }
  if (std::string why = Ipv4Problem(t); !why.empty()) return bad(why);
  in_addr a{};
  if (inet_pton(AF_INET, buf, &a) != 1) return bad("not a dotted quad");
  *out = MakeV4(ntohl(a.s_addr));
  return Status::Ok();
}

std::string FormatAddress(const Address& a) {
  char buf[INET6_ADDRSTRLEN];
  if (a.v4) {
    in_addr x{};
    x.s_addr = htonl(static_cast<uint32_t>(a.value));
    return inet_ntop(AF_INET, &x, buf, sizeof buf) ? buf : "";
  }
  in6_addr x{};
  for (int i = 0; i < 16; ++i) x.s6_addr[i] = static_cast<uint8_t>(a.value >> (8 * (15 - i)));
  return inet_ntop(AF_INET6, &x, buf, sizeof buf) ? buf : "";
}

// ---- the database ----

struct IpDatabase::Rep {
  Table<uint32_t> country4, asn4;
  Table<u128> country6, asn6;
  std::vector<std::string> orgs;
  bool have_tables = false;
  bool have_v6 = false;
  std::string country_file4, country_file6, asn_file4, asn_file6;  // file names
  std::vector<std::unique_ptr<MmdbReader>> mmdbs;
  std::vector<DataSource> sources;
};

IpDatabase::IpDatabase(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
IpDatabase::~IpDatabase() = default;

std::filesystem::path DefaultDataDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* env = std::getenv("VIGIL_IP_DATA"); env != nullptr && *env != '\0') return env;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path p = exe.parent_path().parent_path() / "share" / "vigil" / "ip-location-db";
    if (fs::is_directory(p, ec)) return p;
  }
#ifdef VIGIL_IP_LOCATION_DB
  fs::path src = VIGIL_IP_LOCATION_DB;
  if (fs::is_directory(src, ec)) return src;
#endif
  return {};
}

namespace {

namespace fs = std::filesystem;

// The folder holding geo-whois-asn-country/ and asn/: `dir` itself, or the npm prefix
// (…/data/ip-location-db) or node_modules folder above it.
fs::path PackagesDir(const fs::path& dir) {
  std::error_code ec;
  for (fs::path p : {dir, dir / "node_modules" / "@ip-location-db", dir / "@ip-location-db"}) {
    if (fs::is_directory(p / "geo-whois-asn-country", ec)) return p;
  }
  return dir;
}

DataSource PackageSource(const fs::path& folder, const std::string& package) {
  DataSource s;
  s.name = "@ip-location-db/" + package;
  s.path = folder.string();
  std::string text;
  if (util::ReadFile(folder / "package.json", &text).ok()) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_object()) s.version = j.value("version", "");
  }
  if (s.version.empty()) s.version = "unknown (no package.json)";
  s.date = VersionDate(s.version);
  std::vector<std::string> licences;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    std::string n = e.path().filename().string();
    if (n.find("LICENSE") != std::string::npos) licences.push_back(n);
  }
  std::sort(licences.begin(), licences.end());
  s.licence = "CC BY 4.0";
  if (!licences.empty()) {
    s.licence += " (attribution: see ";
    for (size_t i = 0; i < licences.size(); ++i) s.licence += (i ? ", " : "") + licences[i];
    s.licence += ")";
  }
  std::string readme;
  if (util::ReadFile(folder / "README.md", &readme).ok() &&
      util::FindIgnoreCase(readme, "data bugs") != std::string::npos) {
    s.note =
        "the package README warns that the data published to npm contains bugs resulting in "
        "incorrect data: treat a country or AS as an indication to check, not proof";
  }
  return s;
}

// Reads one table. kind: 'c' country (start,end,CC) or 'a' ASN (start,end,asn,org).
template <typename T>
Status LoadTable(const fs::path& path, char kind, Table<T>* t,
                 std::unordered_map<std::string, uint32_t>* org_ids,
                 std::vector<std::string>* orgs) {
  const std::string file = path.filename().string();
  std::string data;
  if (Status s = util::ReadFile(path, &data); !s.ok()) {
    return Status::NotFound(path.string() +
                            ": cannot read the IP table (run tools/deps.sh, or set VIGIL_IP_DATA "
                            "or --ip-data to the folder holding the @ip-location-db packages)");
  }
  constexpr bool v6 = std::is_same_v<T, u128>;
  size_t lines_estimate = static_cast<size_t>(std::count(data.begin(), data.end(), '\n')) + 1;
  t->row_start.reserve(lines_estimate);
  t->row_end.reserve(lines_estimate);
  t->line.reserve(lines_estimate);
  std::string quoted;
  size_t pos = 0, line = 0;
  auto err = [&](const std::string& m) { return Status::Corruption(util::Where(file, line, m)); };
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) nl = data.size();
    std::string_view l(data.data() + pos, nl - pos);
    pos = nl + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.empty()) continue;
    size_t p = 0;
    std::string_view f0, f1, f2, f3;
    if (!NextField(l, &p, &quoted, &f0) || p > l.size() || !NextField(l, &p, &quoted, &f1) ||
        p > l.size() || !NextField(l, &p, &quoted, &f2)) {
      return err(kind == 'c' ? "expected 3 fields: start,end,country"
                             : "expected 4 fields: start,end,asn,organization");
    }
    T a{}, b{};
    bool ok_a, ok_b;
    if constexpr (v6) {
      ok_a = ParseTableV6(f0, &a);
      ok_b = ParseTableV6(f1, &b);
    } else {
      ok_a = ParseTableV4(f0, &a);
      ok_b = ParseTableV4(f1, &b);
    }
    const char* what = v6 ? "IPv6" : "IPv4";
    if (!ok_a) return err(fmt::format("range start '{}' is not an {} address", Shown(f0), what));
    if (!ok_b) return err(fmt::format("range end '{}' is not an {} address", Shown(f1), what));
    if (b < a) return err(fmt::format("range end {} before start {}", f1, f0));
    if (kind == 'c') {
      if (p <= l.size()) return err("expected 3 fields: start,end,country; found more");
      if (f2.size() != 2 || !std::isupper(static_cast<unsigned char>(f2[0])) ||
          !std::isupper(static_cast<unsigned char>(f2[1]))) {
        return err(fmt::format("country '{}' is not a two-letter ISO code", Shown(f2)));
      }
      t->cc.push_back({f2[0], f2[1]});
    } else {
      uint32_t asn = 0;
      if (!ParseUint32(f2, &asn))
        return err(fmt::format("AS number '{}' is not a number", Shown(f2)));
      std::string_view org;
      if (p <= l.size()) {
        if (!NextField(l, &p, &quoted, &f3)) {
          return err("organization: unterminated quote, or text after the closing quote");
        }
        if (p <= l.size()) return err("expected 4 fields: start,end,asn,organization; found more");
        org = f3;
      }
      t->asn.push_back(asn);
      auto [it, added] =
          org_ids->try_emplace(std::string(org), static_cast<uint32_t>(orgs->size()));
      if (added) orgs->emplace_back(org);
      t->org.push_back(it->second);
    }
    t->row_start.push_back(a);
    t->row_end.push_back(b);
    t->line.push_back(static_cast<uint32_t>(line));
  }
  Flatten(t);
  return Status::Ok();
}

// The text of row i of a table: "first-last".
template <typename T>
std::string RangeText(const Table<T>& r, size_t i) {
  if constexpr (std::is_same_v<T, u128>) {
    return FormatV6(r.row_start[i]) + "-" + FormatV6(r.row_end[i]);
  } else {
    return FormatV4(r.row_start[i]) + "-" + FormatV4(r.row_end[i]);
  }
}

const SanctionRow* SanctionFor(std::string_view code) {
  for (const SanctionRow& r : SanctionRows()) {
    if (r.s.country == code) return &r;
  }
  return nullptr;
}

bool IsSanctionedCountry(char a, char b) {
  for (const SanctionRow& r : SanctionRows()) {
    if (r.scope == "country" && r.s.country.size() == 2 && r.s.country[0] == a &&
        r.s.country[1] == b) {
      return true;
    }
  }
  return false;
}

// "43" with country "UA" -> "UA-43"; a code that has its country already is kept.
std::string SubdivisionCode(std::string_view country, std::string_view sub) {
  if (sub.empty()) return "";
  if (sub.find('-') != std::string_view::npos || country.empty()) return std::string(sub);
  return std::string(country) + "-" + std::string(sub);
}

}  // namespace

Status IpDatabase::Open(const OpenOptions& options, std::unique_ptr<IpDatabase>* out) {
  auto rep = std::make_unique<Rep>();
  fs::path dir = options.data_dir.empty() ? DefaultDataDir() : options.data_dir;
  for (const fs::path& f : options.mmdb_files) {
    std::unique_ptr<MmdbReader> r;
    if (Status s = MmdbReader::Open(f, &r); !s.ok()) return s;
    rep->sources.push_back(r->source());
    rep->mmdbs.push_back(std::move(r));
  }
  if (dir.empty() && options.data_dir.empty() && !rep->mmdbs.empty()) {
    // Only the databases given: no tables to fill what they lack.
  } else {
    if (dir.empty()) {
      return Status::NotFound(
          "no IP data: the @ip-location-db packages are not installed (run tools/deps.sh, or "
          "set VIGIL_IP_DATA or --ip-data to the folder holding them)");
    }
    fs::path pkgs = PackagesDir(dir);
    fs::path geo = pkgs / "geo-whois-asn-country", asn = pkgs / "asn";
    std::error_code ec;
    for (const fs::path& p : {geo, asn}) {
      if (!fs::is_directory(p, ec)) {
        return Status::NotFound(p.string() +
                                ": no such folder: the @ip-location-db packages are not "
                                "installed there (run tools/deps.sh, or set VIGIL_IP_DATA or "
                                "--ip-data to the folder holding them)");
      }
    }
    std::unordered_map<std::string, uint32_t> org_ids;
    rep->country_file4 = "geo-whois-asn-country-ipv4.csv";
    rep->asn_file4 = "asn-ipv4.csv";
    if (Status s = LoadTable<uint32_t>(geo / rep->country_file4, 'c', &rep->country4, &org_ids,
                                       &rep->orgs);
        !s.ok()) {
      return s;
    }
    if (Status s = LoadTable<uint32_t>(asn / rep->asn_file4, 'a', &rep->asn4, &org_ids, &rep->orgs);
        !s.ok()) {
      return s;
    }
    if (!options.ipv4_only) {
      rep->country_file6 = "geo-whois-asn-country-ipv6.csv";
      rep->asn_file6 = "asn-ipv6.csv";
      if (Status s =
              LoadTable<u128>(geo / rep->country_file6, 'c', &rep->country6, &org_ids, &rep->orgs);
          !s.ok()) {
        return s;
      }
      if (Status s = LoadTable<u128>(asn / rep->asn_file6, 'a', &rep->asn6, &org_ids, &rep->orgs);
          !s.ok()) {
        return s;
      }
      rep->have_v6 = true;
    }
    rep->have_tables = true;
    rep->sources.push_back(PackageSource(geo, "geo-whois-asn-country"));
    rep->sources.push_back(PackageSource(asn, "asn"));
  }
  for (const char* t : {"sanctioned_jurisdictions.tsv", "dprk_ranges.tsv"}) {
    DataSource s;
    s.name = std::string("vigil data/ip/") + t;
    s.version = VIGIL_VERSION;
    s.path = std::string("data/ip/") + t + " (compiled in)";
    s.licence = "Apache-2.0 (Vigil)";
    s.note = std::string(t) == "dprk_ranges.tsv"
                 ? "known North Korean address space from public reporting, each row with its "
                   "source and date"
                 : "reviewed against the OFAC program pages, each row with its legal source";
    rep->sources.push_back(std::move(s));
  }
  *out = std::unique_ptr<IpDatabase>(new IpDatabase(std::move(rep)));
  return Status::Ok();
}

const std::vector<DataSource>& IpDatabase::sources() const { return rep_->sources; }

const Sanction* IpDatabase::SanctionedCountry(std::string_view country) const {
  const SanctionRow* r = SanctionFor(country);
  return r != nullptr && r->scope == "country" ? &r->s : nullptr;
}

Status IpDatabase::Lookup(std::string_view text, Answer* out) const {
  Address a;
  if (Status s = ParseAddress(text, &a); !s.ok()) return s;
  *out = Lookup(a);
  out->input = std::string(text);
  return Status::Ok();
}

Answer IpDatabase::Lookup(const Address& a) const {
  const Rep& r = *rep_;
  Answer ans;
  ans.input = FormatAddress(a);
  ans.address = ans.input;
  ans.version = a.v4 ? 4 : 6;
  if (const SpecialRange* sp = FindSpecial(a)) {
    ans.special = true;
    ans.special_kind = sp->s->kind;
    ans.evidence.push_back(
        {"special", "IANA special-purpose address registries", 0, sp->s->cidr, sp->s->kind});
    return ans;
  }
  // The databases given first, in order; each fills what is still missing.
  for (const auto& db : r.mmdbs) {
    MmdbHit hit;
    if (!db->Lookup(a, &hit)) continue;
    std::string net = NetworkText(a, hit.prefix);
    if (ans.country.empty() && !hit.country.empty()) {
      ans.country = std::string(hit.country);
      ans.evidence.push_back(
          {"country", db->file_name(), 0, net,
           ans.country + (hit.registered_country ? " (registered country)" : "")});
      if (!hit.subdivision.empty()) {
        ans.subdivision = SubdivisionCode(hit.country, hit.subdivision);
        ans.evidence.push_back({"region", db->file_name(), 0, net, ans.subdivision});
      }
    }
    if (ans.asn == 0 && hit.asn != 0) {
      ans.asn = hit.asn;
      ans.as_org = std::string(hit.as_org);
      ans.evidence.push_back(
          {"asn", db->file_name(), 0, net,
           std::to_string(ans.asn) + (ans.as_org.empty() ? "" : " " + ans.as_org)});
    }
  }
  if (r.have_tables) {
    if (ans.country.empty()) {
      size_t i = kNone;
      if (a.v4) {
        i = r.country4.Find(static_cast<uint32_t>(a.value));
        if (i != kNone) {
          ans.country.assign(r.country4.cc[i].data(), 2);
          ans.evidence.push_back({"country", r.country_file4, r.country4.line[i],
                                  RangeText(r.country4, i), ans.country});
        }
      } else if (r.have_v6) {
        i = r.country6.Find(a.value);
        if (i != kNone) {
          ans.country.assign(r.country6.cc[i].data(), 2);
          ans.evidence.push_back({"country", r.country_file6, r.country6.line[i],
                                  RangeText(r.country6, i), ans.country});
        }
      }
    }
    if (ans.asn == 0) {
      auto fill = [&](const auto& t, const std::string& file, size_t i) {
        ans.asn = t.asn[i];
        ans.as_org = r.orgs[t.org[i]];
        ans.evidence.push_back(
            {"asn", file, t.line[i], RangeText(t, i),
             std::to_string(ans.asn) + (ans.as_org.empty() ? "" : " " + ans.as_org)});
      };
      if (a.v4) {
        if (size_t i = r.asn4.Find(static_cast<uint32_t>(a.value)); i != kNone) {
          fill(r.asn4, r.asn_file4, i);
        }
      } else if (r.have_v6) {
        if (size_t i = r.asn6.Find(a.value); i != kNone) fill(r.asn6, r.asn_file6, i);
      }
    }
  }
  if (ans.country.empty()) {
    ans.not_covered.push_back(
        !a.v4 && !r.have_v6 && r.mmdbs.empty()
            ? "country: the IPv6 tables were not loaded"
            : "country: no table knows this address (unallocated, or missing from the data)");
  }
  // Known DPRK address space.
  if (const DprkRow* d = FindDprk(a)) {
    ans.dprk = d->r;
    ans.evidence.push_back(
        {"dprk_range", "dprk_ranges.tsv", d->line, d->r.cidr,
         d->r.holder + (d->r.asn ? " (AS" + std::to_string(d->r.asn) + ")" : "")});
  }
  auto add_sanction = [&](const SanctionRow& s, const std::string& why) {
    for (const Sanction& have : ans.sanctions) {
      if (have.country == s.s.country) return;
    }
    ans.sanctions.push_back(s.s);
    ans.evidence.push_back({"sanction", "sanctioned_jurisdictions.tsv", s.line, why,
                            s.s.country + " " + s.s.name + " (" + s.s.program + ")"});
  };
  if (const SanctionRow* s = SanctionFor(ans.country); s != nullptr && s->scope == "country") {
    add_sanction(*s, "country " + ans.country);
  }
  if (ans.dprk) {
    if (const SanctionRow* s = SanctionFor("KP")) add_sanction(*s, "DPRK range " + ans.dprk->cidr);
  }
  if (!ans.subdivision.empty()) {
    if (const SanctionRow* s = SanctionFor(ans.subdivision)) {
      if (s->scope == "part") {
        ans.not_covered.push_back(fmt::format(
            "{} ({}): {} is sanctioned ({}, {}), but subdivision data cannot tell whether the "
            "address lies in that part",
            ans.subdivision, s->s.name, s->s.note.empty() ? "part of it" : s->s.note, s->s.program,
            s->s.source));
      } else {
        add_sanction(*s, "subdivision " + ans.subdivision);
      }
    }
  } else if (ans.country.empty() || ans.country == "UA" || ans.country == "RU") {
    ans.not_covered.push_back(
        "sanctioned regions (Crimea, Sevastopol, the so-called DNR and LNR): the data has no "
        "subdivision for this address; give --ip-db with a database that has subdivisions "
        "(a GeoIP2 or GeoLite2 City database) to check them");
  }
  ans.sanctioned = !ans.sanctions.empty();
  return ans;
}

Brief IpDatabase::LookupBrief(const Address& a) const {
  const Rep& r = *rep_;
  Brief b;
  for (const SpecialRange& sp : SpecialRanges()) {
    if (a.value >= sp.first && a.value <= sp.last) {
      b.special = true;
      return b;
    }
  }
  bool have_country = false;
  for (const auto& db : r.mmdbs) {
    MmdbHit hit;
    if (!db->Lookup(a, &hit)) continue;
    if (!have_country && hit.country.size() == 2) {
      b.country = {hit.country[0], hit.country[1]};
      have_country = true;
      if (!hit.subdivision.empty()) {
        std::string sub = SubdivisionCode(hit.country, hit.subdivision);
        if (const SanctionRow* s = SanctionFor(sub); s != nullptr && s->scope != "part") {
          b.sanctioned = true;
        }
      }
    }
    if (b.asn == 0) b.asn = hit.asn;
  }
  if (r.have_tables) {
    if (a.v4) {
      uint32_t x = static_cast<uint32_t>(a.value);
      if (!have_country) {
        if (size_t i = r.country4.Find(x); i != kNone) {
          b.country = r.country4.cc[i];
          have_country = true;
        }
      }
      if (b.asn == 0) {
        if (size_t i = r.asn4.Find(x); i != kNone) b.asn = r.asn4.asn[i];
      }
    } else if (r.have_v6) {
      if (!have_country) {
        if (size_t i = r.country6.Find(a.value); i != kNone) {
          b.country = r.country6.cc[i];
          have_country = true;
        }
      }
      if (b.asn == 0) {
        if (size_t i = r.asn6.Find(a.value); i != kNone) b.asn = r.asn6.asn[i];
      }
    }
  }
  if (have_country && IsSanctionedCountry(b.country[0], b.country[1])) b.sanctioned = true;
  if (FindDprk(a) != nullptr) {
    b.dprk = true;
    b.sanctioned = true;
  }
  if (b.country[0] == 'K' && b.country[1] == 'P') b.dprk = true;
  return b;
}

nlohmann::json ToJson(const Answer& a, const std::vector<DataSource>& sources) {
  using nlohmann::json;
  json sanctions = json::array();
  for (const Sanction& s : a.sanctions) {
    sanctions.push_back({{"country", s.country},
                         {"name", s.name},
                         {"program", s.program},
                         {"source", s.source},
                         {"date", s.date},
                         {"note", s.note}});
  }
  json dprk = nullptr;
  if (a.dprk) {
    dprk = {{"cidr", a.dprk->cidr},     {"holder", a.dprk->holder}, {"asn", a.dprk->asn},
            {"source", a.dprk->source}, {"date", a.dprk->date},     {"note", a.dprk->note}};
  }
  json evidence = json::array();
  for (const Evidence& e : a.evidence) {
    evidence.push_back({{"part", e.part},
                        {"table", e.table},
                        {"row", e.row},
                        {"range", e.range},
                        {"value", e.value}});
  }
  json src = json::array();
  for (const DataSource& s : sources) {
    src.push_back({{"name", s.name},
                   {"version", s.version},
                   {"date", s.date},
                   {"path", s.path},
                   {"licence", s.licence},
                   {"note", s.note}});
  }
  return json{{"ip", a.input},
              {"address", a.address},
              {"version", a.version},
              {"country", a.country.empty() ? json(nullptr) : json(a.country)},
              {"asn", a.asn == 0 ? json(nullptr) : json(a.asn)},
              {"as_org", a.as_org.empty() ? json(nullptr) : json(a.as_org)},
              {"subdivision", a.subdivision.empty() ? json(nullptr) : json(a.subdivision)},
              {"sanctioned", a.sanctioned},
              {"sanctions", std::move(sanctions)},
              {"dprk_range", std::move(dprk)},
              {"special", a.special ? json(a.special_kind) : json(nullptr)},
              {"not_covered", a.not_covered},
              {"evidence", std::move(evidence)},
              {"sources", std::move(src)}};
}

}  // namespace vigil::ip
