// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "util/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>

namespace vigil::util {
namespace fs = std::filesystem;

namespace {

std::string Errno(const fs::path& p, const char* what) {
  return p.string() + ": " + what + ": " + std::strerror(errno);
}

// fsync of a file or folder by path; errors are reported.
bool SyncPath(const fs::path& p, int flags) {
  int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

OutputFile::~OutputFile() {
  if (temp_.empty()) return;
  out_.close();
  std::error_code ec;
  fs::remove(temp_, ec);
}

Status OutputFile::Open(const fs::path& path) {
  std::error_code ec;
  target_ = path;
  if (fs::is_symlink(path, ec)) {
    // Replace the file the link names, not the link.
    fs::path resolved = fs::canonical(path, ec);
    if (!ec) target_ = resolved;
  }
  fs::file_status st = fs::status(target_, ec);
  if (fs::is_directory(st)) return Status::InvalidArgument(path.string() + ": is a folder");
  if (fs::exists(st) && !fs::is_regular_file(st)) {
    out_.open(target_, std::ios::binary | std::ios::out);
    if (!out_) return Status::IoError(path.string() + ": cannot open output file");
    return Status::Ok();
  }
  fs::path dir = target_.parent_path();
  if (dir.empty()) dir = ".";
  std::random_device rd;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rd()));
    temp_ = dir / ("." + target_.filename().string() + ".tmp-" + suffix);
    // 0666 less the umask, as the target would get if created directly.
    fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) {
      std::string msg = Errno(path, "cannot create a temporary output file beside it");
      temp_.clear();
      return Status::IoError(msg);
    }
  }
  if (fd < 0) {
    temp_.clear();
    return Status::IoError(dir.string() + ": cannot create a temporary output file");
  }
  if (fs::exists(st)) {
    ::fchmod(fd, static_cast<mode_t>(st.permissions() & fs::perms::mask));  // best effort
  }
  ::close(fd);
  out_.open(temp_, std::ios::binary | std::ios::out | std::ios::trunc);
  if (!out_) return Status::IoError(temp_.string() + ": cannot open the temporary output file");
  return Status::Ok();
}

Status OutputFile::Commit() {
  out_.flush();
  bool written = static_cast<bool>(out_);
  out_.close();
  if (!written || out_.fail()) {
    return Status::IoError(target_.string() + ": writing the output failed (disk full?)");
  }
  if (temp_.empty()) return Status::Ok();
  if (!SyncPath(temp_, O_RDONLY)) {
    return Status::IoError(Errno(temp_, "cannot sync the output to disk"));
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    return Status::IoError(Errno(target_, "cannot replace the output file"));
  }
  temp_.clear();
  fs::path dir = target_.parent_path();
  SyncPath(dir.empty() ? fs::path(".") : dir, O_RDONLY | O_DIRECTORY);  // best effort
  return Status::Ok();
}

Status OutputFile::KeepPartial(fs::path* kept) {
  kept->clear();
  out_.close();
  if (temp_.empty()) return Status::Ok();
  fs::path partial = target_;
  partial += ".partial";
  if (::rename(temp_.c_str(), partial.c_str()) != 0) {
    return Status::IoError(Errno(partial, "cannot keep the partial output"));
  }
  temp_.clear();
  *kept = partial;
  return Status::Ok();
}

}  // namespace vigil::util
