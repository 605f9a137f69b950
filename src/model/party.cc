// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// NOTE: written by the store-core helper so that the store builds before the store-party
// branch lands; the store-party helper owns this file (their version replaces this one).

#include "model/party.h"

#include <algorithm>
#include <set>

#include "util/file.h"

namespace vigil::model {

using nlohmann::json;

namespace {

Status StringField(const json& j, const char* key, std::string* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Status::InvalidArgument(std::string(key) + ": not a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Status StringList(const json& j, const char* key, std::vector<std::string>* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Status::InvalidArgument(std::string(key) + ": not an array");
  for (const json& e : *it) {
    if (!e.is_string()) {
      return Status::InvalidArgument(std::string(key) + ": every element must be a string");
    }
    out->push_back(e.get<std::string>());
  }
  return Status::Ok();
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Status ParseParty(const json& j, Party* out, std::vector<std::string>* warnings) {
  if (!j.is_object()) return Status::InvalidArgument("a party record must be a JSON object");
  Party p;
  p.record = j;
  auto id = j.find("id");
  if (id == j.end() || !(id->is_string() || id->is_number_integer())) {
    return Status::InvalidArgument("id: missing");
  }
  p.id = id->is_string() ? id->get<std::string>() : std::to_string(id->get<int64_t>());
  if (p.id.empty()) return Status::InvalidArgument("id: empty");
  Status s = StringField(j, "name", &p.name);
  if (!s.ok()) return s;
  if (p.name.empty()) return Status::InvalidArgument("name: missing");
  std::string kind;
  s = StringField(j, "kind", &kind);
  if (!s.ok()) return s;
  p.kind = kind.empty() ? EntityKind::kUnknown : ParseEntityKind(kind);
  if (!kind.empty() && p.kind == EntityKind::kUnknown && warnings != nullptr) {
    warnings->push_back("kind: unknown kind '" + kind + "'");
  }
  for (auto [key, field] : {std::pair{"dob", &p.dob}, std::pair{"nationality", &p.nationality},
                            std::pair{"country", &p.country}}) {
    s = StringField(j, key, field);
    if (!s.ok()) return s;
  }
  for (auto [key, field] :
       {std::pair{"aliases", &p.aliases}, std::pair{"remote_access", &p.remote_access},
        std::pair{"tags", &p.tags}}) {
    s = StringList(j, key, field);
    if (!s.ok()) return s;
  }
  if (auto it = j.find("addresses"); it != j.end() && it->is_array()) {
    for (const json& a : *it) {
      if (!a.is_object()) return Status::InvalidArgument("addresses: not an object");
      p.addresses.push_back({Str(a, "kind"), Str(a, "street"), Str(a, "city"),
                             Str(a, "postal_code"), Str(a, "country")});
    }
  }
  if (auto it = j.find("identifiers"); it != j.end() && it->is_array()) {
    for (const json& a : *it) {
      if (!a.is_object()) return Status::InvalidArgument("identifiers: not an object");
      p.identifiers.push_back({Str(a, "type"), Str(a, "value"), Str(a, "holder"), Str(a, "country"),
                               Str(a, "currency")});
    }
  }
  if (auto it = j.find("logins"); it != j.end() && it->is_array()) {
    for (const json& a : *it) {
      if (!a.is_object()) return Status::InvalidArgument("logins: not an object");
      p.logins.push_back({Str(a, "ip"), Str(a, "time")});
    }
  }
  *out = std::move(p);
  return Status::Ok();
}

Status ParsePartyLine(std::string_view line, Party* out, std::vector<std::string>* warnings) {
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument("not valid JSON");
  return ParseParty(j, out, warnings);
}

const json& ToJson(const Party& p) { return p.record; }

json ScreenedFields(const Party& p) {
  json ids = json::array();
  for (const PartyIdentifier& i : p.identifiers)
    ids.push_back({{"type", i.type}, {"value", i.value}});
  return {{"kind", std::string(ToString(p.kind))},
          {"name", p.name},
          {"aliases", p.aliases},
          {"dob", p.dob},
          {"nationality", p.nationality},
          {"country", p.country},
          {"identifiers", std::move(ids)}};
}

std::string JsonHash(const json& j) {
  return util::Sha256Hex(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

json FieldDiff(const json& before, const json& after) {
  json out = json::array();
  const json empty = json::object();
  const json& b = before.is_object() ? before : empty;
  const json& a = after.is_object() ? after : empty;
  std::set<std::string> keys;
  for (auto it = b.begin(); it != b.end(); ++it) keys.insert(it.key());
  for (auto it = a.begin(); it != a.end(); ++it) keys.insert(it.key());
  for (const std::string& k : keys) {
    json bv = b.contains(k) ? b[k] : json(nullptr);
    json av = a.contains(k) ? a[k] : json(nullptr);
    if (bv == av) continue;
    if ((bv.is_array() || bv.is_null()) && (av.is_array() || av.is_null()) &&
        (bv.is_array() || av.is_array())) {
      json added = json::array(), removed = json::array();
      if (av.is_array()) {
        for (const json& e : av) {
          if (!bv.is_array() || std::find(bv.begin(), bv.end(), e) == bv.end()) added.push_back(e);
        }
      }
      if (bv.is_array()) {
        for (const json& e : bv) {
          if (!av.is_array() || std::find(av.begin(), av.end(), e) == av.end()) {
            removed.push_back(e);
          }
        }
      }
      if (added.empty() && removed.empty()) continue;  // same set, other order
      out.push_back({{"field", k}, {"added", added}, {"removed", removed}});
    } else {
      out.push_back({{"field", k}, {"before", bv}, {"after", av}});
    }
  }
  return out;
}

}  // namespace vigil::model
