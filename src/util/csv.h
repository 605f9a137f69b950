// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// CsvReader: reads delimited text (RFC 4180 quoting; comma, tab or any one-byte
// delimiter) one record at a time, remembering the line each record starts on so that
// every error can name it. Quoted fields may span lines; "" inside quotes is a quote.
// CR LF and LF line ends are both accepted. Blank lines are skipped.
//
// Not thread-safe; one reader per thread. The text must outlive the reader.

#ifndef VIGIL_UTIL_CSV_H_
#define VIGIL_UTIL_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/status.h"

namespace vigil::util {

struct CsvRecord {
  size_t line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  CsvReader(std::string_view text, char delimiter, std::string file_name);

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into *rec. Returns false at the end of the text or on a
  // malformed record; then status() tells which (OK at a clean end).
  bool Next(CsvRecord* rec);

  const Status& status() const { return status_; }
  // True when Next() failed because the text ended inside a quoted field: the last record
  // is incomplete (typically a truncated download) and every record before it is whole.
  bool ended_inside_quotes() const { return ended_inside_quotes_; }
  // The line the failed (incomplete) record started on.
  size_t failed_record_line() const { return failed_line_; }
  const std::string& file_name() const { return file_; }

 private:
  std::string_view text_;
  char delim_;
  std::string file_;
  size_t pos_ = 0;
  size_t line_ = 1;
  Status status_;
  bool ended_inside_quotes_ = false;
  size_t failed_line_ = 0;
};

}  // namespace vigil::util

#endif  // VIGIL_UTIL_CSV_H_
