// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/party.h"

#include <fmt/core.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

#include "model/country.h"
#include "model/date.h"
#include "model/json.h"
#include "util/csv.h"
#include "util/file.h"
#include "util/strings.h"

namespace vigil::model {
namespace {

using nlohmann::json;

constexpr size_t kMaxIdBytes = 200;
constexpr size_t kMaxNameBytes = 1000;
constexpr size_t kMaxTextBytes = 4000;

constexpr std::string_view kIdentifierTypes[] = {
    "email",    "phone",       "website",      "wallet", "bank_account", "payment_account",
    "passport", "national_id", "registration", "imo",    "photo_hash",   "device"};
constexpr std::string_view kAddressKinds[] = {"home", "shipping", "registered", "office"};

template <size_t N>
bool OneOf(std::string_view v, const std::string_view (&set)[N]) {
  return std::find(std::begin(set), std::end(set), v) != std::end(set);
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// `value` between single quotes for a message (control characters shown as '?').
std::string Quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value.substr(0, 200)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  if (value.size() > 200) out += "...";
  out.push_back('\'');
  return out;
}

std::string_view TypeName(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

// Empty when `text` is valid UTF-8 without NUL and at most `max` bytes, else the problem.
std::string CheckText(std::string_view text, size_t max) {
  if (text.size() > max) return fmt::format("is longer than {} bytes", max);
  if (text.find('\0') != std::string_view::npos) return "holds a NUL character";
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto len = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < len;) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0)
      return fmt::format("is not valid UTF-8 (byte 0x{:02X} at offset {})", p[start], start);
  }
  return "";
}

// Reads the string member `key` of `obj` (absent or null: *out stays empty).
Status Text(const json& obj, const char* key, const std::string& label, size_t max,
            std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) {
    return Status::InvalidArgument(
        fmt::format("{} must be a string, not {}", label, TypeName(*it)));
  }
  const std::string& s = it->get_ref<const std::string&>();
  if (std::string problem = CheckText(s, max); !problem.empty()) {
    return Status::InvalidArgument(fmt::format("{} {}", label, problem));
  }
  *out = s;
  return Status::Ok();
}

// Reads an array of strings (absent or null: empty).
Status TextArray(const json& obj, const char* key, std::vector<std::string>* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) {
    return Status::InvalidArgument(
        fmt::format("{} must be an array of strings, not {}", key, TypeName(*it)));
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    std::string label = fmt::format("{}[{}]", key, i);
    if (!v.is_string()) {
      return Status::InvalidArgument(
          fmt::format("{} must be a string, not {}", label, TypeName(v)));
    }
    const std::string& s = v.get_ref<const std::string&>();
    if (std::string problem = CheckText(s, kMaxNameBytes); !problem.empty()) {
      return Status::InvalidArgument(fmt::format("{} {}", label, problem));
    }
    out->push_back(s);
  }
  return Status::Ok();
}

// An array of objects: calls fn(object, label) for each.
template <typename Fn>
Status Objects(const json& obj, const char* key, Fn fn) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) {
    return Status::InvalidArgument(
        fmt::format("{} must be an array of objects, not {}", key, TypeName(*it)));
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    std::string label = fmt::format("{}[{}]", key, i);
    if (!v.is_object()) {
      return Status::InvalidArgument(
          fmt::format("{} must be an object, not {}", label, TypeName(v)));
    }
    if (Status s = fn(v, label); !s.ok()) return s;
  }
  return Status::Ok();
}

// A date of birth as ParseDate reads it, normalized to YYYY[-MM[-DD]]. Dates written with
// slashes are refused as ambiguous, as screening queries do (screen/query.h).
Status Dob(std::string_view text, std::string* out) {
  std::string_view t = util::Trim(text);
  if (t.empty()) {
    out->clear();
    return Status::Ok();
  }
  if (t.find('/') != std::string_view::npos) {
    return Status::InvalidArgument(fmt::format(
        "dob: {} is ambiguous (day/month or month/day?): write it as YYYY-MM-DD, YYYY-MM or YYYY",
        Quoted(t)));
  }
  PartialDate d;
  if (!ParseDate(t, &d)) {
    return Status::InvalidArgument(
        fmt::format("dob: {} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", Quoted(t)));
  }
  *out = d.ToString();
  return Status::Ok();
}

// A country code or name, as screening queries accept it, to its ISO 3166-1 alpha-2 code.
bool Country(std::string_view text, std::string* code) {
  std::string_view t = util::Trim(text);
  if (t.empty()) {
    code->clear();
    return true;
  }
  *code = CountryCode(t);
  return !code->empty();
}

}  // namespace

Status ParseParty(const json& j, Party* out, std::vector<std::string>* warnings) {
  *out = Party();
  if (!j.is_object()) {
    return Status::InvalidArgument(
        fmt::format("a party must be a JSON object, not {}", TypeName(j)));
  }
  Party p;
  auto warn = [&](std::string w) {
    if (warnings != nullptr) warnings->push_back(std::move(w));
  };
  if (Status s = Text(j, "id", "id", kMaxIdBytes, &p.id); !s.ok()) return s;
  if (util::Trim(p.id).empty()) return Status::InvalidArgument("id: required (a non-empty string)");
  if (p.id != util::Trim(p.id)) {
    return Status::InvalidArgument(
        fmt::format("id: {} begins or ends with white space", Quoted(p.id)));
  }
  if (Status s = Text(j, "name", "name", kMaxNameBytes, &p.name); !s.ok()) return s;
  if (util::Trim(p.name).empty()) {
    return Status::InvalidArgument("name: required (a non-empty string)");
  }
  std::string kind;
  if (Status s = Text(j, "kind", "kind", kMaxIdBytes, &kind); !s.ok()) return s;
  if (!util::Trim(kind).empty()) {
    p.kind = ParseEntityKind(util::Trim(kind));
    if (p.kind == EntityKind::kUnknown) {
      return Status::InvalidArgument(fmt::format(
          "kind: must be person, organization, vessel or aircraft, not {}", Quoted(kind)));
    }
  }
  if (Status s = TextArray(j, "aliases", &p.aliases); !s.ok()) return s;
  std::string dob;
  if (Status s = Text(j, "dob", "dob", kMaxIdBytes, &dob); !s.ok()) return s;
  if (Status s = Dob(dob, &p.dob); !s.ok()) return s;
  for (auto [key, field] :
       {std::pair{"nationality", &p.nationality}, std::pair{"country", &p.country}}) {
    std::string text;
    if (Status s = Text(j, key, key, kMaxIdBytes, &text); !s.ok()) return s;
    if (!Country(text, field)) {
      return Status::InvalidArgument(fmt::format(
          "{}: {} is not a known country (ISO 3166-1 code or English name)", key, Quoted(text)));
    }
  }
  Status s = Objects(j, "addresses", [&](const json& a, const std::string& label) {
    PartyAddress addr;
    for (auto [key, field] :
         {std::pair{"kind", &addr.kind}, std::pair{"street", &addr.street},
          std::pair{"city", &addr.city}, std::pair{"postal_code", &addr.postal_code},
          std::pair{"country", &addr.country}}) {
      if (Status st = Text(a, key, label + "." + key, kMaxTextBytes, field); !st.ok()) return st;
    }
    if (!addr.kind.empty() && !OneOf(addr.kind, kAddressKinds)) {
      warn(fmt::format("{}.kind: {} is not home, shipping, registered or office (kept as given)",
                       label, Quoted(addr.kind)));
    }
    if (std::string code; !Country(addr.country, &code)) {
      warn(fmt::format("{}.country: {} is not a known country (kept as given)", label,
                       Quoted(addr.country)));
    } else {
      addr.country = code;
    }
    p.addresses.push_back(std::move(addr));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  s = Objects(j, "identifiers", [&](const json& o, const std::string& label) {
    PartyIdentifier id;
    for (auto [key, field] : {std::pair{"type", &id.type}, std::pair{"value", &id.value},
                              std::pair{"holder", &id.holder}, std::pair{"country", &id.country},
                              std::pair{"currency", &id.currency}}) {
      if (Status st = Text(o, key, label + "." + key, kMaxTextBytes, field); !st.ok()) return st;
    }
    if (util::Trim(id.value).empty()) {
      return Status::InvalidArgument(label + ".value: required (a non-empty string)");
    }
    if (!id.type.empty() && !OneOf(id.type, kIdentifierTypes)) {
      warn(fmt::format("{}.type: {} is not a known identifier type (kept as given)", label,
                       Quoted(id.type)));
    }
    if (std::string code; !Country(id.country, &code)) {
      warn(fmt::format("{}.country: {} is not a known country (kept as given)", label,
                       Quoted(id.country)));
    } else {
      id.country = code;
    }
    p.identifiers.push_back(std::move(id));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  s = Objects(j, "logins", [&](const json& o, const std::string& label) {
    PartyLogin l;
    if (Status st = Text(o, "ip", label + ".ip", kMaxIdBytes, &l.ip); !st.ok()) return st;
    if (Status st = Text(o, "time", label + ".time", kMaxIdBytes, &l.time); !st.ok()) return st;
    p.logins.push_back(std::move(l));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (Status st = TextArray(j, "remote_access", &p.remote_access); !st.ok()) return st;
  if (Status st = TextArray(j, "tags", &p.tags); !st.ok()) return st;
  p.record = j;
  *out = std::move(p);
  return Status::Ok();
}

Status ParsePartyLine(std::string_view line, Party* out, std::vector<std::string>* warnings) {
  *out = Party();
  if (std::string problem = CheckText(line, line.size()); !problem.empty()) {
    return Status::InvalidArgument("the line " + problem);
  }
  json j;
  std::string duplicate, error;
  if (!ParseJsonStrict(line, &j, &duplicate, &error)) {
    if (!duplicate.empty()) {
      return Status::InvalidArgument(
          fmt::format("the key {} is given twice in one object", Dump(json(duplicate))));
    }
    return Status::InvalidArgument("not a JSON object: " + error);
  }
  if (!j.is_object()) {
    return Status::InvalidArgument(fmt::format("not a JSON object but {}", TypeName(j)));
  }
  return ParseParty(j, out, warnings);
}

const json& ToJson(const Party& p) { return p.record; }

json ScreenedFields(const Party& p) {
  json j = json::object();
  if (p.kind != EntityKind::kUnknown) j["kind"] = std::string(ToString(p.kind));
  j["name"] = p.name;
  // Sets: the order of aliases and identifiers does not change a screening.
  std::set<std::string> aliases(p.aliases.begin(), p.aliases.end());
  aliases.erase(p.name);
  if (!aliases.empty()) j["aliases"] = aliases;
  if (!p.dob.empty()) j["dob"] = p.dob;
  if (!p.nationality.empty()) j["nationality"] = p.nationality;
  if (!p.country.empty()) j["country"] = p.country;
  std::set<std::pair<std::string, std::string>> ids;
  for (const PartyIdentifier& id : p.identifiers) ids.emplace(id.type, id.value);
  if (!ids.empty()) {
    json arr = json::array();
    for (const auto& [type, value] : ids) arr.push_back({{"type", type}, {"value", value}});
    j["identifiers"] = std::move(arr);
  }
  return j;
}

std::string JsonHash(const json& j) { return util::Sha256Hex(Dump(j)); }

json FieldDiff(const json& before, const json& after) {
  static const json kEmpty = json::object();
  const json& b = before.is_object() ? before : kEmpty;
  const json& a = after.is_object() ? after : kEmpty;
  std::set<std::string> fields;
  for (const auto& [k, v] : b.items()) fields.insert(k);
  for (const auto& [k, v] : a.items()) fields.insert(k);
  json out = json::array();
  for (const std::string& f : fields) {
    auto bi = b.find(f);
    auto ai = a.find(f);
    const json& bv = bi == b.end() ? json() : *bi;
    const json& av = ai == a.end() ? json() : *ai;
    if (bv == av) continue;
    if ((bv.is_array() || bv.is_null()) && (av.is_array() || av.is_null()) &&
        !(bv.is_null() && av.is_null())) {
      // Sets of elements: what was added and removed (a reordering is no change).
      std::map<std::string, const json*> bs, as;
      if (bv.is_array()) {
        for (const json& e : bv) bs.emplace(Dump(e), &e);
      }
      if (av.is_array()) {
        for (const json& e : av) as.emplace(Dump(e), &e);
      }
      json added = json::array(), removed = json::array();
      for (const auto& [k, e] : as) {
        if (!bs.count(k)) added.push_back(*e);
      }
      for (const auto& [k, e] : bs) {
        if (!as.count(k)) removed.push_back(*e);
      }
      if (added.empty() && removed.empty()) continue;
      out.push_back({{"field", f}, {"added", std::move(added)}, {"removed", std::move(removed)}});
      continue;
    }
    out.push_back({{"field", f}, {"before", bv}, {"after", av}});
  }
  return out;
}

void ReadPartiesJsonl(std::string_view text, std::vector<PartyLine>* out) {
  text = util::StripBomAndEof(text);
  size_t line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (util::Trim(l).empty()) continue;
    PartyLine pl;
    pl.line = line;
    pl.status = ParsePartyLine(l, &pl.party, &pl.warnings);
    out->push_back(std::move(pl));
  }
}

Status ReadPartiesCsv(std::string_view text, std::string_view file_name,
                      std::vector<PartyLine>* out) {
  text = util::StripBomAndEof(text);
  util::CsvReader reader(text, ',', std::string(file_name));
  util::CsvRecord rec;
  if (!reader.Next(&rec)) {
    if (!reader.status().ok()) return reader.status();
    return Status::InvalidArgument(util::Where(
        file_name, 1, "no header row (expected columns such as id,kind,name,dob,country)"));
  }
  const size_t header_line = rec.line;
  enum class Col { kScalar, kList, kIdentifier, kAddress, kOther };
  struct Column {
    std::string name;  // lower case for known columns, as written otherwise
    Col col = Col::kOther;
  };
  std::vector<Column> cols;
  std::set<std::string> seen;
  static constexpr std::string_view kScalars[] = {"id",  "kind",        "name",
                                                  "dob", "nationality", "country"};
  static constexpr std::string_view kLists[] = {"aliases", "tags", "remote_access"};
  static constexpr std::string_view kAddress[] = {"street", "city", "postal_code",
                                                  "address_country", "address_kind"};
  for (const std::string& raw : rec.fields) {
    std::string name(util::Trim(raw));
    if (name.empty()) {
      return Status::InvalidArgument(
          util::Where(file_name, header_line, "a column of the header has no name"));
    }
    if (std::string problem = CheckText(name, kMaxIdBytes); !problem.empty()) {
      return Status::InvalidArgument(
          util::Where(file_name, header_line, "a column name " + problem));
    }
    std::string lower = util::AsciiLower(name);
    Column c;
    c.name = lower;
    if (OneOf(lower, kScalars)) {
      c.col = Col::kScalar;
    } else if (OneOf(lower, kLists)) {
      c.col = Col::kList;
    } else if (OneOf(lower, kIdentifierTypes)) {
      c.col = Col::kIdentifier;
    } else if (OneOf(lower, kAddress)) {
      c.col = Col::kAddress;
    } else {
      c.name = name;
    }
    if (!seen.insert(c.name).second) {
      return Status::InvalidArgument(util::Where(
          file_name, header_line, fmt::format("the column {} is named twice", Quoted(name))));
    }
    cols.push_back(std::move(c));
  }
  if (!seen.count("id") || !seen.count("name")) {
    return Status::InvalidArgument(util::Where(
        file_name, header_line,
        "the header needs an id and a name column (columns: id,kind,name,aliases,dob,"
        "nationality,country,tags, identifier types such as email or passport, street,city,"
        "postal_code,address_country,address_kind)"));
  }
  while (reader.Next(&rec)) {
    PartyLine pl;
    pl.line = rec.line;
    if (rec.fields.size() != cols.size()) {
      pl.status = Status::InvalidArgument(
          fmt::format("{} fields where the header has {} columns", rec.fields.size(), cols.size()));
      out->push_back(std::move(pl));
      continue;
    }
    json j = json::object();
    json address = json::object();
    json identifiers = json::array();
    for (size_t i = 0; i < cols.size(); ++i) {
      const Column& c = cols[i];
      std::string_view v = util::Trim(rec.fields[i]);
      if (v.empty()) continue;
      if (std::string problem = CheckText(v, kMaxTextBytes); !problem.empty()) {
        pl.status = Status::InvalidArgument(fmt::format("{} {}", c.name, problem));
        break;
      }
      switch (c.col) {
        case Col::kScalar:
        case Col::kOther:
          j[c.name] = std::string(v);
          break;
        case Col::kList:
          j[c.name] = util::SplitTrimmed(v, ";");
          break;
        case Col::kIdentifier:
          for (std::string& value : util::SplitTrimmed(v, ";")) {
            identifiers.push_back({{"type", c.name}, {"value", std::move(value)}});
          }
          break;
        case Col::kAddress:
          address[c.name == "address_country" ? "country"
                  : c.name == "address_kind"  ? "kind"
                                              : c.name] = std::string(v);
          break;
      }
    }
    if (pl.status.ok()) {
      if (!address.empty()) j["addresses"] = json::array({std::move(address)});
      if (!identifiers.empty()) j["identifiers"] = std::move(identifiers);
      pl.status = ParseParty(j, &pl.party, &pl.warnings);
    }
    out->push_back(std::move(pl));
  }
  if (!reader.status().ok()) return reader.status();
  return Status::Ok();
}

}  // namespace vigil::model
