// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Attacks the UN Security Council consolidated XML loader (src/sources/un/un_xml.cc): the
// input is the XML file.

#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  std::filesystem::path file = fuzz::ScratchDir() / "consolidated.xml";
  fuzz::WriteFile(file, fuzz::AsView(data, size));
  LoadedList list;
  Status s = LoadList(file, &list);
  fuzz::CheckError(s, file.string());
  if (s.ok()) fuzz::CheckList(std::move(list));
  return 0;
}
