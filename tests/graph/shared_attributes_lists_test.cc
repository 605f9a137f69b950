// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Shared attributes on the real lists (../shared/lists; skipped when absent).

#include <gtest/gtest.h>

#include <iostream>

#include "graph/shared_attributes.h"
#include "test_util.h"

namespace vigil::graph {
namespace {

TEST(SharedAttributesLists, Probe) {
  VIGIL_REQUIRE_SHARED(path, "us_ofac_sdn/2021-07");
  LoadedList list;
  ASSERT_TRUE(LoadList(path, &list).ok());
  for (const Entity& e : list.entities) {
    bool dprk = false;
    for (const auto& p : e.programs) dprk |= p.find("DPRK") != std::string::npos;
    if (!dprk) continue;
    for (const SharedValue& v : ExtractValues(e)) {
      std::cout << e.id << "\t" << e.primary_name() << "\t" << ToString(v.kind) << "\t" << v.key
                << "\t" << v.qualifier << "\t" << v.written << "\n";
    }
  }
}

}  // namespace
}  // namespace vigil::graph
