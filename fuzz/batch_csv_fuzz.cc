// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Attacks batch screening's CSV reader (src/screen/batch.cc): the input is the query file
// (a header row, then records), run through ScreenBatch() against the fixture lists with
// JSONL output. Every query read must give exactly one output line, and each must be JSON.

#include <nlohmann/json.hpp>
#include <sstream>

#include "fuzz_util.h"
#include "screen/batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  std::istringstream in{std::string(fuzz::AsView(data, size))};
  std::ostringstream out;
  screen::BatchOptions o;
  o.chunk = 3;  // several chunks even for small inputs
  screen::BatchStats stats;
  Status s = screen::ScreenBatch(fuzz::FixtureScreener(), in, "queries.csv", screen::Format::kCsv,
                                 out, screen::Format::kJsonl, o, &stats);
  fuzz::CheckError(s, "queries.csv");
  if (!s.ok()) return 0;
  std::istringstream lines(out.str());
  uint64_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    if (!nlohmann::json::accept(line)) fuzz::Fail("output line is not JSON: " + line);
  }
  if (n != stats.queries) fuzz::Fail("output lines differ from queries read");
  return 0;
}
