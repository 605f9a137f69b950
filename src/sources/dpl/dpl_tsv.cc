// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The BIS Denied Persons List (dpl.txt) into the entity model.
//
// The file is tab-separated with quoted fields and a header row (Name, Street_Address,
// City, State, Country, Postal_Code, Effective_Date, Expiration_Date, Standard_Order,
// Last_Update, Action, FR_Citation); columns are found by header name. Its encoding is
// not declared: UTF-8 when the bytes are valid UTF-8 (the 2022-09 file is plain ASCII),
// else Windows-1252.
//
// Mapping decisions:
// - The file has one row per (party, address) and no id column. Rows with the same Name,
//   Effective_Date and FR_Citation are one denial order against one party and become one
//   entity with several addresses ("AIR FREIGHT LTD" rows 19-21). The same name under
//   another date or citation is another order and stays a separate entity (the real
//   2022-09 file: 581 rows -> 487 entities).
// - id "us_bis_dpl:<n>", n = the 1-based data row number of the entity's first row. These
//   ids are positions: they change between versions of the file and must not be used to
//   follow an entry across versions.
// - kind unknown (the list mixes people and firms and does not say which); program "DPL".
// - Effective_Date (MM/DD/YYYY) -> listed_on, Last_Update -> updated_on (the latest of the
//   group), both ISO; Expiration_Date (ISO), Standard_Order, Action, FR_Citation ->
//   Properties. An impossible date (the real file has Last_Update "3017-08-22" and
//   "0222-05-18") is warned about naming file:line, the column and the value; that field
//   is skipped and the row kept.
// - rows_read counts every data row, including skipped ones.
//
// Whole-load failures (non-OK naming file:line, *out untouched): a NUL byte or bytes
// that are neither UTF-8 nor Windows-1252, a header without the required columns, a row
// whose field count is not the header's, no data rows. A file that ends inside a quoted
// field is a sign of truncation (ListInfo::truncation): LoadList() refuses it unless
// truncation is accepted.

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "model/country.h"
#include "model/date.h"
#include "sources/common.h"
#include "util/csv.h"
#include "util/file.h"
#include "util/strings.h"

namespace vigil::sources {
namespace {

constexpr std::string_view kSource = "us_bis_dpl";

template <typename T>
void AppendNew(std::vector<T>* vec, const T& v) {
  if (std::find(vec->begin(), vec->end(), v) == vec->end()) vec->push_back(v);
}

class DplParser {
 public:
  DplParser(std::string file, LoadedList* list) : file_(std::move(file)), list_(list) {}

  Status ReadHeader(const util::CsvRecord& rec) {
    header_size_ = rec.fields.size();
    for (size_t i = 0; i < rec.fields.size(); ++i) {
      std::string name(util::Trim(rec.fields[i]));
      if (!col_.count(name)) col_[name] = i;
    }
    std::string missing;
    for (const char* req : {"Name", "Street_Address", "City", "State", "Country", "Postal_Code",
                            "Effective_Date", "FR_Citation"}) {
      if (!col_.count(req)) missing += (missing.empty() ? "" : ", ") + std::string(req);
    }
    if (!missing.empty()) {
      return Status::Corruption(util::Where(
          file_, rec.line,
          "header lacks required column(s) " + missing + " (not a Denied Persons List file?)"));
    }
    return Status::Ok();
  }

  // Maps one data row; fails when its field count is not the header's.
  Status Row(const util::CsvRecord& rec) {
    size_t row = ++list_->info.rows_read;  // 1-based data row number
    rec_ = &rec;
    if (rec.fields.size() != header_size_) {
      return Status::Corruption(
          util::Where(file_, rec.line,
                      "row has " + std::to_string(rec.fields.size()) + " fields, the header " +
                          std::to_string(header_size_) + " (a stray quote or tab?)"));
    }
    std::string name = Get("Name");
    if (name.empty()) {
      Warn("row has no Name; skipped");
      return Status::Ok();
    }
    std::string effective = Get("Effective_Date");
    std::string citation = Get("FR_Citation");
    auto key = std::make_tuple(name, effective, citation);
    auto it = groups_.find(key);
    Entity* e;
    if (it == groups_.end()) {
      groups_.emplace(key, list_->entities.size());
      Entity& fresh = list_->entities.emplace_back();
      fresh.source_id = std::to_string(row);
      fresh.id = std::string(kSource) + ":" + fresh.source_id;
      fresh.source = std::string(kSource);
      fresh.kind = EntityKind::kUnknown;
      fresh.names.push_back(Name{name, "", "", NameKind::kPrimary});
      fresh.programs.push_back("DPL");
      fresh.listed_on = Date("Effective_Date");
      if (!citation.empty()) fresh.properties.push_back(Property{"fr_citation", citation});
      e = &fresh;
    } else {
      e = &list_->entities[it->second];
    }

    Address a;
    a.street = Get("Street_Address");
    a.city = Get("City");
    a.region = Get("State");
    a.postal_code = Get("Postal_Code");
    std::string country = Get("Country");
    if (!country.empty()) {
      a.country = model::CountryCode(country);
      a.country_name = country;
    }
    if (!(a == Address{})) AppendNew(&e->addresses, a);

    if (std::string updated = Date("Last_Update"); updated > e->updated_on) {
      e->updated_on = updated;
    }
    if (std::string exp = Date("Expiration_Date"); !exp.empty()) {
      AppendNew(&e->properties, Property{"expiration_date", exp});
    }
    if (std::string v = Get("Standard_Order"); !v.empty()) {
      AppendNew(&e->properties, Property{"standard_order", v});
    }
    if (std::string v = Get("Action"); !v.empty()) {
      AppendNew(&e->properties, Property{"action", v});
    }
    return Status::Ok();
  }

 private:
  void Warn(std::string msg) { sources::Warn(list_, file_, rec_->line, std::move(msg)); }

  std::string Get(const std::string& name) const {
    auto it = col_.find(name);
    if (it == col_.end() || it->second >= rec_->fields.size()) return "";
    return std::string(util::Trim(rec_->fields[it->second]));
  }

  // The ISO form of the date in column `name`; "" when empty or impossible (warned).
  std::string Date(const std::string& name) {
    std::string text = Get(name);
    if (text.empty()) return "";
    PartialDate d;
    if (!model::ParseDate(text, &d)) {
      Warn(name + " \"" + text + "\" is not a possible date; field skipped");
      return "";
    }
    return d.ToString();
  }

  std::string file_;
  LoadedList* list_;
  size_t header_size_ = 0;
  std::unordered_map<std::string, size_t> col_;
  std::map<std::tuple<std::string, std::string, std::string>, size_t> groups_;
  const util::CsvRecord* rec_ = nullptr;
};

}  // namespace

Status LoadDpl(const std::filesystem::path& file, LoadedList* out) {
  LoadedList list;
  list.info.source = std::string(kSource);
  list.info.title = "BIS Denied Persons List";
  list.info.format = "dpl_tsv";
  std::string bytes;
  if (Status s = ReadListFile(file, &list, &bytes); !s.ok()) return s;
  const std::string name = file.string();
  if (Status s = util::CheckText(bytes, name); !s.ok()) return s;
  std::string text;
  if (util::CheckUtf8(bytes, name).ok()) {
    text = std::string(util::StripBomAndEof(bytes));
  } else if (Status s = util::Windows1252ToUtf8(util::StripBomAndEof(bytes), name, &text);
             !s.ok()) {
    return s;
  }

  util::CsvReader reader(text, '\t', name);
  util::CsvRecord rec;
  if (!reader.Next(&rec)) {
    if (!reader.status().ok()) return reader.status();
    return Status::Corruption(util::Where(name, 1, "no header row"));
  }
  DplParser parser(name, &list);
  if (Status s = parser.ReadHeader(rec); !s.ok()) return s;
  while (reader.Next(&rec)) {
    if (Status s = parser.Row(rec); !s.ok()) return s;
  }
  if (reader.ended_inside_quotes()) {  // a sign of truncation; the cut row is skipped
    ++list.info.rows_read;
    list.info.truncation.push_back(
        LoadWarning{name, reader.failed_record_line(),
                    "file ends inside a quoted field: the last row is incomplete and was skipped"});
  } else if (!reader.status().ok()) {
    return reader.status();
  }
  if (list.entities.empty()) {
    return Status::Corruption(util::Where(name, 2, "no entries after the header"));
  }
  *out = std::move(list);
  return Status::Ok();
}

}  // namespace vigil::sources
