// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "screen/batch.h"

#include <fmt/core.h>

#include <algorithm>
#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <thread>
#include <vector>

#include "model/json.h"
#include "screen/query.h"
#include "util/csv.h"
#include "util/file.h"
#include "util/strings.h"

namespace vigil::screen {
namespace {

using nlohmann::json;

struct Item {
  std::string id;
  Query query;
  std::vector<Match> matches;
};

constexpr std::string_view kBom = "\xEF\xBB\xBF";

void Warn(std::vector<BatchWarning>* warnings, size_t line, std::string message, bool skipped,
          std::string unknown_field = "") {
  warnings->push_back(BatchWarning{line, std::move(message), skipped, std::move(unknown_field)});
}

// A "qid" or "id" member: a string or a whole number, or absent. False with *error else.
bool JsonId(const json& j, const char* key, std::string* out, std::string* error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (it->is_number_integer()) {
    *out = it->dump();
    return true;
  }
  if (!it->is_string()) {
    *error = fmt::format("{} must be a string or a whole number, not {}", key, JsonTypeName(*it));
    return false;
  }
  if (!CheckQueryText(it->get_ref<const std::string&>(), key, kMaxFieldBytes, error)) return false;
  *out = it->get<std::string>();
  return true;
}

}  // namespace

Status ParseBatchJsonLine(std::string_view text, std::string_view file, size_t line,
                          BatchRecord* rec, std::vector<BatchWarning>* warnings) {
  *rec = BatchRecord();
  std::string error;
  // Checked before parsing so that the message can name the byte (nlohmann's says less),
  // and so that a badly encoded record is skipped like any other bad record.
  if (!CheckQueryText(text, "the line", text.size(), &error)) {
    Warn(warnings, line, error, true);
    rec->skip = true;
    return Status::Ok();
  }
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." without the tag.
    std::string what = e.what();
    if (size_t p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    return Status::Corruption(util::Where(file, line, "not a JSON object: " + what));
  } catch (const json::exception& e) {  // out_of_range: a number such as 1e400
    std::string what = e.what();
    if (size_t p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    Warn(warnings, line, "the line holds a number that cannot be read (" + what + ")", true);
    rec->skip = true;
    return Status::Ok();
  }
  if (!j.is_object()) return Status::Corruption(util::Where(file, line, "not a JSON object"));
  std::vector<QueryProblem> problems;
  std::string query_id;
  if (auto q = j.find("query"); q != j.end()) {
    // The evaluation format: {"qid", "query": {...}}.
    for (const auto& [key, value] : j.items()) {
      if (key != "qid" && key != "id" && key != "query") {
        Warn(warnings, line,
             fmt::format("unknown field {} beside \"query\": a record has qid (or id) and query",
                         json(key).dump(-1, ' ', false, json::error_handler_t::replace)),
             false, key);
      }
    }
    JsonQueryRules rules;
    rules.where = "query";
    ReadJsonQuery(*q, rules, &rec->query, &query_id, &problems);
  } else {
    JsonQueryRules rules;
    rules.also_allowed = {"qid", "id"};
    rules.also_allowed_note = " (and qid)";
    rules.read_id = false;
    ReadJsonQuery(j, rules, &rec->query, nullptr, &problems);
  }
  for (QueryProblem& p : problems) {
    rec->skip = rec->skip || p.fatal;
    Warn(warnings, line, std::move(p.message), p.fatal, std::move(p.unknown_field));
  }
  std::string qid, id;
  if (!JsonId(j, "qid", &qid, &error) || !JsonId(j, "id", &id, &error)) {
    Warn(warnings, line, error, true);
    rec->skip = true;
  }
  rec->id = !qid.empty() ? qid : !id.empty() ? id : query_id;
  return Status::Ok();
}

Status ParseBatchCsvHeader(std::string_view text, std::string_view file, size_t line,
                           BatchCsvColumns* columns, std::vector<BatchWarning>* warnings) {
  columns->columns.clear();
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  util::CsvReader reader(text, ',', std::string(file));
  util::CsvRecord rec;
  if (!reader.Next(&rec)) {
    return Status::Corruption(util::Where(file, line, "malformed CSV header row"));
  }
  using C = BatchCsvColumns;
  static const std::pair<std::string_view, C::Column> kNames[] = {
      {"name", C::kName}, {"type", C::kKind},      {"kind", C::kKind},
      {"dob", C::kDob},   {"birth_date", C::kDob}, {"country", C::kCountry},
      {"id", C::kId},     {"qid", C::kId},         {"identifiers", C::kIdentifiers}};
  for (size_t i = 0; i < rec.fields.size(); ++i) {
    std::string name = util::AsciiLower(util::Trim(rec.fields[i]));
    C::Column c = C::kUnknown;
    for (const auto& [n, col] : kNames) {
      if (name == n) c = col;
    }
    if (c == C::kUnknown) {
      Warn(warnings, line,
           fmt::format("column {} ({}) is not one of name, type, dob, country, id and "
                       "identifiers",
                       i + 1,
                       json(rec.fields[i]).dump(-1, ' ', false, json::error_handler_t::replace)),
           false, "column " + name);
    } else if (std::find(columns->columns.begin(), columns->columns.end(), c) !=
               columns->columns.end()) {
      return Status::Corruption(util::Where(
          file, line,
          fmt::format("column {} ({}) repeats a column named before it", i + 1,
                      json(rec.fields[i]).dump(-1, ' ', false, json::error_handler_t::replace))));
    }
    columns->columns.push_back(c);
  }
  if (std::find(columns->columns.begin(), columns->columns.end(), C::kName) ==
      columns->columns.end()) {
    return Status::Corruption(util::Where(file, line,
                                          "CSV header has no 'name' column (columns: name, type, "
                                          "dob, country, id, identifiers)"));
  }
  return Status::Ok();
}

Status ParseBatchCsvLine(std::string_view text, std::string_view file, size_t line,
                         const BatchCsvColumns& columns, BatchRecord* rec,
                         std::vector<BatchWarning>* warnings) {
  *rec = BatchRecord();
  util::CsvReader reader(text, ',', std::string(file));
  util::CsvRecord fields;
  if (!reader.Next(&fields)) {
    return Status::Corruption(util::Where(file, line, "malformed CSV line"));
  }
  if (fields.fields.size() != columns.columns.size()) {
    return Status::Corruption(util::Where(file, line,
                                          "expected " + std::to_string(columns.columns.size()) +
                                              " fields as in the header, found " +
                                              std::to_string(fields.fields.size())));
  }
  std::string error;
  bool bad_name = false;
  for (size_t i = 0; i < columns.columns.size(); ++i) {
    const std::string& v = fields.fields[i];
    bool ok = true, fatal = false;
    switch (columns.columns[i]) {
      case BatchCsvColumns::kName:
        ok = SetQueryName(v, "name", &rec->query, &error);
        fatal = bad_name = !ok;
        break;
      case BatchCsvColumns::kKind:
        ok = SetQueryKind(v, "type", &rec->query, &error);
        break;
      case BatchCsvColumns::kDob:
        ok = SetQueryDob(v, "dob", &rec->query, &error);
        break;
      case BatchCsvColumns::kCountry:
        ok = SetQueryCountry(v, "country", &rec->query, &error);
        break;
      case BatchCsvColumns::kId:
        ok = CheckQueryText(v, "id", kMaxFieldBytes, &error);
        if (ok) rec->id = v;
        fatal = !ok;
        break;
      case BatchCsvColumns::kIdentifiers:
        // The length first: SplitTrimmed must not copy megabytes.
        ok = CheckQueryText(v, "identifiers", (kMaxFieldBytes + 1) * kMaxIdentifiers, &error);
        if (ok) {
          for (const std::string& x : util::SplitTrimmed(v, ";")) {
            if (!AddQueryIdentifier(x, "identifiers", &rec->query, &error)) {
              Warn(warnings, line, error, false);
              if (rec->query.identifiers.size() >= kMaxIdentifiers) break;
            }
          }
        }
        break;
      case BatchCsvColumns::kUnknown:
        break;
    }
    if (!ok) {
      Warn(warnings, line, error, fatal);
      rec->skip = rec->skip || fatal;
    }
  }
  if (!bad_name && !CheckQueryHasName(rec->query, "name", &error)) {
    Warn(warnings, line, error, true);
    rec->skip = true;
  }
  return Status::Ok();
}

namespace {

void WriteItem(const Item& item, Format format, const BatchOptions& options, std::ostream& out) {
  const bool explain = options.explain;
  if (format == Format::kJsonl) {
    // {"lists_version":...,"matches":[...],"qid":...[,"sample":true,"warning":...]}, keys in
    // sorted order, written straight out (model::AppendJson).
    std::string line = "{\"lists_version\":";
    model::AppendJsonString(options.lists_version, &line);
    line += ",\"matches\":[";
    for (size_t i = 0; i < item.matches.size(); ++i) {
      if (i > 0) line += ',';
      model::AppendJson(item.matches[i], explain, &line);
    }
    line += "],\"qid\":";
    model::AppendJsonString(item.id, &line);
    if (!options.sample_warning.empty()) {
      line += ",\"sample\":true,\"warning\":";
      model::AppendJsonString(options.sample_warning, &line);
    }
    line += "}\n";
    out << line;
    return;
  }
  const char* eol = options.excel ? "\r\n" : "\n";
  const std::string prefix = CsvCell(item.id) + "," + CsvCell(item.query.name) + ",";
  const std::string version = CsvCell(options.lists_version);
  std::string rows;
  for (size_t r = 0; r < item.matches.size(); ++r) {
    const Match& m = item.matches[r];
    if (!options.all && m.score < options.screen.review_threshold) break;  // best first
    char score[32];
    std::snprintf(score, sizeof score, "%.4f", m.score);
    std::string list(m.list_name);
    for (const Listing& l : m.also_on) list += " | " + std::string(l.list_name);
    rows += prefix + std::to_string(r + 1) + ',' + CsvCell(m.entity->id) + ',' +
            CsvCell(m.entity->primary_name()) + ',' + CsvCell(m.matched_name) + ',' + score + ',' +
            std::string(ToString(m.decision)) + ',' + CsvCell(list) + ',' +
            std::string(ToString(m.entity->kind)) + ',' + version + ',' +
            CsvCell(EvidenceSummary(m)) + eol;
  }
  // A query with nothing to look at still has its row: it was screened.
  if (rows.empty()) rows = prefix + ",,,,,none,,," + version + "," + eol;
  out << rows;
}

// Reads up to `max` records, one a line, and the warnings of the records it read.
class QueryReader {
 public:
  QueryReader(std::istream& in, std::string name, Format format, bool strict)
      : in_(in), name_(std::move(name)), format_(format), strict_(strict) {}

  // Stops early, with OK, after a warning when strict (the caller stops there).
  Status Read(size_t max, std::vector<Item>* items, std::vector<BatchWarning>* warnings) {
    items->clear();
    std::string line;
    bool too_long = false;
    for (;;) {
      if (items->size() >= max || (strict_ && !warnings->empty())) break;
      if (Status s = ReadLine(&line, &too_long); !s.ok()) return s;
      if (done_) break;
      ++line_no_;
      if (too_long) {
        Warn(warnings, line_no_,
             fmt::format("the line is longer than {} bytes and is not read", kMaxBatchLineBytes),
             true);
        ++skipped_;
        continue;
      }
      if (line_no_ == 1 && line.starts_with(kBom)) line.erase(0, kBom.size());
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (util::Trim(line).empty()) continue;
      BatchRecord rec;
      if (format_ == Format::kJsonl) {
        if (Status s = ParseBatchJsonLine(line, name_, line_no_, &rec, warnings); !s.ok()) {
          return s;
        }
      } else if (!have_header_) {
        if (Status s = ParseBatchCsvHeader(line, name_, line_no_, &columns_, warnings); !s.ok()) {
          return s;
        }
        have_header_ = true;
        continue;
      } else if (Status s = ParseBatchCsvLine(line, name_, line_no_, columns_, &rec, warnings);
                 !s.ok()) {
        return s;
      }
      if (rec.skip) {
        ++skipped_;
        continue;
      }
      Item item;
      item.id = rec.id.empty() ? std::to_string(line_no_) : std::move(rec.id);
      item.query = std::move(rec.query);
      items->push_back(std::move(item));
    }
    if (format_ == Format::kCsv && done_ && !have_header_) {
      return Status::Corruption(name_ + ": empty input, expected a CSV header row");
    }
    return Status::Ok();
  }

  uint64_t bytes() const { return bytes_; }
  uint64_t skipped() const { return skipped_; }

 private:
  // One line without its '\n', at most kMaxBatchLineBytes of it kept (*too_long: there
  // was more, now consumed). Sets done_ at the end of the input.
  Status ReadLine(std::string* line, bool* too_long) {
    line->clear();
    *too_long = false;
    std::streambuf* buf = in_.rdbuf();
    bool any = false;
    try {
      for (;;) {
        int c = buf->sbumpc();
        if (c == std::char_traits<char>::eof()) break;
        any = true;
        ++bytes_;
        if (c == '\n') break;
        if (line->size() < kMaxBatchLineBytes) {
          line->push_back(static_cast<char>(c));
        } else {
          *too_long = true;
        }
      }
    } catch (const std::exception& e) {  // libstdc++'s filebuf throws on a read error
      return Status::IoError(
          util::Where(name_, line_no_ + 1, std::string("read failed: ") + e.what()));
    }
    done_ = !any;
    return Status::Ok();
  }

  std::istream& in_;
  std::string name_;
  Format format_;
  bool strict_;
  bool done_ = false;
  bool have_header_ = false;
  size_t line_no_ = 0;
  uint64_t bytes_ = 0;
  uint64_t skipped_ = 0;
  BatchCsvColumns columns_;
};

}  // namespace

std::string EvidenceSummary(const Match& m) {
  std::string out =
      fmt::format("name '{}' ({}) {:.3f}", m.matched_name, ToString(m.matched_kind), m.name_score);
  for (const Evidence& e : m.evidence) {
    out += fmt::format("; {} {} ~ {}: {} {:+.3f}", e.attribute, e.query_value, e.list_value, e.note,
                       e.effect);
  }
  for (const Listing& l : m.also_on) out += "; also listed as " + l.entity->id;
  return out;
}

std::string CsvCell(std::string_view text) {
  std::string s;
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    s.push_back('\'');
  }
  s.append(text);
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Format FormatFromPath(const std::string& path) {
  std::string lower = util::AsciiLower(path);
  return lower.ends_with(".csv") ? Format::kCsv : Format::kJsonl;
}

Status ScreenBatch(const Screener& screener, std::istream& in, const std::string& in_name,
                   Format in_format, std::ostream& out, Format out_format,
                   const BatchOptions& options, BatchStats* stats) {
  QueryReader reader(in, in_name, in_format, options.strict);
  if (out_format == Format::kCsv) {
    if (options.excel) out << kBom;
    out << "query_id,query_name,rank,match_id,match_name,matched_name,score,decision,list,kind,"
           "lists_version,evidence"
        << (options.excel ? "\r\n" : "\n");
  }
  const size_t threads = std::max<size_t>(1, options.threads);
  std::vector<Item> items;
  std::vector<BatchWarning> warnings;
  std::set<std::string> unknown_reported;  // a field that is not read is reported once
  for (;;) {
    warnings.clear();
    Status read = reader.Read(options.chunk, &items, &warnings);
    for (const BatchWarning& w : warnings) {
      if (!w.unknown_field.empty() && !unknown_reported.insert(w.unknown_field).second) continue;
      if (options.strict) {
        return Status::Corruption(
            util::Where(in_name, w.line, w.message + " (strict: the first problem stops the run)"));
      }
      ++stats->warnings;
      if (options.warning) {
        const char* outcome = w.record_skipped           ? "; record skipped"
                              : !w.unknown_field.empty() ? "; not read (reported once)"
                                                         : "; screened without it";
        options.warning(util::Where(in_name, w.line, w.message + outcome));
      }
    }
    stats->skipped = reader.skipped();
    if (!read.ok()) return read;
    if (items.empty()) break;
    auto work = [&](size_t t) {
      for (size_t i = t; i < items.size(); i += threads) {
        items[i].matches = screener.Screen(items[i].query, options.screen);
      }
    };
    if (threads == 1) {
      work(0);
    } else {
      std::vector<std::thread> pool;
      for (size_t t = 0; t < threads; ++t) pool.emplace_back(work, t);
      for (std::thread& th : pool) th.join();
    }
    for (const Item& item : items) {
      WriteItem(item, out_format, options, out);
      ++stats->queries;
      if (!item.matches.empty()) ++stats->with_matches;
    }
    if (!out) return Status::IoError("writing the output failed (disk full?)");
    if (options.progress) options.progress(reader.bytes(), stats->queries);
  }
  return Status::Ok();
}

}  // namespace vigil::screen
