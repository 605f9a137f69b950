// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The UN Security Council consolidated list (consolidated.xml) -> Entity.
//
// The file is one CONSOLIDATED_LIST with INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY
// records. Every child element is optional: a missing element reads as "". Records that
// cannot be used (no reference number, no name, a repeated reference number) are skipped
// with a warning; parts of a record that cannot be understood (an impossible date of
// birth, a document without a number) are dropped with a warning, keeping the text as a
// Property where it would otherwise be lost. IMO numbers stated in COMMENTS1 (the UN has
// no field for them; "IMO number: 5571322") also become identifiers of kind kImo, so that
// the same company on another list is found as one party (src/screen/groups.h).
//
// Relationships: COMMENTS1 and DESIGNATION name other entries, by permanent reference
// number ("Associated with Al-Qaida (QDe.004)") or by name ("owned by the Korea Ryonbong
// General Corporation"; src/sources/stated_relations.h finds the names). Each entry named
// becomes one Relationship {relation from the words around it (data/names/
// relation_phrases.tsv: owned_by, subsidiary_of, front_for, ...; "associated_with" when
// none), target_name (as written, or the listed name for a reference number), target_id
// "un_sc:<ref>" when the file lists it, field "COMMENTS1"/"DESIGNATION", text: the clause}.
// A reference number the file does not list stays, unresolved, with the number as name.
//
// Entities: pugixml expands only XML's five predefined entities and character references,
// never a DOCTYPE's (so no external entity is ever fetched). A DOCTYPE that declares
// entities fails the load (the UN file has none, and its references would load as their
// literal names); a reference to any other named entity is a warning naming the line.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "model/country.h"
#include "model/date.h"
#include "sources/common.h"
#include "sources/stated_relations.h"
#include "util/file.h"
#include "util/strings.h"

namespace vigil::sources {
namespace {

constexpr std::string_view kSource = "un_sc";

// Maps byte offsets in the file to 1-based line numbers.
class LineIndex {
 public:
  explicit LineIndex(std::string_view bytes) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (bytes[i] == '\n') newlines_.push_back(i);
    }
  }

  // The line holding byte `offset`; 0 when the offset is unknown (negative).
  size_t LineOf(ptrdiff_t offset) const {
    if (offset < 0) return 0;
    auto it = std::lower_bound(newlines_.begin(), newlines_.end(), static_cast<size_t>(offset));
    return static_cast<size_t>(it - newlines_.begin()) + 1;
  }

 private:
  std::vector<size_t> newlines_;
};

// The text of child element `name`, white space collapsed; "" when missing.
std::string Field(const pugi::xml_node& node, const char* name) {
  return util::CollapseSpaces(node.child(name).child_value());
}

// The ISO code for a country as the UN writes it. The UN spells countries out in full, so
// a short lower-case value such as "na" means "not available", not Namibia's code.
std::string UnCountryCode(std::string_view name) {
  if (name.size() <= 3 && util::AsciiUpper(name) != name) return "";
  return model::CountryCode(name);
}

void AddName(Entity* e, std::string full, NameKind kind) {
  if (full.empty()) return;
  for (const Name& n : e->names) {
    if (n.full == full) return;
  }
  Name name;
  name.full = std::move(full);
  name.kind = kind;
  e->names.push_back(std::move(name));
}

template <typename T>
void AddUnique(std::vector<T>* v, T item) {
  if (std::find(v->begin(), v->end(), item) == v->end()) v->push_back(std::move(item));
}

// The IMO numbers the comments state: "IMO number: 5571322", "International Maritime
// Organization (IMO) Number: 1790183", "Company Number IMO 5434358". Seven digits after
// "IMO" and, between them, only "number", spaces and ":().".
std::vector<std::string> ImoNumbersIn(std::string_view text) {
  std::vector<std::string> out;
  for (size_t at = text.find("IMO"); at != std::string_view::npos; at = text.find("IMO", at + 3)) {
    if (at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1]))) continue;
    size_t i = at + 3;
    for (;;) {
      while (i < text.size() && std::string_view(" :().").find(text[i]) != std::string_view::npos) {
        ++i;
      }
      if (!util::StartsWithIgnoreCase(text.substr(i), "number")) break;
      i += 6;
    }
    size_t digits = 0;
    while (i + digits < text.size() && std::isdigit(static_cast<unsigned char>(text[i + digits]))) {
      ++digits;
    }
    if (digits == 7) AddUnique(&out, std::string(text.substr(i, digits)));
  }
  return out;
}

NameKind AliasKind(std::string_view quality) {
  if (quality == "Low") return NameKind::kWeakAlias;
  if (quality == "f.k.a.") return NameKind::kFormerName;
  return NameKind::kStrongAlias;  // "Good", "a.k.a." and anything unforeseen
}

// Joins the non-empty parts with `sep`.
std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// Loads one INDIVIDUAL or ENTITY record. Warnings go to *list; the file name is `file`.
class RecordMapper {
 public:
  RecordMapper(LoadedList* list, std::string file, const LineIndex* lines)
      : list_(list), file_(std::move(file)), lines_(lines) {}

  // Maps `rec` into *out. Returns false (after a warning) when the record must be skipped.
  bool Map(const pugi::xml_node& rec, bool person, Entity* out) {
    line_ = lines_->LineOf(rec.offset_debug());
    Entity e;
    e.source = std::string(kSource);
    e.source_id = Field(rec, "REFERENCE_NUMBER");
    if (e.source_id.empty()) {
      Warn(list_, file_, line_, std::string(rec.name()) + " without REFERENCE_NUMBER skipped");
      return false;
    }
    e.id = std::string(kSource) + ":" + e.source_id;
    e.kind = person ? EntityKind::kPerson : EntityKind::kOrganization;

    std::string full = Field(rec, "FIRST_NAME");
    if (person) {
      full = Join(
          {full, Field(rec, "SECOND_NAME"), Field(rec, "THIRD_NAME"), Field(rec, "FOURTH_NAME")},
          " ");
    }
    if (full.empty()) {
      Warn(list_, file_, line_, e.source_id + ": record without a name skipped");
      return false;
    }
    AddName(&e, std::move(full), NameKind::kPrimary);
    for (pugi::xml_node n : rec.children("NAME_ORIGINAL_SCRIPT")) {
      AddName(&e, util::CollapseSpaces(n.child_value()), NameKind::kOriginalScript);
    }
    MapAliases(rec, person ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS", &e);

    if (std::string p = Field(rec, "UN_LIST_TYPE"); !p.empty()) AddUnique(&e.programs, p);
    for (pugi::xml_node v : rec.child("LIST_TYPE").children("VALUE")) {
      std::string t = util::CollapseSpaces(v.child_value());
      if (!t.empty() && t != "UN List") e.properties.push_back({"un_list", std::move(t)});
    }
    e.listed_on = Field(rec, "LISTED_ON");
    for (pugi::xml_node v : rec.child("LAST_DAY_UPDATED").children("VALUE")) {
      std::string d = util::CollapseSpaces(v.child_value());
      if (d > e.updated_on) e.updated_on = std::move(d);  // ISO dates sort as text
    }
    e.remarks = std::string(util::Trim(rec.child("COMMENTS1").child_value()));
    for (std::string& number : ImoNumbersIn(e.remarks)) {
      Identifier id;
      id.kind = IdKind::kImo;
      id.type = "IMO number (stated in the comments)";
      id.value = std::move(number);
      e.identifiers.push_back(std::move(id));
    }

    std::string gender = util::AsciiLower(Field(rec, "GENDER"));
    if (gender == "male" || gender == "female") {
      e.gender = std::move(gender);
    } else if (!gender.empty()) {
      e.properties.push_back({"gender", Field(rec, "GENDER")});
    }
    for (pugi::xml_node v : rec.child("TITLE").children("VALUE")) {
      if (std::string t = util::CollapseSpaces(v.child_value()); !t.empty()) {
        AddUnique(&e.titles, std::move(t));
      }
    }
    for (pugi::xml_node v : rec.child("DESIGNATION").children("VALUE")) {
      if (std::string t = util::CollapseSpaces(v.child_value()); !t.empty()) {
        e.properties.push_back({"designation", std::move(t)});
      }
    }
    for (pugi::xml_node v : rec.child("NATIONALITY").children("VALUE")) {
      std::string name = util::CollapseSpaces(v.child_value());
      if (name.empty()) continue;
      std::string code = UnCountryCode(name);
      AddUnique(&e.countries,
                CountryLink{std::move(code), std::move(name), CountryRole::kNationality});
    }
    for (pugi::xml_node a : rec.children(person ? "INDIVIDUAL_ADDRESS" : "ENTITY_ADDRESS")) {
      MapAddress(a, &e);
    }
    for (pugi::xml_node d : rec.children("INDIVIDUAL_DATE_OF_BIRTH")) MapBirthDate(d, &e);
    for (pugi::xml_node p : rec.children("INDIVIDUAL_PLACE_OF_BIRTH")) {
      std::string place = Join(
          {Field(p, "STREET"), Field(p, "CITY"), Field(p, "STATE_PROVINCE"), Field(p, "COUNTRY")},
          ", ");
      if (std::string note = Field(p, "NOTE"); !note.empty()) {
        place += place.empty() ? note : " (" + note + ")";
      }
      if (!place.empty()) AddUnique(&e.birth_places, std::move(place));
    }
    for (pugi::xml_node d : rec.children("INDIVIDUAL_DOCUMENT")) MapDocument(d, &e);

    *out = std::move(e);
    return true;
  }

 private:
  void MapAliases(const pugi::xml_node& rec, const char* tag, Entity* e) {
    for (pugi::xml_node a : rec.children(tag)) {
      std::string alias = Field(a, "ALIAS_NAME");
      if (alias.empty()) continue;  // the UN writes an empty alias element for "none"
      AddName(e, alias, AliasKind(Field(a, "QUALITY")));
      std::string note = Field(a, "NOTE");
      if (!note.empty()) {
        constexpr std::string_view kScript = "original script:";
        if (util::StartsWithIgnoreCase(note, kScript)) {
          AddName(e, std::string(util::Trim(std::string_view(note).substr(kScript.size()))),
                  NameKind::kOriginalScript);
        }
        e->properties.push_back({"alias_note", alias + ": " + note});
      }
      // Some aliases come with the birth date and place used under that name.
      if (std::string dob = Field(a, "DATE_OF_BIRTH"); !dob.empty()) {
        BirthDate b;
        if (model::ParseBirthDate(dob, &b)) {
          AddBirthDate(e, std::move(b));
        } else {
          Warn(list_, file_, lines_->LineOf(a.offset_debug()),
               e->source_id + ": alias date of birth \"" + dob + "\" not understood, skipped");
        }
      }
      std::string place = Join({Field(a, "CITY_OF_BIRTH"), Field(a, "COUNTRY_OF_BIRTH")}, ", ");
      if (!place.empty()) AddUnique(&e->birth_places, std::move(place));
    }
  }

  static void AddBirthDate(Entity* e, BirthDate b) {
    for (const BirthDate& have : e->birth_dates) {
      if (have.from == b.from && have.to == b.to && have.circa == b.circa) return;
    }
    e->birth_dates.push_back(std::move(b));
  }

  void MapAddress(const pugi::xml_node& a, Entity* e) {
    Address addr;
    addr.street = Field(a, "STREET");
    addr.city = Field(a, "CITY");
    addr.region = Field(a, "STATE_PROVINCE");
    addr.postal_code = Field(a, "ZIP_CODE");
    addr.country_name = Field(a, "COUNTRY");
    addr.country = UnCountryCode(addr.country_name);
    addr.note = Field(a, "NOTE");
    if (addr == Address{}) return;
    AddUnique(&e->addresses, std::move(addr));
  }

  // INDIVIDUAL_DATE_OF_BIRTH: TYPE_OF_DATE EXACT or APPROXIMATELY with DATE or YEAR,
  // BETWEEN with FROM_YEAR and TO_YEAR; a NOTE sometimes holds the date instead.
  void MapBirthDate(const pugi::xml_node& d, Entity* e) {
    std::string type = util::AsciiUpper(Field(d, "TYPE_OF_DATE"));
    std::string date = Field(d, "DATE");
    if (date.empty()) date = Field(d, "YEAR");
    std::string from = Field(d, "FROM_YEAR");
    std::string to = Field(d, "TO_YEAR");
    std::string note = Field(d, "NOTE");
    if (date.empty() && from.empty() && to.empty() && note.empty()) return;  // an empty element
    size_t line = lines_->LineOf(d.offset_debug());

    BirthDate b;
    bool ok = false;
    std::string shown;
    if (!from.empty() || !to.empty()) {
      if (from.empty()) from = to;
      if (to.empty()) to = from;
      ok = model::ParseDate(from, &b.from) && model::ParseDate(to, &b.to) &&
           model::DaysFromEpoch(b.from) <= model::DaysFromEpoch(b.to);
      if (b.from == b.to) b.to = PartialDate{};
      shown = b.to.empty() ? from : from + " to " + to;
    } else if (!date.empty()) {
      ok = model::ParseDate(date, &b.from);
      shown = date;
    } else {
      // Only a note, e.g. "Nov. 1973" or "30-35 years old".
      ok = model::ParseBirthDate(note, &b);
      shown = note;
      note.clear();
    }
    if (!ok) {
      std::string listed = Join({type, shown, note}, " ");
      Warn(list_, file_, line,
           e->source_id + ": date of birth \"" + listed + "\" not understood, skipped");
      e->properties.push_back({"birth_date_unparsed", listed});
      return;
    }
    b.circa = b.circa || type == "APPROXIMATELY" || util::EqualsIgnoreCase(note, "approximately");
    if (util::EqualsIgnoreCase(note, "approximately")) note.clear();
    b.text = b.circa && !util::StartsWithIgnoreCase(shown, "circa") ? "circa " + shown : shown;
    if (!note.empty()) b.text += " (" + note + ")";
    AddBirthDate(e, std::move(b));
  }

  static IdKind DocumentKind(std::string_view type) {
    for (std::string_view w : {"passport", "passeport", "pasaporte"}) {
      if (util::FindIgnoreCase(type, w) != std::string_view::npos) return IdKind::kPassport;
    }
    if (util::FindIgnoreCase(type, "fiscal code") != std::string_view::npos ||
        util::FindIgnoreCase(type, "tax") != std::string_view::npos) {
      return IdKind::kTaxId;
    }
    for (std::string_view w : {"identification", "identity", "national number", "tazkira",
                               "social security", "personal identification"}) {
      if (util::FindIgnoreCase(type, w) != std::string_view::npos) return IdKind::kNationalId;
    }
    return IdKind::kOther;
  }

  void MapDocument(const pugi::xml_node& d, Entity* e) {
    std::string type = Field(d, "TYPE_OF_DOCUMENT");
    std::string detail = Field(d, "TYPE_OF_DOCUMENT2");  // a more precise label, when given
    std::string number = Field(d, "NUMBER");
    std::string country = Field(d, "ISSUING_COUNTRY");
    if (country.empty()) country = Field(d, "COUNTRY_OF_ISSUE");
    std::string issued = Field(d, "DATE_OF_ISSUE");
    std::string city = Field(d, "CITY_OF_ISSUE");
    std::string note = Field(d, "NOTE");

    Identifier id;
    id.type = detail.empty() ? type : detail;
    // The number's own label (TYPE_OF_DOCUMENT2) is more telling, e.g. "Birth certificate"
    // under "National Identification Number".
    id.kind = detail.empty() ? DocumentKind(type) : DocumentKind(detail);
    id.value = std::move(number);
    id.country = UnCountryCode(country);
    id.note = Join(
        {issued.empty() ? "" : "issued " + issued, city.empty() ? "" : "issued in " + city, note},
        "; ");
    if (id.value.empty()) {
      std::string text = Join({id.type, country, id.note}, ": ");
      if (text.empty()) return;  // the UN writes an empty element for "no documents"
      Warn(list_, file_, lines_->LineOf(d.offset_debug()),
           e->source_id + ": document without a number kept as text: " + text);
      e->properties.push_back({"document", std::move(text)});
      return;
    }
    AddUnique(&e->identifiers, std::move(id));
  }

  LoadedList* list_;
  std::string file_;
  const LineIndex* lines_;
  size_t line_ = 0;
};

// Refuses a DOCTYPE that declares entities; warns about references to entities XML does
// not predefine (they stay in the text as "&name;").
Status CheckEntities(std::string_view bytes, const std::string& file, const LineIndex& lines,
                     LoadedList* list) {
  if (size_t doctype = bytes.find("<!DOCTYPE"); doctype != std::string_view::npos) {
    size_t root = bytes.find("<CONSOLIDATED_LIST", doctype);
    size_t entity = bytes.find("<!ENTITY", doctype);
    if (entity != std::string_view::npos && entity < root) {
      return Status::Corruption(util::Where(
          file, lines.LineOf(static_cast<ptrdiff_t>(entity)),
          "the DOCTYPE declares entities (<!ENTITY): Vigil does not expand them and a UN "
          "list has none"));
    }
  }
  size_t warned = 0;
  for (size_t at = bytes.find('&'); at != std::string_view::npos; at = bytes.find('&', at + 1)) {
    // Only the next 65 bytes: a name is short, and a file of '&' without ';' must not cost
    // a scan to its end per '&'.
    const size_t semi = bytes.substr(at, 66).find(';');
    if (semi == std::string_view::npos) continue;
    const size_t end = at + semi;
    std::string_view ref = bytes.substr(at + 1, end - at - 1);
    bool is_name = !ref.empty() && std::all_of(ref.begin(), ref.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
             c == ':' || static_cast<unsigned char>(c) >= 0x80;
    });
    if (!is_name || ref[0] == '#' || ref == "amp" || ref == "lt" || ref == "gt" || ref == "quot" ||
        ref == "apos") {
      continue;
    }
    if (++warned > 20) continue;  // one warning each for the first 20
    Warn(list, file, lines.LineOf(static_cast<ptrdiff_t>(at)),
         "entity reference &" + std::string(ref) +
             "; is not expanded (XML does not define it); kept as literal text");
  }
  if (warned > 20) {
    Warn(list, file, 0, std::to_string(warned - 20) + " more undefined entity references");
  }
  return Status::Ok();
}

// A UN permanent reference number at `at` of `text` ("QDe.004", "KPi.066"; the file also
// writes "Qde.014"): two letters, 'i' or 'e', '.', three digits, at word boundaries.
// Returns its length (7) or 0; *ref gets it in the file's usual case.
size_t RefAt(std::string_view text, size_t at, std::string* ref) {
  if (at + 7 > text.size()) return 0;
  if (at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1]))) return 0;
  if (at + 7 < text.size() && std::isalnum(static_cast<unsigned char>(text[at + 7]))) return 0;
  auto alpha = [&](size_t i) { return std::isalpha(static_cast<unsigned char>(text[i])) != 0; };
  auto digit = [&](size_t i) { return std::isdigit(static_cast<unsigned char>(text[i])) != 0; };
  char kind = static_cast<char>(std::tolower(static_cast<unsigned char>(text[at + 2])));
  if (!alpha(at) || !alpha(at + 1) || (kind != 'i' && kind != 'e') || text[at + 3] != '.' ||
      !digit(at + 4) || !digit(at + 5) || !digit(at + 6)) {
    return 0;
  }
  *ref = util::AsciiUpper(text.substr(at, 2)) + kind + std::string(text.substr(at + 3, 4));
  return 7;
}

// The relationships an entry's free text states (see the file comment): each other entry
// it names, by reference number or by name, with the relation its words give.
void AddStatedRelations(LoadedList* list) {
  MentionFinder finder(list->entities);
  std::unordered_map<std::string, std::string> names;  // id -> primary name
  for (const Entity& e : list->entities) names.emplace(e.id, e.primary_name());
  for (Entity& e : list->entities) {
    std::vector<std::pair<std::string, std::string>> texts;  // field, text
    if (!e.remarks.empty()) texts.emplace_back("COMMENTS1", e.remarks);
    for (const Property& p : e.properties) {
      if (p.key == "designation") texts.emplace_back("DESIGNATION", p.value);
    }
    for (const auto& [field, text] : texts) {
      struct Found {
        size_t begin, end;
        Relationship r;
      };
      std::vector<Found> found;
      for (const Mention& m : finder.Find(text, e.id)) {
        Relationship r;
        r.target_id = m.target_id;
        r.target_name =
            util::CollapseSpaces(std::string_view(text).substr(m.begin, m.end - m.begin));
        found.push_back(Found{m.begin, m.end, std::move(r)});
      }
      std::string ref;
      for (size_t at = 0; at + 7 <= text.size(); ++at) {
        if (RefAt(text, at, &ref) == 0 || ref == e.source_id) continue;
        Relationship r;
        std::string id = std::string(kSource) + ":" + ref;
        if (auto it = names.find(id); it != names.end()) {
          r.target_id = std::move(id);
          r.target_name = it->second;
        } else {
          r.target_name = ref;  // a reference number the file no longer lists
        }
        found.push_back(Found{at, at + 7, std::move(r)});
        at += 6;
      }
      std::stable_sort(found.begin(), found.end(),
                       [](const Found& a, const Found& b) { return a.begin < b.begin; });
      for (Found& f : found) {
        f.r.relation = StatedRelation(text, f.begin, f.end);
        f.r.field = field;
        f.r.text = ClauseAround(text, f.begin, f.end);
        AddRelationship(&e, std::move(f.r));
      }
    }
  }
}

}  // namespace

Status LoadUnXml(const std::filesystem::path& file, LoadedList* out) {
  const std::string name = file.string();
  LoadedList list;
  std::string bytes;
  if (Status s = ReadListFile(file, &list, &bytes); !s.ok()) return s;
  if (Status s = util::CheckUtf8(bytes, name); !s.ok()) return s;

  const LineIndex lines(bytes);
  if (Status s = CheckEntities(bytes, name, lines, &list); !s.ok()) return s;
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return Status::Corruption(name + ": line " + std::to_string(lines.LineOf(parsed.offset)) +
                              ": XML parse error: " + parsed.description());
  }
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "CONSOLIDATED_LIST") {
    return Status::Corruption(name + ": root element is <" + root.name() +
                              ">, not <CONSOLIDATED_LIST>: not a UN consolidated list");
  }

  list.info.source = std::string(kSource);
  list.info.title = "UN Security Council Consolidated List";
  list.info.format = "un_xml";
  list.info.published = util::CollapseSpaces(root.attribute("dateGenerated").value());
  if (!list.info.published.empty()) list.info.published_source = "file";

  RecordMapper mapper(&list, name, &lines);
  std::unordered_set<std::string> seen;
  auto load_group = [&](const char* group, const char* tag, bool person) {
    for (pugi::xml_node g : root.children(group)) {
      for (pugi::xml_node rec : g.children(tag)) {
        ++list.info.rows_read;
        Entity e;
        if (!mapper.Map(rec, person, &e)) continue;
        if (!seen.insert(e.id).second) {
          Warn(&list, name, lines.LineOf(rec.offset_debug()),
               "duplicate reference number " + e.source_id + ": later record skipped");
          continue;
        }
        list.entities.push_back(std::move(e));
      }
    }
  };
  load_group("INDIVIDUALS", "INDIVIDUAL", true);
  load_group("ENTITIES", "ENTITY", false);
  AddStatedRelations(&list);

  *out = std::move(list);
  return Status::Ok();
}

}  // namespace vigil::sources
