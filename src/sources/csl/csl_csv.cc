// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The US Consolidated Screening List (trade.gov consolidated.csv) into the entity model.
//
// One CSV record per entry of one sub-list (SDN, Entity List, DPL, MEU, ...), columns
// found by header name, several values in one field joined with ';'. Mapping decisions:
//
// - id: short and stable across versions. A row whose _id is a number (every Treasury
//   row: the _id is the OFAC ent_num, as entity_number says) keeps it: "us_csl:8279", the
//   same number as "us_ofac_sdn:8279". Other rows (BIS, State) have a 32- or 56-digit hash
//   as _id, which says nothing and may change with any edit: they become
//   "us_csl:<sub-list code>-<8 hex digits>", the digits from SHA-256 of the sub-list code,
//   name and addresses ("us_csl:EL-1f0c2a9b"); a row equal on all three to an earlier one
//   gets "-2", "-3", ... in file order. The _id as the file has it stays as Property
//   "csl_id" when it differs (Screener::Find() accepts the old "us_csl:<_id>" form too). A row
//   whose _id is empty is skipped with a warning. The same _id can appear on two sub-lists (the
//   real 2023-11 snapshot has 7: SSI and NS-MBS, PLC and SDN share OFAC ids): the second row is
//   merged into the first entity (its sub-list, programs, names, addresses, ids, ... are added when
//   new) with a warning, so that no list membership is lost. The same _id twice on the same
//   sub-list is skipped.
// - A record equal to the header (the real file repeats its header as line 2) is skipped
//   with a warning; it still counts in rows_read, which counts every data record.
// - programs from `programs`; when empty (the BIS and State lists) the sub-list's short
//   code in parentheses in `source` ("EL", "DPL", "MEU", "UVL", "DTC"), so every entity
//   has a program. The sub-list itself is Property "csl_source".
// - addresses: each ';'-part is "street, city, region, postal, CC" with parts missing at
//   random, so it cannot be split reliably: everything before the last comma part is kept
//   as street, and the last part becomes the country when it is a two-letter code or a
//   country name CountryCode() knows (else it stays in street).
// - ids: each ';'-part is "Type, Value[, Country][, date]". Facts that are not
//   identifiers (Target Type, Listing/Effective Date, Equity Ticker, Issuer Name,
//   directive and secondary-sanctions notes, ...) become Property {Type, rest}. "Gender"
//   sets Entity::gender; "Nationality Country" and "Nationality of Registration" become
//   CountryLinks. ISIN is kept as an Identifier of kind kOther (it names the company's
//   security exactly, which is what screening on identifiers needs). Other identifiers get
//   an IdKind by keywords in the type; unknown types are kOther with the label kept.
// - relationships: the remarks of Treasury rows carry OFAC's "Linked To: NAME" (often
//   wrapped: "(Linked To: A; Linked To: B)"), parsed by ofac::LinkedToIn(): relation
//   "linked_to", field "remarks". A vessel's vessel_owner becomes relation "owned_by",
//   field "vessel_owner" (the value also stays a Property). The target id is the CSL
//   entry whose primary name (else, alone, whose alias) normalizes like the name given,
//   when exactly one entry has it; else the target stays unresolved (a name only).
// - Impossible dates (start_date, end_date, dates_of_birth) are warned about, naming the
//   file, line, column and value, and that one value is skipped; the row is kept.
//
// Whole-load failures (Corruption naming file:line, *out untouched): invalid UTF-8, a
// header without the _id, source or name columns, a record whose field count is not the
// header's. A file that ends inside a quoted field is a sign of truncation
// (ListInfo::truncation): LoadList() refuses it unless truncation is accepted.

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/country.h"
#include "model/date.h"
#include "sources/common.h"
#include "sources/ofac/remarks.h"
#include "sources/stated_relations.h"
#include "util/csv.h"
#include "util/file.h"
#include "util/strings.h"

namespace vigil::sources {
namespace {

constexpr std::string_view kSource = "us_csl";

// Appends `v` to `*vec` unless an equal element is already there.
template <typename T>
void AppendNew(std::vector<T>* vec, const T& v) {
  if (std::find(vec->begin(), vec->end(), v) == vec->end()) vec->push_back(v);
}

bool IsAlpha2(std::string_view s) {
  return s.size() == 2 && std::isalpha(static_cast<unsigned char>(s[0])) &&
         std::isalpha(static_cast<unsigned char>(s[1]));
}

// Splits on ',' and trims each part, keeping empty parts (positions matter).
std::vector<std::string> SplitCommas(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    std::string_view part =
        s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    out.emplace_back(util::Trim(part));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string JoinCommas(const std::vector<std::string>& parts, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    if (parts[i].empty()) continue;
    if (!out.empty()) out += ", ";
    out += parts[i];
  }
  return out;
}

// The short code in the last parentheses of a sub-list name: "Entity List (EL) - Bureau
// of Industry and Security" -> "EL". The whole name when it has none.
std::string SubListCode(std::string_view source) {
  size_t open = source.rfind('(');
  size_t close = source.rfind(')');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open + 1) {
    return std::string(util::Trim(source.substr(open + 1, close - open - 1)));
  }
  return std::string(source);
}

Address ParseAddress(std::string_view text) {
  Address a;
  std::vector<std::string> parts = SplitCommas(text);
  size_t end = parts.size();
  const std::string& last = parts.back();
  if (parts.size() > 1 || IsAlpha2(last)) {
    std::string code;
    if (IsAlpha2(last)) {
      code = util::AsciiUpper(last);
    } else if (!last.empty()) {
      code = model::CountryCode(last);
    }
    if (!code.empty()) {
      a.country = code;
      a.country_name = last;
      --end;
    }
  }
  a.street = JoinCommas(parts, 0, end);
  return a;
}

// The type label reduced to lower-case words: '.', '-' and '\'' removed ("R.F.C." ->
// "rfc", "D-U-N-S" -> "duns"), other punctuation a space, padded with spaces so that
// " word " finds whole words.
std::string TypeWords(std::string_view type) {
  std::string out;
  for (char c : type) {
    if (c == '.' || c == '-' || c == '\'') continue;
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(std::isalnum(u) ? static_cast<char>(std::tolower(u)) : ' ');
  }
  return " " + util::CollapseSpaces(out) + " ";
}

bool HasAny(const std::string& words, std::initializer_list<std::string_view> phrases) {
  for (std::string_view p : phrases) {
    std::string needle = " " + std::string(p) + " ";
    if (words.find(needle) != std::string::npos) return true;
  }
  return false;
}

IdKind ClassifyId(std::string_view type, std::string_view value) {
  std::string w = TypeWords(type);
  if (HasAny(w, {"email", "email address"})) return IdKind::kEmail;
  if (HasAny(w, {"website", "web site", "url"})) return IdKind::kWebsite;
  if (HasAny(w, {"phone", "telephone", "phone number", "fax"})) return IdKind::kPhone;
  if (HasAny(w, {"passport"})) return IdKind::kPassport;
  if (HasAny(w, {"swift", "bic", "swift bic"})) return IdKind::kSwiftBic;
  if (HasAny(w, {"imo"}) || util::StartsWithIgnoreCase(value, "IMO ")) return IdKind::kImo;
  if (HasAny(w, {"mmsi"})) return IdKind::kMmsi;
  if (HasAny(w, {"call sign"})) return IdKind::kCallSign;
  if (HasAny(w,
             {"aircraft serial", "manufacturers serial", "aircraft manufacturers serial", "msn"})) {
    return IdKind::kAircraftSerial;
  }
  if (HasAny(w, {"tail", "aircraft tail"})) return IdKind::kAircraftTail;
  if (HasAny(w, {"tax", "rfc", "nit", "vat", "inn", "fiscal code", "ruc", "cuit", "fein", "tin"})) {
    return IdKind::kTaxId;
  }
  if (HasAny(w, {"registration", "uscc", "unified social credit code", "company number", "duns",
                 "cr no", "certificate of incorporation", "legal entity number",
                 "government gazette number", "registered charity no", "le number"})) {
    return IdKind::kRegistration;
  }
  if (HasAny(w, {"national id", "identification number", "cedula", "dni", "curp", "personal id",
                 "id no", "id card", "ssn", "credencial electoral", "electoral registry no",
                 "national foreign id number"})) {
    return IdKind::kNationalId;
  }
  return IdKind::kOther;
}

// Labels in `ids` that state facts about the listing rather than identify the party.
bool IsPropertyLabel(std::string_view type) {
  static constexpr std::string_view kPrefixes[] = {
      "Target Type",
      "Listing Date",
      "Effective Date",
      "Purchase/Sales",
      "Equity Ticker",
      "Issuer Name",
      "Secondary sanctions risk",
      "Executive Order",
      "Additional Sanctions Information",
      "Transactions Prohibited",
      "Organization Established Date",
      "Organization Type",
      "CAATSA",
      "IFCA",
  };
  for (std::string_view p : kPrefixes) {
    if (util::StartsWithIgnoreCase(type, p)) return true;
  }
  return false;
}

void AddIdPart(std::string_view text, Entity* e) {
  size_t comma = text.find(',');
  if (comma == std::string_view::npos) {
    // "Website www.x.com" style: a label and a value separated by a space.
    std::string_view t = util::Trim(text);
    for (std::string_view label : {"Website", "Email Address", "Email", "Phone Number"}) {
      if (util::StartsWithIgnoreCase(t, label) && t.size() > label.size() &&
          t[label.size()] == ' ') {
        Identifier id;
        id.type = std::string(label);
        id.value = std::string(util::Trim(t.substr(label.size())));
        id.kind = ClassifyId(id.type, id.value);
        AppendNew(&e->identifiers, id);
        return;
      }
    }
    AppendNew(&e->properties, Property{"id", std::string(t)});
    return;
  }
  std::string type(util::Trim(text.substr(0, comma)));
  std::string rest(util::Trim(text.substr(comma + 1)));
  if (type.empty() || rest.empty()) {
    AppendNew(&e->properties, Property{"id", std::string(util::Trim(text))});
    return;
  }
  if (IsPropertyLabel(type)) {
    // "Secondary sanctions risk:", "Executive Order 13662 Directive Determination -": the
    // trailing punctuation is part of the label's layout, not its name.
    std::string_view key = type;
    while (!key.empty() && (key.back() == ':' || key.back() == '-' || key.back() == ' ')) {
      key.remove_suffix(1);
    }
    AppendNew(&e->properties, Property{std::string(key), rest});
    return;
  }
  if (util::EqualsIgnoreCase(type, "Gender")) {
    std::string g = util::AsciiLower(rest);
    if (g == "male" || g == "female") {
      e->gender = g;
    } else {
      AppendNew(&e->properties, Property{type, rest});
    }
    return;
  }
  if (util::EqualsIgnoreCase(type, "Nationality Country") ||
      util::EqualsIgnoreCase(type, "Nationality of Registration")) {
    CountryRole role = util::EqualsIgnoreCase(type, "Nationality Country")
                           ? CountryRole::kNationality
                           : CountryRole::kJurisdiction;
    AppendNew(&e->countries, CountryLink{model::CountryCode(rest), rest, role});
    return;
  }
  Identifier id;
  id.type = type;
  std::vector<std::string> parts = SplitCommas(rest);
  id.value = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p.empty()) continue;
    if (id.country.empty() && IsAlpha2(p) && util::AsciiUpper(p) == p) {
      id.country = p;
    } else {
      if (!id.note.empty()) id.note += ", ";
      id.note += p;
    }
  }
  id.kind = ClassifyId(type, id.value);
  if (id.kind == IdKind::kImo && util::StartsWithIgnoreCase(id.value, "IMO ")) {
    id.value = std::string(util::Trim(std::string_view(id.value).substr(4)));
  }
  if (util::StartsWithIgnoreCase(type, "Digital Currency Address")) {
    id.kind = IdKind::kDigitalCurrency;
    size_t dash = type.rfind('-');
    if (dash != std::string::npos) id.currency = std::string(util::Trim(type.substr(dash + 1)));
  }
  AppendNew(&e->identifiers, id);
}

// Adds what `b` (the same _id on another sub-list) says that `a` does not have yet.
void MergeInto(Entity* a, const Entity& b) {
  for (const Name& n : b.names) {
    bool have = std::any_of(a->names.begin(), a->names.end(),
                            [&](const Name& m) { return m.full == n.full; });
    if (have) continue;
    Name alias = n;
    if (alias.kind == NameKind::kPrimary) alias.kind = NameKind::kStrongAlias;
    a->names.push_back(alias);
  }
  for (const auto& v : b.programs) AppendNew(&a->programs, v);
  for (const auto& v : b.addresses) AppendNew(&a->addresses, v);
  for (const auto& v : b.countries) AppendNew(&a->countries, v);
  for (const auto& v : b.birth_dates) AppendNew(&a->birth_dates, v);
  for (const auto& v : b.birth_places) AppendNew(&a->birth_places, v);
  for (const auto& v : b.titles) AppendNew(&a->titles, v);
  for (const auto& v : b.identifiers) AppendNew(&a->identifiers, v);
  for (const auto& v : b.properties) AppendNew(&a->properties, v);
  if (a->kind == EntityKind::kUnknown) a->kind = b.kind;
  if (a->gender.empty()) a->gender = b.gender;
  if (a->listed_on.empty()) a->listed_on = b.listed_on;
  if (a->remarks.empty()) {
    a->remarks = b.remarks;
  } else if (!b.remarks.empty() && b.remarks != a->remarks) {
    AppendNew(&a->properties, Property{"remarks", b.remarks});
  }
}

class CslParser {
 public:
  CslParser(std::string file, LoadedList* list) : file_(std::move(file)), list_(list) {}

  // Maps header names to positions; fails when a required column is missing.
  Status ReadHeader(const util::CsvRecord& rec) {
    header_ = rec.fields;
    for (size_t i = 0; i < header_.size(); ++i) {
      std::string name(util::Trim(header_[i]));
      if (!col_.count(name)) col_[name] = i;
    }
    std::string missing;
    for (std::string_view req : {"_id", "source", "name"}) {
      if (!col_.count(std::string(req)))
        missing += (missing.empty() ? "" : ", ") + std::string(req);
    }
    if (!missing.empty()) {
      return Status::Corruption(util::Where(file_, rec.line,
                                            "header lacks required column(s) " + missing +
                                                " (not a Consolidated Screening List CSV?)"));
    }
    return Status::Ok();
  }

  // Maps one data record; fails when its field count is not the header's (the file is not
  // what its format promises: a stray quote or delimiter shifted every column).
  Status Row(const util::CsvRecord& rec) {
    ++list_->info.rows_read;
    if (rec.fields.size() != header_.size()) {
      return Status::Corruption(
          util::Where(file_, rec.line,
                      "record has " + std::to_string(rec.fields.size()) + " fields, the header " +
                          std::to_string(header_.size()) + " (a stray quote or comma?)"));
    }
    if (rec.fields == header_) {
      Warn(rec.line,
           "header row repeated as a data record; skipped (counted in rows_read, not an "
           "entity)");
      return Status::Ok();
    }
    rec_ = &rec;
    std::string id = Get("_id");
    if (id.empty()) {
      Warn(rec.line, "empty _id; record skipped");
      return Status::Ok();
    }
    Entity e = Build(id);
    auto [it, inserted] = index_.emplace(id, list_->entities.size());
    if (inserted) {
      e.source_id = ShortId(id);
      if (e.source_id != id) e.properties.push_back(Property{"csl_id", id});
      e.id = std::string(kSource) + ":" + e.source_id;
      list_->entities.push_back(std::move(e));
      return Status::Ok();
    }
    Entity& first = list_->entities[it->second];
    std::string src = Get("source");
    bool same_list = std::find(first.properties.begin(), first.properties.end(),
                               Property{"csl_source", src}) != first.properties.end();
    if (same_list) {
      Warn(rec.line, "duplicate _id " + id + " on the same sub-list; record skipped");
      return Status::Ok();
    }
    Warn(rec.line, "_id " + id + " already listed by another sub-list; \"" + src +
                       "\" merged into entity " + first.id);
    MergeInto(&first, e);
    return Status::Ok();
  }

 private:
  void Warn(size_t line, std::string msg) { sources::Warn(list_, file_, line, std::move(msg)); }

  // The short id of a new entity whose _id is `id` (see the file comment).
  std::string ShortId(const std::string& id) {
    const bool number = id.size() <= 12 && std::all_of(id.begin(), id.end(),
                                                       [](char c) { return c >= '0' && c <= '9'; });
    if (number) return id;
    const std::string code = SubListCode(Get("source"));
    std::string key = code + "\n" + Get("name") + "\n" + Get("addresses");
    std::string base = code + "-" + util::Sha256Hex(key).substr(0, 8);
    std::string out = base;
    for (int n = 2; !short_ids_.insert(out).second; ++n) {
      out = base + "-" + std::to_string(n);
    }
    return out;
  }

  // The trimmed field of the current record under header `name`; "" when no such column.
  std::string Get(const std::string& name) const {
    auto it = col_.find(name);
    if (it == col_.end() || it->second >= rec_->fields.size()) return "";
    return std::string(util::Trim(rec_->fields[it->second]));
  }

  std::vector<std::string> GetList(const std::string& name) const {
    return util::SplitTrimmed(Get(name), ";");
  }

  // An ISO date from column `name`, "" (with a warning) when it is not a possible date.
  std::string GetDate(const std::string& name) {
    std::string text = Get(name);
    if (text.empty()) return "";
    PartialDate d;
    if (!model::ParseDate(text, &d)) {
      Warn(rec_->line, name + " \"" + text + "\" is not a possible date; field skipped");
      return "";
    }
    return d.ToString();
  }

  Entity Build(const std::string& id) {
    Entity e;
    e.id = std::string(kSource) + ":" + id;
    e.source = std::string(kSource);
    e.source_id = id;

    std::string type = Get("type");
    if (type == "Individual") {
      e.kind = EntityKind::kPerson;
    } else if (type == "Entity") {
      e.kind = EntityKind::kOrganization;
    } else if (type == "Vessel") {
      e.kind = EntityKind::kVessel;
    } else if (type == "Aircraft") {
      e.kind = EntityKind::kAircraft;
    } else if (!type.empty()) {
      e.kind = ParseEntityKind(type);
      if (e.kind == EntityKind::kUnknown) Warn(rec_->line, "unknown type \"" + type + "\"");
    }

    std::string name = Get("name");
    if (name.empty()) Warn(rec_->line, "entry " + id + " has no name");
    e.names.push_back(Name{name, "", "", NameKind::kPrimary});
    for (const std::string& alt : GetList("alt_names")) {
      bool have =
          std::any_of(e.names.begin(), e.names.end(), [&](const Name& n) { return n.full == alt; });
      if (!have) e.names.push_back(Name{alt, "", "", NameKind::kStrongAlias});
    }

    std::string source = Get("source");
    e.properties.push_back(Property{"csl_source", source});
    for (const std::string& p : GetList("programs")) AppendNew(&e.programs, p);
    if (e.programs.empty() && !source.empty()) e.programs.push_back(SubListCode(source));

    if (std::string t = Get("title"); !t.empty()) e.titles.push_back(t);
    for (const std::string& a : GetList("addresses")) AppendNew(&e.addresses, ParseAddress(a));

    for (const std::string& d : GetList("dates_of_birth")) {
      BirthDate b;
      if (model::ParseBirthDate(d, &b)) {
        AppendNew(&e.birth_dates, b);
      } else {
        Warn(rec_->line, "dates_of_birth \"" + d + "\" is not a possible date; skipped");
      }
    }
    for (const std::string& c : GetList("citizenships")) {
      AppendNew(&e.countries, CountryLink{model::CountryCode(c), c, CountryRole::kCitizenship});
    }
    for (const std::string& c : GetList("nationalities")) {
      AppendNew(&e.countries, CountryLink{model::CountryCode(c), c, CountryRole::kNationality});
    }
    if (std::string flag = Get("vessel_flag"); !flag.empty()) {
      e.countries.push_back(CountryLink{model::CountryCode(flag), flag, CountryRole::kFlag});
    }
    for (const std::string& p : GetList("places_of_birth")) AppendNew(&e.birth_places, p);

    for (const std::string& part : GetList("ids")) AddIdPart(part, &e);
    if (std::string cs = Get("call_sign"); !cs.empty()) {
      Identifier id_cs;
      id_cs.kind = IdKind::kCallSign;
      id_cs.type = "Call Sign";
      id_cs.value = cs;
      AppendNew(&e.identifiers, id_cs);
    }

    e.listed_on = GetDate("start_date");
    if (std::string end = GetDate("end_date"); !end.empty()) {
      e.properties.push_back(Property{"end_date", end});
    }
    for (const char* key :
         {"entity_number", "federal_register_notice", "standard_order", "license_requirement",
          "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
          "vessel_owner", "source_list_url", "source_information_url"}) {
      if (std::string v = Get(key); !v.empty()) e.properties.push_back(Property{key, v});
    }
    e.remarks = Get("remarks");
    return e;
  }

  std::string file_;
  LoadedList* list_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, size_t> col_;
  std::unordered_map<std::string, size_t> index_;  // _id -> position in entities
  std::unordered_set<std::string> short_ids_;      // ids made by ShortId()
  const util::CsvRecord* rec_ = nullptr;
};

// Relationships (see the file comment), resolved within the list by name.
void AddStatedRelations(LoadedList* list) {
  const MentionFinder names(list->entities);
  for (Entity& e : list->entities) {
    std::vector<Relationship> found = ofac::LinkedToIn(e.remarks);
    for (Relationship& r : found) r.field = "remarks";
    for (const Property& p : e.properties) {
      if (p.key != "vessel_owner") continue;
      Relationship r;
      r.relation = "owned_by";
      r.target_name = p.value;
      r.field = "vessel_owner";
      found.push_back(std::move(r));
    }
    for (Relationship& r : found) {
      r.target_id = names.Resolve(r.target_name);
      if (r.target_id == e.id) r.target_id.clear();
      AddRelationship(&e, std::move(r));
    }
  }
}

}  // namespace

Status LoadCsl(const std::filesystem::path& file, LoadedList* out) {
  LoadedList list;
  list.info.source = std::string(kSource);
  list.info.title = "US Consolidated Screening List";
  list.info.format = "csl_csv";
  std::string bytes;
  if (Status s = ReadListFile(file, &list, &bytes); !s.ok()) return s;
  const std::string name = file.string();
  if (Status s = util::CheckUtf8(bytes, name); !s.ok()) return s;

  util::CsvReader reader(util::StripBomAndEof(bytes), ',', name);
  util::CsvRecord rec;
  if (!reader.Next(&rec)) {
    if (!reader.status().ok()) return reader.status();
    return Status::Corruption(util::Where(name, 1, "no header row"));
  }
  CslParser parser(name, &list);
  if (Status s = parser.ReadHeader(rec); !s.ok()) return s;
  while (reader.Next(&rec)) {
    if (Status s = parser.Row(rec); !s.ok()) return s;
  }
  if (reader.ended_inside_quotes()) {
    // A sign of truncation (the 2023-11 snapshot as published ends so): every record
    // before it is whole; the cut one is counted as read and skipped. LoadList() refuses
    // the list unless truncation is accepted.
    ++list.info.rows_read;
    list.info.truncation.push_back(LoadWarning{
        name, reader.failed_record_line(),
        "file ends inside a quoted field: the last record is incomplete and was skipped"});
  } else if (!reader.status().ok()) {
    return reader.status();
  }
  if (list.entities.empty()) {
    return Status::Corruption(util::Where(name, 2, "no entries after the header"));
  }
  AddStatedRelations(&list);
  *out = std::move(list);
  return Status::Ok();
}

}  // namespace vigil::sources
