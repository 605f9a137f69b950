// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "util/file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unicode/utf8.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include "util/strings.h"

namespace vigil::util {
namespace {

size_t LineOf(std::string_view bytes, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < bytes.size(); ++i) {
    if (bytes[i] == '\n') ++line;
  }
  return line;
}

// Windows-1252 0x80..0x9F as Unicode code points; 0 where undefined.
constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void AppendUtf8(char32_t cp, std::string* out) {
  char buf[4];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, static_cast<UChar32>(cp), error);
  if (!error) out->append(buf, static_cast<size_t>(len));
}

}  // namespace

Status GetPathKind(const std::filesystem::path& path, PathKind* kind) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      *kind = PathKind::kMissing;
      return Status::Ok();
    }
    return Status::IoError(path.string() + ": " + std::strerror(err));
  }
  if (S_ISREG(st.st_mode)) {
    *kind = PathKind::kFile;
  } else if (S_ISDIR(st.st_mode)) {
    *kind = PathKind::kFolder;
  } else {
    *kind = PathKind::kOther;
  }
  return Status::Ok();
}

Status ReadFile(const std::filesystem::path& path, std::string* out) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return Status::NotFound(path.string() + ": no such file");
    return Status::IoError(path.string() + ": cannot open for reading: " + std::strerror(err));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return Status::IoError(path.string() + ": cannot stat: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(path.string() + ": is a folder, expected a file");
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(path.string() +
                                   ": not a regular file (a device, FIFO or socket); only "
                                   "regular files are read as lists");
  }
  auto too_large = [&] {
    return Status::InvalidArgument(path.string() + ": larger than the limit of " +
                                   std::to_string(kMaxFileBytes >> 20) + " MiB for one list file");
  };
  if (static_cast<uint64_t>(st.st_size) > kMaxFileBytes) return too_large();
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  char more[65536];
  while (true) {
    // Into the buffer sized by fstat, then on in pieces should the file have grown.
    bool tail = got == bytes.size();
    char* into = tail ? more : bytes.data() + got;
    size_t room = tail ? sizeof more : bytes.size() - got;
    ssize_t n = ::read(fd, into, room);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(path.string() + ": read failed: " + std::strerror(errno));
    }
    if (n == 0) break;
    if (tail) {
      if (bytes.size() + static_cast<size_t>(n) > kMaxFileBytes) return too_large();
      bytes.append(more, static_cast<size_t>(n));
    }
    got += static_cast<size_t>(n);
  }
  bytes.resize(got);
  *out = std::move(bytes);
  return Status::Ok();
}

std::string Sha256Hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr);
  return Hex(std::string_view(reinterpret_cast<const char*>(md.data()), len));
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

Status CheckText(std::string_view bytes, std::string_view file) {
  size_t nul = bytes.find('\0');
  if (nul != std::string_view::npos) {
    return Status::Corruption(Where(file, LineOf(bytes, nul),
                                    "NUL byte: this is binary data or UTF-16, not a text list"));
  }
  return Status::Ok();
}

Status CheckUtf8(std::string_view bytes, std::string_view file) {
  if (Status s = CheckText(bytes, file); !s.ok()) return s;
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  int32_t len = static_cast<int32_t>(bytes.size());
  int32_t i = 0;
  while (i < len) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0) {
      char msg[96];
      std::snprintf(msg, sizeof msg,
                    "byte 0x%02X at offset %d is not valid UTF-8 (wrong encoding?)", p[start],
                    start);
      return Status::Corruption(Where(file, LineOf(bytes, static_cast<size_t>(start)), msg));
    }
  }
  return Status::Ok();
}

Status Windows1252ToUtf8(std::string_view bytes, std::string_view file, std::string* out) {
  if (Status s = CheckText(bytes, file); !s.ok()) return s;
  std::string result;
  result.reserve(bytes.size() + bytes.size() / 16);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    if (b < 0x80) {
      result.push_back(static_cast<char>(b));
    } else if (b >= 0xA0) {
      AppendUtf8(b, &result);
    } else {
      char32_t cp = kCp1252High[b - 0x80];
      if (cp == 0) {
        char msg[96];
        std::snprintf(msg, sizeof msg,
                      "byte 0x%02X is not a Windows-1252 character (wrong encoding?)", b);
        return Status::Corruption(Where(file, LineOf(bytes, i), msg));
      }
      AppendUtf8(cp, &result);
    }
  }
  *out = std::move(result);
  return Status::Ok();
}

std::string_view StripBomAndEof(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  while (!bytes.empty() &&
         (bytes.back() == '\x1A' || bytes.back() == '\n' || bytes.back() == '\r')) {
    if (bytes.back() == '\x1A') {
      bytes.remove_suffix(1);
      continue;
    }
    // Keep line ends unless a SUB byte follows them; stop at the first other byte.
    size_t k = bytes.find_last_not_of("\r\n");
    if (k != std::string_view::npos && bytes[k] == '\x1A') {
      bytes = bytes.substr(0, k);
      continue;
    }
    break;
  }
  return bytes;
}

}  // namespace vigil::util
