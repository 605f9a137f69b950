// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "model/country.h"

#include <gtest/gtest.h>

namespace vigil::model {
namespace {

TEST(CountryTest, MapsListSpellingsToIso) {
  EXPECT_EQ(CountryCode("Korea, North"), "KP");
  EXPECT_EQ(CountryCode("Democratic People's Republic of Korea"), "KP");
  EXPECT_EQ(CountryCode("NORTH KOREA"), "KP");
  EXPECT_EQ(CountryCode("Iran (Islamic Republic of)"), "IR");
  EXPECT_EQ(CountryCode("China"), "CN");
  EXPECT_EQ(CountryCode("Russian Federation"), "RU");
  EXPECT_EQ(CountryCode("Côte d’Ivoire"), "CI");
  EXPECT_EQ(CountryCode("kp"), "KP");
  EXPECT_EQ(CountryCode("PRK"), "KP");
  EXPECT_EQ(CountryCode("Burma"), "MM");
  EXPECT_EQ(CountryCode("United Arab Emirates"), "AE");
}

TEST(CountryTest, UnknownIsEmpty) {
  EXPECT_EQ(CountryCode("Atlantis"), "");
  EXPECT_EQ(CountryCode(""), "");
  EXPECT_EQ(CountryName("KP"), "North Korea");
  EXPECT_EQ(CountryName("ZZ"), "");
}

}  // namespace
}  // namespace vigil::model
