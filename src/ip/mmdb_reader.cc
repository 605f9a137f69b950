// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "ip/mmdb_reader.h"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <ctime>

namespace vigil::ip {

struct MmdbReader::Db {
  MMDB_s mmdb{};
  bool open = false;
  ~Db() {
    if (open) MMDB_close(&mmdb);
  }
};

MmdbReader::MmdbReader() : db_(std::make_unique<Db>()) {}
MmdbReader::~MmdbReader() = default;

namespace {

std::string EpochDate(uint64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The string at `path` in `entry`, or empty.
std::string_view StringAt(MMDB_entry_s* entry, const char* a, const char* b = nullptr,
                          const char* c = nullptr) {
  MMDB_entry_data_s data{};
  int rc = c != nullptr   ? MMDB_get_value(entry, &data, a, b, c, nullptr)
           : b != nullptr ? MMDB_get_value(entry, &data, a, b, nullptr)
                          : MMDB_get_value(entry, &data, a, nullptr);
  if (rc != MMDB_SUCCESS || !data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING) return {};
  return std::string_view(data.utf8_string, data.data_size);
}

uint32_t UintAt(MMDB_entry_s* entry, const char* a) {
  MMDB_entry_data_s data{};
  if (MMDB_get_value(entry, &data, a, nullptr) != MMDB_SUCCESS || !data.has_data) return 0;
  switch (data.type) {
    case MMDB_DATA_TYPE_UINT16:
      return data.uint16;
    case MMDB_DATA_TYPE_UINT32:
      return data.uint32;
    case MMDB_DATA_TYPE_INT32:
      return data.int32 < 0 ? 0 : static_cast<uint32_t>(data.int32);
    case MMDB_DATA_TYPE_UINT64:
      return data.uint64 > UINT32_MAX ? 0 : static_cast<uint32_t>(data.uint64);
    default:
      return 0;
  }
}

}  // namespace

Status MmdbReader::Open(const std::filesystem::path& path, std::unique_ptr<MmdbReader>* out) {
  std::unique_ptr<MmdbReader> r(new MmdbReader());
  int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &r->db_->mmdb);
  if (rc != MMDB_SUCCESS) {
    std::string why = MMDB_strerror(rc);
    if (rc == MMDB_IO_ERROR) why += std::string(" (") + std::strerror(errno) + ")";
    return Status::InvalidArgument(path.string() + ": not a readable MaxMind database: " + why);
  }
  r->db_->open = true;
  const auto& m = r->db_->mmdb.metadata;
  DataSource& s = r->source_;
  s.name = path.filename().string();
  s.date = EpochDate(m.build_epoch);
  s.version = s.date;
  s.path = path.string();
  s.licence = "the publisher's terms (a database supplied with --ip-db)";
  s.note = std::string("MaxMind DB, type ") + (m.database_type ? m.database_type : "unknown") +
           ", IPv" + std::to_string(m.ip_version);
  *out = std::move(r);
  return Status::Ok();
}

bool MmdbReader::Lookup(const Address& a, MmdbHit* hit) const {
  *hit = MmdbHit();
  sockaddr_storage ss{};
  if (a.v4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(static_cast<uint32_t>(a.value));
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    for (int i = 0; i < 16; ++i) {
      sin6->sin6_addr.s6_addr[i] = static_cast<uint8_t>(a.value >> (8 * (15 - i)));
    }
  }
  int err = 0;
  MMDB_lookup_result_s r =
      MMDB_lookup_sockaddr(&db_->mmdb, reinterpret_cast<const sockaddr*>(&ss), &err);
  if (err != MMDB_SUCCESS || !r.found_entry) return false;
  hit->found = true;
  int prefix = r.netmask;
  if (a.v4 && db_->mmdb.metadata.ip_version == 6) prefix -= 96;
  hit->prefix = prefix < 0 ? 0 : prefix;
  hit->country = StringAt(&r.entry, "country", "iso_code");
  if (hit->country.empty()) {
    hit->country = StringAt(&r.entry, "registered_country", "iso_code");
    hit->registered_country = !hit->country.empty();
  }
  hit->subdivision = StringAt(&r.entry, "subdivisions", "0", "iso_code");
  hit->asn = UintAt(&r.entry, "autonomous_system_number");
  hit->as_org = StringAt(&r.entry, "autonomous_system_organization");
  return true;
}

std::string NetworkText(const Address& a, int prefix) {
  Address n = a;
  int bits = a.v4 ? 32 : 128;
  if (prefix < 0) prefix = 0;
  if (prefix > bits) prefix = bits;
  int host = bits - prefix;
  if (host > 0) {
    Uint128 mask = host >= 128 ? ~static_cast<Uint128>(0) : (static_cast<Uint128>(1) << host) - 1;
    n.value &= ~mask;
    if (a.v4) n.value |= static_cast<Uint128>(0xffff) << 32;
  }
  return FormatAddress(n) + "/" + std::to_string(prefix);
}

}  // namespace vigil::ip
