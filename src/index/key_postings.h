// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// KeyPostings: a read-only multimap from 64-bit keys (hashes of index keys) to 32-bit ids,
// in three flat arrays: sorted distinct keys, offsets, and the ids of each key (ascending,
// distinct). A directory on the top bits of the key narrows each lookup to a few keys.
// Hash collisions only add false candidates; callers verify every candidate they get.
//
// Deletion neighbourhoods: two strings within k edits (insertions, deletions,
// substitutions, adjacent transpositions) both reduce to a common string by deleting at
// most k bytes from each. Indexing every string under the hashes of its deletion
// variants therefore finds every string within k edits of a query with one lookup per
// variant of the query (SymSpell, FastSS).
//
// Immutable after Build(); thread-safe reads.

#ifndef VIGIL_INDEX_KEY_POSTINGS_H_
#define VIGIL_INDEX_KEY_POSTINGS_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::index {

uint64_t HashKey(std::string_view bytes);

class KeyPostings {
 public:
  // Takes (key, id) pairs in any order, with repeats; leaves *entries empty.
  void Build(std::vector<std::pair<uint64_t, uint32_t>>* entries);

  // The ids filed under `key`, ascending; empty when none.
  std::span<const uint32_t> Find(uint64_t key) const;
  // Find() for keys[0..n): the same answers in out[0..n), with the memory reads of all the
  // keys overlapped (each lookup is a few cache misses; a query makes dozens).
  void FindMany(const uint64_t* keys, size_t n, std::span<const uint32_t>* out) const;

  size_t keys() const { return keys_.size(); }
  size_t bytes() const;

 private:
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> offsets_;    // keys_.size() + 1
  std::vector<uint32_t> ids_;        // ids of keys_[k]: ids_[offsets_[k] .. offsets_[k + 1])
  std::vector<uint32_t> directory_;  // first key index per top-bits bucket, plus an end
  int shift_ = 64;
};

// Calls fn(HashKey(v)) for `s` and every distinct-position deletion variant of it with up
// to `k` bytes removed (variants may repeat when `s` repeats letters). `s` longer than 255
// bytes is reduced by its first 255 only (never in practice: tokens are names' words).
template <typename Fn>
void ForEachDeletion(std::string_view s, int k, Fn&& fn);

namespace internal {
template <typename Fn>
void Deletions(char* buf, size_t len, size_t from, int k, Fn& fn) {
  fn(HashKey(std::string_view(buf, len)));
  if (k == 0 || len == 0) return;
  char saved[256];
  for (size_t p = from; p < len; ++p) {
    // Delete buf[p]: shift the tail left, recurse with later positions only, restore.
    const size_t tail = len - p - 1;
    std::copy(buf + p, buf + len, saved);
    std::copy(buf + p + 1, buf + len, buf + p);
    Deletions(buf, len - 1, p, k - 1, fn);
    std::copy(saved, saved + tail + 1, buf + p);
  }
}
}  // namespace internal

template <typename Fn>
void ForEachDeletion(std::string_view s, int k, Fn&& fn) {
  char buf[256];
  const size_t len = std::min<size_t>(s.size(), sizeof(buf) - 1);
  std::copy(s.data(), s.data() + len, buf);
  internal::Deletions(buf, len, 0, k, fn);
}

}  // namespace vigil::index

#endif  // VIGIL_INDEX_KEY_POSTINGS_H_
