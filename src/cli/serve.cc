// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "cli/serve.h"

#include <fmt/core.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/server.h"
#include "vigil/status.h"

namespace vigil::cli {
namespace {

using nlohmann::json;

void Log(const char* level, const std::string& msg, json extra = json::object()) {
  extra["ts"] = static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count()) /
                1e3;
  extra["level"] = level;
  extra["msg"] = msg;
  std::string line = extra.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

std::string SampleDir() {
  if (const char* env = std::getenv("VIGIL_SAMPLE_DIR"); env != nullptr && *env != '\0') return env;
  return VIGIL_SAMPLE_DIR;
}

// The config file's top-level `lists`, read again. *found says whether it has one.
Status ConfigLists(const std::string& path, std::vector<std::string>* out, bool* found) {
  *found = false;
  try {
    CLI::ConfigTOML toml;
    for (const CLI::ConfigItem& item : toml.from_file(path)) {
      if (item.parents.empty() && item.name == "lists") {
        *out = item.inputs;
        *found = true;
      }
    }
  } catch (const std::exception& e) {
    return Status::InvalidArgument(path + ": cannot read the config file: " + e.what());
  }
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
                    "an API key as ROLE:SHA256HEX (role screen or admin; the hash of the key, "
                    "printf %s KEY | sha256sum); repeatable. None: every route is open");
  serve->add_flag("--no-access-log,--no_access_log", a->no_access_log,
                  "do not write a JSON line per request on standard error");
}

int RunServe(const CLI::App& app, const ServeArgs& a, const std::vector<std::string>& lists,
             bool strict, int argc, char** argv, bool accept_truncated, double max_entity_drop) {
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
  if (fixed.empty()) fixed.push_back(SampleDir());

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
  o.list_paths = [config, fixed, lists_on_command_line](std::vector<std::string>* out) {
    if (!config.empty() && !lists_on_command_line) {
      bool found = false;
      if (Status s = ConfigLists(config, out, &found); !s.ok()) return s;
      if (found)
        return out->empty() ? Status::InvalidArgument(config + ": lists is empty") : Status::Ok();
    }
    *out = fixed;
    return Status::Ok();
  };

  // Signals are taken by one thread with sigwait, so every other thread blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  server::Server server(o);
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
  });
  std::thread signal_thread([&] {
    while (true) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        std::string summary;
        std::vector<std::string> truncated;
        Status s = server.Reload(&summary, &truncated);
        if (s.ok()) {
          LogTruncation(truncated);
          Log("info", "reloaded", {{"lists", summary}});
        } else {
          Log("error", "reload failed; the previous lists still serve: " + s.ToString());
        }
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
