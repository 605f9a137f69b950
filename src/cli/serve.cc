// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "cli/serve.h"

#include <fmt/core.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/log.h"
#include "server/server.h"
#include "sources/fetch.h"
#include "util/file.h"
#include "util/strings.h"
#include "vigil/status.h"

namespace vigil::cli {
namespace {

using nlohmann::json;

void Log(const char* level, const std::string& msg, json extra = json::object()) {
  server::LogLine(level, msg, std::move(extra));
}

std::string SampleDir() {
  if (const char* env = std::getenv("VIGIL_SAMPLE_DIR"); env != nullptr && *env != '\0') return env;
  return VIGIL_SAMPLE_DIR;
}

// Reads the config file's top-level `lists` again, strictly: the file must be a regular
// file, every line must be TOML as far as a config needs (blank, comment, [section],
// key = value, arrays over several lines), and `lists` must be there, once, as a string or
// a non-empty array of strings. CLI11's reader takes `lists = [` as the path "[": this one
// says which line is wrong.
Status ConfigLists(const std::string& path, std::vector<std::string>* out) {
  std::error_code ec;
  std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (ec) return Status::InvalidArgument(path + ": cannot read the config file: " + ec.message());
  if (!std::filesystem::is_regular_file(st)) {
    return Status::InvalidArgument(path + ": the config file is not a regular file (a folder?)");
  }
  std::string text;
  if (Status s = util::ReadFile(path, &text); !s.ok()) return s;
  auto fail = [&](size_t line, std::string_view what) {
    return Status::InvalidArgument(fmt::format("{}:{}: {}", path, line, what));
  };
  size_t i = 0, line = 1;
  auto skip_blanks = [&](bool newlines) {  // spaces, and comments and newlines when asked
    while (i < text.size()) {
      char c = text[i];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
      } else if (newlines && c == '\n') {
        ++i, ++line;
      } else if (c == '#') {
        while (i < text.size() && text[i] != '\n') ++i;
      } else {
        break;
      }
    }
  };
  // A string ("..." or '...') at i: its value in *s. False when i is not at one.
  auto read_string = [&](std::string* s, Status* err) {
    char q = text[i];
    if (q != '"' && q != '\'') return false;
    size_t start_line = line;
    s->clear();
    for (++i; i < text.size() && text[i] != q; ++i) {
      if (text[i] == '\n') break;
      if (q == '"' && text[i] == '\\' && i + 1 < text.size()) {
        char e = text[++i];
        s->push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
      } else {
        s->push_back(text[i]);
      }
    }
    if (i >= text.size() || text[i] != q) {
      *err = fail(start_line, "a string is not closed on its line");
      return false;
    }
    ++i;
    return true;
  };
  bool top_level = true, found = false;
  size_t lists_line = 0;
  while (true) {
    skip_blanks(true);
    if (i >= text.size()) break;
    size_t at = line;
    if (text[i] == '[') {  // [section] or [[array of tables]]
      size_t end = text.find('\n', i);
      std::string_view l = util::Trim(std::string_view(text).substr(i, end - i));
      if (size_t hash = l.find('#'); hash != std::string_view::npos)
        l = util::Trim(l.substr(0, hash));
      if (l.size() < 3 || l.back() != ']') return fail(at, "a [section] line is not closed");
      top_level = false;
      i = end == std::string::npos ? text.size() : end;
      continue;
    }
    size_t eq = text.find('=', i), eol = text.find('\n', i);
    if (eq == std::string::npos || (eol != std::string::npos && eol < eq)) {
      return fail(at, "not a `key = value` line");
    }
    std::string key(util::Trim(std::string_view(text).substr(i, eq - i)));
    if (key.empty()) return fail(at, "a `= value` line without a key");
    i = eq + 1;
    skip_blanks(false);
    bool is_lists = top_level && key == "lists";
    if (is_lists && found) return fail(at, "`lists` is given twice");
    std::vector<std::string> values;
    Status err;
    std::string v;
    if (i < text.size() && text[i] == '[') {  // an array, perhaps over several lines
      ++i;
      size_t depth = 1;
      while (depth > 0) {
        skip_blanks(true);
        if (i >= text.size()) {
          return fail(at, fmt::format("the array of `{}` opened here is not closed with ]", key));
        }
        char c = text[i];
        if (c == ']') {
          --depth, ++i;
        } else if (c == '[') {
          if (is_lists) return fail(line, "`lists` holds arrays; it must hold paths (strings)");
          ++depth, ++i;
        } else if (c == ',') {
          ++i;
        } else if (read_string(&v, &err)) {
          values.push_back(v);
        } else if (!err.ok()) {
          return err;
        } else {
          size_t start = i;
          while (i < text.size() &&
                 std::string_view(" \t\r\n,]#").find(text[i]) == std::string_view::npos) {
            ++i;
          }
          if (is_lists || start == i) {
            return fail(line, "`lists` must be an array of paths in quotes");
          }
        }
      }
    } else if (i < text.size() && read_string(&v, &err)) {
      values.push_back(v);
    } else if (!err.ok()) {
      return err;
    } else {
      size_t end = text.find('\n', i);
      std::string_view value = util::Trim(std::string_view(text).substr(i, end - i));
      if (value.empty() || value.front() == '#') return fail(at, "`" + key + " =` has no value");
      if (is_lists) return fail(at, "`lists` must be a path or an array of paths in quotes");
      i = end == std::string::npos ? text.size() : end;
    }
    skip_blanks(false);
    if (i < text.size() && text[i] != '\n') {
      return fail(line, "unexpected text after the value of `" + key + "`");
    }
    if (is_lists) {
      found = true;
      lists_line = at;
      *out = std::move(values);
    }
  }
  if (!found) {
    return Status::InvalidArgument(path + ": the config file has no top-level `lists = [...]`");
  }
  if (out->empty()) return fail(lists_line, "`lists` is empty");
  return Status::Ok();
}

// One warning line per sign of truncation in lists accepted with accept_truncated.
void LogTruncation(const std::vector<std::string>& signs) {
  for (const std::string& t : signs) {
    Log("warning", "list accepted despite a sign of truncation (accept_truncated): " + t);
  }
}

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace

void AddServeOptions(CLI::App* serve, ServeArgs* a) {
  serve->add_option("--host", a->host,
                    "address to listen on (default 127.0.0.1: this machine only)");
  serve->add_option("--port", a->port, "port (0: any free port)")->check(CLI::Range(0, 65535));
  serve
      ->add_option("--threads", a->threads,
                   "event loops, each serving any number of connections (default: one per core)")
      ->check(CLI::Range(1, 256));
  serve
      ->add_option("--max-connections,--max_connections", a->max_connections,
                   "connections open at once (more get 503)")
      ->check(CLI::Range(1, 1000000));
  serve
      ->add_option("--max-body-bytes,--max_body_bytes", a->max_body_bytes,
                   "largest request body accepted (413 beyond)")
      ->check(CLI::Range(static_cast<size_t>(1024), static_cast<size_t>(1) << 30));
  serve->add_option("--max-batch,--max_batch", a->max_batch, "most queries in one request")
      ->check(CLI::Range(1, 100000));
  serve
      ->add_option("--max-results,--max_results", a->max_results,
                   "most matches one query may ask for")
      ->check(CLI::Range(1, 10000));
  serve->add_option("--api-key,--api_keys", a->api_keys,
                    "an API key as ROLE:SHA256HEX or ROLE:SHA256HEX:PRINCIPAL (role screen, "
                    "analyst or admin; the hash of the key, printf %s KEY | sha256sum; the "
                    "principal names the key's holder in the audit trail); repeatable. None: "
                    "every route is open");
  serve->add_option("--db", a->db,
                    "the case store (a SQLite file, created when absent, or a postgresql:// "
                    "URL): serves /v1/parties, /v1/alerts and /v1/audit");
  serve->add_flag("--no-access-log,--no_access_log", a->no_access_log,
                  "do not write a JSON line per request on standard error");
  serve->add_option("--allowed-host,--allowed_hosts", a->allowed_hosts,
                    "a Host name (or address) to serve besides localhost, 127.0.0.1, [::1] and "
                    "--host; repeatable; \"*\" serves any (other Hosts get 421)");
  serve->add_flag("--metrics-public,--metrics_public", a->metrics_public,
                  "serve /metrics without an API key even when keys are configured");
  serve->add_option("--refresh", a->refresh,
                    "fetch the official files of the loaded lists this often (90s, 30m, 6h), "
                    "into the folders they were loaded from, and reload when they changed; "
                    "with --db the stored parties are then re-screened");
  serve->add_option("--fetch-base-url,--fetch_base_url", a->fetch_base_url,
                    "with --refresh: fetch list L from URL/L/ instead of the official "
                    "address (a mirror)");
  serve
      ->add_option("--exposure-level,--exposure_level", a->exposure_level,
                   "with --db: after each re-screen, re-evaluate the exposure of the parties "
                   "near what changed and open an alert at or above this level (0..1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  serve->add_flag("--no-exposure,--no_exposure", a->no_exposure,
                  "with --db: do not re-evaluate exposure after a re-screen");
  AddWebhookOptions(serve, &a->webhook);
  AddIpDataOptions(serve, &a->ip);
}

int RunServe(const CLI::App& app, const ServeArgs& a, const std::vector<std::string>& lists,
             bool strict, int argc, char** argv, bool accept_truncated, double max_entity_drop,
             long max_list_age) {
  std::string config;
  if (const CLI::Option* c = app.get_config_ptr(); c != nullptr && c->count() > 0) {
    config = c->as<std::string>();
  }
  bool lists_on_command_line = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--lists") == 0 || std::strncmp(argv[i], "--lists=", 8) == 0) {
      lists_on_command_line = true;
    }
  }
  std::vector<std::string> fixed = lists;

  server::ServerOptions o;
  o.host = a.host;
  o.port = a.port;
  o.threads = a.threads;
  o.max_connections = a.max_connections;
  o.max_body_bytes = a.max_body_bytes;
  o.max_batch = a.max_batch;
  o.max_results = a.max_results;
  o.api_keys = a.api_keys;
  o.access_log = !a.no_access_log;
  o.strict = strict;
  o.accept_truncated = accept_truncated;
  o.max_entity_drop = max_entity_drop;
  o.max_list_age_days = max_list_age;
  o.sample_path = SampleDir();
  o.allowed_hosts = a.allowed_hosts;
  o.metrics_public = a.metrics_public;
  o.db = a.db;
  o.exposure = !a.no_exposure;
  o.exposure_level = a.exposure_level;
  if (!a.refresh.empty()) {
    std::chrono::milliseconds every{0};
    if (Status s = ParseDuration(a.refresh, &every); !s.ok()) {
      Log("error", "vigil serve: --refresh: " + s.message());
      return 1;
    }
    o.refresh_seconds =
        std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(every).count());
  }
  o.fetch_base_url = a.fetch_base_url;
  o.ip_data = a.ip.data;
  o.ip_db = a.ip.mmdb;
  if (o.ip_data.empty() && o.ip_db.empty()) o.ip_data_background = ip::DefaultDataDir().string();
  if (Status s = MakeWebhook(a.webhook, &o.webhook); !s.ok()) {
    Log("error", "vigil serve: " + s.ToString());
    return 1;
  }
  if (!o.webhook.url.empty() && a.db.empty()) {
    Log("error", "vigil serve: --webhook needs --db (it sends the alerts re-screens raise)");
    return 1;
  }
  // With a config file (and no --lists), every load reads its `lists` again; a config that
  // cannot be read, does not parse or names no lists fails the load (it never falls back to
  // the lists serving or the sample). With neither, the data folder's lists (looked for
  // again at every load), and only when it has none, the bundled sample.
  o.list_paths = [config, fixed, lists_on_command_line](std::vector<std::string>* out) {
    if (!config.empty() && !lists_on_command_line) return ConfigLists(config, out);
    if (!fixed.empty()) {
      *out = fixed;
      return Status::Ok();
    }
    out->clear();
    if (std::filesystem::path dir = sources::DefaultDataDir(); !dir.empty()) {
      if (Status s = sources::ListsInDataDir(dir, out); !s.ok()) return s;
    }
    if (out->empty()) out->push_back(SampleDir());
    return Status::Ok();
  };
  server::Server* serving = nullptr;  // set once the server exists, before any reload
  auto log_warnings = [&serving] {
    for (const std::string& w : serving->ListWarnings()) Log("warning", w);
  };
  o.reload_done = [log_warnings](const Status& s, const std::string& summary,
                                 const std::vector<std::string>& truncated) {
    if (s.ok()) {
      LogTruncation(truncated);
      Log("info", "reloaded", {{"lists", summary}, {"via", "SIGHUP"}});
      log_warnings();
    } else {
      Log("error", "reload failed; the previous lists still serve: " + s.ToString(),
          {{"via", "SIGHUP"}});
    }
  };

  // Signals are taken by one thread with sigwait, so every other thread blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // A write past the file size limit (RLIMIT_FSIZE) fails with EFBIG, which the case store
  // answers as a full disk (503), instead of the signal ending the service.
  signal(SIGXFSZ, SIG_IGN);

  server::Server server(o);
  serving = &server;
  int port = 0;
  if (Status s = server.Bind(&port); !s.ok()) {
    Log("error", "vigil serve: " + s.ToString());
    return 1;
  }
  std::string url = fmt::format(
      "http://{}:{}/", a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host, port);
  Log("info", "listening", {{"url", url}, {"port", port}, {"threads", server.threads()}});
  if (!IsLoopback(a.host) && a.api_keys.empty()) {
    Log("warning", "listening beyond this machine without API keys: anyone who can reach " + url +
                       " can screen and reload (set api_keys)");
  }

  std::atomic<int> exit_code{0};
  std::thread loader([&] {
    std::string summary;
    std::vector<std::string> truncated;
    Status s = server.Reload(&summary, &truncated);
    if (!s.ok()) {
      Log("error", "cannot load the lists: " + s.ToString());
      exit_code = 1;
      server.Stop();
      return;
    }
    LogTruncation(truncated);
    Log("info", "ready", {{"lists", summary}});
    log_warnings();
  });
  std::thread signal_thread([&] {
    while (true) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        // Queued: one during a reload (ours or one over HTTP) makes one more after it.
        server.RequestReload();
        continue;
      }
      Log("info", "stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
      server.Stop();
      return;
    }
  });
  signal_thread.detach();
  bool ok = server.Run();
  loader.join();
  if (!ok && exit_code == 0) {
    Log("error", "the listening socket failed");
    return 1;
  }
  return exit_code;
}

}  // namespace vigil::cli
