// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// A party: one of the user's own counterparties (customer, vendor, contractor, applicant),
// keyed by the user's id. Parties are imported from JSONL (one record per line) or CSV and
// kept in the case store (src/store) with every version. The JSONL record:
//
//   {"id": "P-000123", "kind": "person"|"organization"|"vessel"|"aircraft", "name": "...",
//    "aliases": ["..."], "dob": "1990-05-01", "nationality": "US", "country": "US",
//    "addresses": [{"kind": "home"|"shipping"|"registered"|"office", "street": "...",
//                   "city": "...", "postal_code": "...", "country": "US"}],
//    "identifiers": [{"type": "email"|"phone"|"website"|"wallet"|"bank_account"|
//                     "payment_account"|"passport"|"national_id"|"registration"|"imo"|
//                     "photo_hash"|"device", "value": "...", "holder": "...",
//                     "country": "CN", "currency": "USDT"}],
//    "logins": [{"ip": "1.2.3.4", "time": "2026-03-05T16:37:00Z"}],
//    "remote_access": ["rdp", "anydesk"], "tags": ["contractor"]}
//
// Only "id" and "name" are required. Fields this program does not know are kept (in
// Party::record) and stored, never dropped.

#ifndef VIGIL_MODEL_PARTY_H_
#define VIGIL_MODEL_PARTY_H_

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/entity.h"
#include "vigil/status.h"

namespace vigil::model {

struct PartyAddress {
  std::string kind;  // home, shipping, registered, office (or empty)
  std::string street, city, postal_code, country;
};

struct PartyIdentifier {
  std::string type;  // email, phone, website, wallet, bank_account, payment_account, passport,
                     // national_id, registration, imo, photo_hash, device
  std::string value;
  std::string holder;    // who holds the account, when not the party
  std::string country;   // ISO 3166-1 alpha-2
  std::string currency;  // "USDT", ...
};

struct PartyLogin {
  std::string ip;
  std::string time;  // ISO 8601
};

struct Party {
  std::string id;
  EntityKind kind = EntityKind::kUnknown;
  std::string name;
  std::vector<std::string> aliases;
  std::string dob;          // "YYYY-MM-DD", "YYYY-MM" or "YYYY"
  std::string nationality;  // ISO 3166-1 alpha-2
  std::string country;      // of residence / registration, ISO 3166-1 alpha-2
  std::vector<PartyAddress> addresses;
  std::vector<PartyIdentifier> identifiers;
  std::vector<PartyLogin> logins;
  std::vector<std::string> remote_access;
  std::vector<std::string> tags;
  // The whole record as read, unknown fields included (nested ones too), as a JSON object.
  // ToJson() returns it; the typed fields above are read from it.
  nlohmann::json record = nlohmann::json::object();
  // The store's version number of this record when it was read from the case store
  // (store::Store::ForEachParty); 0 otherwise. Not part of the record.
  int64_t stored_version = 0;
};

// Reads a party from a JSON object. An error names the field ("dob: '1984-02-30' is not a
// date"); the caller adds the file and line. Problems that do not make the record unusable
// (an unknown identifier type, an unknown address kind) are appended to *warnings and the
// record is kept as given.
Status ParseParty(const nlohmann::json& j, Party* out, std::vector<std::string>* warnings);
// The same from one line of JSONL (rejects invalid JSON, duplicate keys, a non-object).
Status ParsePartyLine(std::string_view line, Party* out, std::vector<std::string>* warnings);

// The record as stored and shown: Party::record (keys sorted, as nlohmann::json keeps them).
const nlohmann::json& ToJson(const Party& p);

// The fields a screening uses, as one JSON object: kind, name, aliases, dob, nationality,
// country and the identifiers' (type, value). Two versions of a party whose screened fields
// are equal screen alike; ScreenedHash() of them is what an alert stores for the party.
nlohmann::json ScreenedFields(const Party& p);

// Lower-case hex SHA-256 of j.dump() (nlohmann::json sorts object keys, so equal objects
// hash alike). Used for a party's screened fields and a listed entity's record.
std::string JsonHash(const nlohmann::json& j);

// What changed between two JSON objects, field by field (top-level keys; arrays are
// compared as sets of elements): [{"field": "dob", "before": "1990-01-01", "after":
// "1991-01-01"}, {"field": "aliases", "added": ["X"], "removed": []}, ...]. Empty array
// when equal. Shown in alerts that re-open a suppressed pair.
nlohmann::json FieldDiff(const nlohmann::json& before, const nlohmann::json& after);

// One record of a party file, as ReadParties() hands it over.
struct PartyLine {
  size_t line = 0;                    // 1-based line the record starts on
  Status status;                      // not OK: the record is unusable; the message names the field
  Party party;                        // when status is OK
  std::vector<std::string> warnings;  // naming the field, like errors
};

// Reads JSONL (one party a line; blank lines skipped) into *out, one PartyLine per record,
// good or bad. The caller reports "FILE:LINE: message" for each bad one.
void ReadPartiesJsonl(std::string_view text, std::vector<PartyLine>* out);

// Reads CSV with a header row. Columns (header names case-insensitive, in any order):
//   id, kind, name, dob, nationality, country: as in the JSONL record;
//   aliases, tags, remote_access: values separated by ';';
//   one column per identifier type (email, phone, website, wallet, bank_account,
//   payment_account, passport, national_id, registration, imo, photo_hash, device):
//   ';'-separated values;
//   street, city, postal_code, address_country, address_kind: one address.
// Any other column is kept in the record as a string (empty cells are left out). Fails
// (naming `file_name` and the line) only when the file itself is unusable: no header, a
// header without id or name, a column named twice, a quote left open; a bad row is a bad
// PartyLine.
Status ReadPartiesCsv(std::string_view text, std::string_view file_name,
                      std::vector<PartyLine>* out);

}  // namespace vigil::model

#endif  // VIGIL_MODEL_PARTY_H_
