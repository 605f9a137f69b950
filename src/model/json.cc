// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/json.h"

#include <unicode/utf8.h>

#include <cmath>
#include <unordered_set>
#include <vector>

namespace vigil::model {
namespace {

using nlohmann::json;

void Put(json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

double Round(double x) { return std::round(x * 1e6) / 1e6; }

}  // namespace

json ToJson(const Entity& e) {
  json j;
  j["id"] = e.id;
  j["source"] = e.source;
  j["source_id"] = e.source_id;
  j["kind"] = std::string(ToString(e.kind));
  j["name"] = e.primary_name();
  json names = json::array();
  for (const Name& n : e.names) {
    json x{{"name", n.full}, {"kind", std::string(ToString(n.kind))}};
    Put(x, "family", n.family);
    Put(x, "given", n.given);
    names.push_back(std::move(x));
  }
  j["names"] = std::move(names);
  if (!e.programs.empty()) j["programs"] = e.programs;
  if (!e.addresses.empty()) {
    json a = json::array();
    for (const Address& x : e.addresses) {
      json o = json::object();
      Put(o, "street", x.street);
      Put(o, "city", x.city);
      Put(o, "region", x.region);
      Put(o, "postal_code", x.postal_code);
      Put(o, "country", x.country);
      Put(o, "country_name", x.country_name);
      Put(o, "note", x.note);
      a.push_back(std::move(o));
    }
    j["addresses"] = std::move(a);
  }
  if (!e.countries.empty()) {
    json a = json::array();
    for (const CountryLink& c : e.countries) {
      json o{{"role", std::string(ToString(c.role))}, {"name", c.name}};
      Put(o, "code", c.code);
      a.push_back(std::move(o));
    }
    j["countries"] = std::move(a);
  }
  if (!e.birth_dates.empty()) {
    json a = json::array();
    for (const BirthDate& b : e.birth_dates) {
      json o{{"date", b.from.ToString()}, {"text", b.text}};
      if (!b.to.empty()) o["to"] = b.to.ToString();
      if (b.circa) o["circa"] = true;
      a.push_back(std::move(o));
    }
    j["birth_dates"] = std::move(a);
  }
  if (!e.birth_places.empty()) j["birth_places"] = e.birth_places;
  Put(j, "gender", e.gender);
  if (!e.titles.empty()) j["titles"] = e.titles;
  if (!e.identifiers.empty()) {
    json a = json::array();
    for (const Identifier& i : e.identifiers) {
      json o{{"kind", std::string(ToString(i.kind))}, {"type", i.type}, {"value", i.value}};
      Put(o, "country", i.country);
      Put(o, "currency", i.currency);
      Put(o, "note", i.note);
      a.push_back(std::move(o));
    }
    j["identifiers"] = std::move(a);
  }
  if (!e.relationships.empty()) {
    json a = json::array();
    for (const Relationship& r : e.relationships) {
      json o{{"relation", r.relation}, {"name", r.target_name}};
      Put(o, "id", r.target_id);
      Put(o, "field", r.field);
      Put(o, "text", r.text);
      a.push_back(std::move(o));
    }
    j["relationships"] = std::move(a);
  }
  Put(j, "listed_on", e.listed_on);
  Put(j, "updated_on", e.updated_on);
  Put(j, "remarks", e.remarks);
  if (!e.unparsed_remarks.empty()) j["unparsed_remarks"] = e.unparsed_remarks;
  if (!e.properties.empty()) {
    json a = json::array();
    for (const Property& p : e.properties) a.push_back({{"key", p.key}, {"value", p.value}});
    j["properties"] = std::move(a);
  }
  return j;
}

void AppendJson(const Entity& e, std::string* out) {
  JsonWriter w(out);
  w.Open('{');
  if (!e.addresses.empty()) {
    w.Key("addresses");
    w.Open('[');
    for (const Address& x : e.addresses) {
      w.Open('{');
      w.Put("city", x.city);
      w.Put("country", x.country);
      w.Put("country_name", x.country_name);
      w.Put("note", x.note);
      w.Put("postal_code", x.postal_code);
      w.Put("region", x.region);
      w.Put("street", x.street);
      w.Close('}');
    }
    w.Close(']');
  }
  if (!e.birth_dates.empty()) {
    w.Key("birth_dates");
    w.Open('[');
    for (const BirthDate& b : e.birth_dates) {
      w.Open('{');
      if (b.circa) {
        w.Key("circa");
        w.Bool(true);
      }
      w.Key("date");
      w.String(b.from.ToString());
      w.Key("text");
      w.String(b.text);
      if (!b.to.empty()) {
        w.Key("to");
        w.String(b.to.ToString());
      }
      w.Close('}');
    }
    w.Close(']');
  }
  if (!e.birth_places.empty()) w.Strings("birth_places", e.birth_places);
  if (!e.countries.empty()) {
    w.Key("countries");
    w.Open('[');
    for (const CountryLink& c : e.countries) {
      w.Open('{');
      w.Put("code", c.code);
      w.Key("name");
      w.String(c.name);
      w.Key("role");
      w.String(ToString(c.role));
      w.Close('}');
    }
    w.Close(']');
  }
  w.Put("gender", e.gender);
  w.Key("id");
  w.String(e.id);
  if (!e.identifiers.empty()) {
    w.Key("identifiers");
    w.Open('[');
    for (const Identifier& i : e.identifiers) {
      w.Open('{');
      w.Put("country", i.country);
      w.Put("currency", i.currency);
      w.Key("kind");
      w.String(ToString(i.kind));
      w.Put("note", i.note);
      w.Key("type");
      w.String(i.type);
      w.Key("value");
      w.String(i.value);
      w.Close('}');
    }
    w.Close(']');
  }
  w.Key("kind");
  w.String(ToString(e.kind));
  w.Put("listed_on", e.listed_on);
  w.Key("name");
  w.String(e.primary_name());
  w.Key("names");
  w.Open('[');
  for (const Name& n : e.names) {
    w.Open('{');
    w.Put("family", n.family);
    w.Put("given", n.given);
    w.Key("kind");
    w.String(ToString(n.kind));
    w.Key("name");
    w.String(n.full);
    w.Close('}');
  }
  w.Close(']');
  if (!e.programs.empty()) w.Strings("programs", e.programs);
  if (!e.properties.empty()) {
    w.Key("properties");
    w.Open('[');
    for (const Property& p : e.properties) {
      w.Open('{');
      w.Key("key");
      w.String(p.key);
      w.Key("value");
      w.String(p.value);
      w.Close('}');
    }
    w.Close(']');
  }
  if (!e.relationships.empty()) {
    w.Key("relationships");
    w.Open('[');
    for (const Relationship& r : e.relationships) {
      w.Open('{');
      w.Put("field", r.field);
      w.Put("id", r.target_id);
      w.Key("name");
      w.String(r.target_name);
      w.Key("relation");
      w.String(r.relation);
      w.Put("text", r.text);
      w.Close('}');
    }
    w.Close(']');
  }
  w.Put("remarks", e.remarks);
  w.Key("source");
  w.String(e.source);
  w.Key("source_id");
  w.String(e.source_id);
  if (!e.titles.empty()) w.Strings("titles", e.titles);
  if (!e.unparsed_remarks.empty()) w.Strings("unparsed_remarks", e.unparsed_remarks);
  w.Put("updated_on", e.updated_on);
  w.Close('}');
}

json ToJson(const ListInfo& info) {
  json j{{"source", info.source},
         {"title", info.title},
         {"format", info.format},
         {"rows", info.rows_read},
         {"load_seconds", Round(info.load_seconds)},
         {"unparsed_remarks", info.unparsed_remarks}};
  Put(j, "published", info.published);
  json files = json::array();
  for (const SourceFile& f : info.files) {
    files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"bytes", f.bytes}});
  }
  j["files"] = std::move(files);
  json warnings = json::array();
  for (const LoadWarning& w : info.warnings) {
    warnings.push_back({{"file", w.file}, {"line", w.line}, {"message", w.message}});
  }
  j["warnings"] = std::move(warnings);
  json truncation = json::array();  // signs of truncation accepted with accept_truncated
  for (const LoadWarning& w : info.truncation) {
    truncation.push_back({{"file", w.file}, {"line", w.line}, {"message", w.message}});
  }
  j["truncation"] = std::move(truncation);
  return j;
}

json ToJson(const Match& m, bool explain) {
  json j{{"id", m.entity->id},
         {"name", m.entity->primary_name()},
         {"score", Round(m.score)},
         {"kind", std::string(ToString(m.entity->kind))},
         {"list", m.entity->source},
         {"matched_name", m.matched_name},
         {"matched_name_kind", std::string(ToString(m.matched_kind))},
         {"decision", std::string(ToString(m.decision))}};
  if (!m.evidence.empty() || m.name_score != m.score) j["name_score"] = Round(m.name_score);
  if (!m.list_name.empty()) j["list_name"] = m.list_name;
  if (!m.also_on.empty()) {
    json also = json::array();
    for (const Listing& l : m.also_on) {
      also.push_back({{"id", l.entity->id},
                      {"list", l.entity->source},
                      {"list_name", l.list_name},
                      {"name", l.entity->primary_name()}});
    }
    j["also_on"] = std::move(also);
  }
  if (!m.evidence.empty()) {
    json ev = json::array();
    for (const Evidence& e : m.evidence) {
      ev.push_back({{"attribute", e.attribute},
                    {"query", e.query_value},
                    {"list", e.list_value},
                    {"effect", Round(e.effect)},
                    {"note", e.note}});
    }
    j["evidence"] = std::move(ev);
  }
  if (explain) {
    json tokens = json::array();
    for (const TokenMatch& t : m.tokens) {
      tokens.push_back({{"query", t.query_token},
                        {"list", t.list_token},
                        {"rule", t.rule},
                        {"similarity", Round(t.similarity)},
                        {"weight", Round(t.weight)}});
    }
    j["explanation"] = {{"tokens", std::move(tokens)}};
  }
  return j;
}

namespace {

// Whether `s` is plain for JSON: well-formed UTF-8 (ICU's U8_NEXT, as util::CheckUtf8
// reads it) with no byte that JSON escapes (controls, quote, backslash).
bool PlainJsonString(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t len = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < len;) {
    if (p[i] < 0x80) {
      if (p[i] < 0x20 || p[i] == '"' || p[i] == '\\') return false;
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0) return false;
  }
  return true;
}

void AppendKey(const char* key, std::string* out) {
  out->push_back('"');
  out->append(key);
  out->append("\":");
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  if (!PlainJsonString(s)) {
    out->append(json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace));
    return;
  }
  out->push_back('"');
  out->append(s);
  out->push_back('"');
}

void AppendJsonNumber(double x, std::string* out) {
  if (!std::isfinite(x)) {
    out->append("null");
    return;
  }
  // nlohmann's own conversion (Grisu2), as its serializer calls it.
  char buf[64];
  const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, x);
  out->append(buf, static_cast<size_t>(end - buf));
}

void AppendJson(const Match& m, bool explain, std::string* out) {
  // Keys in nlohmann::json's (sorted) order.
  const bool name_score = !m.evidence.empty() || m.name_score != m.score;
  out->push_back('{');
  if (!m.also_on.empty()) {
    out->append("\"also_on\":[");
    for (size_t i = 0; i < m.also_on.size(); ++i) {
      const Listing& l = m.also_on[i];
      if (i > 0) out->push_back(',');
      out->append("{\"id\":");
      AppendJsonString(l.entity->id, out);
      out->append(",\"list\":");
      AppendJsonString(l.entity->source, out);
      out->append(",\"list_name\":");
      AppendJsonString(l.list_name, out);
      out->append(",\"name\":");
      AppendJsonString(l.entity->primary_name(), out);
      out->push_back('}');
    }
    out->append("],");
  }
  out->append("\"decision\":\"");
  out->append(ToString(m.decision));
  out->push_back('"');
  if (!m.evidence.empty()) {
    out->append(",\"evidence\":[");
    for (size_t i = 0; i < m.evidence.size(); ++i) {
      const Evidence& e = m.evidence[i];
      if (i > 0) out->push_back(',');
      out->append("{\"attribute\":");
      AppendJsonString(e.attribute, out);
      out->append(",\"effect\":");
      AppendJsonNumber(Round(e.effect), out);
      out->append(",\"list\":");
      AppendJsonString(e.list_value, out);
      out->append(",\"note\":");
      AppendJsonString(e.note, out);
      out->append(",\"query\":");
      AppendJsonString(e.query_value, out);
      out->push_back('}');
    }
    out->push_back(']');
  }
  if (explain) {
    out->append(",\"explanation\":{\"tokens\":[");
    for (size_t i = 0; i < m.tokens.size(); ++i) {
      const TokenMatch& t = m.tokens[i];
      if (i > 0) out->push_back(',');
      out->append("{\"list\":");
      AppendJsonString(t.list_token, out);
      out->append(",\"query\":");
      AppendJsonString(t.query_token, out);
      out->append(",\"rule\":");
      AppendJsonString(t.rule, out);
      out->append(",\"similarity\":");
      AppendJsonNumber(Round(t.similarity), out);
      out->append(",\"weight\":");
      AppendJsonNumber(Round(t.weight), out);
      out->push_back('}');
    }
    out->append("]}");
  }
  out->push_back(',');
  AppendKey("id", out);
  AppendJsonString(m.entity->id, out);
  out->push_back(',');
  AppendKey("kind", out);
  AppendJsonString(ToString(m.entity->kind), out);
  out->push_back(',');
  AppendKey("list", out);
  AppendJsonString(m.entity->source, out);
  if (!m.list_name.empty()) {
    out->push_back(',');
    AppendKey("list_name", out);
    AppendJsonString(m.list_name, out);
  }
  out->push_back(',');
  AppendKey("matched_name", out);
  AppendJsonString(m.matched_name, out);
  out->push_back(',');
  AppendKey("matched_name_kind", out);
  AppendJsonString(ToString(m.matched_kind), out);
  out->push_back(',');
  AppendKey("name", out);
  AppendJsonString(m.entity->primary_name(), out);
  if (name_score) {
    out->push_back(',');
    AppendKey("name_score", out);
    AppendJsonNumber(Round(m.name_score), out);
  }
  out->push_back(',');
  AppendKey("score", out);
  AppendJsonNumber(Round(m.score), out);
  out->push_back('}');
}

bool ParseJsonStrict(std::string_view text, nlohmann::json* out, std::string* duplicate_key,
                     std::string* error) {
  using nlohmann::json;
  duplicate_key->clear();
  error->clear();
  std::vector<std::unordered_set<std::string>> keys;
  auto check = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      keys.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!keys.empty()) keys.pop_back();
    } else if (event == json::parse_event_t::key && !keys.empty() && duplicate_key->empty()) {
      const std::string& k = parsed.get_ref<const std::string&>();
      if (!keys.back().insert(k).second) *duplicate_key = k;
    }
    return true;
  };
  try {
    *out = json::parse(text, check);
  } catch (const json::exception& e) {
    std::string what = e.what();
    if (size_t p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    *error = what;
    duplicate_key->clear();
    return false;
  }
  return duplicate_key->empty();
}

}  // namespace vigil::model
