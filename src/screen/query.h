// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Checking a screening query: one set of rules for every front end (`vigil screen NAME`,
// batch files, POST /v1/screen and GET /v1/search). A front end hands each field it read
// (a command-line option, a CSV column, a JSON member) to the function for that field,
// which stores the checked value in the Query or says what is wrong with it, naming the
// field as the front end calls it (`label`: "--dob", "queries[2].dob", "dob").
//
// What is refused, everywhere:
//   text that is longer than its limit, holds a NUL byte or is not UTF-8;
//   a kind other than person, organization, vessel, aircraft or any;
//   a date ParseDate does not read, one that does not exist (1984-02-30) and any date
//   written with slashes (08/01/1984: 1 August or 8 January?);
//   a country that is neither an ISO 3166-1 code nor a known name;
//   more than kMaxIdentifiers identifiers;
//   a query with neither a name nor an identifier;
//   in JSON, a member that is not a query field, and a field that is not a string.
//
// Thread-safe (no state).

#ifndef VIGIL_SCREEN_QUERY_H_
#define VIGIL_SCREEN_QUERY_H_

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/screen.h"

namespace vigil::screen {

inline constexpr size_t kMaxNameBytes = 1000;  // a name
inline constexpr size_t kMaxFieldBytes = 200;  // kind, dob, country, an identifier, an id
inline constexpr size_t kMaxIdentifiers = 20;  // identifiers in one query

// Each Set function checks `value` and stores it in *q, or returns false with *error
// ("<label> <what is wrong>") and leaves *q unchanged. Values are taken as given (no
// trimming), except that a blank kind, date or country means "not given".

// The name, as is (blank is allowed here; see CheckQueryHasName).
bool SetQueryName(std::string_view value, std::string_view label, Query* q, std::string* error);
// Query::kind from "person", "organization", "vessel", "aircraft" (and the list words
// individual, entity, company ...); "any" means any kind.
bool SetQueryKind(std::string_view value, std::string_view label, Query* q, std::string* error);
// Query::dob: YYYY-MM-DD, YYYY-MM, YYYY or a date with the month in words (8 January 1984).
bool SetQueryDob(std::string_view value, std::string_view label, Query* q, std::string* error);
// Query::country: the ISO 3166-1 alpha-2 code of a code or country name.
bool SetQueryCountry(std::string_view value, std::string_view label, Query* q, std::string* error);
// Appends an identifier; a blank one is passed over. Refused past kMaxIdentifiers.
bool AddQueryIdentifier(std::string_view value, std::string_view label, Query* q,
                        std::string* error);
// Text the caller echoes back (a query id): at most kMaxFieldBytes of UTF-8, no NUL.
bool CheckQueryText(std::string_view value, std::string_view label, size_t max_bytes,
                    std::string* error);
// A query needs a name that is not blank or at least one identifier.
bool CheckQueryHasName(const Query& q, std::string_view label, std::string* error);

// One problem found by ReadJsonQuery.
struct QueryProblem {
  std::string message;  // names the field, e.g. "queries[2].dob 'yesterday' is not a date ..."
  // The query cannot be screened (bad or missing name and no identifier; not an object).
  // Otherwise only the field named was left out of the query.
  bool fatal = false;
  std::string unknown_field;  // set when the problem is a member that is not a query field
};

struct JsonQueryRules {
  std::string_view where;  // the object's path in messages ("queries[3]"), "" at the top
  // Further members the caller reads itself (the API's options, a batch line's "qid").
  std::vector<std::string_view> also_allowed;
  std::string_view also_allowed_note;  // added to the unknown-member message
  bool read_id = true;                 // "id" is a query member (a string), read into *id
};

// Reads a query object {name, kind (or type), dob (or birth_date), country, identifiers,
// id} into *q and *id, checking every member with the functions above. Appends each
// problem to *problems, in the order: unknown members, then the fields; a field with a
// problem is left out. A null member is an absent one. Returns true when nothing was
// appended.
bool ReadJsonQuery(const nlohmann::json& object, const JsonQueryRules& rules, Query* q,
                   std::string* id, std::vector<QueryProblem>* problems);

// "a string", "an array", ... for messages.
std::string_view JsonTypeName(const nlohmann::json& value);

}  // namespace vigil::screen

#endif  // VIGIL_SCREEN_QUERY_H_
