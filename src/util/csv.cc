// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "util/csv.h"

#include "util/strings.h"

namespace vigil::util {

CsvReader::CsvReader(std::string_view text, char delimiter, std::string file_name)
    : text_(text), delim_(delimiter), file_(std::move(file_name)) {}

bool CsvReader::Next(CsvRecord* rec) {
  if (!status_.ok()) return false;
  // Skip blank lines.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;

  rec->line = line_;
  rec->fields.clear();
  std::string field;
  bool in_quotes = false;
  bool was_quoted = false;
  size_t quote_line = 0;
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (in_quotes) {
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field.push_back('"');
          pos_ += 2;
          continue;
        }
        in_quotes = false;
        ++pos_;
        continue;
      }
      if (c == '\n') ++line_;
      field.push_back(c);
      ++pos_;
      continue;
    }
    if (c == '"' && Trim(field).empty() && !was_quoted) {
      field.clear();
      in_quotes = true;
      was_quoted = true;
      quote_line = line_;
      ++pos_;
      continue;
    }
    if (c == delim_) {
      rec->fields.push_back(was_quoted ? field : std::string(Trim(field)));
      field.clear();
      was_quoted = false;
      ++pos_;
      continue;
    }
    if (c == '\r' || c == '\n') {
      if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++line_;
      break;
    }
    // Text after a closing quote other than white space: keep it (lenient, as Excel is).
    if (!(was_quoted && (c == ' ' || c == '\t'))) field.push_back(c);
    ++pos_;
  }
  if (in_quotes) {
    ended_inside_quotes_ = true;
    failed_line_ = rec->line;
    status_ = Status::Corruption(
        Where(file_, quote_line, "quoted field is never closed (file truncated?)"));
    return false;
  }
  rec->fields.push_back(was_quoted ? field : std::string(Trim(field)));
  return true;
}

}  // namespace vigil::util
