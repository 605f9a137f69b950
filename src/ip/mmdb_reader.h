// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// A MaxMind-format database (.mmdb: GeoIP2/GeoLite2 Country, City or ASN, or any database
// with the same field names) read with libmaxminddb, for IpDatabase (internal to src/ip).
//
// Fields read: country.iso_code (else registered_country.iso_code), subdivisions[0].iso_code
// (as "CC-XX" with the country code), autonomous_system_number and
// autonomous_system_organization. A database may have any subset of them.
//
// Thread safety: immutable after Open(); Lookup() may be called from any number of threads.

#ifndef VIGIL_IP_MMDB_READER_H_
#define VIGIL_IP_MMDB_READER_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "ip/ip_database.h"
#include "vigil/status.h"

namespace vigil::ip {

// What one database says of one address. The views point into the database (valid while
// the reader lives); empty when the database has no such field for the address.
struct MmdbHit {
  bool found = false;
  std::string_view country;         // ISO alpha-2
  bool registered_country = false;  // country came from registered_country
  std::string_view subdivision;     // "43" as stored (without the country code)
  uint32_t asn = 0;
  std::string_view as_org;
  int prefix = 0;  // the network's prefix length (IPv4 prefix for an IPv4 address)
};

class MmdbReader {
 public:
  ~MmdbReader();
  MmdbReader(const MmdbReader&) = delete;
  MmdbReader& operator=(const MmdbReader&) = delete;

  // Opens (memory-maps) the file. Errors name the file and what libmaxminddb said.
  static Status Open(const std::filesystem::path& path, std::unique_ptr<MmdbReader>* out);

  // Looks the address up; false (and hit->found false) when the database has no network
  // for it or cannot hold it (an IPv6 address in an IPv4-only database).
  bool Lookup(const Address& a, MmdbHit* hit) const;

  // The file name, the build date and the database type.
  const DataSource& source() const { return source_; }
  const std::string& file_name() const { return source_.name; }

 private:
  struct Db;
  MmdbReader();
  std::unique_ptr<Db> db_;
  DataSource source_;
};

// "a.b.c.d/len" or "v6::/len" for the network of `a` with `prefix` bits.
std::string NetworkText(const Address& a, int prefix);

}  // namespace vigil::ip

#endif  // VIGIL_IP_MMDB_READER_H_
