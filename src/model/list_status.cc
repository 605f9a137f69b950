// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/list_status.h"

#include <fmt/core.h>

#include <charconv>
#include <ctime>

#include "util/file.h"

namespace vigil::model {
namespace {

using nlohmann::json;

// Reads `n` digits at s[*i] into *v.
bool Digits(const std::string& s, size_t* i, size_t n, int* v) {
  if (*i + n > s.size()) return false;
  auto [p, ec] = std::from_chars(s.data() + *i, s.data() + *i + n, *v);
  if (ec != std::errc() || p != s.data() + *i + n) return false;
  *i += n;
  return true;
}

std::string IsoDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

std::string IsoTime(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  return std::string(buf, std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm));
}

std::string IsoTimeMillis(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const int64_t ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const auto whole = system_clock::time_point(seconds(ms / 1000));
  std::string s = IsoTime(whole);
  s.pop_back();  // the 'Z'
  return s + fmt::format(".{:03d}Z", static_cast<int>(ms % 1000));
}

std::string SampleWarning(size_t entities) {
  return fmt::format(
      "Screened against the bundled {}-entry SAMPLE list, not the official sanctions lists: a "
      "name without a match here may still be listed. Get the official lists with `vigil "
      "fetch` (stored in the data folder and used by every command from then on).",
      entities);
}

int64_t AgeSeconds(const std::string& published, std::chrono::system_clock::time_point now) {
  std::tm tm{};
  size_t i = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(published, &i, 4, &year) || i >= published.size() || published[i++] != '-' ||
      !Digits(published, &i, 2, &month) || i >= published.size() || published[i++] != '-' ||
      !Digits(published, &i, 2, &day)) {
    return -1;
  }
  if (i < published.size() && (published[i] == 'T' || published[i] == ' ')) {
    ++i;
    if (!Digits(published, &i, 2, &hour) || i >= published.size() || published[i++] != ':' ||
        !Digits(published, &i, 2, &minute)) {
      return -1;
    }
    if (i < published.size() && published[i] == ':' && (++i, !Digits(published, &i, 2, &second))) {
      return -1;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return -1;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  // In seconds (time_t): a date centuries ahead ("3017-08-22", as the DPL has) must not
  // overflow the clock's nanoseconds.
  const std::time_t then = timegm(&tm);
  const std::time_t at = std::chrono::system_clock::to_time_t(now);
  if (then == static_cast<std::time_t>(-1)) return -1;
  if (then >= at) return 0;
  return static_cast<int64_t>(at - then);
}

long AgeDays(const std::string& published, std::chrono::system_clock::time_point now) {
  int64_t seconds = AgeSeconds(published, now);
  return seconds < 0 ? -1 : static_cast<long>(seconds / 86400);
}

std::string ListsVersion(const std::vector<LoadedList>& lists) {
  std::string hashes;
  for (const LoadedList& l : lists) {
    hashes += l.info.source;
    for (const SourceFile& f : l.info.files) hashes += ":" + f.sha256;
    hashes += "\n";
  }
  return util::Sha256Hex(hashes).substr(0, 12);
}

ListsStatus GetListsStatus(const std::vector<LoadedList>& lists, long max_age_days,
                           std::chrono::system_clock::time_point now) {
  ListsStatus out;
  out.max_age_days = max_age_days;
  std::vector<std::string> list_warnings;
  size_t sample_entities = 0;
  for (const LoadedList& l : lists) {
    const ListInfo& info = l.info;
    ListStatus st;
    st.source = info.source;
    st.title = info.title;
    st.published = info.published;
    st.published_source = info.published_source;
    st.age_days = AgeDays(info.published, now);
    if (st.age_days >= 0) st.version = info.published.substr(0, 10);
    st.sample = info.sample;
    const std::string today = IsoDate(now);
    for (const Entity& e : l.entities) {
      for (const std::string* d : {&e.listed_on, &e.updated_on}) {
        // ISO dates sort as text; one that does not parse or lies ahead is left out.
        if (d->size() < 10 || d->compare(0, 10, st.newest_entry) <= 0) continue;
        std::string day = d->substr(0, 10);
        if (AgeDays(day, now) < 0 || day > today) continue;
        st.newest_entry = std::move(day);
      }
    }
    st.incomplete = info.incomplete;
    if (st.sample) {
      out.sample = true;
      sample_entities += l.entities.size();
    }
    if (max_age_days > 0 && st.age_days > max_age_days) {
      st.stale = true;
      st.warnings.push_back(fmt::format(
          "published {} ({}), {} days ago: older than the limit of {} days (--max-list-age, "
          "config max_list_age); fetch the current list",
          st.version, st.published_source == "file" ? "stated in the file" : "the file's date",
          st.age_days, max_age_days));
    } else if (st.age_days < 0) {
      st.warnings.push_back("publication date unknown: the list's age cannot be checked");
    }
    for (const std::string& m : st.incomplete) st.warnings.push_back(m);
    for (const std::string& w : st.warnings) list_warnings.push_back(st.source + ": " + w);
    out.lists.push_back(std::move(st));
  }
  out.files_version = ListsVersion(lists);
  if (out.sample) out.warnings.push_back(SampleWarning(sample_entities));
  for (std::string& w : list_warnings) out.warnings.push_back(std::move(w));
  return out;
}

json ToJson(const ListStatus& l) {
  json j{{"source", l.source},
         {"title", l.title},
         {"version", l.version},
         {"published", l.published},
         {"published_source", l.published_source},
         {"sample", l.sample},
         {"stale", l.stale},
         {"newest_entry", l.newest_entry},
         {"incomplete", l.incomplete},
         {"warnings", l.warnings}};
  j["age_days"] = l.age_days >= 0 ? json(l.age_days) : json(nullptr);
  return j;
}

json ToJson(const ListsStatus& status) {
  json lists = json::array();
  for (const ListStatus& l : status.lists) lists.push_back(ToJson(l));
  return json{
      {"lists", std::move(lists)}, {"sample", status.sample}, {"warnings", status.warnings}};
}

std::string ListsVersionString(const ListsStatus& status) {
  std::string out = status.sample ? "SAMPLE, not the official lists: " : "";
  for (size_t i = 0; i < status.lists.size(); ++i) {
    const ListStatus& l = status.lists[i];
    if (i > 0) out += "; ";
    out += l.source + " " + (l.version.empty() ? "undated" : l.version);
    if (l.published_source == "file_date") out += " (file date)";
    if (l.stale) out += fmt::format(" STALE {} days", l.age_days);
    if (!l.incomplete.empty()) {
      out += " INCOMPLETE:";
      for (size_t k = 0; k < l.incomplete.size(); ++k) {
        const std::string& m = l.incomplete[k];
        out += (k > 0 ? ", " : " ") + m.substr(0, m.find(" missing")) + " missing";
      }
    }
  }
  if (!status.files_version.empty()) out += " [" + status.files_version + "]";
  return out;
}

std::string DescribeList(const ListStatus& l) {
  std::string out = l.source + (l.sample ? " (SAMPLE)" : "") + " — ";
  if (l.age_days < 0) return out + "publication date unknown";
  return out + fmt::format("version {}, published {} ({}), {} day{} old", l.version, l.published,
                           l.published_source == "file" ? "stated in the file" : "file date",
                           l.age_days, l.age_days == 1 ? "" : "s");
}

}  // namespace vigil::model
