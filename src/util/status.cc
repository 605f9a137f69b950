// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "vigil/status.h"

namespace vigil {

std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      return "not found: " + message_;
    case Code::kInvalidArgument:
      return "invalid argument: " + message_;
    case Code::kCorruption:
      return "bad input: " + message_;
    case Code::kIoError:
      return "I/O error: " + message_;
    case Code::kConflict:
      return "conflict: " + message_;
    case Code::kUnavailable:
      return "unavailable: " + message_;
  }
  return message_;
}

}  // namespace vigil
