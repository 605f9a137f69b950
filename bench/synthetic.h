// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Synthetic lists for scaling benchmarks, built from the name parts of real lists: given
// names and surnames of the listed people, words and legal forms of the listed
// organizations, recombined at random (fixed seed: the same list every run). Each entity
// has a primary name and, one time in three, one or two aliases (another spelling order,
// another given name, a dropped word). Word frequencies follow those of the real lists,
// so common tokens ("mohammad", "trading", "ltd") stay common.

#ifndef VIGIL_BENCH_SYNTHETIC_H_
#define VIGIL_BENCH_SYNTHETIC_H_

#include <cstddef>
#include <vector>

#include "vigil/list.h"

namespace vigil::bench {

// A list "synthetic" of `entities` entities (ids "synthetic:1" ...), drawing name parts
// from `real`.
LoadedList SyntheticList(const std::vector<const LoadedList*>& real, size_t entities,
                         uint64_t seed = 42);

}  // namespace vigil::bench

#endif  // VIGIL_BENCH_SYNTHETIC_H_
