// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Reading whole files, checking and converting their encoding, hashing them.

#ifndef VIGIL_UTIL_FILE_H_
#define VIGIL_UTIL_FILE_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "vigil/status.h"

namespace vigil::util {

// The largest file ReadFile() reads: no official list comes near it (the biggest, OFAC's
// SDN_ADVANCED.XML, is about 100 MB), and it keeps a wrong path from filling memory.
constexpr uint64_t kMaxFileBytes = uint64_t{1} << 30;  // 1 GiB

// Reads the whole file into *out. Only a regular file (or a symbolic link to one) is read,
// and at most kMaxFileBytes of it: a device (/dev/zero), a FIFO or a socket is refused
// without being read, so that a wrong path can neither hang nor exhaust memory. Errors name
// the path: missing, unreadable, a folder, not a regular file, too large, a symbolic link
// loop ("Too many levels of symbolic links").
Status ReadFile(const std::filesystem::path& path, std::string* out);

// What a path names, following symbolic links.
enum class PathKind { kMissing, kFile, kFolder, kOther };

// Sets *kind for `path` without ever throwing. kMissing when nothing is there (or a
// dangling symbolic link); kOther for a device, FIFO or socket. Fails, naming the path and
// the system's reason, when the file system cannot tell (a symbolic link loop, a folder
// that may not be searched, ...).
Status GetPathKind(const std::filesystem::path& path, PathKind* kind);

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// `bytes` in lower-case hex, two digits per byte.
std::string Hex(std::string_view bytes);

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
