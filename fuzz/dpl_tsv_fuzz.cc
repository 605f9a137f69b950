// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Attacks the BIS Denied Persons List loader (src/sources/dpl/dpl_tsv.cc): the input is
// dpl.txt (tab-separated, quoted fields).

#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  std::filesystem::path file = fuzz::ScratchDir() / "dpl.txt";
  fuzz::WriteFile(file, fuzz::AsView(data, size));
  LoadedList list;
  Status s = LoadList(file, &list);
  fuzz::CheckError(s, file.string());
  if (s.ok()) fuzz::CheckList(std::move(list));
  return 0;
}
