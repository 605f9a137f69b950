// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// FetchList(): download a list's official files, check they load, then move them in place.

#include "sources/fetch.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <utility>

#include "sources/httplib.h"
#include "util/data.h"
#include "util/file.h"
#include "util/strings.h"
#include "vigil/list.h"

namespace vigil::sources {
namespace {

namespace fs = std::filesystem;

// A URL split into what httplib::Client takes ("http://host:port") and the request path.
struct SplitUrl {
  std::string origin;  // scheme://host[:port]
  std::string path;    // "/..." (never empty)
  std::string host;    // host[:port], for messages
};

Status ParseUrl(const std::string& url, SplitUrl* out) {
  size_t sep = url.find("://");
  if (sep == std::string::npos) {
    return Status::InvalidArgument("'" + url +
                                   "' is not a URL (expected http://... or https://...)");
  }
  std::string scheme = util::AsciiLower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("'" + url + "': only http and https URLs can be fetched");
  }
  size_t host_start = sep + 3;
  size_t slash = url.find('/', host_start);
  std::string host =
      url.substr(host_start, slash == std::string::npos ? std::string::npos : slash - host_start);
  if (host.empty() || host.find_first_of("?#@ ") != std::string::npos) {
    return Status::InvalidArgument("'" + url + "': no usable host in the URL");
  }
  out->origin = scheme + "://" + host;
  out->path = slash == std::string::npos ? "/" : url.substr(slash);
  out->host = host;
  return Status::Ok();
}

// Where `name` is fetched from: the official URL, or `base` + name when a base is given.
std::string UrlFor(const OfficialFile& f, const std::string& base) {
  if (base.empty()) return f.url;
  return base.back() == '/' ? base + f.name : base + "/" + f.name;
}

std::string DescribeError(httplib::Error e, const SplitUrl& u, const FetchOptions& o) {
  switch (e) {
    case httplib::Error::Connection:
      return "could not connect to " + u.host +
             " (connection refused, host unreachable or name not resolved)";
    case httplib::Error::ConnectionTimeout:
      return "connecting to " + u.host + " timed out after " +
             std::to_string(o.connect_timeout_seconds) + " s";
    case httplib::Error::Read:
      return "reading the response failed or timed out (no data for " +
             std::to_string(o.read_timeout_seconds) + " s)";
    case httplib::Error::ExceedRedirectCount:
      return "too many redirects";
    default:
      return httplib::to_string(e);
  }
}

// Downloads `url` into `file`. Fills bytes and sha256 of *got.
Status Download(const std::string& url, const fs::path& file, const FetchOptions& opt,
                FetchedFile* got) {
  SplitUrl u;
  if (Status s = ParseUrl(url, &u); !s.ok()) return s;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IoError(file.string() + ": cannot create file");

  int status = 0;
  uint64_t received = 0;
  bool too_big = false;
  bool write_failed = false;
  httplib::Client cli(u.origin);
  cli.set_follow_location(true);
  cli.set_connection_timeout(opt.connect_timeout_seconds, 0);
  cli.set_read_timeout(opt.read_timeout_seconds, 0);
  cli.set_write_timeout(opt.read_timeout_seconds, 0);
  cli.enable_server_certificate_verification(true);
  httplib::Headers headers = {{"User-Agent", std::string("vigil/") + VIGIL_VERSION}};
  httplib::Result res = cli.Get(
      u.path, headers,
      [&](const httplib::Response& r) {
        status = r.status;
        if (status != 200) return false;
        got->last_modified = r.get_header_value("Last-Modified");
        if (r.has_header("Content-Length")) {
          uint64_t len = 0;
          try {
            len = std::stoull(r.get_header_value("Content-Length"));
          } catch (const std::exception&) {
            len = 0;
          }
          if (len > opt.max_file_bytes) {
            too_big = true;
            return false;
          }
        }
        return true;
      },
      [&](const char* data, size_t n) {
        received += n;
        if (received > opt.max_file_bytes) {
          too_big = true;
          return false;
        }
        out.write(data, static_cast<std::streamsize>(n));
        if (!out) {
          write_failed = true;
          return false;
        }
        return true;
      });
  out.close();

  if (status != 0 && status != 200) {
    return Status::IoError(url + ": HTTP status " + std::to_string(status) + " (expected 200)");
  }
  if (too_big) {
    const uint64_t cap = opt.max_file_bytes;
    std::string limit = cap % (uint64_t{1} << 20) == 0 ? std::to_string(cap >> 20) + " MiB"
                                                       : std::to_string(cap) + " bytes";
    return Status::IoError(url + ": larger than the limit of " + limit + " for one file");
  }
  if (write_failed || !out) return Status::IoError(file.string() + ": write failed");
  if (!res) return Status::IoError(url + ": " + DescribeError(res.error(), u, opt));
  if (res->status != 200) {  // e.g. a redirect that was not followed
    return Status::IoError(url + ": HTTP status " + std::to_string(res->status) +
                           " (expected 200)");
  }

  std::string bytes;
  if (Status s = util::ReadFile(file, &bytes); !s.ok()) return s;
  got->url = url;
  got->bytes = bytes.size();
  got->sha256 = util::Sha256Hex(bytes);
  return Status::Ok();
}

// Sets `file`'s modification time to an HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT"). One
// that does not parse is ignored: the file keeps the download time.
void SetModifiedTime(const fs::path& file, const std::string& http_date) {
  std::tm tm{};
  const char* end = strptime(http_date.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  if (end == nullptr) return;
  auto sys = std::chrono::system_clock::from_time_t(timegm(&tm));
  std::error_code ec;
  fs::last_write_time(file, std::chrono::file_clock::from_sys(sys), ec);
}

// A staging folder inside the destination (same file system, so moving a file out of it is
// a rename), removed with everything left in it when this goes out of scope.
class Staging {
 public:
  explicit Staging(const fs::path& dest) {
    static std::atomic<unsigned> counter{0};
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = dest / (".vigil-fetch-" + std::to_string(getpid()) + "-" + std::to_string(now) + "-" +
                    std::to_string(counter++));
  }
  ~Staging() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  Status Create() {
    std::error_code ec;
    if (!fs::create_directory(path_, ec)) {
      return Status::IoError(path_.string() + ": cannot create staging folder" +
                             (ec ? ": " + ec.message() : ""));
    }
    return Status::Ok();
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

const std::vector<OfficialFile>& OfficialFiles() {
  static const std::vector<OfficialFile>* files = [] {
    auto* v = new std::vector<OfficialFile>();
    for (const std::vector<std::string>& cols : util::DataRows("names/official_sources.tsv")) {
      if (cols.size() != 3) continue;
      v->push_back(OfficialFile{cols[0], cols[1], cols[2]});
    }
    return v;
  }();
  return *files;
}

std::vector<std::string> FetchableLists() {
  std::vector<std::string> out;
  for (const OfficialFile& f : OfficialFiles()) {
    if (out.empty() || out.back() != f.list) out.push_back(f.list);
  }
  return out;
}

Status FetchList(const std::string& list, const std::string& base_url_override,
                 const fs::path& dest_dir, FetchReport* report, const FetchOptions& options) {
  std::vector<OfficialFile> files;
  for (const OfficialFile& f : OfficialFiles()) {
    if (f.list == list) files.push_back(f);
  }
  if (files.empty()) {
    std::string known;
    for (const std::string& l : FetchableLists()) known += (known.empty() ? "" : ", ") + l;
    return Status::InvalidArgument("unknown list '" + list + "' (known: " + known + ")");
  }
  if (!base_url_override.empty()) {
    SplitUrl u;
    if (Status s = ParseUrl(base_url_override, &u); !s.ok()) return s;
  }
  if (dest_dir.empty()) return Status::InvalidArgument("no destination folder given");

  std::error_code ec;
  bool created_dest = false;
  if (!fs::exists(dest_dir, ec)) {
    created_dest = fs::create_directories(dest_dir, ec);
    if (ec) return Status::IoError(dest_dir.string() + ": cannot create folder: " + ec.message());
  } else if (!fs::is_directory(dest_dir, ec)) {
    return Status::InvalidArgument(dest_dir.string() + ": not a folder");
  }

  // The version being replaced, when there is one that loads: the new one is compared with it.
  LoadOptions load;
  load.accept_truncated = options.accept_truncated;
  load.max_entity_drop = options.max_entity_drop;
  if (!created_dest) {
    LoadedList current;
    LoadOptions lenient;
    lenient.accept_truncated = true;
    if (LoadList(dest_dir, lenient, &current).ok() && current.info.source == list) {
      load.previous_entities[list] = current.entities.size();
    }
  }

  FetchReport rep;
  rep.list = list;
  rep.dest = dest_dir;
  Status result = [&]() -> Status {
    Staging staging(dest_dir);
    if (Status s = staging.Create(); !s.ok()) return s;

    std::string urls;
    for (const OfficialFile& f : files) {
      FetchedFile got;
      got.name = f.name;
      std::string url = UrlFor(f, base_url_override);
      if (Status s = Download(url, staging.path() / f.name, options, &got); !s.ok()) return s;
      urls += (urls.empty() ? "" : ", ") + url;
      rep.files.push_back(std::move(got));
    }

    LoadedList loaded;
    if (Status s = LoadList(staging.path(), load, &loaded); !s.ok()) {
      // Name the files as downloaded, not by their place in the staging folder.
      std::string why = s.message();
      const std::string staged = (staging.path() / "").string();
      for (size_t at; (at = why.find(staged)) != std::string::npos;) why.erase(at, staged.size());
      return Status::Corruption("the " + list + " files downloaded from " + urls +
                                " do not load as a list: " + why);
    }
    if (loaded.info.source != list) {
      return Status::Corruption("the files downloaded from " + urls + " are a " +
                                loaded.info.source + " list, not " + list);
    }
    rep.entities = loaded.entities.size();

    for (const FetchedFile& f : rep.files) {
      fs::rename(staging.path() / f.name, dest_dir / f.name, ec);
      if (ec) {
        return Status::IoError((dest_dir / f.name).string() + ": cannot move the downloaded file " +
                               "into place: " + ec.message());
      }
      if (!f.last_modified.empty()) SetModifiedTime(dest_dir / f.name, f.last_modified);
    }
    return Status::Ok();
  }();

  if (!result.ok()) {
    if (created_dest) fs::remove(dest_dir, ec);  // only if still empty
    return result;
  }
  *report = std::move(rep);
  return Status::Ok();
}

fs::path DefaultDataDir() {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
  };
  if (std::string d = env("VIGIL_DATA_DIR"); !d.empty()) return d;
  if (std::string d = env("XDG_DATA_HOME"); !d.empty()) return fs::path(d) / "vigil" / "lists";
  if (std::string d = env("HOME"); !d.empty()) {
    return fs::path(d) / ".local" / "share" / "vigil" / "lists";
  }
  return {};
}

Status ListsInDataDir(const fs::path& dir, std::vector<std::string>* paths) {
  paths->clear();
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    if (ec) return Status::IoError(dir.string() + ": cannot read the data folder: " + ec.message());
    return Status::Ok();
  }
  if (!fs::is_directory(dir, ec)) {
    return Status::InvalidArgument(dir.string() + ": the data folder is not a folder");
  }
  auto has_files = [](const fs::path& sub) {
    std::error_code e;
    for (fs::directory_iterator it(sub, e); !e && it != fs::directory_iterator(); it.increment(e)) {
      if (!it->path().filename().string().starts_with('.')) return true;
    }
    return false;
  };
  const std::vector<std::string> fetchable = FetchableLists();
  const std::set<std::string> known(fetchable.begin(), fetchable.end());
  std::vector<std::string> found;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    std::error_code e;
    // Only the lists `vigil fetch` stores: a backup or notes folder beside them
    // ("us_ofac_sdn.old") is not a list and must not stop every command.
    if (!known.contains(p.filename().string()) || !fs::is_directory(p, e)) continue;
    if (has_files(p)) found.push_back(p.string());
  }
  if (ec) return Status::IoError(dir.string() + ": cannot list the data folder: " + ec.message());
  std::sort(found.begin(), found.end());
  *paths = std::move(found);
  return Status::Ok();
}

std::vector<RefreshTarget> RefreshTargets(const std::vector<LoadedList>& lists) {
  std::vector<std::string> known = FetchableLists();
  std::vector<RefreshTarget> out;
  for (const LoadedList& l : lists) {
    if (l.info.sample || l.info.files.empty()) continue;
    if (std::find(known.begin(), known.end(), l.info.source) == known.end()) continue;
    RefreshTarget t;
    t.list = l.info.source;
    t.dir = fs::path(l.info.files.front().path).parent_path();
    if (t.dir.empty()) t.dir = ".";
    for (const SourceFile& f : l.info.files) {
      t.sha256[fs::path(f.path).filename().string()] = f.sha256;
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<RefreshOutcome> RefreshLists(const std::vector<RefreshTarget>& targets,
                                         const std::string& base_url, const FetchOptions& options) {
  std::vector<RefreshOutcome> out;
  for (const RefreshTarget& t : targets) {
    RefreshOutcome o;
    o.list = t.list;
    o.dir = t.dir;
    std::string base;
    if (!base_url.empty()) {
      base = base_url;
      if (base.back() != '/') base += '/';
      base += t.list + "/";
    }
    Status s;
    try {
      s = FetchList(t.list, base, t.dir, &o.report, options);
    } catch (const std::exception& e) {
      s = Status::IoError(std::string("fetching failed: ") + e.what());
    }
    if (!s.ok()) {
      o.error = s.ToString();
    } else {
      o.ok = true;
      o.changed = o.report.files.size() != t.sha256.size();
      for (const FetchedFile& f : o.report.files) {
        auto it = t.sha256.find(f.name);
        if (it == t.sha256.end() || it->second != f.sha256) o.changed = true;
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace vigil::sources
