// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// OutputFile: a result file that readers see either as it was or complete, never half
// written. The output goes to a temporary file in the same folder, which Commit() renames
// over the target (following a symbolic link to the file it names); until then the target
// is untouched. After a failure KeepPartial() keeps what was written as "<target>.partial".
//
// A path that names something other than a regular file (/dev/null, /dev/stdout, a FIFO)
// is written directly, as a stream.
//
//   util::OutputFile out;
//   if (Status s = out.Open("results.jsonl"); !s.ok()) return s;
//   out.stream() << ...;
//   Status s = out.Commit();
//
// Not thread-safe. A temporary file not committed or kept is removed by the destructor.

#ifndef VIGIL_UTIL_OUTPUT_FILE_H_
#define VIGIL_UTIL_OUTPUT_FILE_H_

#include <filesystem>
#include <fstream>

#include "vigil/status.h"

namespace vigil::util {

class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  // Creates the temporary file (with the target's permissions when it exists, else the
  // umask's), or opens a non-regular target for writing. Fails naming the path when the
  // folder is not writable or the target is a folder.
  Status Open(const std::filesystem::path& path);

  std::ostream& stream() { return out_; }

  // Flushes and syncs the temporary file and renames it over the target. A write error
  // (disk full) fails here, the target untouched.
  Status Commit();

  // Renames what was written to "<target>.partial" (replacing an older one) and sets
  // *kept to that path; the target is untouched. When writing directly, *kept is empty.
  Status KeepPartial(std::filesystem::path* kept);

  // The file the results end up in (the target, a symbolic link resolved).
  const std::filesystem::path& target() const { return target_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;  // empty when writing directly, committed or kept
  std::ofstream out_;
};

}  // namespace vigil::util

#endif  // VIGIL_UTIL_OUTPUT_FILE_H_
