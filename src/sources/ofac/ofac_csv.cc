// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// OFAC legacy CSV set: sdn.csv (or cons_prim.csv for the non-SDN lists) with its optional
// companions alt.csv (aliases), add.csv (addresses) and sdn_comments.csv (remarks that
// overflowed column 12). Windows-1252, CRLF, no header row, "-0-" for an empty field, and
// a last line holding only a 0x1A byte. Companion rows refer to the main file by ent_num;
// a row whose entity is missing is reported as a warning, never a crash.
//
// Signs of truncation (ListInfo::truncation; LoadList() refuses the list unless told to
// accept them): a file that should end with the 0x1A line and does not (every file of the
// set but the *_comments.csv files, which OFAC publishes without it), and a file that ends
// inside a quoted field (the cut record is skipped). A record with the wrong number of
// fields fails the load.

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/country.h"
#include "sources/common.h"
#include "sources/ofac/remarks.h"
#include "text/normalize.h"
#include "util/csv.h"
#include "util/file.h"
#include "util/strings.h"

namespace vigil::sources {
namespace {

namespace fs = std::filesystem;

struct FileSet {
  std::string source, title, main, alt, add, comments;
};

// "-0-" (with or without OFAC's trailing space) means an empty field.
std::string Field(const std::string& raw) {
  std::string_view t = util::Trim(raw);
  if (t == "-0-") return "";
  return std::string(t);
}

bool ParseEntNum(const std::string& s, long* out) {
  std::string_view t = util::Trim(s);
  if (t.empty()) return false;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
  return ec == std::errc() && p == t.data() + t.size() && *out > 0;
}

// True when the file ends with OFAC's end-of-file line: a 0x1A byte, then at most line ends.
bool HasEofLine(std::string_view bytes) {
  size_t k = bytes.find_last_not_of("\r\n");
  return k != std::string_view::npos && bytes[k] == '\x1A';
}

// Reads one file of the set as UTF-8 text. Only the main file must hold records; a
// companion (aliases, addresses, remarks overflow) may be empty. A file that should end
// with the 0x1A line (`eof_line`) and does not is a sign of truncation.
Status ReadText(const fs::path& path, LoadedList* list, std::string* text, bool companion,
                bool eof_line = true) {
  std::string bytes;
  if (Status s = ReadListFile(path, list, &bytes, companion); !s.ok()) return s;
  if (eof_line && !bytes.empty() && !HasEofLine(bytes)) {
    size_t lines = static_cast<size_t>(std::count(bytes.begin(), bytes.end(), '\n'));
    list->info.truncation.push_back(LoadWarning{
        path.string(), lines + 1,
        "file does not end with OFAC's end-of-file line (a 0x1A byte): it may be cut short"});
  }
  return util::Windows1252ToUtf8(util::StripBomAndEof(bytes), path.string(), text);
}

// Whether `path` is there; a file system error (a symbolic link loop) is a Status.
Status Present(const fs::path& path, bool* present) {
  util::PathKind kind;
  if (Status s = util::GetPathKind(path, &kind); !s.ok()) return s;
  *present = kind != util::PathKind::kMissing;
  return Status::Ok();
}

// Iterates the records of `text`, checking each has `fields` fields and a numeric ent_num.
// Calls fn(record, ent_num) for each; stops at the first malformed record. A text that
// ends inside a quoted field adds a sign of truncation to `list` and skips the cut record.
template <typename Fn>
Status ForEachRecord(const std::string& text, const fs::path& path, size_t fields, LoadedList* list,
                     Fn fn) {
  util::CsvReader reader(text, ',', path.string());
  util::CsvRecord rec;
  while (reader.Next(&rec)) {
    if (rec.fields.size() != fields) {
      return Status::Corruption(util::Where(
          path.string(), rec.line,
          "expected " + std::to_string(fields) + " comma-separated fields, found " +
              std::to_string(rec.fields.size()) + " (truncated or not an OFAC CSV file?)"));
    }
    long ent = 0;
    if (!ParseEntNum(rec.fields[0], &ent)) {
      return Status::Corruption(
          util::Where(path.string(), rec.line,
                      "first field '" + rec.fields[0].substr(0, 40) + "' is not an OFAC ent_num"));
    }
    fn(rec, ent);
  }
  if (reader.ended_inside_quotes()) {
    list->info.truncation.push_back(LoadWarning{
        path.string(), reader.failed_record_line(),
        "file ends inside a quoted field: the last record is incomplete and was skipped"});
    return Status::Ok();
  }
  return reader.status();
}

EntityKind KindFromSdnType(const std::string& type) {
  if (type.empty()) return EntityKind::kOrganization;
  return ParseEntityKind(type);
}

}  // namespace

Status LoadOfacCsv(const fs::path& main_file, LoadedList* out) {
  const fs::path dir = main_file.parent_path();
  FileSet set;
  if (util::AsciiLower(main_file.filename().string()) == "sdn.csv") {
    set = {"us_ofac_sdn", "OFAC Specially Designated Nationals (SDN) List",
           "sdn.csv",     "alt.csv",
           "add.csv",     "sdn_comments.csv"};
  } else {
    set = {"us_ofac_cons",  "OFAC Consolidated Sanctions List (non-SDN)",
           "cons_prim.csv", "cons_alt.csv",
           "cons_add.csv",  "cons_comments.csv"};
  }
  LoadedList list;
  list.info.source = set.source;
  list.info.title = set.title;
  list.info.format = "ofac_csv";

  const fs::path main_path = main_file;
  std::string text;
  if (Status s = ReadText(main_path, &list, &text, false); !s.ok()) return s;

  std::unordered_map<long, size_t> index;
  std::vector<std::string> remarks;  // raw remarks per entity, completed by sdn_comments.csv
  Status s = ForEachRecord(text, main_path, 12, &list, [&](const util::CsvRecord& rec, long ent) {
    ++list.info.rows_read;
    if (index.count(ent) != 0) {
      Warn(&list, main_path.string(), rec.line,
           "ent_num " + std::to_string(ent) + " appears again; later row skipped");
      return;
    }
    const auto& f = rec.fields;
    Entity e;
    e.source = set.source;
    e.source_id = std::to_string(ent);
    e.id = e.source + ":" + e.source_id;
    e.kind = KindFromSdnType(Field(f[2]));
    std::string name = Field(f[1]);
    if (name.empty()) {
      Warn(&list, main_path.string(), rec.line, "entity " + e.source_id + " has no name");
    }
    e.names.push_back(
        ofac::MakeName(std::move(name), NameKind::kPrimary, e.kind == EntityKind::kPerson));
    std::string programs = Field(f[3]);
    for (std::string& p : util::SplitTrimmed(programs, "] [")) {
      while (!p.empty() && (p.front() == '[')) p.erase(0, 1);
      while (!p.empty() && (p.back() == ']')) p.pop_back();
      if (!p.empty()) e.programs.push_back(p);
    }
    if (std::string title = Field(f[4]); !title.empty()) e.titles.push_back(title);
    if (std::string call_sign = Field(f[5]); !call_sign.empty()) {
      e.identifiers.push_back(Identifier{IdKind::kCallSign, "Call Sign", call_sign, "", "", ""});
    }
    static constexpr std::pair<size_t, std::string_view> kVesselFields[] = {
        {6, "Vessel Type"}, {7, "Tonnage"}, {8, "Gross Registered Tonnage"}, {10, "Vessel Owner"}};
    for (const auto& [col, key] : kVesselFields) {
      if (std::string v = Field(f[col]); !v.empty()) {
        e.properties.push_back(Property{std::string(key), v});
      }
    }
    if (std::string flag = Field(f[9]); !flag.empty()) {
      e.countries.push_back(CountryLink{model::CountryCode(flag), flag, CountryRole::kFlag});
    }
    index.emplace(ent, list.entities.size());
    list.entities.push_back(std::move(e));
    remarks.push_back(Field(f[11]));
  });
  if (!s.ok()) return s;

  auto orphan = [&](const fs::path& path, size_t line, long ent) {
    Warn(&list, path.string(), line,
         "refers to ent_num " + std::to_string(ent) + ", which " + set.main +
             " does not have; row skipped");
  };

  // A companion that is not there leaves part of every entity out: a warning, and noted in
  // ListInfo::incomplete, so that every answer can say what is missing.
  auto missing = [&](const std::string& file, std::string_view what, std::string_view detail) {
    std::string message = fmt::format("{} missing: {} not loaded{}", file, what, detail);
    Warn(&list, (dir / file).string(), 0, message);
    list.info.incomplete.push_back(std::move(message));
  };

  // Remarks overflow: appended to the entity's remarks before they are parsed.
  bool present = false;
  if (s = Present(dir / set.comments, &present); !s.ok()) return s;
  if (!present) {
    missing(set.comments, "remarks",
            fmt::format(" (the part of a long remark that does not fit in {})", set.main));
  }
  if (fs::path p = dir / set.comments; present) {
    if (s = ReadText(p, &list, &text, true, /*eof_line=*/false); !s.ok()) return s;
    s = ForEachRecord(text, p, 2, &list, [&](const util::CsvRecord& rec, long ent) {
      auto it = index.find(ent);
      if (it == index.end()) return orphan(p, rec.line, ent);
      remarks[it->second] += rec.fields[1];
    });
    if (!s.ok()) return s;
  }

  for (size_t i = 0; i < list.entities.size(); ++i) {
    ofac::ParseRemarks(remarks[i], &list.entities[i]);
    list.info.unparsed_remarks += list.entities[i].unparsed_remarks.size();
  }

  if (s = Present(dir / set.alt, &present); !s.ok()) return s;
  if (!present) {
    missing(
        set.alt, "aliases",
        fmt::format(" (only the a.k.a. names written in the remarks of {} are known)", set.main));
  }
  if (fs::path p = dir / set.alt; present) {
    if (s = ReadText(p, &list, &text, true); !s.ok()) return s;
    s = ForEachRecord(text, p, 5, &list, [&](const util::CsvRecord& rec, long ent) {
      auto it = index.find(ent);
      if (it == index.end()) return orphan(p, rec.line, ent);
      Entity& e = list.entities[it->second];
      std::string type = util::AsciiLower(Field(rec.fields[2]));
      NameKind kind = NameKind::kStrongAlias;
      if (type == "fka") kind = NameKind::kFormerName;
      if (type == "nka") kind = NameKind::kNewName;
      if (type == "weak aka" || type == "weak") kind = NameKind::kWeakAlias;
      std::string name = Field(rec.fields[3]);
      if (name.empty()) {
        Warn(&list, p.string(), rec.line, "alias without a name; row skipped");
        return;
      }
      for (const Name& n : e.names) {
        if (n.full == name) return;  // already known from the remarks
      }
      e.names.push_back(ofac::MakeName(std::move(name), kind, e.kind == EntityKind::kPerson));
    });
    if (!s.ok()) return s;
  }

  if (s = Present(dir / set.add, &present); !s.ok()) return s;
  if (!present) missing(set.add, "addresses", "");
  if (fs::path p = dir / set.add; present) {
    if (s = ReadText(p, &list, &text, true); !s.ok()) return s;
    s = ForEachRecord(text, p, 6, &list, [&](const util::CsvRecord& rec, long ent) {
      auto it = index.find(ent);
      if (it == index.end()) return orphan(p, rec.line, ent);
      Address a;
      a.street = Field(rec.fields[2]);
      a.city = Field(rec.fields[3]);
      a.country_name = Field(rec.fields[4]);
      a.country = model::CountryCode(a.country_name);
      a.note = Field(rec.fields[5]);
      if (a.street.empty() && a.city.empty() && a.country_name.empty()) return;
      if (a.country.empty() && !a.country_name.empty() && a.country_name != "undetermined") {
        Warn(&list, p.string(), rec.line, "country '" + a.country_name + "' not recognised");
      }
      list.entities[it->second].addresses.push_back(std::move(a));
    });
    if (!s.ok()) return s;
  }

  // Resolve "Linked To:" targets by normalized primary name within the list (the remark
  // drops the name's final period, case and spacing vary).
  std::unordered_map<std::string, std::string> by_name;
  for (const Entity& e : list.entities) by_name.emplace(text::Normalize(e.primary_name()), e.id);
  for (Entity& e : list.entities) {
    for (Relationship& r : e.relationships) {
      auto it = by_name.find(text::Normalize(r.target_name));
      if (it != by_name.end()) r.target_id = it->second;
    }
  }

  if (list.entities.empty()) {
    return Status::Corruption(main_path.string() + ": no entities in file");
  }
  *out = std::move(list);
  return Status::Ok();
}

}  // namespace vigil::sources
