// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// IP screening (src/ip) over the real @ip-location-db tables (tools/deps.sh installs them):
// loading them, and lookups of random IPv4 and IPv6 addresses, one thread (per core).
//   build/vigil_bench --benchmark_filter=Ip
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <vector>

#include "ip/ip_database.h"

namespace {

using vigil::ip::Address;
using vigil::ip::IpDatabase;
using vigil::ip::Uint128;

const IpDatabase* Tables() {
  static const std::unique_ptr<IpDatabase> db = []() -> std::unique_ptr<IpDatabase> {
    std::unique_ptr<IpDatabase> d;
    if (vigil::ip::DefaultDataDir().empty() || !IpDatabase::Open({}, &d).ok()) return nullptr;
    return d;
  }();
  return db.get();
}

// 65,536 random addresses: IPv4 over the whole space, IPv6 in 2000::/3 (the global unicast
// space, where the allocations are).
std::vector<Address> RandomAddresses(bool v6) {
  std::mt19937_64 rng(16);
  std::vector<Address> out(1 << 16);
  for (Address& a : out) {
    if (v6) {
      Uint128 v = (static_cast<Uint128>(rng()) << 64) | rng();
      a = Address{(v >> 3) | (static_cast<Uint128>(1) << 125), false};
    } else {
      a = Address{(static_cast<Uint128>(0xffff) << 32) | static_cast<uint32_t>(rng()), true};
    }
  }
  return out;
}

void BM_IpOpenTables(benchmark::State& state) {
  if (vigil::ip::DefaultDataDir().empty()) {
    state.SkipWithError("the @ip-location-db packages are not installed (tools/deps.sh)");
    return;
  }
  for (auto _ : state) {
    std::unique_ptr<IpDatabase> d;
    vigil::ip::OpenOptions o;
    o.ipv4_only = state.range(0) == 1;
    if (!IpDatabase::Open(o, &d).ok()) state.SkipWithError("the tables did not load");
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_IpOpenTables)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

void Lookups(benchmark::State& state, bool v6, bool full) {
  const IpDatabase* db = Tables();
  if (db == nullptr) {
    state.SkipWithError("the @ip-location-db packages are not installed (tools/deps.sh)");
    return;
  }
  std::vector<Address> addrs = RandomAddresses(v6);
  size_t i = 0;
  for (auto _ : state) {
    const Address& a = addrs[i++ & (addrs.size() - 1)];
    if (full) {
      benchmark::DoNotOptimize(db->Lookup(a));
    } else {
      benchmark::DoNotOptimize(db->LookupBrief(a));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_IpLookupBriefV4(benchmark::State& state) { Lookups(state, false, false); }
void BM_IpLookupBriefV6(benchmark::State& state) { Lookups(state, true, false); }
void BM_IpLookupFullV4(benchmark::State& state) { Lookups(state, false, true); }
void BM_IpLookupFullV6(benchmark::State& state) { Lookups(state, true, true); }
BENCHMARK(BM_IpLookupBriefV4);
BENCHMARK(BM_IpLookupBriefV6);
BENCHMARK(BM_IpLookupFullV4);
BENCHMARK(BM_IpLookupFullV6);

}  // namespace
