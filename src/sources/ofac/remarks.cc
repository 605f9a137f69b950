// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "sources/ofac/remarks.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "model/country.h"
#include "model/date.h"
#include "util/data.h"
#include "util/strings.h"

namespace vigil::sources::ofac {
namespace {

using util::StartsWithIgnoreCase;
using util::Trim;

struct Label {
  std::string text;
  bool is_id = false;
  IdKind kind = IdKind::kOther;
};

IdKind IdKindFromName(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(IdKind::kPhone); ++k) {
    if (ToString(static_cast<IdKind>(k)) == name) return static_cast<IdKind>(k);
  }
  return IdKind::kOther;
}

// The label table, longest label first so that "alt. Passport" style prefixes resolve to
// the most specific label.
const std::vector<Label>& Labels() {
  static const std::vector<Label>* labels = [] {
    auto* out = new std::vector<Label>;
    for (const std::vector<std::string>& cols : util::DataRows("names/ofac_remark_labels.tsv")) {
      if (cols.size() < 2) continue;
      Label l;
      l.text = cols[0];
      l.is_id = cols[1] == "id";
      if (l.is_id && cols.size() > 2) l.kind = IdKindFromName(cols[2]);
      out->push_back(std::move(l));
    }
    std::stable_sort(out->begin(), out->end(),
                     [](const Label& a, const Label& b) { return a.text.size() > b.text.size(); });
    return out;
  }();
  return *labels;
}

// Removes one pair of surrounding single quotes: 'KOREA COMPUTER COMPANY' -> KOREA ...
std::string Unquote(std::string_view s) {
  s = Trim(s);
  if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') s = s.substr(1, s.size() - 2);
  return std::string(Trim(s));
}

// "123 (Korea, North) issued 01 Jan 2010 expires 01 Jan 2020" -> value, country, note.
void SplitIdValue(std::string_view rest, Identifier* id) {
  rest = Trim(rest);
  while (!rest.empty() && (rest.front() == ':' || rest.front() == '#')) rest = Trim(rest.substr(1));
  size_t open = rest.find(" (");
  if (open != std::string_view::npos) {
    size_t close = rest.find(')', open);
    if (close != std::string_view::npos) {
      std::string_view inside = rest.substr(open + 2, close - open - 2);
      std::string code = model::CountryCode(inside);
      if (!code.empty()) {
        id->value = std::string(Trim(rest.substr(0, open)));
        id->country = code;
        id->note = std::string(Trim(rest.substr(close + 1)));
        return;
      }
    }
  }
  // No country: a trailing "issued ..." / "expires ..." is a note.
  for (std::string_view marker : {" issued ", " expires "}) {
    size_t p = util::FindIgnoreCase(rest, marker);
    if (p != std::string_view::npos) {
      id->value = std::string(Trim(rest.substr(0, p)));
      id->note = std::string(Trim(rest.substr(p)));
      return;
    }
  }
  id->value = std::string(rest);
}

void AddCountry(Entity* e, std::string_view name, CountryRole role) {
  CountryLink c;
  c.name = std::string(Trim(name));
  c.code = model::CountryCode(c.name);
  c.role = role;
  if (std::find(e->countries.begin(), e->countries.end(), c) == e->countries.end()) {
    e->countries.push_back(std::move(c));
  }
}

void AddIdentifier(Entity* e, IdKind kind, std::string_view label, std::string_view rest) {
  Identifier id;
  id.kind = kind;
  id.type = std::string(Trim(label));
  SplitIdValue(rest, &id);
  if (id.value.empty()) return;
  e->identifiers.push_back(std::move(id));
}

bool ParseSegment(std::string_view seg, Entity* e) {
  if (StartsWithIgnoreCase(seg, "alt. ")) seg = Trim(seg.substr(5));
  auto after = [&](std::string_view prefix) { return Trim(seg.substr(prefix.size())); };
  bool person = e->kind == EntityKind::kPerson;

  if (StartsWithIgnoreCase(seg, "DOB ")) {
    BirthDate bd;
    if (!model::ParseBirthDate(after("DOB "), &bd)) return false;
    e->birth_dates.push_back(std::move(bd));
    return true;
  }
  if (StartsWithIgnoreCase(seg, "POB ")) {
    e->birth_places.emplace_back(after("POB "));
    return true;
  }
  if (StartsWithIgnoreCase(seg, "nationality ")) {
    AddCountry(e, after("nationality "), CountryRole::kNationality);
    return true;
  }
  if (StartsWithIgnoreCase(seg, "citizen ")) {
    AddCountry(e, after("citizen "), CountryRole::kCitizenship);
    return true;
  }
  if (StartsWithIgnoreCase(seg, "Gender ")) {
    e->gender = util::AsciiLower(after("Gender "));
    return true;
  }
  static constexpr std::pair<std::string_view, NameKind> kNameLabels[] = {
      {"a.k.a. ", NameKind::kStrongAlias},
      {"f.k.a. ", NameKind::kFormerName},
      {"n.k.a. ", NameKind::kNewName}};
  for (const auto& [label, kind] : kNameLabels) {
    if (StartsWithIgnoreCase(seg, label)) {
      std::string name = Unquote(after(label));
      if (name.empty()) return false;
      bool seen = std::any_of(e->names.begin(), e->names.end(),
                              [&](const Name& n) { return util::EqualsIgnoreCase(n.full, name); });
      if (!seen) e->names.push_back(MakeName(std::move(name), kind, person));
      return true;
    }
  }
  if (Relationship r; ParseLinkedTo(seg, &r)) {
    e->relationships.push_back(std::move(r));
    return true;
  }
  if (StartsWithIgnoreCase(seg, "Digital Currency Address - ")) {
    std::string_view rest = after("Digital Currency Address - ");
    size_t sp = rest.find(' ');
    if (sp == std::string_view::npos) return false;
    Identifier id;
    id.kind = IdKind::kDigitalCurrency;
    id.type = "Digital Currency Address";
    id.currency = std::string(rest.substr(0, sp));
    id.value = std::string(Trim(rest.substr(sp + 1)));
    e->identifiers.push_back(std::move(id));
    return true;
  }
  if (StartsWithIgnoreCase(seg, "Vessel Registration Identification ")) {
    std::string_view rest = after("Vessel Registration Identification ");
    Identifier id;
    id.type = "Vessel Registration Identification";
    if (StartsWithIgnoreCase(rest, "IMO ")) {
      id.kind = IdKind::kImo;
      id.value = std::string(Trim(rest.substr(4)));
    } else {
      id.value = std::string(rest);
    }
    e->identifiers.push_back(std::move(id));
    return true;
  }
  for (const Label& l : Labels()) {
    if (!StartsWithIgnoreCase(seg, l.text)) continue;
    // The label must end at a word boundary ("License" must not match "Licensed").
    if (seg.size() > l.text.size()) {
      char next = seg[l.text.size()];
      char last = l.text.back();
      bool word_char = std::isalnum(static_cast<unsigned char>(next)) != 0;
      if (word_char && std::isalnum(static_cast<unsigned char>(last)) != 0) continue;
    }
    std::string_view rest = Trim(seg.substr(l.text.size()));
    if (l.is_id) {
      AddIdentifier(e, l.kind, l.text, rest);
    } else {
      std::string_view key = l.text;
      while (!key.empty() && (key.back() == ':' || key.back() == '-' || key.back() == ' ')) {
        key.remove_suffix(1);
      }
      e->properties.push_back(Property{std::string(key), std::string(rest)});
    }
    return true;
  }
  return false;
}

}  // namespace

bool ParseLinkedTo(std::string_view seg, Relationship* out) {
  seg = Trim(seg);
  constexpr std::string_view kLabel = "Linked To:";
  if (!seg.empty() && seg.front() == '(' && StartsWithIgnoreCase(Trim(seg.substr(1)), kLabel)) {
    seg = Trim(seg.substr(1));
  }
  if (!StartsWithIgnoreCase(seg, kLabel)) return false;
  std::string_view name = Trim(seg.substr(kLabel.size()));
  if (!name.empty() && name.back() == ')' &&
      std::count(name.begin(), name.end(), ')') > std::count(name.begin(), name.end(), '(')) {
    name = Trim(name.substr(0, name.size() - 1));
  }
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return false;
  out->relation = "linked_to";
  out->target_name = std::string(name);
  return true;
}

std::vector<Relationship> LinkedToIn(std::string_view remarks) {
  std::vector<Relationship> out;
  for (const std::string& seg : util::SplitTrimmed(remarks, ";")) {
    if (Relationship r; ParseLinkedTo(seg, &r)) out.push_back(std::move(r));
  }
  return out;
}

Name MakeName(std::string full, NameKind kind, bool person) {
  Name n;
  n.kind = kind;
  if (person) {
    size_t comma = full.find(',');
    if (comma != std::string::npos) {
      n.family = std::string(Trim(std::string_view(full).substr(0, comma)));
      n.given = std::string(Trim(std::string_view(full).substr(comma + 1)));
    }
  }
  n.full = std::move(full);
  return n;
}

void ParseRemarks(std::string_view remarks, Entity* e) {
  e->remarks = std::string(Trim(remarks));
  std::string_view text = e->remarks;
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  for (const std::string& seg : util::SplitTrimmed(text, ";")) {
    if (!ParseSegment(seg, e)) e->unparsed_remarks.push_back(seg);
  }
}

}  // namespace vigil::sources::ofac
