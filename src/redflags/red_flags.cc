// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "redflags/red_flags.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "redflags/values.h"
#include "screen/party.h"
#include "text/normalize.h"
#include "util/data.h"
#include "util/strings.h"
#include "vigil/screen.h"

namespace vigil::redflags {
namespace {

using nlohmann::json;

constexpr std::string_view kChecks[] = {"login_sanctioned_ip",
                                        "login_country_mismatch",
                                        "multi_country",
                                        "impossible_travel",
                                        "shared_ip",
                                        "shared_identifier",
                                        "laptop_farm",
                                        "third_party_payment",
                                        "payment_facilitator_country",
                                        "virtual_currency",
                                        "remote_access",
                                        "name_screen"};

constexpr std::string_view kIdentifierTypes[] = {
    "email",    "phone",       "website",      "wallet", "bank_account", "payment_account",
    "passport", "national_id", "registration", "imo",    "photo_hash",   "device"};

bool IsPaymentType(std::string_view t) { return t == "payment_account" || t == "bank_account"; }

double ParamDouble(const Rule& r, const char* key, double fallback) {
  auto it = r.params.find(key);
  return it != r.params.end() && it->is_number() ? it->get<double>() : fallback;
}

size_t ParamSize(const Rule& r, const char* key, size_t fallback) {
  auto it = r.params.find(key);
  if (it == r.params.end() || !it->is_number()) return fallback;
  double v = it->get<double>();
  return v <= 0 ? 0 : static_cast<size_t>(v);
}

// "a, b and 3 more".
std::string ListSome(const std::vector<std::string>& items, size_t show = 4) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < show; ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  if (items.size() > show) out += fmt::format(" and {} more", items.size() - show);
  return out;
}

std::string CountryOf(const ip::Brief& b) {
  if (b.country[0] == 0) return {};
  return std::string(b.country.data(), 2);
}

// Checks that the rule's params are usable; the message names what is wrong.
Status CheckParams(const Rule& r) {
  if (!r.params.is_object()) return Status::InvalidArgument("params must be an object");
  for (const auto& [k, v] : r.params.items()) {
    if (k == "types") {
      if (!v.is_array() || v.empty()) {
        return Status::InvalidArgument("params.types must be a non-empty array");
      }
      for (const json& t : v) {
        if (!t.is_string() || std::find(std::begin(kIdentifierTypes), std::end(kIdentifierTypes),
                                        t.get<std::string>()) == std::end(kIdentifierTypes)) {
          return Status::InvalidArgument("params.types: unknown identifier type " + t.dump());
        }
      }
    } else if (k == "countries") {
      if (!v.is_array()) return Status::InvalidArgument("params.countries must be an array");
    } else if (!v.is_number() || v.get<double>() < 0) {
      return Status::InvalidArgument("params." + k + " must be a number >= 0");
    }
  }
  if (r.check == "shared_identifier" && !r.params.contains("types")) {
    return Status::InvalidArgument("shared_identifier needs params.types");
  }
  return Status::Ok();
}

struct CountryGroup {
  std::unordered_set<std::string> countries;
  double factor = 0;
  std::string source, quote;
};

// A login as the checks see it.
struct Login {
  std::string ip;  // canonical text
  int64_t time = 0;
  bool has_time = false;
  bool located = false;  // the IP data knew the address
  ip::Brief brief;
  std::string country;  // from brief
};

// What the first pass knows of a party.
struct PartyFacts {
  uint32_t household = 0;
  std::set<std::string> claimed;  // country, nationality, address countries
  std::vector<Login> logins;
  std::unordered_map<std::string, int> logins_per_ip;
  std::vector<std::string> home_keys;
  std::vector<std::string> shipping_keys;  // shipping addresses that are not a home
  bool remote = false;
};

// Parties sharing one value, with how many households they make.
struct Sharers {
  std::vector<uint32_t> parties;  // indices, ascending, unique
  size_t households = 0;
};

using ShareMap = std::unordered_map<std::string, Sharers>;

}  // namespace

// ---- rules ----

Status ParseRules(std::string_view text, std::string_view file_name, std::vector<Rule>* rules,
                  json* levels) {
  const std::string file(file_name);
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(file + ": not a JSON object");
  }
  auto lv = j.find("levels");
  if (lv == j.end() || !lv->is_object()) {
    return Status::InvalidArgument(file + ": \"levels\" {\"high\", \"medium\", \"low\"} missing");
  }
  double prev = 1.01;
  for (const char* name : {"high", "medium", "low"}) {
    auto it = lv->find(name);
    if (it == lv->end() || !it->is_number() || it->get<double>() <= 0 || it->get<double>() > 1) {
      return Status::InvalidArgument(file + ": levels." + name + " must be a number in (0, 1]");
    }
    if (it->get<double>() >= prev) {
      return Status::InvalidArgument(file + ": levels must fall from high to low");
    }
    prev = it->get<double>();
  }
  auto rs = j.find("rules");
  if (rs == j.end() || !rs->is_array() || rs->empty()) {
    return Status::InvalidArgument(file + ": \"rules\" must be a non-empty array");
  }
  std::vector<Rule> out;
  std::set<std::string> ids;
  size_t n = 0;
  for (const json& rj : *rs) {
    ++n;
    std::string id = rj.is_object() && rj.contains("id") && rj["id"].is_string()
                         ? rj["id"].get<std::string>()
                         : std::string();
    auto fail = [&](const std::string& msg) {
      return Status::InvalidArgument(
          fmt::format("{}: rule {}{}: {}", file, n, id.empty() ? "" : " (" + id + ")", msg));
    };
    if (!rj.is_object()) return fail("not an object");
    if (id.empty()) return fail("\"id\" missing");
    if (!ids.insert(id).second) return fail("id given twice");
    Rule r;
    r.id = id;
    for (const char* key : {"check", "source", "quote"}) {
      if (!rj.contains(key) || !rj[key].is_string() || rj[key].get<std::string>().empty()) {
        return fail(fmt::format("\"{}\" missing (every rule cites its advisory)", key));
      }
    }
    r.check = rj["check"].get<std::string>();
    if (std::find(std::begin(kChecks), std::end(kChecks), r.check) == std::end(kChecks)) {
      return fail("unknown check '" + r.check + "'");
    }
    if (!rj.contains("weight") || !rj["weight"].is_number() || rj["weight"].get<double>() < 0 ||
        rj["weight"].get<double>() > 1) {
      return fail("\"weight\" must be a number in [0, 1]");
    }
    r.weight = rj["weight"].get<double>();
    r.source = rj["source"].get<std::string>();
    r.quote = rj["quote"].get<std::string>();
    if (rj.contains("params")) r.params = rj["params"];
    if (Status s = CheckParams(r); !s.ok()) return fail(s.message());
    out.push_back(std::move(r));
  }
  *rules = std::move(out);
  *levels = *lv;
  return Status::Ok();
}

std::string_view DefaultRulesText() { return util::EmbeddedData("redflags/it_workers.json"); }

// ---- output ----

json ToJson(const PartyResult& r) {
  json flags = json::array();
  for (const Flag& f : r.flags) {
    flags.push_back({{"rule", f.rule},
                     {"evidence", f.evidence},
                     {"source", f.source},
                     {"quote", f.quote},
                     {"weight", std::round(f.weight * 1000) / 1000},
                     {"detail", f.detail}});
  }
  return {{"id", r.id},
          {"risk", r.risk},
          {"score", std::round(r.score * 1000) / 1000},
          {"cluster", r.cluster ? json(*r.cluster) : json(nullptr)},
          {"flags", std::move(flags)}};
}

json ToJson(const Cluster& c) {
  json links = json::array();
  for (const Link& l : c.links) {
    links.push_back({{"a", l.a},
                     {"b", l.b},
                     {"kind", l.kind},
                     {"value", l.value},
                     {"strength", std::round(l.strength * 1000) / 1000}});
  }
  return {{"id", c.id}, {"parties", c.parties}, {"links", std::move(links)}};
}

// ---- engine ----

namespace {

// The engine's configuration: the parsed rules file and the options.
struct Config {
  Options options;
  std::vector<Rule> rules;
  double high = 0.7, medium = 0.4, low = 0.1;
  CountryGroup primary, secondary;
  double other_factor = 0.35;
  std::vector<std::string> notes;
  bool have_ip = false;

  // The factor of a login country that is not the party's: primary, secondary or other.
  double CountryFactor(const std::string& c) const {
    if (primary.countries.count(c) != 0) return primary.factor;
    if (secondary.countries.count(c) != 0) return secondary.factor;
    return other_factor;
  }
};

}  // namespace

struct Engine::Rep : Config {};

Engine::Engine(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Engine::~Engine() = default;
const std::vector<Rule>& Engine::rules() const { return rep_->rules; }
const std::vector<std::string>& Engine::notes() const { return rep_->notes; }

namespace {

Status ReadGroup(const json& j, const std::string& file, const char* name, CountryGroup* g) {
  auto it = j.find(name);
  if (it == j.end()) return Status::Ok();
  if (!it->is_object() || !it->contains("countries") || !(*it)["countries"].is_array()) {
    return Status::InvalidArgument(file + ": countries." + name + ".countries must be an array");
  }
  for (const json& c : (*it)["countries"]) {
    if (!c.is_string() || c.get<std::string>().size() != 2) {
      return Status::InvalidArgument(file + ": countries." + name + ": " + c.dump() +
                                     " is not a two-letter country code");
    }
    g->countries.insert(util::AsciiUpper(c.get<std::string>()));
  }
  g->factor = it->value("factor", 1.0);
  g->source = it->value("source", "");
  g->quote = it->value("quote", "");
  return Status::Ok();
}

}  // namespace

Status Engine::Create(Options options, std::unique_ptr<Engine>* out) {
  auto rep = std::make_unique<Rep>();
  std::string text =
      options.rules_text.empty() ? std::string(DefaultRulesText()) : options.rules_text;
  if (text.empty()) return Status::NotFound("the compiled-in rules file is missing");
  json levels;
  if (Status s = ParseRules(text, options.rules_file_name, &rep->rules, &levels); !s.ok()) {
    return s;
  }
  rep->high = levels["high"].get<double>();
  rep->medium = levels["medium"].get<double>();
  rep->low = levels["low"].get<double>();
  json j = json::parse(text, nullptr, false);
  if (auto c = j.find("countries"); c != j.end() && c->is_object()) {
    if (Status s = ReadGroup(*c, options.rules_file_name, "facilitator_primary", &rep->primary);
        !s.ok()) {
      return s;
    }
    if (Status s = ReadGroup(*c, options.rules_file_name, "facilitator_secondary", &rep->secondary);
        !s.ok()) {
      return s;
    }
    rep->other_factor = c->value("other_factor", 0.35);
  }
  rep->have_ip = options.ip != nullptr || static_cast<bool>(options.locate);
  bool has_login_rules = false, has_name_rule = false;
  for (const Rule& r : rep->rules) {
    if (r.check.rfind("login_", 0) == 0 || r.check == "impossible_travel" ||
        r.check == "multi_country") {
      has_login_rules = true;
    }
    if (r.check == "name_screen") has_name_rule = true;
  }
  if (has_login_rules && !rep->have_ip) {
    rep->notes.push_back(
        "login checks (sanctioned IPs, login countries, impossible travel) skipped: no IP data "
        "(run tools/deps.sh, or give --ip-data DIR / --ip-db FILE)");
  }
  if (has_name_rule && options.screener == nullptr) {
    rep->notes.push_back("name_screen skipped: no lists loaded");
  }
  rep->options = std::move(options);
  out->reset(new Engine(std::move(rep)));
  return Status::Ok();
}

namespace {

// Everything one Run() computes before the per-party checks.
struct Population {
  const std::vector<model::Party>* parties = nullptr;
  std::vector<PartyFacts> facts;
  std::vector<std::string> households;                // key per household index
  std::unordered_map<std::string, ShareMap> by_type;  // identifier type -> value -> sharers
  ShareMap shipping;                                  // non-home shipping address key
  ShareMap ips;                                       // login IP -> sharers

  size_t CountHouseholds(const std::vector<uint32_t>& ps) const {
    std::unordered_set<uint32_t> h;
    for (uint32_t p : ps) h.insert(facts[p].household);
    return h.size();
  }
  void Finish(ShareMap* m) const {
    for (auto& [v, s] : *m) {
      std::sort(s.parties.begin(), s.parties.end());
      s.parties.erase(std::unique(s.parties.begin(), s.parties.end()), s.parties.end());
      s.households = CountHouseholds(s.parties);
    }
  }
  const Sharers* Find(const ShareMap& m, const std::string& v) const {
    auto it = m.find(v);
    return it == m.end() ? nullptr : &it->second;
  }
  // The ids of the sharers other than `self`.
  std::vector<std::string> Others(const Sharers& s, uint32_t self) const {
    std::vector<std::string> out;
    for (uint32_t p : s.parties) {
      if (p != self) out.push_back((*parties)[p].id);
    }
    return out;
  }
};

template <typename Fn>
void ParallelFor(size_t n, size_t threads, Fn fn) {
  if (threads <= 1 || n < 64) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  constexpr size_t kChunk = 64;
  auto work = [&]() {
    for (;;) {
      size_t start = next.fetch_add(kChunk);
      if (start >= n) return;
      for (size_t i = start; i < std::min(n, start + kChunk); ++i) fn(i);
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
}

struct Checker {
  const Config& rep;
  const Population& pop;

  bool Shared(const Login& l) const {
    const Sharers* s = pop.Find(pop.ips, l.ip);
    return s != nullptr && s->households >= 2;
  }
  // Logins whose place says something about the party: located, not special, not from an
  // IP several households use (an office, a relay: its registered country is the network's).
  std::vector<const Login*> Usable(const PartyFacts& f) const {
    std::vector<const Login*> out;
    for (const Login& l : f.logins) {
      if (l.located && !l.brief.special && !l.country.empty() && !Shared(l)) out.push_back(&l);
    }
    return out;
  }

  std::string Claimed(const model::Party& p, const PartyFacts& f) const {
    std::string out = f.claimed.empty() ? "none given" : "";
    for (const std::string& c : f.claimed) out += (out.empty() ? "" : ", ") + c;
    (void)p;
    return out;
  }

  // Adds a flag when strength > 0; contribution = min(1, weight * strength).
  void Add(const Rule& r, double strength, std::string evidence, json detail,
           std::vector<Flag>* flags) const {
    if (strength <= 0) return;
    Flag f;
    f.rule = r.id;
    f.evidence = std::move(evidence);
    f.source = r.source;
    f.quote = r.quote;
    f.weight = std::min(1.0, r.weight * strength);
    f.detail = std::move(detail);
    flags->push_back(std::move(f));
  }

  void SanctionedIp(const Rule& r, const model::Party& p, const PartyFacts& f,
                    std::vector<Flag>* flags) const {
    (void)p;
    double factor = ParamDouble(r, "sanctioned_country_factor", 0.65);
    double best = 0;
    std::vector<std::string> seen, shown;
    json ips = json::array();
    for (const Login& l : f.logins) {
      if (!l.located || !l.brief.sanctioned) continue;
      best = std::max(best, l.brief.dprk ? 1.0 : factor);
      if (std::find(seen.begin(), seen.end(), l.ip) != seen.end()) continue;
      seen.push_back(l.ip);
      std::string what = l.brief.dprk ? "DPRK address space" : "sanctioned jurisdiction";
      std::string as = l.brief.asn != 0 ? fmt::format(", AS{}", l.brief.asn) : "";
      shown.push_back(fmt::format("{} ({}{}, {})", l.ip, l.country, as, what));
      ips.push_back(
          {{"ip", l.ip}, {"country", l.country}, {"asn", l.brief.asn}, {"dprk", l.brief.dprk}});
    }
    if (best > 0) {
      Add(r, best, "logged in from " + ListSome(shown), {{"ips", ips}}, flags);
    }
  }

  void CountryMismatch(const Rule& r, const model::Party& p, const PartyFacts& f,
                       std::vector<Flag>* flags) const {
    std::vector<const Login*> use = Usable(f);
    if (use.empty()) return;
    const double full = std::max(0.01, ParamDouble(r, "full_share", 0.5));
    std::map<std::string, int> foreign;
    for (const Login* l : use) {
      if (f.claimed.count(l->country) == 0) ++foreign[l->country];
    }
    if (foreign.empty()) return;
    // Share of logins per factor group, and the strongest group's strength.
    std::map<double, int> per_factor;
    for (const auto& [c, n] : foreign) per_factor[rep.CountryFactor(c)] += n;
    double best = 0;
    for (const auto& [factor, n] : per_factor) {
      best = std::max(best, factor * std::min(1.0, n / (full * static_cast<double>(use.size()))));
    }
    std::vector<std::string> parts;
    json countries = json::object();
    int total = 0;
    for (const auto& [c, n] : foreign) {
      parts.push_back(fmt::format("{} ({})", c, n));
      countries[c] = n;
      total += n;
    }
    Add(r, best,
        fmt::format("{} of {} logins from {}; claimed: {}", total, use.size(), ListSome(parts),
                    Claimed(p, f)),
        {{"countries", countries}, {"logins", use.size()}}, flags);
  }

  std::vector<const Login*> Timed(const PartyFacts& f) const {
    std::vector<const Login*> use = Usable(f);
    use.erase(std::remove_if(use.begin(), use.end(), [](const Login* l) { return !l->has_time; }),
              use.end());
    std::stable_sort(use.begin(), use.end(),
                     [](const Login* a, const Login* b) { return a->time < b->time; });
    return use;
  }

  // The account is used mostly from countries the party does not claim, and now and then
  // from the claimed one: several places behind one profile. (A consumer VPN that is always
  // on never shows the claimed country; a traveller is mostly at home.)
  void MultiCountry(const Rule& r, const model::Party& p, const PartyFacts& f,
                    std::vector<Flag>* flags) const {
    std::vector<const Login*> use = Timed(f);
    if (use.size() < 2) return;
    const size_t min_switches = ParamSize(r, "min_switches", 1);
    const double from = ParamDouble(r, "start_share", 0.5);
    const double full = std::max(from + 0.01, ParamDouble(r, "full_share", 0.7));
    const double min_factor = ParamDouble(r, "min_country_factor", 0.7);
    size_t switches = 0, claimed = 0;
    std::string prev;
    std::map<std::string, int> foreign;
    for (const Login* l : use) {
      bool home = f.claimed.count(l->country) != 0;
      std::string state = home ? std::string("claimed") : l->country;
      if (home) {
        ++claimed;
      } else {
        ++foreign[l->country];
      }
      if (!prev.empty() && state != prev) ++switches;
      prev = state;
    }
    if (claimed == 0 || foreign.empty() || switches < min_switches) return;
    const double share =
        static_cast<double>(use.size() - claimed) / static_cast<double>(use.size());
    const double g = std::clamp((share - from) / (full - from), 0.0, 1.0);
    if (g <= 0) return;
    // The countries' factor: that of the group most logins come from.
    std::map<double, int> per_factor;
    for (const auto& [c, n] : foreign) per_factor[rep.CountryFactor(c)] += n;
    auto top = std::max_element(per_factor.begin(), per_factor.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; });
    const double factor = std::max(min_factor, top->first);
    std::vector<std::string> cs;
    for (const auto& [c, n] : foreign) cs.push_back(fmt::format("{} ({})", c, n));
    Add(r, g * factor,
        fmt::format("{} of {} logins from {}, {} from the claimed country ({}); the account "
                    "switches country {} times",
                    use.size() - claimed, use.size(), ListSome(cs), claimed, Claimed(p, f),
                    switches),
        {{"switches", switches},
         {"foreign_share", std::round(share * 1000) / 1000},
         {"countries", foreign}},
        flags);
  }

  void ImpossibleTravel(const Rule& r, const model::Party& p, const PartyFacts& f,
                        std::vector<Flag>* flags) const {
    (void)p;
    std::vector<const Login*> use = Timed(f);
    const double max_seconds = ParamDouble(r, "max_hours", 4) * 3600;
    const double one_claimed = ParamDouble(r, "one_claimed_factor", 0.6);
    double best = 0;
    const Login *ba = nullptr, *bb = nullptr;
    for (size_t i = 1; i < use.size(); ++i) {
      const Login* a = use[i - 1];
      const Login* b = use[i];
      if (a->country == b->country) continue;
      if (static_cast<double>(b->time - a->time) >= max_seconds) continue;
      bool both = f.claimed.count(a->country) == 0 && f.claimed.count(b->country) == 0;
      double s = both ? 1.0 : one_claimed;
      if (s > best) {
        best = s;
        ba = a;
        bb = b;
      }
    }
    if (ba == nullptr) return;
    double hours = static_cast<double>(bb->time - ba->time) / 3600;
    Add(r, best,
        fmt::format("logged in from {} ({}) and {:.1f} h later from {} ({})", ba->ip, ba->country,
                    hours, bb->ip, bb->country),
        {{"from", {{"ip", ba->ip}, {"country", ba->country}}},
         {"to", {{"ip", bb->ip}, {"country", bb->country}}},
         {"hours", std::round(hours * 10) / 10}},
        flags);
  }

  // Farm-like use of an IP: the party logs in from it repeatedly and reaches its work by
  // remote desktop, or has equipment shipped away from home.
  bool FarmUse(const PartyFacts& f, const std::string& ip, int min_logins) const {
    auto it = f.logins_per_ip.find(ip);
    return it != f.logins_per_ip.end() && it->second >= min_logins &&
           (f.remote || !f.shipping_keys.empty());
  }

  void SharedIp(const Rule& r, uint32_t self, const PartyFacts& f, std::vector<Flag>* flags) const {
    const size_t strong = ParamSize(r, "strong_parties", 8);
    const double farm_weight = ParamDouble(r, "farm_weight", r.weight);
    const int min_logins = static_cast<int>(ParamSize(r, "min_logins_each", 2));
    double best = 0;
    std::vector<std::string> shown;
    json detail = json::array();
    for (const auto& [ip, n] : f.logins_per_ip) {
      const Sharers* s = pop.Find(pop.ips, ip);
      if (s == nullptr || s->households < 2) continue;
      double d = Distinctiveness(s->households, strong);
      bool farm = false;
      if (FarmUse(f, ip, min_logins)) {
        for (uint32_t o : s->parties) {
          if (o != self && pop.facts[o].household != f.household &&
              FarmUse(pop.facts[o], ip, min_logins)) {
            farm = true;
            break;
          }
        }
      }
      double contribution = d * (farm ? farm_weight : r.weight);
      best = std::max(best, r.weight > 0 ? contribution / r.weight : 0.0);
      std::vector<std::string> others = pop.Others(*s, self);
      shown.push_back(fmt::format(
          "{} with {} other part{}{} ({}){}", ip, others.size(), others.size() == 1 ? "y" : "ies",
          s->households < s->parties.size() ? fmt::format(", {} households", s->households) : "",
          ListSome(others, 3), farm ? ", used repeatedly with remote access" : ""));
      detail.push_back({{"ip", ip},
                        {"parties", others},
                        {"households", s->households},
                        {"farm_like", farm},
                        {"strength", d}});
    }
    if (best > 0) {
      Add(r, best, "login IP shared: " + ListSome(shown, 3), {{"ips", detail}}, flags);
    }
  }

  void SharedIdentifier(const Rule& r, uint32_t self, const model::Party& p,
                        std::vector<Flag>* flags) const {
    const size_t strong = ParamSize(r, "strong_parties", 8);
    double best = 0;
    std::vector<std::string> shown;
    json detail = json::array();
    std::set<std::string> done;
    for (const std::string& type : r.params["types"].get<std::vector<std::string>>()) {
      auto m = pop.by_type.find(type);
      if (m == pop.by_type.end()) continue;
      for (const model::PartyIdentifier& id : p.identifiers) {
        if (id.type != type) continue;
        std::string v = NormalizeValue(type, id.value);
        if (v.empty() || !done.insert(type + ":" + v).second) continue;
        const Sharers* s = pop.Find(m->second, v);
        if (s == nullptr || s->households < 2) continue;
        double d = Distinctiveness(s->households, strong);
        best = std::max(best, d);
        std::vector<std::string> others = pop.Others(*s, self);
        shown.push_back(fmt::format("{} {} also given by {}", type, id.value, ListSome(others)));
        detail.push_back({{"type", type},
                          {"value", v},
                          {"parties", others},
                          {"households", s->households},
                          {"strength", d}});
      }
    }
    if (best > 0) Add(r, best, ListSome(shown, 3), {{"values", detail}}, flags);
  }

  void LaptopFarm(const Rule& r, uint32_t self, const model::Party& p, const PartyFacts& f,
                  std::vector<Flag>* flags) const {
    (void)p;
    const size_t strong = ParamSize(r, "strong_parties", 30);
    double best = 0;
    std::vector<std::string> shown;
    json detail = json::array();
    for (const std::string& key : f.shipping_keys) {
      const Sharers* s = pop.Find(pop.shipping, key);
      if (s == nullptr || s->households < 2) continue;
      double d = Distinctiveness(s->households, strong);
      best = std::max(best, d);
      std::vector<std::string> others = pop.Others(*s, self);
      shown.push_back(fmt::format("equipment shipped to '{}', not the party's home, as for {}", key,
                                  ListSome(others)));
      detail.push_back(
          {{"address", key}, {"parties", others}, {"households", s->households}, {"strength", d}});
    }
    if (best > 0) Add(r, best, ListSome(shown, 2), {{"addresses", detail}}, flags);
  }

  static bool SameName(const model::Party& p, const std::string& holder) {
    std::string h = text::Normalize(holder);
    if (h.empty()) return true;
    if (text::Normalize(p.name) == h) return true;
    for (const std::string& a : p.aliases) {
      if (text::Normalize(a) == h) return true;
    }
    return false;
  }

  void ThirdParty(const Rule& r, const model::Party& p, std::vector<Flag>* flags) const {
    const double family = ParamDouble(r, "same_family_factor", 0.5);
    double best = 0;
    std::vector<std::string> shown;
    json detail = json::array();
    for (const model::PartyIdentifier& id : p.identifiers) {
      if (!IsPaymentType(id.type) || id.holder.empty() || SameName(p, id.holder)) continue;
      bool relative = FamilyNameKey(id.holder) == FamilyNameKey(p.name);
      best = std::max(best, relative ? family : 1.0);
      shown.push_back(fmt::format("{} {} is held by {}{}", id.type, id.value, id.holder,
                                  relative ? " (same family name)" : ""));
      detail.push_back(
          {{"type", id.type}, {"value", id.value}, {"holder", id.holder}, {"country", id.country}});
    }
    if (best > 0) Add(r, best, ListSome(shown, 2), {{"accounts", detail}}, flags);
  }

  void FacilitatorPayment(const Rule& r, const model::Party& p, const PartyFacts& f,
                          std::vector<Flag>* flags) const {
    std::unordered_set<std::string> countries;
    if (auto it = r.params.find("countries"); it != r.params.end()) {
      for (const json& c : *it) {
        if (c.is_string()) countries.insert(util::AsciiUpper(c.get<std::string>()));
      }
    } else {
      countries = rep.primary.countries;
    }
    const double own = ParamDouble(r, "own_account_factor", 0.33);
    double best = 0;
    std::vector<std::string> shown;
    json detail = json::array();
    for (const model::PartyIdentifier& id : p.identifiers) {
      if (!IsPaymentType(id.type)) continue;
      std::string c = util::AsciiUpper(id.country);
      if (countries.count(c) == 0 || f.claimed.count(c) != 0) continue;
      bool third = !id.holder.empty() && !SameName(p, id.holder);
      best = std::max(best, third ? 1.0 : own);
      shown.push_back(fmt::format("{} {} in {}{}", id.type, id.value, c,
                                  third ? ", held by " + id.holder : ""));
      detail.push_back(
          {{"type", id.type}, {"value", id.value}, {"country", c}, {"holder", id.holder}});
    }
    if (best > 0) {
      Add(r, best, ListSome(shown, 2) + fmt::format("; claimed: {}", Claimed(p, f)),
          {{"accounts", detail}}, flags);
    }
  }

  void VirtualCurrency(const Rule& r, const model::Party& p, std::vector<Flag>* flags) const {
    std::vector<std::string> shown;
    for (const model::PartyIdentifier& id : p.identifiers) {
      if (id.type == "wallet") {
        shown.push_back(id.currency.empty() ? id.value : id.currency + " " + id.value);
      }
    }
    if (!shown.empty()) {
      Add(r, 1, "paid in virtual currency: " + ListSome(shown, 2), {{"wallets", shown}}, flags);
    }
  }

  void RemoteAccess(const Rule& r, const model::Party& p, std::vector<Flag>* flags) const {
    if (p.remote_access.empty()) return;
    Add(r, 1, "remote-desktop tools: " + ListSome(p.remote_access), {{"tools", p.remote_access}},
        flags);
  }

  void NameScreen(const Rule& r, const model::Party& p, std::vector<Flag>* flags) const {
    const Screener* s = rep.options.screener;
    if (s == nullptr || p.name.empty()) return;
    ScreenOptions o;
    o.top = 3;
    o.explain = false;
    std::vector<screen::PartyHit> hits = screen::ScreenParty(*s, p, o);
    for (const screen::PartyHit& h : hits) {
      if (h.decision == Decision::kNone || h.entity == nullptr) continue;
      double strength = h.decision == Decision::kMatch ? 1.0 : ParamDouble(r, "review_factor", 0.6);
      std::string listed = h.entity->names.empty() ? h.entity->id : h.entity->names[0].full;
      Add(r, strength,
          fmt::format("name '{}' screens as {} ({:.2f}) against {} ({})", h.party_name,
                      ToString(h.decision), h.score, listed, h.entity->id),
          {{"entity_id", h.entity->id},
           {"entity_name", listed},
           {"score", std::round(h.score * 1000) / 1000},
           {"decision", std::string(ToString(h.decision))}},
          flags);
      return;  // the best hit only
    }
  }

  PartyResult Check(uint32_t i) const {
    const model::Party& p = (*pop.parties)[i];
    const PartyFacts& f = pop.facts[i];
    PartyResult res;
    res.id = p.id;
    for (const Rule& r : rep.rules) {
      const std::string& c = r.check;
      if (c == "login_sanctioned_ip") {
        if (rep.have_ip) SanctionedIp(r, p, f, &res.flags);
      } else if (c == "login_country_mismatch") {
        if (rep.have_ip) CountryMismatch(r, p, f, &res.flags);
      } else if (c == "multi_country") {
        if (rep.have_ip) MultiCountry(r, p, f, &res.flags);
      } else if (c == "impossible_travel") {
        if (rep.have_ip) ImpossibleTravel(r, p, f, &res.flags);
      } else if (c == "shared_ip") {
        SharedIp(r, i, f, &res.flags);
      } else if (c == "shared_identifier") {
        SharedIdentifier(r, i, p, &res.flags);
      } else if (c == "laptop_farm") {
        LaptopFarm(r, i, p, f, &res.flags);
      } else if (c == "third_party_payment") {
        ThirdParty(r, p, &res.flags);
      } else if (c == "payment_facilitator_country") {
        FacilitatorPayment(r, p, f, &res.flags);
      } else if (c == "virtual_currency") {
        VirtualCurrency(r, p, &res.flags);
      } else if (c == "remote_access") {
        RemoteAccess(r, p, &res.flags);
      } else if (c == "name_screen") {
        NameScreen(r, p, &res.flags);
      }
    }
    std::stable_sort(res.flags.begin(), res.flags.end(),
                     [](const Flag& a, const Flag& b) { return a.weight > b.weight; });
    double keep = 1;
    for (const Flag& fl : res.flags) keep *= 1 - std::clamp(fl.weight, 0.0, 1.0);
    res.score = 1 - keep;
    if (res.score >= rep.high) {
      res.risk = "high";
    } else if (res.score >= rep.medium) {
      res.risk = "medium";
    } else if (res.score >= rep.low) {
      res.risk = "low";
    } else {
      res.risk = "none";
    }
    return res;
  }
};

// Union-find over party indices.
struct Dsu {
  std::vector<uint32_t> parent;
  explicit Dsu(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  uint32_t Find(uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }
  void Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

}  // namespace

Status Engine::Run(const std::vector<model::Party>& parties, Report* out) const {
  const Rep& rep = *rep_;
  if (parties.size() > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("too many parties");
  }
  size_t threads = rep.options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());

  Population pop;
  pop.parties = &parties;
  pop.facts.resize(parties.size());
  // First pass, in parallel: where each login is, what the party claims.
  ParallelFor(parties.size(), threads, [&](size_t i) {
    const model::Party& p = parties[i];
    PartyFacts& f = pop.facts[i];
    if (!p.country.empty()) f.claimed.insert(util::AsciiUpper(p.country));
    if (!p.nationality.empty()) f.claimed.insert(util::AsciiUpper(p.nationality));
    for (const model::PartyAddress& a : p.addresses) {
      if (!a.country.empty()) f.claimed.insert(util::AsciiUpper(a.country));
      std::string key = AddressKey(a);
      if (key.empty()) continue;
      if (a.kind == "home") f.home_keys.push_back(key);
    }
    for (const model::PartyAddress& a : p.addresses) {
      if (a.kind != "shipping") continue;
      std::string key = AddressKey(a);
      if (!key.empty() &&
          std::find(f.home_keys.begin(), f.home_keys.end(), key) == f.home_keys.end() &&
          std::find(f.shipping_keys.begin(), f.shipping_keys.end(), key) == f.shipping_keys.end()) {
        f.shipping_keys.push_back(key);
      }
    }
    f.remote = !p.remote_access.empty();
    f.logins.reserve(p.logins.size());
    for (const model::PartyLogin& pl : p.logins) {
      Login l;
      std::string_view text = util::Trim(pl.ip);
      ip::Address addr;
      bool parsed = ip::ParseAddress(text, &addr).ok();
      l.ip = parsed ? ip::FormatAddress(addr) : std::string(text);
      if (l.ip.empty()) continue;
      if (rep.options.locate) {
        l.located = rep.options.locate(l.ip, &l.brief);
      } else if (rep.options.ip != nullptr && parsed) {
        l.brief = rep.options.ip->LookupBrief(addr);
        l.located = true;
      }
      l.country = CountryOf(l.brief);
      if (auto t = ParseTime(pl.time)) {
        l.time = *t;
        l.has_time = true;
      }
      ++f.logins_per_ip[l.ip];
      f.logins.push_back(std::move(l));
    }
  });
  // Households, then the shared values (serial: one hash map each).
  std::unordered_map<std::string, uint32_t> household_ids;
  for (size_t i = 0; i < parties.size(); ++i) {
    std::string key = HouseholdKey(parties[i]);
    auto [it, inserted] =
        household_ids.emplace(std::move(key), static_cast<uint32_t>(household_ids.size()));
    pop.facts[i].household = it->second;
  }
  std::set<std::string> types;
  for (const Rule& r : rep.rules) {
    if (r.check == "shared_identifier") {
      for (const json& t : r.params["types"]) types.insert(t.get<std::string>());
    }
  }
  for (size_t i = 0; i < parties.size(); ++i) {
    const auto idx = static_cast<uint32_t>(i);
    for (const model::PartyIdentifier& id : parties[i].identifiers) {
      if (types.count(id.type) == 0) continue;
      std::string v = NormalizeValue(id.type, id.value);
      if (!v.empty()) pop.by_type[id.type][v].parties.push_back(idx);
    }
    for (const std::string& k : pop.facts[i].shipping_keys) pop.shipping[k].parties.push_back(idx);
    for (const auto& [ip, n] : pop.facts[i].logins_per_ip) pop.ips[ip].parties.push_back(idx);
  }
  for (auto& [t, m] : pop.by_type) pop.Finish(&m);
  pop.Finish(&pop.shipping);
  pop.Finish(&pop.ips);

  // The checks, in parallel.
  Report report;
  report.parties.resize(parties.size());
  Checker checker{rep, pop};
  ParallelFor(parties.size(), threads,
              [&](size_t i) { report.parties[i] = checker.Check(static_cast<uint32_t>(i)); });

  // Networks: strong links only.
  Dsu dsu(parties.size());
  std::vector<std::pair<uint32_t, Link>> links;  // with the index of Link::a
  auto link_value = [&](const Sharers& s, const std::string& kind, const std::string& value,
                        double strength, const std::vector<uint32_t>& members) {
    (void)s;
    if (members.size() < 2) return;
    uint32_t first = members[0];
    for (size_t k = 1; k < members.size(); ++k) {
      uint32_t b = members[k];
      dsu.Union(first, b);
      links.push_back({first, Link{parties[first].id, parties[b].id, kind, value, strength}});
    }
  };
  for (const Rule& r : rep.rules) {
    const size_t max_link = ParamSize(r, "max_link_parties", 30);
    if (r.check == "shared_identifier") {
      const size_t strong = ParamSize(r, "strong_parties", 8);
      for (const json& t : r.params["types"]) {
        auto m = pop.by_type.find(t.get<std::string>());
        if (m == pop.by_type.end()) continue;
        std::vector<std::pair<const std::string*, const Sharers*>> vals;
        for (const auto& [v, s] : m->second) {
          if (s.households >= 2 && s.households <= max_link) vals.push_back({&v, &s});
        }
        std::sort(vals.begin(), vals.end(),
                  [](const auto& a, const auto& b) { return *a.first < *b.first; });
        for (const auto& [v, s] : vals) {
          link_value(*s, m->first, *v, Distinctiveness(s->households, strong), s->parties);
        }
      }
    } else if (r.check == "laptop_farm") {
      const size_t strong = ParamSize(r, "strong_parties", 30);
      std::vector<std::pair<const std::string*, const Sharers*>> vals;
      for (const auto& [v, s] : pop.shipping) {
        if (s.households >= 2 && s.households <= max_link) vals.push_back({&v, &s});
      }
      std::sort(vals.begin(), vals.end(),
                [](const auto& a, const auto& b) { return *a.first < *b.first; });
      for (const auto& [v, s] : vals) {
        link_value(*s, "shipping_address", *v, Distinctiveness(s->households, strong), s->parties);
      }
    } else if (r.check == "shared_ip") {
      const size_t strong = ParamSize(r, "strong_parties", 8);
      const int min_logins = static_cast<int>(ParamSize(r, "min_logins_each", 2));
      std::vector<std::pair<const std::string*, const Sharers*>> vals;
      for (const auto& [v, s] : pop.ips) {
        if (s.households >= 2 && s.households <= max_link) vals.push_back({&v, &s});
      }
      std::sort(vals.begin(), vals.end(),
                [](const auto& a, const auto& b) { return *a.first < *b.first; });
      for (const auto& [v, s] : vals) {
        std::vector<uint32_t> farm;
        std::unordered_set<uint32_t> hh;
        for (uint32_t p : s->parties) {
          if (checker.FarmUse(pop.facts[p], *v, min_logins)) {
            farm.push_back(p);
            hh.insert(pop.facts[p].household);
          }
        }
        if (hh.size() >= 2) {
          link_value(*s, "ip", *v, Distinctiveness(s->households, strong), farm);
        }
      }
    }
  }
  // Clusters of two or more, numbered in order of their smallest party id.
  std::unordered_map<uint32_t, std::vector<uint32_t>> groups;
  for (size_t i = 0; i < parties.size(); ++i) {
    groups[dsu.Find(static_cast<uint32_t>(i))].push_back(static_cast<uint32_t>(i));
  }
  std::vector<Cluster> clusters;
  std::unordered_map<uint32_t, size_t> cluster_of_root;
  for (auto& [root, members] : groups) {
    if (members.size() < 2) continue;
    Cluster c;
    for (uint32_t m : members) c.parties.push_back(parties[m].id);
    std::sort(c.parties.begin(), c.parties.end());
    cluster_of_root[root] = clusters.size();
    clusters.push_back(std::move(c));
  }
  std::vector<size_t> order(clusters.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return clusters[a].parties[0] < clusters[b].parties[0]; });
  std::vector<size_t> rank(clusters.size());
  for (size_t k = 0; k < order.size(); ++k) {
    rank[order[k]] = k;
    clusters[order[k]].id = fmt::format("C-{:04d}", k + 1);
  }
  for (auto& [a, l] : links) {
    clusters[cluster_of_root[dsu.Find(a)]].links.push_back(std::move(l));
  }
  for (size_t i = 0; i < parties.size(); ++i) {
    auto it = cluster_of_root.find(dsu.Find(static_cast<uint32_t>(i)));
    if (it != cluster_of_root.end()) report.parties[i].cluster = clusters[it->second].id;
  }
  report.clusters.resize(clusters.size());
  for (size_t k = 0; k < clusters.size(); ++k) {
    report.clusters[rank[k]] = std::move(clusters[k]);
  }
  *out = std::move(report);
  return Status::Ok();
}

}  // namespace vigil::redflags
