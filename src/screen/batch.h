// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Batch screening: queries stream in from a file, results stream out in input order.
//
// Input formats (docs/batch.md has every field):
//   JSONL: one object per line, {"qid": ..., "query": {"name", "type", "dob", "country",
//          "identifiers": [...]}} (the evaluation format) or the same fields flat with
//          "id"|"qid".
//   CSV:   a header row naming the columns name, type, dob, country, id, identifiers
//          (';'-separated) in any order; only name is required. One record per line.
// Output formats:
//   JSONL: {"qid": ..., "matches": [{"id", "name", "score", ...}, ...], "lists_version": ...}
//          per query; screened against the bundled sample, also "sample": true and
//          "warning": "Screened against the bundled 40-entry SAMPLE list ...".
//   CSV:   query_id, query_name, rank, match_id, match_name, matched_name, score, decision,
//          list, kind, lists_version, evidence; one row per match at or above the review
//          threshold (every match with BatchOptions::all), one row with decision "none" and
//          empty match columns when there is none. A text cell starting with = + - @, a tab
//          or a carriage return is written with a leading ' (CSV injection: spreadsheets
//          would run it as a formula). BatchOptions::excel adds a byte order mark and CRLF.
//          lists_version names each list's date and markers (SAMPLE, STALE, INCOMPLETE).
//
// Queries are read in chunks, screened on `threads` threads and written in input order,
// so memory depends on the chunk size, not on the input size.
//
// Every field is checked as the API and `vigil screen NAME` check it (screen/query.h).
// A problem with one record is a warning naming the file and line: a bad optional field
// (type, dob, country, an identifier) is left out and the record screened without it; a
// record without a usable name or id, or with a line longer than kMaxBatchLineBytes, is
// skipped (no output for it); a field or column that is not read is reported once. With
// BatchOptions::strict the first problem stops the run instead. A line that is not JSON,
// or CSV that does not parse or has the wrong number of fields, always stops the run.

#ifndef VIGIL_SCREEN_BATCH_H_
#define VIGIL_SCREEN_BATCH_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/screen.h"
#include "vigil/status.h"

namespace vigil::screen {

enum class Format { kJsonl, kCsv };

// By file extension: .csv is CSV, anything else JSONL.
Format FormatFromPath(const std::string& path);

// A line longer than this is skipped unread (a record needs a few kilobytes at most).
inline constexpr size_t kMaxBatchLineBytes = size_t{1} << 20;

struct BatchOptions {
  ScreenOptions screen;
  bool explain = false;
  size_t threads = 1;
  size_t chunk = 1024;
  // The first problem with a record stops the run with an error naming the line.
  bool strict = false;
  // CSV output: also the matches scoring under screen.review_threshold (by default a
  // spreadsheet gets only what an analyst must look at).
  bool all = false;
  // CSV output for Excel: a UTF-8 byte order mark first (without it Excel reads the file
  // in the machine's code page and garbles Chinese, Cyrillic, Hangul) and CRLF line ends.
  bool excel = false;
  // Called after each chunk with bytes of input consumed and queries done.
  std::function<void(uint64_t bytes, uint64_t queries)> progress;
  // Called with each warning ("in.csv:12: dob '1984-02-30' is not a date ...; screened
  // without it"), in input order, from the calling thread. Null: warnings are only counted.
  std::function<void(const std::string& warning)> warning;
  // The lists screened against, in one line (model::ListsVersionString(), or ListsVersion()
  // where no list status is at hand): every JSONL record and CSV row carries it
  // ("lists_version").
  std::string lists_version;
  // Non-empty when the lists are the bundled sample: every output record says so
  // ("sample": true, "warning": this text).
  std::string sample_warning;
};

struct BatchStats {
  uint64_t queries = 0;       // records screened (each has output)
  uint64_t with_matches = 0;  // of those, with at least one match
  uint64_t skipped = 0;       // records not screened (each has a warning)
  uint64_t warnings = 0;      // warnings reported
};

// One problem with one input record.
struct BatchWarning {
  size_t line = 0;
  std::string message;          // what is wrong, naming the field ("dob 'yesterday' is ...")
  bool record_skipped = false;  // the record is not screened; otherwise the field is left out
  std::string unknown_field;    // set for a member or column that is not read
};

// One input record, as read from a line.
struct BatchRecord {
  std::string id;  // "qid" or "id"; empty when the record has none
  Query query;
  bool skip = false;  // not to be screened (a warning with record_skipped says why)
};

// Parses one JSONL line (`text`, without its line end; line number `line` of `file`).
// Returns Corruption naming the file and line when the line is not a JSON object, else
// OK with *rec filled and the record's problems appended to *warnings. Thread-safe.
Status ParseBatchJsonLine(std::string_view text, std::string_view file, size_t line,
                          BatchRecord* rec, std::vector<BatchWarning>* warnings);

// The columns of a batch CSV file, from its header row.
struct BatchCsvColumns {
  enum Column { kName, kKind, kDob, kCountry, kId, kIdentifiers, kUnknown };
  std::vector<Column> columns;
};

// Parses the header row of a batch CSV file. Returns Corruption when it does not parse,
// has no name column or names a column twice; a column that is not read is a warning.
Status ParseBatchCsvHeader(std::string_view text, std::string_view file, size_t line,
                           BatchCsvColumns* columns, std::vector<BatchWarning>* warnings);

// Parses one CSV record (one line, without its line end) under `columns`. Returns
// Corruption when the line does not parse or has another number of fields than the
// header, else OK as ParseBatchJsonLine.
Status ParseBatchCsvLine(std::string_view text, std::string_view file, size_t line,
                         const BatchCsvColumns& columns, BatchRecord* rec,
                         std::vector<BatchWarning>* warnings);

// One line of evidence for a spreadsheet: the name matched and the effect of each
// attribute and identifier, e.g. "name 'BOUT, Viktor' (primary) 0.912; birth_date 1967 ~
// 1967-01-13: same year +0.020; also listed as us_csl:8279".
std::string EvidenceSummary(const Match& m);

// `text` made safe for a spreadsheet cell: prefixed with ' when it starts with = + - @, a
// tab or a carriage return (OWASP, CSV injection), then quoted as RFC 4180 wants.
std::string CsvCell(std::string_view text);

// Screens every record of `in` and writes the results to `out`. Fails on a read or write
// error, on input that is not of its format, and with options.strict on the first problem
// with a record; what was written before the failure stays in `out`.
Status ScreenBatch(const Screener& screener, std::istream& in, const std::string& in_name,
                   Format in_format, std::ostream& out, Format out_format,
                   const BatchOptions& options, BatchStats* stats);

}  // namespace vigil::screen

#endif  // VIGIL_SCREEN_BATCH_H_
