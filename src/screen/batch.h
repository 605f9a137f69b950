// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Batch screening: queries stream in from a file, results stream out in input order.
//
// Input formats:
//   JSONL: one object per line, {"qid": ..., "query": {"name", "type", "dob", "country",
//          "identifiers": [...]}} (the evaluation format) or the same fields flat with
//          "id"|"qid".
//   CSV:   a header row naming the columns name, type, dob, country, id, identifiers
//          (';'-separated) in any order; only name is required.
// Output formats:
//   JSONL: {"qid": ..., "matches": [{"id", "name", "score", ...}, ...]} per query.
//   CSV:   query_id, query_name, rank, match_id, match_name, matched_name, score; one row
//          per match, one row with empty match columns when nothing matched.
//
// Queries are read in chunks, screened on `threads` threads and written in input order,
// so memory depends on the chunk size, not on the input size. A malformed input line stops
// the run with an error naming the file and line; what was written before stays.

#ifndef VIGIL_SCREEN_BATCH_H_
#define VIGIL_SCREEN_BATCH_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include "vigil/screen.h"
#include "vigil/status.h"

namespace vigil::screen {

enum class Format { kJsonl, kCsv };

// By file extension: .csv is CSV, anything else JSONL.
Format FormatFromPath(const std::string& path);

struct BatchOptions {
  ScreenOptions screen;
  bool explain = false;
  size_t threads = 1;
  size_t chunk = 1024;
  // Called after each chunk with bytes of input consumed and queries done.
  std::function<void(uint64_t bytes, uint64_t queries)> progress;
};

struct BatchStats {
  uint64_t queries = 0;
  uint64_t with_matches = 0;
};

Status ScreenBatch(const Screener& screener, std::istream& in, const std::string& in_name,
                   Format in_format, std::ostream& out, Format out_format,
                   const BatchOptions& options, BatchStats* stats);

}  // namespace vigil::screen

#endif  // VIGIL_SCREEN_BATCH_H_
