// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/diff.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "index/name_table.h"
#include "model/json.h"

namespace vigil::model {

namespace {

// Arrays compared as multisets: the order in which a list writes aliases or addresses is
// not a change.
nlohmann::json Canonical(nlohmann::json j) {
  for (auto& [key, value] : j.items()) {
    if (!value.is_array()) continue;
    std::vector<std::string> items;
    for (const auto& v : value) items.push_back(v.dump());
    std::sort(items.begin(), items.end());
    value = items;
  }
  return j;
}

}  // namespace

std::vector<std::string> ChangedFields(const Entity& a, const Entity& b) {
  nlohmann::json ja = Canonical(ToJson(a)), jb = Canonical(ToJson(b));
  std::set<std::string> keys;
  for (const auto& [k, v] : ja.items()) keys.insert(k);
  for (const auto& [k, v] : jb.items()) keys.insert(k);
  std::vector<std::string> out;
  for (const std::string& k : keys) {
    if (k == "name") continue;  // the primary name is part of "names"
    auto ia = ja.find(k), ib = jb.find(k);
    bool same =
        (ia == ja.end() || ib == jb.end()) ? (ia == ja.end()) == (ib == jb.end()) : *ia == *ib;
    if (!same) out.push_back(k);
  }
  return out;
}

namespace {

// The set-like fields of ScreenedEntityFields, each sorted.
struct ScreenedSets {
  std::vector<std::string> dates, countries, ids, props;
};

ScreenedSets SetsOf(const Entity& e) {
  ScreenedSets s;
  for (const BirthDate& b : e.birth_dates) {
    s.dates.push_back(b.from.ToString() + "/" + b.to.ToString() + (b.circa ? "/circa" : ""));
  }
  for (const CountryLink& c : e.countries) {
    s.countries.push_back(c.code + "/" + std::string(ToString(c.role)));
  }
  for (const Address& a : e.addresses) s.countries.push_back(a.country + "/address");
  for (const Identifier& id : e.identifiers) {
    s.ids.push_back(std::string(ToString(id.kind)) + "/" + id.value);
  }
  for (const Property& p : e.properties) {
    if (p.key.starts_with("csl_")) s.props.push_back(p.key + "=" + p.value);
  }
  for (auto* v : {&s.dates, &s.countries, &s.ids, &s.props}) std::sort(v->begin(), v->end());
  return s;
}

}  // namespace

nlohmann::json ScreenedEntityFields(const Entity& e) {
  using nlohmann::json;
  // Everything below is read by screening: the name table (names, kind, the Korean view of
  // Korea-linked entries), the attribute scoring (dates of birth, countries but flags,
  // address countries), the identifier index, the grouping of records (source ids, DPL
  // listing dates, CSL sub-lists, IMO and passport numbers, primary names with dates of
  // birth) and Screener::Find (CSL former ids). Lists keep their order where screening
  // depends on it (names: the first is primary and ties go to the first listed); the rest
  // is compared as a set. (AppendScreenedEntityFields writes the same without a document.)
  json j = json::object();
  j["id"] = e.id;
  j["source"] = e.source;
  j["source_id"] = e.source_id;
  j["kind"] = std::string(ToString(e.kind));
  json names = json::array();
  for (const Name& n : e.names) {
    names.push_back({n.full, n.family, n.given, std::string(ToString(n.kind))});
  }
  j["names"] = std::move(names);
  ScreenedSets s = SetsOf(e);
  j["birth_dates"] = s.dates;
  j["countries"] = s.countries;
  j["identifiers"] = s.ids;
  j["korea_linked"] = index::IsKoreaLinked(e);
  j["listed_on"] = e.listed_on;
  j["properties"] = s.props;
  return j;
}

void AppendScreenedEntityFields(const Entity& e, std::string* out) {
  // The keys in nlohmann::json's (bytewise) order.
  const ScreenedSets s = SetsOf(e);
  JsonWriter w(out);
  w.Open('{');
  w.Strings("birth_dates", s.dates);
  w.Strings("countries", s.countries);
  w.Key("id");
  w.String(e.id);
  w.Strings("identifiers", s.ids);
  w.Key("kind");
  w.String(ToString(e.kind));
  w.Key("korea_linked");
  w.Bool(index::IsKoreaLinked(e));
  w.Key("listed_on");
  w.String(e.listed_on);
  w.Key("names");
  w.Open('[');
  for (const Name& n : e.names) {
    w.Open('[');
    for (std::string_view v : {std::string_view(n.full), std::string_view(n.family),
                               std::string_view(n.given), ToString(n.kind)}) {
      w.String(v);
    }
    w.Close(']');
  }
  w.Close(']');
  w.Strings("properties", s.props);
  w.Key("source");
  w.String(e.source);
  w.Key("source_id");
  w.String(e.source_id);
  w.Close('}');
}

ListDiff Diff(const LoadedList& old_list, const LoadedList& new_list) {
  ListDiff d;
  std::unordered_map<std::string_view, const Entity*> old_by_id;
  for (const Entity& e : old_list.entities) old_by_id.emplace(e.id, &e);
  std::unordered_map<std::string_view, bool> in_new;
  for (const Entity& e : new_list.entities) {
    in_new.emplace(e.id, true);
    auto it = old_by_id.find(e.id);
    if (it == old_by_id.end()) {
      d.added.push_back(e.id);
      continue;
    }
    std::vector<std::string> fields = ChangedFields(*it->second, e);
    if (fields.empty()) {
      ++d.unchanged;
      continue;
    }
    for (const std::string& f : fields) ++d.changed_by_field[f];
    d.changed.push_back(EntityChange{e.id, std::move(fields)});
  }
  for (const Entity& e : old_list.entities) {
    if (in_new.count(e.id) == 0) d.removed.push_back(e.id);
  }
  return d;
}

}  // namespace vigil::model
