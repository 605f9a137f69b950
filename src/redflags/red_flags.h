// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The published red flags of North Korean IT workers, checked over party records
// (model::Party: logins, identifiers, addresses, remote-access tools, payment accounts).
//
// The rules are data: a rules file (default data/redflags/it_workers.json, compiled in;
// `--rules FILE` replaces it) in which each rule names the check it configures, its weight
// and parameters, and the advisory sentence it implements with its source ("FBI PSA
// I-051624-PSA, 16 May 2024: ..."). Sources: State/Treasury/FBI guidance of 16 May 2022;
// the US-ROK update of 18 Oct 2023; FBI PSAs of 16 May 2024 and 23 Jan 2025.
//
// Checks (the rule file's "check" values):
//   login_sanctioned_ip      a login from a comprehensively sanctioned jurisdiction or DPRK
//                            address space (ip::IpDatabase)
//   login_country_mismatch   logins from countries other than the claimed residence,
//                            weighted up for facilitator countries (CN, RU, ...)
//   impossible_travel        logins from two countries further apart than travel allows in
//                            the time between them
//   shared_ip                one login IP used by several parties (weighed down when many
//                            unrelated parties share it: offices, coworking, mobile NAT)
//   shared_identifier        the same payment account, phone, wallet, photo hash, email or
//                            device behind several parties
//   laptop_farm              a shipping address that is not the party's home, shared by
//                            several parties
//   third_party_payment      payments to a holder who is not the party, or to an account in
//                            a facilitator country
//   multi_country            the account switches back and forth between countries (the
//                            claimed one and others), most logins from elsewhere
//   payment_facilitator_country  a payment account in the PRC (or another listed country)
//                            that is not the party's (weaker when the party holds it)
//   virtual_currency         payment in virtual currency (very weak alone)
//   remote_access            remote-desktop tools (weak alone)
//   name_screen              the name screens as a match or review against the lists
// Single benign signals are common (travel, consumer VPNs, a family home, a small office
// IP, crypto payouts, Chinese and South Korean freelancers): risk combines signals and weighs
// how distinctive each shared value is. Nationality or a Korean-looking name alone is never
// a flag.
//
// Networks: parties linked by strong shared values (a payment account, phone, wallet, photo,
// device, a laptop-farm address or IP shared by few parties) form clusters, each explained
// by its links. A shared office IP or a family home alone does not link.
//
// Thread safety: an Engine is immutable after Create(); Run() may be called concurrently.

#ifndef VIGIL_REDFLAGS_RED_FLAGS_H_
#define VIGIL_REDFLAGS_RED_FLAGS_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ip/ip_database.h"
#include "model/party.h"
#include "vigil/status.h"

namespace vigil {
class Screener;
}

namespace vigil::redflags {

// One rule of the rules file.
struct Rule {
  std::string id;     // "login-sanctioned-ip" (unique)
  std::string check;  // one of the checks above
  double weight = 0;  // contribution to the score when it fires (before distinctiveness)
  nlohmann::json params = nlohmann::json::object();  // check-specific
  std::string source;                                // "FBI PSA, 16 May 2024 (I-051624-PSA)"
  std::string quote;                                 // the advisory sentence it implements
};

// Reads a rules file (JSON: {"version": ..., "levels": {"high": x, "medium": y, "low": z},
// "rules": [Rule...]}). Errors name the file and the rule ("rules.json: rule 3
// (shared-ip): unknown check 'shared_ipp'").
Status ParseRules(std::string_view text, std::string_view file_name, std::vector<Rule>* rules,
                  nlohmann::json* levels);
// The compiled-in default rules file (data/redflags/it_workers.json).
std::string_view DefaultRulesText();

struct Flag {
  std::string rule;      // Rule::id
  std::string evidence;  // plain words: "logged in from 175.45.178.10 (KP, AS131279 Star
                         // Joint Venture, DPRK range 175.45.176.0/22) on 2026-03-05"
  std::string source;    // Rule::source
  std::string quote;     // Rule::quote
  double weight = 0;     // what it added to the score
  nlohmann::json detail = nlohmann::json::object();  // machine-readable: ips, parties, values
};

// A link between two parties through one shared value.
struct Link {
  std::string a, b;     // party ids
  std::string kind;     // "payment_account", "phone", "wallet", "photo_hash", "device",
                        // "shipping_address", "ip", "email"
  std::string value;    // the normalized shared value
  double strength = 0;  // 0..1 (distinctiveness: how few parties share it)
};

struct Cluster {
  std::string id;                    // "C-0001" (stable for the same input)
  std::vector<std::string> parties;  // sorted
  std::vector<Link> links;           // the links that made it
};

struct PartyResult {
  std::string id;
  std::string risk = "none";  // "high", "medium", "low", "none"
  double score = 0;           // 0..1
  std::optional<std::string> cluster;
  std::vector<Flag> flags;  // strongest first
};

struct Report {
  std::vector<PartyResult> parties;  // in input order
  std::vector<Cluster> clusters;
};

// One output line: {"id", "risk", "score", "cluster": id|null, "flags": [{"rule",
// "evidence", "source", "quote", "weight", "detail"}]}.
nlohmann::json ToJson(const PartyResult& r);
nlohmann::json ToJson(const Cluster& c);

struct Options {
  const ip::IpDatabase* ip = nullptr;  // required for the login checks (null: they are skipped
                                       // and the report says so)
  // Where a login IP is, for callers with their own IP data (and tests): when set it is
  // used instead of `ip`. Returns false for an address it cannot read.
  std::function<bool(std::string_view ip, ip::Brief* out)> locate;
  const Screener* screener = nullptr;  // for name_screen (null: skipped)
  std::string rules_text;              // empty: DefaultRulesText()
  std::string rules_file_name = "it_workers.json";
  size_t threads = 0;  // 0: one per core
};

class Engine {
 public:
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  static Status Create(Options options, std::unique_ptr<Engine>* out);

  // Checks every party, and the values they share, as one population (shared values are
  // counted over `parties`). `now` is not used: times come from the records.
  Status Run(const std::vector<model::Party>& parties, Report* out) const;

  const std::vector<Rule>& rules() const;
  // What was skipped and why ("name_screen: no lists loaded"), for the report header.
  const std::vector<std::string>& notes() const;

 private:
  struct Rep;
  explicit Engine(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace vigil::redflags

#endif  // VIGIL_REDFLAGS_RED_FLAGS_H_
