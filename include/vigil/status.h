// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Status: the result of an operation that can fail, as a value.
//
// A Status is either OK or carries a code and a message meant for a person
// (it names the file and line where that applies, e.g. "sdn.csv:12: ...").
// Statuses are cheap to copy and safe to share between threads once built.

#ifndef VIGIL_STATUS_H_
#define VIGIL_STATUS_H_

#include <string>
#include <string_view>
#include <utility>

namespace vigil {

class Status {
 public:
  enum class Code { kOk = 0, kNotFound, kInvalidArgument, kCorruption, kIoError, kConflict, kUnavailable };

  // An OK status.
  Status() = default;

  static Status Ok() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  // The input exists but is not what its format promises (bad encoding, truncated, malformed).
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  // The change was made against a version that is no longer current (a stale If-Match).
  static Status Conflict(std::string msg) { return Status(Code::kConflict, std::move(msg)); }
  // A resource the operation needs cannot be used now (a read-only or full database, a
  // database server gone); trying again later may succeed.
  static Status Unavailable(std::string msg) {
    return Status(Code::kUnavailable, std::move(msg));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "OK", or "<code name>: <message>".
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace vigil

#endif  // VIGIL_STATUS_H_
