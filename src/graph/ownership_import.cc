// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "graph/ownership_import.h"

#include <filesystem>
#include <map>
#include <utility>

#include "graph/ownership.h"
#include "model/date.h"
#include "util/csv.h"
#include "util/file.h"
#include "util/strings.h"

namespace vigil::graph {

namespace {

struct RawRow {
  size_t line = 0;
  std::string owner, owned, percentage, kind, source, as_of;
};

bool LooksLikeJsonl(std::string_view text, const std::string& file_name) {
  std::string lower = util::AsciiLower(file_name);
  auto ends = [&](std::string_view suffix) {
    return lower.size() >= suffix.size() &&
           lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".jsonl") || ends(".json") || ends(".ndjson")) return true;
  if (ends(".csv")) return false;
  std::string_view t = util::Trim(text);
  return !t.empty() && t.front() == '{';
}

std::string JsonText(const nlohmann::json& j, const char* key, std::string* error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) {
    if (std::string(key) == "percentage") {
      std::string s = it->dump();
      return s;
    }
  }
  *error = std::string(key) + ": expected a string, got " + it->dump();
  return "";
}

Status ReadJsonl(std::string_view text, const std::string& file, std::vector<RawRow>* rows,
                 std::vector<std::string>* errors) {
  size_t line = 0, pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view l =
        text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
    ++line;
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    if (util::Trim(l).empty()) continue;
    nlohmann::json j = nlohmann::json::parse(l, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      errors->push_back(util::Where(file, line, "not a JSON object"));
      continue;
    }
    RawRow r;
    r.line = line;
    std::string error;
    r.owner = JsonText(j, "owner", &error);
    r.owned = JsonText(j, "owned", &error);
    r.percentage = JsonText(j, "percentage", &error);
    r.kind = JsonText(j, "kind", &error);
    r.source = JsonText(j, "source", &error);
    r.as_of = JsonText(j, "as_of", &error);
    if (!error.empty()) {
      errors->push_back(util::Where(file, line, error));
      continue;
    }
    rows->push_back(std::move(r));
  }
  return Status::Ok();
}

Status ReadCsv(std::string_view text, const std::string& file, std::vector<RawRow>* rows,
               std::vector<std::string>* errors) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  util::CsvReader reader(text, ',', file);
  util::CsvRecord rec;
  if (!reader.Next(&rec)) {
    if (!reader.status().ok()) return reader.status();
    return Status::InvalidArgument(util::Where(file, 1,
                                               "empty file: expected the header "
                                               "owner,owned,percentage,kind,source,as_of"));
  }
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < rec.fields.size(); ++i) {
    std::string name = util::AsciiLower(util::Trim(rec.fields[i]));
    if (name != "owner" && name != "owned" && name != "percentage" && name != "kind" &&
        name != "source" && name != "as_of") {
      return Status::InvalidArgument(
          util::Where(file, rec.line,
                      "unknown column '" + name +
                          "' (the header is owner,owned,percentage,kind,source,as_of)"));
    }
    col[name] = i;
  }
  if (!col.count("owner") || !col.count("owned")) {
    return Status::InvalidArgument(
        util::Where(file, rec.line, "the header needs the columns owner and owned"));
  }
  auto field = [&](const util::CsvRecord& r, const char* name) -> std::string {
    auto it = col.find(name);
    if (it == col.end() || it->second >= r.fields.size()) return "";
    return std::string(util::Trim(r.fields[it->second]));
  };
  while (reader.Next(&rec)) {
    if (rec.fields.size() == 1 && util::Trim(rec.fields[0]).empty()) continue;
    if (rec.fields.size() > col.size()) {
      errors->push_back(util::Where(file, rec.line,
                                    std::to_string(rec.fields.size()) + " fields, the header has " +
                                        std::to_string(col.size())));
      continue;
    }
    RawRow r;
    r.line = rec.line;
    r.owner = field(rec, "owner");
    r.owned = field(rec, "owned");
    r.percentage = field(rec, "percentage");
    r.kind = field(rec, "kind");
    r.source = field(rec, "source");
    r.as_of = field(rec, "as_of");
    rows->push_back(std::move(r));
  }
  if (!reader.status().ok()) return reader.status();
  return Status::Ok();
}

}  // namespace

Status ParseOwnershipText(std::string_view text, const std::string& file_name,
                          const EndResolver& resolve,
                          std::vector<store::OwnershipEdgeRecord>* out) {
  const std::string file = std::filesystem::path(file_name).filename().string();
  std::vector<RawRow> rows;
  std::vector<std::string> errors;
  Status s = LooksLikeJsonl(text, file_name) ? ReadJsonl(text, file, &rows, &errors)
                                             : ReadCsv(text, file, &rows, &errors);
  if (!s.ok()) return s;
  std::vector<store::OwnershipEdgeRecord> records;
  for (RawRow& r : rows) {
    auto bad = [&](const std::string& m) { errors.push_back(util::Where(file, r.line, m)); };
    std::string owner(util::Trim(r.owner)), owned(util::Trim(r.owned));
    if (owner.empty()) {
      bad("owner is empty");
      continue;
    }
    if (owned.empty()) {
      bad("owned is empty");
      continue;
    }
    Share share;
    if (Status ps = ParsePercentage(util::Trim(r.percentage), &share); !ps.ok()) {
      bad(ps.message());
      continue;
    }
    EdgeKind kind = EdgeKind::kOwnership;
    if (Status ks = ParseEdgeKind(r.kind, &kind); !ks.ok()) {
      bad(ks.message());
      continue;
    }
    std::string as_of(util::Trim(r.as_of));
    if (!as_of.empty()) {
      PartialDate d;
      if (!model::ParseDate(as_of, &d)) {
        bad("as_of: '" + as_of + "' is not a date (YYYY-MM-DD)");
        continue;
      }
      as_of = d.ToString();
    }
    if (owner == owned) {
      bad("owner and owned are the same ('" + owner + "')");
      continue;
    }
    store::OwnershipEdgeRecord e;
    e.owner.given = owner;
    e.owned.given = owned;
    resolve(owner, &e.owner);
    resolve(owned, &e.owned);
    e.percentage = std::string(util::Trim(r.percentage));
    e.low = share.low;
    e.high = share.high;
    e.kind = std::string(EdgeKindToString(kind));
    e.source = std::string(util::Trim(r.source));
    e.as_of = as_of;
    e.file = file;
    e.line = static_cast<int64_t>(r.line);
    e.review =
        e.owner.how == "name_match" || e.owned.how == "name_match" ? "to_review" : "accepted";
    records.push_back(std::move(e));
  }
  if (!errors.empty()) {
    std::string msg;
    for (size_t i = 0; i < errors.size() && i < 20; ++i) msg += (i ? "\n" : "") + errors[i];
    if (errors.size() > 20) msg += "\n... " + std::to_string(errors.size() - 20) + " more";
    msg += "\nnothing imported (" + std::to_string(errors.size()) + " bad " +
           (errors.size() == 1 ? "line" : "lines") + ")";
    return Status::InvalidArgument(msg);
  }
  *out = std::move(records);
  return Status::Ok();
}

Status ReadOwnershipFile(const std::string& path, const EndResolver& resolve,
                         std::vector<store::OwnershipEdgeRecord>* out) {
  std::string text;
  if (Status s = util::ReadFile(path, &text); !s.ok()) return s;
  return ParseOwnershipText(text, path, resolve, out);
}

}  // namespace vigil::graph
