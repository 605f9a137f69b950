// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "index/key_postings.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace vigil::index {

uint64_t HashKey(std::string_view bytes) {
  // FNV-1a over 8-byte words, then a 64-bit finalizer (splitmix64): fast on short names.
  uint64_t h = 0xcbf29ce484222325ULL ^ bytes.size();
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  uint64_t w = 0;
  std::memcpy(&w, bytes.data() + i, bytes.size() - i);
  h = (h ^ w) * 0x100000001b3ULL;
  h ^= h >> 32;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 31;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 29;
  return h;
}

void KeyPostings::Build(std::vector<std::pair<uint64_t, uint32_t>>* entries) {
  std::vector<std::pair<uint64_t, uint32_t>>& e = *entries;
  // About two entries per directory bucket. The entries are scattered by bucket (one
  // counting pass, the top bits of the key), then each small bucket is sorted: much faster
  // than sorting the whole array.
  int bits = 1;
  while ((size_t{1} << bits) < e.size() / 2 + 1 && bits < 30) ++bits;
  shift_ = 64 - bits;
  const size_t buckets = size_t{1} << bits;
  std::vector<uint32_t> start(buckets + 1, 0);
  for (const auto& [key, id] : e) ++start[(key >> shift_) + 1];
  for (size_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
  std::vector<std::pair<uint64_t, uint32_t>> sorted(e.size());
  {
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (const auto& entry : e) sorted[fill[entry.first >> shift_]++] = entry;
  }
  std::vector<std::pair<uint64_t, uint32_t>>().swap(e);

  keys_.clear();
  offsets_.clear();
  ids_.clear();
  ids_.reserve(sorted.size());
  directory_.assign(buckets + 1, 0);
  for (size_t b = 0; b < buckets; ++b) {
    directory_[b] = static_cast<uint32_t>(keys_.size());
    auto first = sorted.begin() + start[b], last = sorted.begin() + start[b + 1];
    std::sort(first, last);
    for (auto it = first; it != last; ++it) {
      if (it != first && *it == *(it - 1)) continue;
      if (it == first || it->first != (it - 1)->first) {
        keys_.push_back(it->first);
        offsets_.push_back(static_cast<uint32_t>(ids_.size()));
      }
      ids_.push_back(it->second);
    }
  }
  directory_.back() = static_cast<uint32_t>(keys_.size());
  offsets_.push_back(static_cast<uint32_t>(ids_.size()));
  keys_.shrink_to_fit();
  offsets_.shrink_to_fit();
  ids_.shrink_to_fit();
}

std::span<const uint32_t> KeyPostings::Find(uint64_t key) const {
  if (keys_.empty()) return {};
  const size_t b = key >> shift_;
  const uint64_t* lo = keys_.data() + directory_[b];
  const uint64_t* hi = keys_.data() + directory_[b + 1];
  const uint64_t* it = std::lower_bound(lo, hi, key);
  if (it == hi || *it != key) return {};
  const size_t k = static_cast<size_t>(it - keys_.data());
  return {ids_.data() + offsets_[k], ids_.data() + offsets_[k + 1]};
}

void KeyPostings::FindMany(const uint64_t* keys, size_t n, std::span<const uint32_t>* out) const {
  if (keys_.empty()) {
    std::fill(out, out + n, std::span<const uint32_t>());
    return;
  }
  // Three passes, each prefetching what the next one reads: directory, keys, offsets.
  for (size_t i = 0; i < n; ++i) __builtin_prefetch(&directory_[keys[i] >> shift_]);
  constexpr size_t kBatch = 128;
  uint32_t found[kBatch];
  for (size_t base = 0; base < n; base += kBatch) {
    const size_t m = std::min(kBatch, n - base);
    for (size_t i = 0; i < m; ++i) __builtin_prefetch(&keys_[directory_[keys[base + i] >> shift_]]);
    for (size_t i = 0; i < m; ++i) {
      const uint64_t key = keys[base + i];
      const size_t b = key >> shift_;
      const uint64_t* lo = keys_.data() + directory_[b];
      const uint64_t* hi = keys_.data() + directory_[b + 1];
      const uint64_t* it = std::lower_bound(lo, hi, key);
      found[i] = it == hi || *it != key ? UINT32_MAX : static_cast<uint32_t>(it - keys_.data());
      if (found[i] != UINT32_MAX) __builtin_prefetch(&offsets_[found[i]]);
    }
    for (size_t i = 0; i < m; ++i) {
      const uint32_t k = found[i];
      out[base + i] = k == UINT32_MAX ? std::span<const uint32_t>()
                                      : std::span<const uint32_t>(ids_.data() + offsets_[k],
                                                                  ids_.data() + offsets_[k + 1]);
    }
  }
}

size_t KeyPostings::bytes() const {
  return keys_.size() * sizeof(uint64_t) + offsets_.size() * sizeof(uint32_t) +
         ids_.size() * sizeof(uint32_t) + directory_.size() * sizeof(uint32_t);
}

}  // namespace vigil::index
