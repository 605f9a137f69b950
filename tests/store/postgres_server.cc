// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "store/postgres_server.h"

#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>

#include "store/sql.h"

namespace vigil::testing {
namespace {

namespace fs = std::filesystem;

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string FindBinDir() {
  if (fs::exists("/usr/lib/postgresql/15/bin/initdb")) return "/usr/lib/postgresql/15/bin";
  FILE* p = popen("pg_config --bindir 2>/dev/null", "r");
  if (p == nullptr) return "";
  char buf[512] = {0};
  std::string out;
  if (std::fgets(buf, sizeof buf, p) != nullptr) out = buf;
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (!out.empty() && fs::exists(fs::path(out) / "initdb")) return out;
  return "";
}

// The running server: stopped and its folder removed when the process exits.
struct Server {
  std::string dir, bin, as;  // `as`: "runuser -u postgres -- " when root, else ""
  bool started = false;
  ~Server() {
    if (started) {
      std::string cmd = as + Quote(bin + "/pg_ctl") + " -D " + Quote(dir + "/data") +
                        " -m immediate -w stop >/dev/null 2>&1";
      if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "note: pg_ctl stop failed\n");
    }
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

std::unique_ptr<Server> g_server;
std::unique_ptr<TestPostgres> g_instance;
std::string g_why;

std::string ReadSmall(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return "";
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && out.size() < 8192) out.append(buf, n);
  std::fclose(f);
  return out;
}

void Start() {
  if (const char* env = std::getenv("VIGIL_TEST_POSTGRES_URL"); env != nullptr && *env) {
    g_instance = std::make_unique<TestPostgres>(env);
    return;
  }
  std::string bin = FindBinDir();
  if (bin.empty()) {
    g_why =
        "PostgreSQL 15 not installed (Debian package postgresql): PostgreSQL store tests "
        "skipped";
    return;
  }
  auto server = std::make_unique<Server>();
  server->bin = bin;
  std::string tmpl = (fs::temp_directory_path() / "vigil-pg-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    g_why = "cannot create a temporary folder for PostgreSQL";
    return;
  }
  server->dir = tmpl;
  if (geteuid() == 0) {
    struct passwd* pw = getpwnam("postgres");
    if (pw == nullptr) {
      g_why = "running as root and there is no `postgres` user to run PostgreSQL as";
      return;
    }
    if (chown(server->dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      g_why = "cannot hand " + server->dir + " to the postgres user";
      return;
    }
    server->as = "runuser -u postgres -- ";
  }
  const std::string& d = server->dir;
  std::string initdb = server->as + Quote(bin + "/initdb") + " -D " + Quote(d + "/data") +
                       " -U postgres -A trust -E UTF8 --locale=C --no-sync > " +
                       Quote(d + "/initdb.log") + " 2>&1";
  if (std::system(initdb.c_str()) != 0) {
    g_why = "initdb failed: " + ReadSmall(d + "/initdb.log");
    return;
  }
  std::string opts = "-c listen_addresses='' -c unix_socket_directories=" + d +
                     " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                     " -c shared_buffers=16MB -c max_connections=40";
  std::string start = server->as + Quote(bin + "/pg_ctl") + " -w -t 60 -D " + Quote(d + "/data") +
                      " -l " + Quote(d + "/server.log") + " -o " + Quote(opts) + " start > " +
                      Quote(d + "/pg_ctl.log") + " 2>&1";
  if (std::system(start.c_str()) != 0) {
    g_why = "pg_ctl start failed: " + ReadSmall(d + "/server.log");
    return;
  }
  server->started = true;
  g_instance =
      std::make_unique<TestPostgres>("postgresql:///postgres?host=" + d + "&user=postgres");
  g_server = std::move(server);
}

// The URL with its database name replaced: postgresql://auth/DB?query.
std::string WithDatabase(const std::string& url, const std::string& db) {
  size_t scheme = url.find("://");
  size_t path = url.find('/', scheme + 3);
  size_t query = url.find('?', scheme + 3);
  std::string head = url.substr(0, path == std::string::npos ? query : path);
  if (query != std::string::npos && path != std::string::npos && path > query) {
    head = url.substr(0, query);
  }
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + db + tail;
}

}  // namespace

bool PostgresRequired() {
  const char* v = std::getenv("VIGIL_REQUIRE_POSTGRES");
  return v != nullptr && std::string(v) == "1";
}

const TestPostgres* TestPostgres::Get(std::string* why) {
  static std::once_flag once;
  std::call_once(once, Start);
  if (g_instance == nullptr && why != nullptr) *why = g_why;
  return g_instance.get();
}

Status TestPostgres::NewDatabase(std::string* url) const {
  static std::atomic<int> counter{0};
  std::string name =
      "t_" + std::to_string(getpid()) + "_" + std::to_string(counter.fetch_add(1) + 1);
  std::unique_ptr<store::sql::Connection> c;
  Status s = store::sql::Connect(url_, &c);
  if (!s.ok()) return s;
  s = c->Exec("DROP DATABASE IF EXISTS " + name);
  if (!s.ok()) return s;
  s = c->Exec("CREATE DATABASE " + name);
  if (!s.ok()) return s;
  *url = WithDatabase(url_, name);
  return Status::Ok();
}

}  // namespace vigil::testing
