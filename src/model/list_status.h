// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// What every answer says about the lists it screened against: per list its version,
// publication date (and whether the file states it or it is the file's date), age, and
// what is missing; and, in words, the warnings an analyst must not miss: the bundled
// sample instead of the official lists, a list older than the age limit, a list loaded
// without a companion file.
//
//   model::ListsStatus st = model::GetListsStatus(screener.lists(), max_age_days, now);
//   for (const std::string& w : st.warnings) std::cerr << "vigil: warning: " << w << "\n";
//   nlohmann::json j = model::ToJson(st);  // {"lists": [...], "sample": ..., "warnings": [...]}
//
// Ages change with the clock, so a status is computed when an answer is given.

#ifndef VIGIL_MODEL_LIST_STATUS_H_
#define VIGIL_MODEL_LIST_STATUS_H_

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vigil/list.h"

namespace vigil::model {

// A list published longer ago than this many days is a warning (--max-list-age, config
// max_list_age). OFAC and the UN change their lists several times a month; 45 days leaves
// room for a missed monthly update before every answer says the list is old.
inline constexpr long kDefaultMaxListAgeDays = 45;

// The sample's warning, as every answer words it ("Screened against the bundled 40-entry
// SAMPLE list, not the official lists ... run `vigil fetch`").
std::string SampleWarning(size_t entities);

struct ListStatus {
  std::string source;
  std::string title;
  std::string version;           // the publication date, YYYY-MM-DD (empty when unknown)
  std::string published;         // ListInfo::published
  std::string published_source;  // "file" or "file_date" (ListInfo::published_source)
  long age_days = -1;            // whole days from `published` to now; -1 when unknown
  // The latest listing or update date of any entry (YYYY-MM-DD, not after now), empty when
  // the list has none: a list dated by its file ("file_date") holds nothing newer than this.
  std::string newest_entry;
  bool sample = false;                  // the bundled sample, not an official list
  bool stale = false;                   // age_days > the age limit
  std::vector<std::string> incomplete;  // ListInfo::incomplete
  std::vector<std::string> warnings;    // this list's warnings in words (age, missing parts)
};

// The version of a set of loaded lists that every answer carries (the API's
// `lists_version`): the first 12 hex digits of SHA-256 over each list's source and file
// hashes.
std::string ListsVersion(const std::vector<LoadedList>& lists);

struct ListsStatus {
  std::vector<ListStatus> lists;
  bool sample = false;    // any list is the sample
  long max_age_days = 0;  // the limit the ages were checked against
  // The exact files: the first 12 hex digits of SHA-256 over every list's source and file
  // hashes, as the API's `lists_version`.
  std::string files_version;
  // Every warning in words, the sample's first, then each list's (source-prefixed).
  std::vector<std::string> warnings;
};

// Days from `published` (an ISO 8601 date or date-time, "2026-02-27" or
// "2026-02-27T00:00:09.554Z", read as UTC) to `now`; -1 when it does not parse. A date in
// the future is 0 days old.
long AgeDays(const std::string& published, std::chrono::system_clock::time_point now);
// The same in seconds.
int64_t AgeSeconds(const std::string& published, std::chrono::system_clock::time_point now);

// `t` in the form the two functions above read, UTC: "2026-11-29T09:17:59Z", and with
// milliseconds, "2026-11-29T09:17:59.123Z" (the audit trail's and the store's times).
std::string IsoTime(std::chrono::system_clock::time_point t);
std::string IsoTimeMillis(std::chrono::system_clock::time_point t);

// The status of `lists` at `now`; ages over `max_age_days` are warnings (0 or less: no
// limit).
ListsStatus GetListsStatus(const std::vector<LoadedList>& lists, long max_age_days,
                           std::chrono::system_clock::time_point now);

// {"lists": [{"source", "title", "version", "published", "published_source", "age_days",
// "sample", "stale", "incomplete", "warnings"}], "sample": bool, "warnings": [...]}.
// age_days is null when unknown; published/published_source empty strings when unknown.
nlohmann::json ToJson(const ListsStatus& status);
nlohmann::json ToJson(const ListStatus& list);

// The lists' version in one line, for a batch output column or field (`lists_version`):
// per list "source YYYY-MM-DD", "(file date)" when the date is the file's, and markers for
// what to distrust: "STALE n days", "INCOMPLETE: alt.csv missing"; lists joined by "; ";
// then the files' version in brackets. Starts with "SAMPLE, not the official lists: " when
// the sample was screened.
//   "us_ofac_sdn 2024-05-03 (file date); un_sc 2026-02-27 STALE 275 days [5cf33ca59f75]"
std::string ListsVersionString(const ListsStatus& status);

// One line per list for people: "us_ofac_sdn — version 2024-05-03, published
// 2024-05-03T14:02:11Z (file date), 3 days old".
std::string DescribeList(const ListStatus& list);

}  // namespace vigil::model

#endif  // VIGIL_MODEL_LIST_STATUS_H_
