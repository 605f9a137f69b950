// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The red-flag fixture of the store and server tests: tests/fixtures/itworkers/parties.jsonl
// (a four-profile laptop farm IT-1..IT-4 and four ordinary contractors OK-1..OK-4) and an
// engine that places login IPs with a small fixed table (redflags::Options::locate), so the
// tests need no @ip-location-db data.

#ifndef VIGIL_TESTS_REDFLAGS_FIXTURE_H_
#define VIGIL_TESTS_REDFLAGS_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/party.h"
#include "redflags/red_flags.h"
#include "test_util.h"

namespace vigil::testing {

inline std::vector<model::Party> ItWorkerParties() {
  std::vector<model::PartyLine> lines;
  model::ReadPartiesJsonl(ReadAll(Fixture("itworkers/parties.jsonl")), &lines);
  std::vector<model::Party> out;
  for (model::PartyLine& l : lines) {
    EXPECT_TRUE(l.status.ok()) << "parties.jsonl:" << l.line << ": " << l.status.ToString();
    out.push_back(std::move(l.party));
  }
  return out;
}

// 175.45.176.0/22 is North Korea's (AS131279), 36.x China, 8.x the US, 81.x Britain.
inline bool LocateForTests(std::string_view ip, ip::Brief* out) {
  *out = ip::Brief{};
  auto set = [&](const char* cc, uint32_t asn) {
    out->country = {cc[0], cc[1]};
    out->asn = asn;
  };
  if (ip.starts_with("175.45.17")) {
    set("KP", 131279);
    out->sanctioned = out->dprk = true;
  } else if (ip.starts_with("36.")) {
    set("CN", 4134);
  } else if (ip.starts_with("8.")) {
    set("US", 15169);
  } else if (ip.starts_with("81.")) {
    set("GB", 20712);
  } else {
    return false;
  }
  return true;
}

inline std::unique_ptr<redflags::Engine> TestEngine() {
  redflags::Options o;
  o.locate = LocateForTests;
  o.threads = 1;
  std::unique_ptr<redflags::Engine> e;
  Status s = redflags::Engine::Create(o, &e);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return e;
}

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_REDFLAGS_FIXTURE_H_
