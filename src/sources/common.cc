// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "sources/common.h"

#include "util/file.h"

namespace vigil::sources {

Status ReadListFile(const std::filesystem::path& path, LoadedList* list, std::string* bytes,
                    bool may_be_empty) {
  if (Status s = util::ReadFile(path, bytes); !s.ok()) return s;
  if (!may_be_empty &&
      util::StripBomAndEof(*bytes).find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::Corruption(path.string() + ": file is empty");
  }
  SourceFile f;
  f.path = path.string();
  f.sha256 = util::Sha256Hex(*bytes);
  f.bytes = bytes->size();
  list->info.files.push_back(std::move(f));
  return Status::Ok();
}

void Warn(LoadedList* list, std::string_view file, size_t line, std::string message) {
  list->info.warnings.push_back(LoadWarning{std::string(file), line, std::move(message)});
}

}  // namespace vigil::sources
