// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "screen/batch.h"

#include <algorithm>
#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>
#include <vector>

#include "model/json.h"
#include "util/csv.h"
#include "util/strings.h"

namespace vigil::screen {
namespace {

using nlohmann::json;

struct Item {
  std::string id;
  Query query;
  std::vector<Match> matches;
};

std::string StringField(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return it->dump();
}

Status ParseJsonLine(const std::string& line, const std::string& file, size_t line_no, Item* item) {
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption(util::Where(file, line_no, "not a JSON object"));
  }
  const json* q = &j;
  if (auto it = j.find("query"); it != j.end()) {
    if (!it->is_object()) {
      return Status::Corruption(util::Where(file, line_no, "\"query\" must be an object"));
    }
    q = &*it;
  }
  item->id = StringField(j, "qid");
  if (item->id.empty()) item->id = StringField(j, "id");
  auto name = q->find("name");
  if (name == q->end() || !name->is_string()) {
    return Status::Corruption(util::Where(file, line_no, "query has no \"name\" string"));
  }
  item->query.name = name->get<std::string>();
  item->query.kind = ParseEntityKind(StringField(*q, "type"));
  item->query.dob = StringField(*q, "dob");
  item->query.country = StringField(*q, "country");
  if (auto ids = q->find("identifiers"); ids != q->end()) {
    if (!ids->is_array()) {
      return Status::Corruption(
          util::Where(file, line_no, "\"identifiers\" must be an array of strings"));
    }
    for (const json& v : *ids) {
      if (!v.is_string()) {
        return Status::Corruption(
            util::Where(file, line_no, "\"identifiers\" must be an array of strings"));
      }
      item->query.identifiers.push_back(v.get<std::string>());
    }
  }
  return Status::Ok();
}

std::string CsvEscape(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void WriteItem(const Item& item, Format format, bool explain, std::ostream& out) {
  if (format == Format::kJsonl) {
    // {"matches":[...],"qid":...}, written straight out (model::AppendJson).
    std::string line = "{\"matches\":[";
    for (size_t i = 0; i < item.matches.size(); ++i) {
      if (i > 0) line += ',';
      model::AppendJson(item.matches[i], explain, &line);
    }
    line += "],\"qid\":";
    model::AppendJsonString(item.id, &line);
    line += "}\n";
    out << line;
    return;
  }
  std::string prefix = CsvEscape(item.id) + "," + CsvEscape(item.query.name) + ",";
  if (item.matches.empty()) {
    out << prefix << ",,,,\n";
    return;
  }
  for (size_t r = 0; r < item.matches.size(); ++r) {
    const Match& m = item.matches[r];
    char score[32];
    std::snprintf(score, sizeof score, "%.4f", m.score);
    out << prefix << (r + 1) << ',' << CsvEscape(m.entity->id) << ','
        << CsvEscape(m.entity->primary_name()) << ',' << CsvEscape(m.matched_name) << ',' << score
        << '\n';
  }
}

// Reads up to `max` queries. CSV input is read through its own reader over each line
// (queries are one line each).
class QueryReader {
 public:
  QueryReader(std::istream& in, std::string name, Format format)
      : in_(in), name_(std::move(name)), format_(format) {}

  Status Read(size_t max, std::vector<Item>* items) {
    items->clear();
    std::string line;
    while (items->size() < max && std::getline(in_, line)) {
      ++line_no_;
      bytes_ += line.size() + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (util::Trim(line).empty()) continue;
      Item item;
      if (format_ == Format::kJsonl) {
        if (Status s = ParseJsonLine(line, name_, line_no_, &item); !s.ok()) return s;
      } else {
        util::CsvReader reader(line, ',', name_);
        util::CsvRecord rec;
        if (!reader.Next(&rec)) {
          return Status::Corruption(util::Where(name_, line_no_, "malformed CSV line"));
        }
        if (columns_.empty()) {
          if (Status s = SetHeader(rec.fields); !s.ok()) return s;
          continue;
        }
        if (rec.fields.size() != columns_.size()) {
          return Status::Corruption(util::Where(name_, line_no_,
                                                "expected " + std::to_string(columns_.size()) +
                                                    " fields as in the header, found " +
                                                    std::to_string(rec.fields.size())));
        }
        for (size_t i = 0; i < columns_.size(); ++i) {
          const std::string& v = rec.fields[i];
          if (columns_[i] == "name") item.query.name = v;
          if (columns_[i] == "type") item.query.kind = ParseEntityKind(v);
          if (columns_[i] == "dob") item.query.dob = v;
          if (columns_[i] == "country") item.query.country = v;
          if (columns_[i] == "id" || columns_[i] == "qid") item.id = v;
          if (columns_[i] == "identifiers" && !v.empty()) {
            item.query.identifiers = util::SplitTrimmed(v, ";");
          }
        }
      }
      if (item.id.empty()) item.id = std::to_string(line_no_);
      items->push_back(std::move(item));
    }
    if (in_.bad()) return Status::IoError(name_ + ": read failed");
    if (format_ == Format::kCsv && columns_.empty() && line_no_ == 0) {
      return Status::Corruption(name_ + ": empty input, expected a CSV header row");
    }
    return Status::Ok();
  }

  uint64_t bytes() const { return bytes_; }

 private:
  Status SetHeader(const std::vector<std::string>& fields) {
    for (const std::string& f : fields) columns_.push_back(util::AsciiLower(util::Trim(f)));
    if (std::find(columns_.begin(), columns_.end(), "name") == columns_.end()) {
      return Status::Corruption(util::Where(name_, line_no_,
                                            "CSV header has no 'name' column (columns: name, type, "
                                            "dob, country, id)"));
    }
    return Status::Ok();
  }

  std::istream& in_;
  std::string name_;
  Format format_;
  size_t line_no_ = 0;
  uint64_t bytes_ = 0;
  std::vector<std::string> columns_;
};

}  // namespace

Format FormatFromPath(const std::string& path) {
  std::string lower = util::AsciiLower(path);
  return lower.ends_with(".csv") ? Format::kCsv : Format::kJsonl;
}

Status ScreenBatch(const Screener& screener, std::istream& in, const std::string& in_name,
                   Format in_format, std::ostream& out, Format out_format,
                   const BatchOptions& options, BatchStats* stats) {
  QueryReader reader(in, in_name, in_format);
  if (out_format == Format::kCsv) {
    out << "query_id,query_name,rank,match_id,match_name,matched_name,score\n";
  }
  const size_t threads = std::max<size_t>(1, options.threads);
  std::vector<Item> items;
  for (;;) {
    if (Status s = reader.Read(options.chunk, &items); !s.ok()) return s;
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
      WriteItem(item, out_format, options.explain, out);
      ++stats->queries;
      if (!item.matches.empty()) ++stats->with_matches;
    }
    if (!out) return Status::IoError("writing the output failed (disk full?)");
    if (options.progress) options.progress(reader.bytes(), stats->queries);
  }
  return Status::Ok();
}

}  // namespace vigil::screen
