// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// `vigil ip ADDRESS... [--json] [--ip-data DIR] [--ip-db FILE.mmdb]...`: where each address
// is registered (country, autonomous system), whether that is a sanctioned jurisdiction or
// known North Korean address space, with the table row behind each part and the data's
// source and date (src/ip/ip_database.h).
//
// Exit status: 0 when every address was answered; 2 when one or more were malformed (each
// says why; the others are still answered); 1 when the IP data could not be loaded.
//
// Also here: the --ip-data/--ip-db options other commands share (serve, red-flags).

#ifndef VIGIL_CLI_IP_H_
#define VIGIL_CLI_IP_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "ip/ip_database.h"
#include "vigil/status.h"

namespace vigil::cli {

struct IpDataArgs {
  std::string data;  // --ip-data: the @ip-location-db folder (default: ip::DefaultDataDir())
  std::vector<std::string> mmdb;  // --ip-db: MaxMind-format databases, consulted first
};

// Adds --ip-data DIR and --ip-db FILE (repeatable) to `cmd`.
void AddIpDataOptions(CLI::App* cmd, IpDataArgs* a);
// Opens the IP data the options name.
Status OpenIpDatabase(const IpDataArgs& a, bool ipv4_only, std::unique_ptr<ip::IpDatabase>* out);

struct IpArgs {
  std::vector<std::string> addresses;
  IpDataArgs data;
};

CLI::App* AddIpCommand(CLI::App* app, IpArgs* a);
int RunIp(const IpArgs& a, bool json);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_IP_H_
