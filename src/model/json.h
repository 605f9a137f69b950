// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// JSON forms of the model, shared by the CLI (--json), the batch output and, later, the
// HTTP API. Field names are snake_case and stable; empty fields are left out.

#ifndef VIGIL_MODEL_JSON_H_
#define VIGIL_MODEL_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/entity.h"
#include "vigil/list.h"
#include "vigil/screen.h"

namespace vigil::model {

nlohmann::json ToJson(const Entity& e);
// Appends ToJson(e).dump(-1, ' ', false, error_handler_t::replace), byte for byte, without
// building a document: the entity digests of every list version (store/rescreen.h) hash it.
void AppendJson(const Entity& e, std::string* out);
nlohmann::json ToJson(const ListInfo& info);
// A match as the batch output and the API show it: id, name, score, decision, matched name
// and kind, list (and list_name), the party's other records (also_on: id, list, list_name,
// name; left out when none), attribute and identifier evidence, and (when `explain`) the
// token alignment.
nlohmann::json ToJson(const Match& m, bool explain);

// Appends ToJson(m, explain).dump(-1, ' ', false, error_handler_t::replace), byte for byte,
// without building a document: the API's and the batch output's hot path (about 20 times
// faster for ten explained matches).
void AppendJson(const Match& m, bool explain, std::string* out);
// Parses `text` as JSON, refusing a key given twice in one object (which nlohmann::json
// would silently resolve to the last value). False on failure: *duplicate_key is then the
// key given twice, or empty and *error is the parser's message without its
// "[json.exception...]" tag ("parse error at line 1, column 2: ..."; a number beyond
// double's range is one too). A set of keys per open object: many keys cost linear time.
bool ParseJsonStrict(std::string_view text, nlohmann::json* out, std::string* duplicate_key,
                     std::string* error);

// Appends `s` as a JSON string, as nlohmann::json dumps it (invalid UTF-8 replaced).
void AppendJsonString(std::string_view s, std::string* out);
// Writes the compact form nlohmann::json dumps, without building a document. The caller
// gives the keys of each object in nlohmann's order (std::map: bytewise).
//
//   JsonWriter w(&out);
//   w.Open('{'); w.Key("a"); w.String("x"); w.Put("b", maybe_empty); w.Close('}');
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}
  void Open(char c) {  // '{' or '['
    Separate();
    out_->push_back(c);
    first_ = true;
  }
  void Close(char c) {  // '}' or ']'
    out_->push_back(c);
    first_ = false;
  }
  void Key(std::string_view k) {
    Separate();
    AppendJsonString(k, out_);
    out_->push_back(':');
    first_ = true;  // the value follows without a comma
  }
  void String(std::string_view v) {
    Separate();
    AppendJsonString(v, out_);
  }
  void Bool(bool b) {
    Separate();
    out_->append(b ? "true" : "false");
  }
  // "key":"value", left out when the value is empty.
  void Put(std::string_view k, std::string_view v) {
    if (v.empty()) return;
    Key(k);
    String(v);
  }
  // "key":["v", ...].
  void Strings(std::string_view k, const std::vector<std::string>& v) {
    Key(k);
    Open('[');
    for (const std::string& x : v) String(x);
    Close(']');
  }

 private:
  void Separate() {
    if (!first_) out_->push_back(',');
    first_ = false;
  }
  std::string* out_;
  bool first_ = true;
};

// Appends `x` as nlohmann::json dumps a double (round-trip form, "1.0" not "1"; NaN and
// infinities as null).
void AppendJsonNumber(double x, std::string* out);

}  // namespace vigil::model

#endif  // VIGIL_MODEL_JSON_H_
