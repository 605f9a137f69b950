// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "screen/query.h"

#include <fmt/core.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "model/country.h"
#include "model/date.h"
#include "util/strings.h"

namespace vigil::screen {
namespace {

using nlohmann::json;

// `value` between single quotes for a message, control characters shown as '?'. Only
// called on text that passed CheckQueryText.
std::string Quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  out.push_back('\'');
  return out;
}

std::string At(std::string_view where, std::string_view field) {
  return where.empty() ? std::string(field) : fmt::format("{}.{}", where, field);
}

// The member's text: true with *out for a string, true with "" for null or absence, false
// with *error for anything else.
bool JsonText(const json& object, std::string_view where, const char* field, std::string* out,
              std::string* error) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *error = fmt::format("{} must be a string, not {}", At(where, field), JsonTypeName(*it));
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

}  // namespace

std::string_view JsonTypeName(const json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  return "an object";
}

bool CheckQueryText(std::string_view value, std::string_view label, size_t max_bytes,
                    std::string* error) {
  // The length first: a name of megabytes is refused without reading it.
  if (value.size() > max_bytes) {
    *error = fmt::format("{} is longer than {} bytes", label, max_bytes);
    return false;
  }
  if (value.find('\0') != std::string_view::npos) {
    *error = fmt::format("{} holds a NUL character", label);
    return false;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(value.data());
  const auto len = static_cast<int32_t>(value.size());
  for (int32_t i = 0; i < len;) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0) {
      *error = fmt::format("{} is not valid UTF-8 (byte 0x{:02X} at offset {}; wrong encoding?)",
                           label, p[start], start);
      return false;
    }
  }
  return true;
}

bool SetQueryName(std::string_view value, std::string_view label, Query* q, std::string* error) {
  if (!CheckQueryText(value, label, kMaxNameBytes, error)) return false;
  q->name = std::string(value);
  return true;
}

bool SetQueryKind(std::string_view value, std::string_view label, Query* q, std::string* error) {
  if (!CheckQueryText(value, label, kMaxFieldBytes, error)) return false;
  std::string_view t = util::Trim(value);
  if (t.empty() || util::AsciiLower(t) == "any") {
    q->kind = EntityKind::kUnknown;
    return true;
  }
  EntityKind kind = ParseEntityKind(t);
  if (kind == EntityKind::kUnknown) {
    *error = fmt::format("{} must be person, organization, vessel, aircraft or any, not {}", label,
                         Quoted(t));
    return false;
  }
  q->kind = kind;
  return true;
}

bool SetQueryDob(std::string_view value, std::string_view label, Query* q, std::string* error) {
  if (!CheckQueryText(value, label, kMaxFieldBytes, error)) return false;
  std::string_view t = util::Trim(value);
  if (t.empty()) {
    q->dob.clear();
    return true;
  }
  // ParseDate reads 01/08/1984 as the lists' month/day/year, but a person typing a query
  // may mean 1 August: refuse the form rather than guess.
  if (t.find('/') != std::string_view::npos) {
    *error = fmt::format(
        "{} {} is ambiguous (day/month or month/day?): write it as YYYY-MM-DD, YYYY-MM or YYYY",
        label, Quoted(t));
    return false;
  }
  PartialDate d;
  if (!model::ParseDate(t, &d)) {
    *error = fmt::format("{} {} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", label, Quoted(t));
    return false;
  }
  q->dob = std::string(t);
  return true;
}

bool SetQueryCountry(std::string_view value, std::string_view label, Query* q, std::string* error) {
  if (!CheckQueryText(value, label, kMaxFieldBytes, error)) return false;
  std::string_view t = util::Trim(value);
  if (t.empty()) {
    q->country.clear();
    return true;
  }
  std::string code = model::CountryCode(t);
  if (code.empty()) {
    *error =
        fmt::format("{} {} is not a known country (ISO code or English name)", label, Quoted(t));
    return false;
  }
  q->country = std::move(code);
  return true;
}

bool AddQueryIdentifier(std::string_view value, std::string_view label, Query* q,
                        std::string* error) {
  if (!CheckQueryText(value, label, kMaxFieldBytes, error)) return false;
  if (util::Trim(value).empty()) return true;
  if (q->identifiers.size() >= kMaxIdentifiers) {
    *error = fmt::format("{}: more than {} identifiers in one query", label, kMaxIdentifiers);
    return false;
  }
  q->identifiers.emplace_back(value);
  return true;
}

bool CheckQueryHasName(const Query& q, std::string_view label, std::string* error) {
  if (!util::Trim(q.name).empty() || !q.identifiers.empty()) return true;
  *error = fmt::format("{} needs a name (or at least one identifier)", label);
  return false;
}

bool ReadJsonQuery(const json& object, const JsonQueryRules& rules, Query* q, std::string* id,
                   std::vector<QueryProblem>* problems) {
  const size_t before = problems->size();
  auto problem = [&](std::string message, bool fatal) {
    problems->push_back(QueryProblem{std::move(message), fatal, ""});
  };
  if (!object.is_object()) {
    problem(fmt::format("{} must be an object, not {}",
                        rules.where.empty() ? "the query" : rules.where, JsonTypeName(object)),
            true);
    return false;
  }
  const std::string_view where = rules.where;
  for (const auto& [key, value] : object.items()) {
    static constexpr std::string_view kFields[] = {"name",       "kind",    "type",       "dob",
                                                   "birth_date", "country", "identifiers"};
    bool known = std::find(std::begin(kFields), std::end(kFields), key) != std::end(kFields) ||
                 (rules.read_id && key == "id") ||
                 std::find(rules.also_allowed.begin(), rules.also_allowed.end(), key) !=
                     rules.also_allowed.end();
    if (!known) {
      problems->push_back(QueryProblem{
          fmt::format(
              "unknown field {}: a query has name, kind, dob, country, identifiers and id{}",
              json(At(where, key)).dump(-1, ' ', false, json::error_handler_t::replace),
              rules.also_allowed_note),
          false, key});
    }
  }
  std::string error, text;
  bool bad_name = false;
  // Each field: the JSON type, then the value. A bad name makes the query unusable.
  auto field = [&](const char* name, auto set) {
    text.clear();
    if (!JsonText(object, where, name, &text, &error) || !set(text, At(where, name))) {
      bool is_name = name == std::string_view("name");
      bad_name = bad_name || is_name;
      problem(error, is_name);
    }
  };
  // kind, or its alias type when kind is absent; the same for dob and birth_date.
  auto alias = [&](const char* a, const char* b) {
    auto it = object.find(a);
    return it != object.end() && !it->is_null() ? a : b;
  };
  field("name",
        [&](std::string_view v, std::string_view l) { return SetQueryName(v, l, q, &error); });
  field(alias("kind", "type"),
        [&](std::string_view v, std::string_view l) { return SetQueryKind(v, l, q, &error); });
  field(alias("dob", "birth_date"),
        [&](std::string_view v, std::string_view l) { return SetQueryDob(v, l, q, &error); });
  field("country",
        [&](std::string_view v, std::string_view l) { return SetQueryCountry(v, l, q, &error); });
  if (rules.read_id && id != nullptr) {
    field("id", [&](std::string_view v, std::string_view l) {
      if (!CheckQueryText(v, l, kMaxFieldBytes, &error)) return false;
      *id = std::string(v);
      return true;
    });
  }
  if (auto it = object.find("identifiers"); it != object.end() && !it->is_null()) {
    const std::string label = At(where, "identifiers");
    if (!it->is_array()) {
      problem(fmt::format("{} must be an array of strings, not {}", label, JsonTypeName(*it)),
              false);
    } else {
      if (it->size() > kMaxIdentifiers) {
        problem(fmt::format("{} has more than {} entries", label, kMaxIdentifiers), false);
      }
      for (size_t i = 0; i < it->size() && i < kMaxIdentifiers; ++i) {
        const json& v = (*it)[i];
        std::string item = fmt::format("{}[{}]", label, i);
        if (!v.is_string()) {
          problem(fmt::format("{} must be a string of at most {} bytes, not {}", item,
                              kMaxFieldBytes, JsonTypeName(v)),
                  false);
        } else if (!AddQueryIdentifier(v.get_ref<const std::string&>(), item, q, &error)) {
          problem(error, false);
        }
      }
    }
  }
  if (!bad_name && !CheckQueryHasName(*q, At(where, "name"), &error)) problem(error, true);
  return problems->size() == before;
}

}  // namespace vigil::screen
