// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Attacks the OFAC legacy CSV loader (src/sources/ofac, the remarks parser included): the
// input is sdn.csv, then alt.csv, add.csv and sdn_comments.csv, each after a line
// "~~~~next-file~~~~", written to a folder that LoadList() reads.

#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  std::filesystem::path dir = fuzz::ScratchDir();
  static const char* const kFiles[] = {"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"};
  auto parts = fuzz::SplitParts(fuzz::AsView(data, size), "~~~~next-file~~~~");
  for (size_t i = 0; i < parts.size() && i < 4; ++i) fuzz::WriteFile(dir / kFiles[i], parts[i]);
  LoadedList list;
  Status s = LoadList(dir, &list);
  fuzz::CheckError(s, dir.string());
  if (s.ok()) fuzz::CheckList(std::move(list));
  return 0;
}
