// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/date.h"

#include <gtest/gtest.h>

namespace vigil::model {
namespace {

TEST(DateTest, ParsesListForms) {
  PartialDate d;
  ASSERT_TRUE(ParseDate("08 Jan 1984", &d));
  EXPECT_EQ(d.ToString(), "1984-01-08");
  ASSERT_TRUE(ParseDate("Jan 1984", &d));
  EXPECT_EQ(d.ToString(), "1984-01");
  ASSERT_TRUE(ParseDate("1984", &d));
  EXPECT_EQ(d.ToString(), "1984");
  ASSERT_TRUE(ParseDate("1984-01-08", &d));
  EXPECT_EQ(d.ToString(), "1984-01-08");
  ASSERT_TRUE(ParseDate("06/19/2003", &d));
  EXPECT_EQ(d.ToString(), "2003-06-19");
  ASSERT_TRUE(ParseDate("29 February 2000", &d));
  EXPECT_EQ(d.ToString(), "2000-02-29");
}

TEST(DateTest, RejectsImpossibleDates) {
  PartialDate d{1, 1, 1};
  EXPECT_FALSE(ParseDate("3017-08-22", &d));
  EXPECT_FALSE(ParseDate("0222-05-18", &d));
  EXPECT_FALSE(ParseDate("31 Feb 1990", &d));
  EXPECT_FALSE(ParseDate("29 Feb 1900", &d));
  EXPECT_FALSE(ParseDate("1990-13-01", &d));
  EXPECT_FALSE(ParseDate("Foo 1990", &d));
  EXPECT_FALSE(ParseDate("", &d));
  EXPECT_EQ(d.ToString(), "0001-01-01");  // untouched on failure
}

TEST(DateTest, ParsesBirthDateRangesAndCirca) {
  BirthDate b;
  ASSERT_TRUE(ParseBirthDate("circa 1960", &b));
  EXPECT_TRUE(b.circa);
  EXPECT_EQ(b.from.ToString(), "1960");
  ASSERT_TRUE(ParseBirthDate("1960 to 1965", &b));
  EXPECT_FALSE(b.circa);
  EXPECT_EQ(b.from.year, 1960);
  EXPECT_EQ(b.to.year, 1965);
  ASSERT_TRUE(ParseBirthDate("01 Jan 1958 to 31 Dec 1959", &b));
  EXPECT_EQ(b.to.ToString(), "1959-12-31");
  ASSERT_TRUE(ParseBirthDate("Between 1970 and 1972", &b));
  EXPECT_EQ(b.from.year, 1970);
  ASSERT_TRUE(ParseBirthDate("1970-1972", &b));
  EXPECT_EQ(b.to.year, 1972);
  EXPECT_FALSE(ParseBirthDate("unknown", &b));
}

TEST(DateTest, DaysFromEpoch) {
  EXPECT_EQ(DaysFromEpoch(PartialDate{1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromEpoch(PartialDate{2000, 3, 1}), 11017);
}

}  // namespace
}  // namespace vigil::model
