// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Attacks LoadList() on a folder (src/sources/registry.cc): recognising the format by the
// files present, mixed folders, then the loader it picks. The input is a series of files
// separated by lines "~~~~next-file~~~~"; each starts with a line holding its name (kept
// to letters, digits, '.', '_' and '-').

#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  std::filesystem::path dir = fuzz::ScratchDir();
  for (std::string_view part : fuzz::SplitParts(fuzz::AsView(data, size), "~~~~next-file~~~~")) {
    size_t eol = part.find('\n');
    std::string name;
    for (char c : part.substr(0, eol)) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') {
        name += c;
      }
    }
    if (name.empty() || name.size() > 64 || name.find_first_not_of('.') == std::string::npos) {
      continue;
    }
    fuzz::WriteFile(dir / name, eol == std::string_view::npos ? "" : part.substr(eol + 1));
  }
  LoadedList list;
  Status s = LoadList(dir, &list);
  fuzz::CheckError(s, dir.string());
  if (s.ok()) fuzz::CheckList(std::move(list));
  return 0;
}
