// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Reading whole files, checking and converting their encoding, hashing them.

#ifndef VIGIL_UTIL_FILE_H_
#define VIGIL_UTIL_FILE_H_

#include <filesystem>
#include <string>
#include <string_view>

#include "vigil/status.h"

namespace vigil::util {

// Reads the whole file into *out. Errors name the path: missing, unreadable, a folder.
Status ReadFile(const std::filesystem::path& path, std::string* out);

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// Fails with Corruption naming `file` and the line when `bytes` holds a NUL byte (binary
// data, UTF-16) or, for CheckUtf8, a byte sequence that is not UTF-8.
Status CheckText(std::string_view bytes, std::string_view file);
Status CheckUtf8(std::string_view bytes, std::string_view file);

// Converts Windows-1252 text (OFAC's encoding) to UTF-8. Fails on a NUL byte or on the
// five bytes Windows-1252 leaves undefined (a sign of another encoding or binary data).
Status Windows1252ToUtf8(std::string_view bytes, std::string_view file, std::string* out);

// Strips a UTF-8 byte order mark and a trailing DOS end-of-file byte (0x1A) if present.
std::string_view StripBomAndEof(std::string_view bytes);

}  // namespace vigil::util

#endif  // VIGIL_UTIL_FILE_H_
