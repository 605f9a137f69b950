// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// A small MaxMind DB writer for the tests: a handful of networks, each with a country,
// an optional subdivision and an optional AS, written as a .mmdb file that libmaxminddb
// reads (format: https://maxmind.github.io/MaxMind-DB/). IPv6 tree, 32-bit records; IPv4
// networks live under ::/96 as the format places them. Debian's writer
// (libmaxmind-db-writer-perl) would add Perl to the test setup for this much.
//
//   MmdbWriter w;
//   w.Add("5.5.5.0/24", Located("UA", "43"));
//   w.Write(path);

#ifndef VIGIL_TESTS_IP_MMDB_WRITER_H_
#define VIGIL_TESTS_IP_MMDB_WRITER_H_

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "ip/ip_database.h"

namespace vigil::testing {

struct MmdbRecord {
  std::string country;             // country.iso_code ("" : none)
  std::string registered_country;  // registered_country.iso_code ("" : none)
  std::string subdivision;         // subdivisions[0].iso_code ("43"; "" : none)
  uint32_t asn = 0;                // autonomous_system_number (0: none)
  std::string as_org;              // autonomous_system_organization
};

inline MmdbRecord Located(std::string country, std::string subdivision, uint32_t asn = 0) {
  MmdbRecord r;
  r.country = std::move(country);
  r.subdivision = std::move(subdivision);
  r.asn = asn;
  return r;
}
inline MmdbRecord Registered(std::string country, uint32_t asn, std::string as_org) {
  MmdbRecord r;
  r.registered_country = std::move(country);
  r.asn = asn;
  r.as_org = std::move(as_org);
  return r;
}

class MmdbWriter {
 public:
  // Adds a network "a.b.c.d/len" or "x::/len". Networks must not nest.
  bool Add(std::string_view cidr, const MmdbRecord& r) {
    size_t slash = cidr.find('/');
    if (slash == std::string_view::npos) return false;
    ip::Address a;
    if (!ip::ParseAddress(cidr.substr(0, slash), &a).ok()) return false;
    int len = std::stoi(std::string(cidr.substr(slash + 1)));
    ip::Uint128 v = a.value;
    if (a.v4) {
      v = static_cast<uint32_t>(a.value);  // ::a.b.c.d, where the format keeps IPv4
      len += 96;
    }
    size_t data = data_.size();
    EncodeRecord(r);
    Insert(v, len, data);
    return true;
  }

  std::string Bytes(std::string_view type = "Vigil-Test-City") const {
    const uint32_t node_count = static_cast<uint32_t>(nodes_.size());
    std::string out;
    for (const Node& n : nodes_) {
      for (const Rec& rec : n.rec) {
        uint32_t v = rec.kind == Rec::kNode   ? rec.value
                     : rec.kind == Rec::kData ? node_count + 16 + rec.value
                                              : node_count;
        for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>(v >> s));
      }
    }
    out.append(16, '\0');  // the data section separator
    out += data_;
    out += std::string("\xAB\xCD\xEF", 3) + "MaxMind.com";
    std::string meta;
    Map(&meta, 9);
    Str(&meta, "binary_format_major_version");
    Uint(&meta, 5, 2, 2);
    Str(&meta, "binary_format_minor_version");
    Uint(&meta, 5, 0, 2);
    Str(&meta, "build_epoch");
    Uint(&meta, 9, 1781654400, 8);  // 2026-06-17
    Str(&meta, "database_type");
    Str(&meta, type);
    Str(&meta, "description");
    Map(&meta, 1);
    Str(&meta, "en");
    Str(&meta, "Vigil test database");
    Str(&meta, "ip_version");
    Uint(&meta, 5, 6, 2);
    Str(&meta, "languages");
    Extended(&meta, 11, 1);  // array
    Str(&meta, "en");
    Str(&meta, "node_count");
    Uint(&meta, 6, node_count, 4);
    Str(&meta, "record_size");
    Uint(&meta, 5, 32, 2);
    out += meta;
    return out;
  }

  void Write(const std::string& path) const {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    std::string b = Bytes();
    f.write(b.data(), static_cast<std::streamsize>(b.size()));
  }

 private:
  struct Rec {
    enum Kind { kEmpty, kNode, kData } kind = kEmpty;
    uint32_t value = 0;
  };
  struct Node {
    Rec rec[2];
  };

  void Insert(ip::Uint128 v, int len, size_t data) {
    if (nodes_.empty()) nodes_.emplace_back();
    uint32_t node = 0;
    for (int i = 0; i < len; ++i) {
      int bit = static_cast<int>((v >> (127 - i)) & 1);
      if (i == len - 1) {
        nodes_[node].rec[bit] = Rec{Rec::kData, static_cast<uint32_t>(data)};
        return;
      }
      if (nodes_[node].rec[bit].kind != Rec::kNode) {
        nodes_.emplace_back();
        nodes_[node].rec[bit] = Rec{Rec::kNode, static_cast<uint32_t>(nodes_.size() - 1)};
      }
      node = nodes_[node].rec[bit].value;
    }
  }

  // Control byte: type (1-7 in the top 3 bits; 0 and an extended type byte for the rest)
  // and size (with 1-3 extra bytes from 29 on).
  static void Control(std::string* out, int type, size_t size) {
    uint8_t first = static_cast<uint8_t>((type <= 7 ? type : 0) << 5);
    std::string ext;
    if (size < 29) {
      first |= static_cast<uint8_t>(size);
    } else if (size < 285) {
      first |= 29;
      ext.push_back(static_cast<char>(size - 29));
    } else {
      first |= 30;
      size -= 285;
      ext.push_back(static_cast<char>(size >> 8));
      ext.push_back(static_cast<char>(size & 0xff));
    }
    out->push_back(static_cast<char>(first));
    if (type > 7) out->push_back(static_cast<char>(type - 7));
    *out += ext;
  }
  static void Extended(std::string* out, int type, size_t size) { Control(out, type, size); }
  static void Str(std::string* out, std::string_view s) {
    Control(out, 2, s.size());
    out->append(s);
  }
  static void Map(std::string* out, size_t pairs) { Control(out, 7, pairs); }
  // An unsigned integer of `type` (5 uint16, 6 uint32, 9 uint64) in `bytes` big-endian bytes.
  static void Uint(std::string* out, int type, uint64_t v, int bytes) {
    Control(out, type, static_cast<size_t>(bytes));
    for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
  }

  void EncodeRecord(const MmdbRecord& r) {
    size_t n = (r.country.empty() ? 0 : 1) + (r.registered_country.empty() ? 0 : 1) +
               (r.subdivision.empty() ? 0 : 1) + (r.asn == 0 ? 0 : 1) + (r.as_org.empty() ? 0 : 1);
    Map(&data_, n);
    for (auto [key, code] : {std::pair<const char*, const std::string*>{"country", &r.country},
                             {"registered_country", &r.registered_country}}) {
      if (code->empty()) continue;
      Str(&data_, key);
      Map(&data_, 1);
      Str(&data_, "iso_code");
      Str(&data_, *code);
    }
    if (!r.subdivision.empty()) {
      Str(&data_, "subdivisions");
      Extended(&data_, 11, 1);
      Map(&data_, 1);
      Str(&data_, "iso_code");
      Str(&data_, r.subdivision);
    }
    if (r.asn != 0) {
      Str(&data_, "autonomous_system_number");
      Uint(&data_, 6, r.asn, 4);
    }
    if (!r.as_org.empty()) {
      Str(&data_, "autonomous_system_organization");
      Str(&data_, r.as_org);
    }
  }

  std::vector<Node> nodes_;
  std::string data_;
};

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_IP_MMDB_WRITER_H_
