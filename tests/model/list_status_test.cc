// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/list_status.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

namespace vigil::model {
namespace {

using std::chrono::system_clock;

system_clock::time_point At(int year, int month, int day, int hour = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  return system_clock::from_time_t(timegm(&tm));
}

LoadedList List(std::string source, std::string published, std::string published_source,
                size_t entities = 3) {
  LoadedList l;
  l.info.source = std::move(source);
  l.info.title = "Title of " + l.info.source;
  l.info.published = std::move(published);
  l.info.published_source = std::move(published_source);
  l.entities.resize(entities);
  return l;
}

bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

TEST(ListStatusTest, IsoTimesAreUtcAndReadBackByTheAgeFunctions) {
  const auto t = At(2026, 11, 29, 9) + std::chrono::minutes(17) + std::chrono::milliseconds(59'007);
  EXPECT_EQ(IsoTime(t), "2026-11-29T09:17:59Z");
  EXPECT_EQ(IsoTimeMillis(t), "2026-11-29T09:17:59.007Z");
  EXPECT_EQ(IsoTimeMillis(At(2026, 1, 2)), "2026-01-02T00:00:00.000Z");
  EXPECT_EQ(AgeSeconds(IsoTimeMillis(t), t + std::chrono::seconds(90)), 90);
  EXPECT_EQ(AgeSeconds(IsoTime(t), t + std::chrono::hours(2)), 7200);
}

TEST(ListStatusTest, AgeDaysReadsDatesAndDateTimes) {
  const auto now = At(2026, 11, 29, 7);
  EXPECT_EQ(AgeDays("2026-02-27T00:00:09.554Z", now), 275);
  EXPECT_EQ(AgeDays("2026-11-29T06:48:41Z", now), 0);
  EXPECT_EQ(AgeDays("2026-11-28T06:00:00Z", now), 1);
  EXPECT_EQ(AgeDays("2026-11-22", now), 7);
  EXPECT_EQ(AgeDays("2027-01-01", now), 0);  // in the future: not negative
  EXPECT_EQ(AgeDays("", now), -1);
  EXPECT_EQ(AgeDays("27/02/2026", now), -1);
  EXPECT_EQ(AgeDays("2026-13-01", now), -1);
}

TEST(ListStatusTest, OldListIsStaleWithAWarningNamingTheLimit) {
  std::vector<LoadedList> lists;
  lists.push_back(List("un_sc", "2026-02-27T00:00:09.554Z", "file"));
  lists.push_back(List("us_ofac_sdn", "2026-11-20T10:00:00Z", "file_date"));
  lists[1].entities[0].listed_on = "2023-11-02";
  lists[1].entities[1].updated_on = "2024-01-15";
  lists[1].entities[2].updated_on = "3017-08-22";  // impossible, as the DPL has: left out
  ListsStatus st = GetListsStatus(lists, 45, At(2026, 11, 29, 7));
  ASSERT_EQ(st.lists.size(), 2u);
  EXPECT_EQ(st.lists[1].newest_entry, "2024-01-15");
  EXPECT_EQ(st.lists[0].newest_entry, "");
  EXPECT_FALSE(st.sample);
  EXPECT_TRUE(st.lists[0].stale);
  EXPECT_EQ(st.lists[0].age_days, 275);
  EXPECT_EQ(st.lists[0].version, "2026-02-27");
  EXPECT_FALSE(st.lists[1].stale);
  EXPECT_EQ(st.lists[1].age_days, 8);
  ASSERT_EQ(st.warnings.size(), 1u);
  EXPECT_TRUE(Contains(st.warnings[0], "un_sc: published 2026-02-27")) << st.warnings[0];
  EXPECT_TRUE(Contains(st.warnings[0], "275 days ago")) << st.warnings[0];
  EXPECT_TRUE(Contains(st.warnings[0], "45 days")) << st.warnings[0];

  // A larger limit (or none) and the same lists have no warning.
  EXPECT_TRUE(GetListsStatus(lists, 400, At(2026, 11, 29, 7)).warnings.empty());
  EXPECT_TRUE(GetListsStatus(lists, 0, At(2026, 11, 29, 7)).warnings.empty());
}

TEST(ListStatusTest, SampleWarningComesFirstAndSaysHowToGetTheLists) {
  std::vector<LoadedList> lists;
  lists.push_back(List("us_ofac_sdn", "2026-11-29T06:00:00Z", "file_date", 40));
  lists.back().info.sample = true;
  ListsStatus st = GetListsStatus(lists, 45, At(2026, 11, 29, 7));
  EXPECT_TRUE(st.sample);
  ASSERT_EQ(st.warnings.size(), 1u);
  EXPECT_TRUE(Contains(st.warnings[0], "40-entry SAMPLE")) << st.warnings[0];
  EXPECT_TRUE(Contains(st.warnings[0], "not the official")) << st.warnings[0];
  EXPECT_TRUE(Contains(st.warnings[0], "vigil fetch")) << st.warnings[0];
  nlohmann::json j = ToJson(st);
  EXPECT_EQ(j["sample"], true);
  EXPECT_EQ(j["warnings"][0], st.warnings[0]);
  EXPECT_EQ(j["lists"][0]["published_source"], "file_date");
  EXPECT_EQ(j["lists"][0]["age_days"], 0);
  EXPECT_TRUE(ListsVersionString(st).starts_with("SAMPLE, not the official lists: "))
      << ListsVersionString(st);
}

TEST(ListStatusTest, IncompleteListIsAWarningAndInTheVersionString) {
  std::vector<LoadedList> lists;
  lists.push_back(List("us_ofac_sdn", "2024-05-03T14:02:11Z", "file_date"));
  lists.back().info.incomplete = {"alt.csv missing: aliases not loaded",
                                  "add.csv missing: "
                                  "addresses not loaded"};
  lists.push_back(List("un_sc", "2024-05-01T00:00:00Z", "file"));
  ListsStatus st = GetListsStatus(lists, 45, At(2024, 5, 4));
  EXPECT_EQ(st.warnings,
            (std::vector<std::string>{"us_ofac_sdn: alt.csv missing: aliases not loaded",
                                      "us_ofac_sdn: add.csv missing: addresses not loaded"}));
  EXPECT_EQ(st.files_version.size(), 12u);
  EXPECT_EQ(ListsVersionString(st),
            "us_ofac_sdn 2024-05-03 (file date) INCOMPLETE: alt.csv missing, add.csv missing; "
            "un_sc 2024-05-01 [" +
                st.files_version + "]");
  nlohmann::json j = ToJson(st.lists[0]);
  EXPECT_EQ(j["incomplete"].size(), 2u);
  EXPECT_EQ(j["age_days"], 0);
  EXPECT_EQ(DescribeList(st.lists[1]),
            "un_sc — version 2024-05-01, published 2024-05-01T00:00:00Z (stated in the file), 3 "
            "days old");
}

TEST(ListStatusTest, UnknownDateIsSaid) {
  std::vector<LoadedList> lists;
  lists.push_back(List("us_csl", "", ""));
  ListsStatus st = GetListsStatus(lists, 45, At(2024, 5, 4));
  EXPECT_EQ(st.lists[0].age_days, -1);
  EXPECT_TRUE(ToJson(st.lists[0])["age_days"].is_null());
  ASSERT_EQ(st.warnings.size(), 1u);
  EXPECT_TRUE(Contains(st.warnings[0], "publication date unknown")) << st.warnings[0];
  EXPECT_EQ(ListsVersionString(st), "us_csl undated [" + st.files_version + "]");
}

}  // namespace
}  // namespace vigil::model
