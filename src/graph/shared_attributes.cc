// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "graph/shared_attributes.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <climits>
#include <cmath>
#include <set>
#include <thread>
#include <tuple>
#include <utility>

#include "text/address.h"
#include "text/domain.h"
#include "text/normalize.h"
#include "text/phone.h"

namespace vigil::graph {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '.' || s.back() == ',' ||
                        s.back() == ';')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IContains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (IEquals(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Appends the value when its key is not empty.
void Add(std::vector<SharedValue>* out, SharedKind kind, std::string key, std::string_view written,
         std::string qualifier = {}) {
  if (key.empty()) return;
  out->push_back({kind, std::move(key), std::move(qualifier), std::string(Trim(written))});
}

std::string AddressWritten(std::string_view street, std::string_view city,
                           std::string_view postal_code, std::string_view country) {
  std::string out;
  for (std::string_view part : {street, city, postal_code, country}) {
    part = Trim(part);
    if (part.empty()) continue;
    if (!out.empty()) out += ", ";
    out += part;
  }
  return out;
}

void AddAddress(std::vector<SharedValue>* out, std::string_view street, std::string_view city,
                std::string_view postal_code, std::string_view country_code,
                std::string_view country_written) {
  std::string s = text::NormalizeStreet(street);
  if (s.empty()) return;
  std::string key = s + "|" + text::NormalizeCity(city) + "|" + std::string(country_code);
  Add(out, SharedKind::kAddress, std::move(key),
      AddressWritten(street, city, postal_code, country_written),
      text::NormalizePostalCode(postal_code));
}

// A hex (0x...) address is case-insensitive, so is bech32 (bc1..., ltc1..., tb1...);
// base58 (Bitcoin legacy, Tron) is case-sensitive.
std::string NormalizeWallet(std::string_view wallet) {
  std::string_view s = Trim(wallet);
  if (s.size() < 20 || s.find(' ') != std::string_view::npos) return {};
  std::string lower = LowerAscii(s);
  if (lower.starts_with("0x") &&
      std::all_of(lower.begin() + 2, lower.end(), [](char c) { return std::isxdigit(c); })) {
    return lower;
  }
  if (lower.starts_with("bc1") || lower.starts_with("ltc1") || lower.starts_with("tb1")) {
    return lower;
  }
  return std::string(s);
}

// Letters and digits, upper case; at least 5 of them and one digit.
std::string NormalizeRegistration(std::string_view number) {
  std::string out;
  bool digit = false;
  for (char c : number) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      out += c;
      digit = true;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  if (!digit || out.size() < 5) return {};
  return out;
}

// "IMO 8712520", "8712520", "IMO8712520" -> "8712520" when the check digit is right.
std::string NormalizeImo(std::string_view number) {
  std::string digits;
  for (char c : number) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  if (digits.size() != 7) return {};
  int sum = 0;
  for (int i = 0; i < 6; ++i) sum += (digits[i] - '0') * (7 - i);
  if (sum % 10 != digits[6] - '0') return {};
  return digits;
}

// A person's name, normalized, words sorted ("KIM Jong Un", "Jong-Un Kim" alike); at
// least two words.
std::string NormalizeOfficer(std::string_view name) {
  std::vector<std::string> tokens = text::Tokenize(name);
  if (tokens.size() < 2) return {};
  std::sort(tokens.begin(), tokens.end());
  std::string out;
  for (const std::string& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

void AddEmail(std::vector<SharedValue>* out, std::string_view value) {
  std::string email = text::NormalizeEmail(value);
  if (email.empty()) return;
  std::string domain = text::RegistrableDomain(email);
  Add(out, SharedKind::kEmail, email, value);
  if (!domain.empty() && !text::IsWebmailDomain(domain)) {
    Add(out, SharedKind::kDomain, domain, value);
  }
}

void AddWebsite(std::vector<SharedValue>* out, std::string_view value) {
  std::string domain = text::RegistrableDomain(value);
  if (!domain.empty() && !text::IsWebmailDomain(domain)) {
    Add(out, SharedKind::kDomain, domain, value);
  }
}

void PushRegion(std::vector<std::string>* regions, std::string code) {
  if (code.size() == 2 && std::find(regions->begin(), regions->end(), code) == regions->end()) {
    regions->push_back(std::move(code));
  }
}

bool IsOfficerKey(std::string_view key) {
  return IContains(key, "director") || IContains(key, "officer") || IContains(key, "manager");
}

}  // namespace

std::string_view ToString(SharedKind kind) {
  switch (kind) {
    case SharedKind::kAddress:
      return "address";
    case SharedKind::kPhone:
      return "phone";
    case SharedKind::kEmail:
      return "email";
    case SharedKind::kDomain:
      return "domain";
    case SharedKind::kWallet:
      return "wallet";
    case SharedKind::kRegistration:
      return "registration";
    case SharedKind::kImo:
      return "imo";
    case SharedKind::kOfficer:
      return "officer";
  }
  return "address";
}

double SharedWeight(SharedKind kind, size_t holders) {
  double base = 0.7;
  switch (kind) {
    case SharedKind::kImo:
    case SharedKind::kWallet:
      base = 1.0;
      break;
    case SharedKind::kEmail:
    case SharedKind::kRegistration:
      base = 0.9;
      break;
    case SharedKind::kPhone:
    case SharedKind::kDomain:
      base = 0.8;
      break;
    case SharedKind::kAddress:
      base = 0.7;
      break;
    case SharedKind::kOfficer:
      base = 0.6;
      break;
  }
  if (holders <= 2) return base;
  return base / std::log2(static_cast<double>(holders));
}

std::vector<SharedValue> ExtractValues(const Entity& e) {
  std::vector<std::string> regions;
  for (const Address& a : e.addresses) {
    PushRegion(&regions, a.country.empty() ? text::NormalizeCountry(a.country_name) : a.country);
  }
  for (const CountryLink& c : e.countries) PushRegion(&regions, c.code);

  std::vector<SharedValue> out;
  for (const Address& a : e.addresses) {
    std::string country =
        a.country.empty() ? text::NormalizeCountry(a.country_name) : std::string(a.country);
    AddAddress(&out, a.street, a.city, a.postal_code, country,
               a.country_name.empty() ? a.country : a.country_name);
  }
  for (const Identifier& id : e.identifiers) {
    switch (id.kind) {
      case IdKind::kEmail:
        AddEmail(&out, id.value);
        break;
      case IdKind::kWebsite:
        AddWebsite(&out, id.value);
        break;
      case IdKind::kPhone: {
        std::vector<std::string> r;
        PushRegion(&r, id.country);
        for (const std::string& x : regions) PushRegion(&r, x);
        Add(&out, SharedKind::kPhone, text::NormalizePhone(id.value, r), id.value);
        break;
      }
      case IdKind::kDigitalCurrency:
        Add(&out, SharedKind::kWallet, NormalizeWallet(id.value), id.value);
        break;
      case IdKind::kRegistration:
        Add(&out, SharedKind::kRegistration, NormalizeRegistration(id.value), id.value, id.country);
        break;
      case IdKind::kImo:
        Add(&out, SharedKind::kImo, NormalizeImo(id.value), id.value);
        break;
      default:
        // "Identification Number IMO 5814866": an IMO number filed under another label.
        if (IContains(id.type, "imo") || Trim(id.value).starts_with("IMO ")) {
          Add(&out, SharedKind::kImo, NormalizeImo(id.value), id.value);
        }
        break;
    }
  }
  for (const Property& p : e.properties) {
    if (IsOfficerKey(p.key)) Add(&out, SharedKind::kOfficer, NormalizeOfficer(p.value), p.value);
  }
  return out;
}

std::vector<SharedValue> ExtractValues(const model::Party& p) {
  std::vector<std::string> regions;
  PushRegion(&regions, text::NormalizeCountry(p.country));
  for (const model::PartyAddress& a : p.addresses) {
    PushRegion(&regions, text::NormalizeCountry(a.country));
  }
  PushRegion(&regions, text::NormalizeCountry(p.nationality));

  std::vector<SharedValue> out;
  for (const model::PartyAddress& a : p.addresses) {
    std::string_view country = a.country.empty() ? std::string_view(p.country) : a.country;
    AddAddress(&out, a.street, a.city, a.postal_code, text::NormalizeCountry(country), country);
  }
  for (const model::PartyIdentifier& id : p.identifiers) {
    const std::string& t = id.type;
    if (t == "email") {
      AddEmail(&out, id.value);
    } else if (t == "website") {
      AddWebsite(&out, id.value);
    } else if (t == "phone") {
      std::vector<std::string> r;
      PushRegion(&r, text::NormalizeCountry(id.country));
      for (const std::string& x : regions) PushRegion(&r, x);
      Add(&out, SharedKind::kPhone, text::NormalizePhone(id.value, r), id.value);
    } else if (t == "wallet") {
      Add(&out, SharedKind::kWallet, NormalizeWallet(id.value), id.value);
    } else if (t == "registration") {
      Add(&out, SharedKind::kRegistration, NormalizeRegistration(id.value), id.value,
          text::NormalizeCountry(id.country.empty() ? p.country : id.country));
    } else if (t == "imo") {
      Add(&out, SharedKind::kImo, NormalizeImo(id.value), id.value);
    }
  }
  for (const char* field : {"directors", "officers"}) {
    auto it = p.record.find(field);
    if (it == p.record.end() || !it->is_array()) continue;
    for (const nlohmann::json& o : *it) {
      const nlohmann::json* name = &o;
      if (o.is_object()) {
        auto n = o.find("name");
        if (n == o.end()) continue;
        name = &*n;
      }
      if (!name->is_string()) continue;
      const std::string& s = name->get_ref<const std::string&>();
      Add(&out, SharedKind::kOfficer, NormalizeOfficer(s), s);
    }
  }
  return out;
}

struct SharedAttributeIndex::Impl {
  struct Node {
    std::string id, name;
    bool listed = false;
    uint32_t begin = 0, end = 0;  // its occurrences: occs[begin, end)
  };
  struct Occ {
    uint32_t node = 0;
    uint32_t value = 0;
    std::string qualifier, written;
  };
  struct Value {
    SharedKind kind = SharedKind::kAddress;
    std::string key;
    std::vector<uint32_t> occs;
    uint32_t holders = 0;
    bool has_listed = false;
  };

  SharedOptions options;
  bool finished = false;
  std::vector<Node> nodes;
  std::unordered_map<std::string, uint32_t> node_ids;
  std::vector<Occ> occs;
  std::vector<Value> values;
  std::unordered_map<std::string, uint32_t> value_ids;  // kind byte + key
  std::vector<char> party_linked;                       // per node

  void AddNode(std::string id, std::string name, bool listed, std::vector<SharedValue> vals) {
    if (finished) return;
    auto [it, inserted] = node_ids.emplace(id, static_cast<uint32_t>(nodes.size()));
    if (!inserted) return;
    Node node{std::move(id), std::move(name), listed, static_cast<uint32_t>(occs.size()), 0};
    uint32_t n = it->second;
    std::string key;
    for (SharedValue& v : vals) {
      key.assign(1, static_cast<char>('0' + static_cast<int>(v.kind)));
      key += v.key;
      auto [vit, vnew] = value_ids.emplace(key, static_cast<uint32_t>(values.size()));
      if (vnew) values.push_back({v.kind, std::move(v.key), {}, 0, false});
      // One occurrence per (node, value, qualifier).
      bool seen = false;
      for (uint32_t i = node.begin; i < occs.size(); ++i) {
        if (occs[i].value == vit->second && occs[i].qualifier == v.qualifier) seen = true;
      }
      if (seen) continue;
      occs.push_back({n, vit->second, std::move(v.qualifier), std::move(v.written)});
    }
    node.end = static_cast<uint32_t>(occs.size());
    nodes.push_back(std::move(node));
  }

  static bool Compatible(const Occ& a, const Occ& b) {
    return a.qualifier.empty() || b.qualifier.empty() || a.qualifier == b.qualifier;
  }

  bool Linkable(const Value& v) const { return v.holders >= 2 && v.holders <= options.max_holders; }

  void Finish() {
    if (finished) return;
    finished = true;
    for (uint32_t i = 0; i < occs.size(); ++i) values[occs[i].value].occs.push_back(i);
    for (Value& v : values) {
      uint32_t holders = 0, last = UINT32_MAX;
      for (uint32_t o : v.occs) {  // occurrences are in node order
        if (occs[o].node != last) ++holders;
        last = occs[o].node;
        if (nodes[occs[o].node].listed) v.has_listed = true;
      }
      v.holders = holders;
    }
    party_linked.assign(nodes.size(), 0);
    for (const Value& v : values) {
      if (!v.has_listed || !Linkable(v)) continue;
      for (uint32_t o : v.occs) {
        const Occ& po = occs[o];
        if (nodes[po.node].listed || party_linked[po.node]) continue;
        for (uint32_t l : v.occs) {
          if (nodes[occs[l].node].listed && Compatible(po, occs[l])) {
            party_linked[po.node] = 1;
            break;
          }
        }
      }
    }
  }

  // The listed entities a party shares a linkable value with.
  std::vector<std::string> ListedOf(uint32_t party) const {
    std::set<std::string> out;
    const Node& node = nodes[party];
    for (uint32_t i = node.begin; i < node.end; ++i) {
      const Value& v = values[occs[i].value];
      if (!v.has_listed || !Linkable(v)) continue;
      for (uint32_t l : v.occs) {
        if (nodes[occs[l].node].listed && Compatible(occs[i], occs[l])) {
          out.insert(nodes[occs[l].node].id);
        }
      }
    }
    return {out.begin(), out.end()};
  }

  SharedLinks Links(std::string_view node_id) const {
    SharedLinks result;
    auto it = node_ids.find(std::string(node_id));
    if (it == node_ids.end() || !finished) return result;
    uint32_t self = it->second;
    const Node& node = nodes[self];
    std::set<std::tuple<uint32_t, uint32_t>> seen;  // (other node, value)
    std::set<uint32_t> too_common;
    for (uint32_t i = node.begin; i < node.end; ++i) {
      const Occ& mine = occs[i];
      const Value& v = values[mine.value];
      if (v.holders < 2) continue;
      if (v.holders > options.max_holders) {
        if (too_common.insert(mine.value).second) {
          result.too_common.push_back({v.kind, v.key, mine.written, v.holders});
        }
        continue;
      }
      for (uint32_t o : v.occs) {
        const Occ& theirs = occs[o];
        if (theirs.node == self || !Compatible(mine, theirs)) continue;
        const Node& other = nodes[theirs.node];
        if (!node.listed && !other.listed && !party_linked[theirs.node]) continue;
        if (!seen.emplace(theirs.node, mine.value).second) continue;
        SharedLink link;
        link.from = node.id;
        link.to = other.id;
        link.to_name = other.name;
        link.to_listed = other.listed;
        link.kind = v.kind;
        link.value = v.key;
        link.from_written = mine.written;
        link.to_written = theirs.written;
        link.holders = v.holders;
        link.weight = SharedWeight(v.kind, v.holders);
        if (!other.listed) link.to_linked_to = ListedOf(theirs.node);
        result.links.push_back(std::move(link));
      }
    }
    std::stable_sort(result.links.begin(), result.links.end(),
                     [](const SharedLink& a, const SharedLink& b) {
                       if (a.weight != b.weight) return a.weight > b.weight;
                       if (a.to_listed != b.to_listed) return a.to_listed;
                       return a.to < b.to;
                     });
    return result;
  }
};

SharedAttributeIndex::SharedAttributeIndex(SharedOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}

SharedAttributeIndex::~SharedAttributeIndex() = default;

void SharedAttributeIndex::AddEntity(const Entity& e) {
  impl_->AddNode(e.id, e.primary_name(), true, ExtractValues(e));
}

void SharedAttributeIndex::AddParty(const model::Party& p) {
  impl_->AddNode("party:" + p.id, p.name, false, ExtractValues(p));
}

void SharedAttributeIndex::Finish() { impl_->Finish(); }

std::unique_ptr<SharedAttributeIndex> SharedAttributeIndex::Build(
    const std::vector<LoadedList>& lists, const std::vector<model::Party>& parties,
    SharedOptions options) {
  auto index = std::make_unique<SharedAttributeIndex>(options);
  std::vector<const Entity*> entities;
  for (const LoadedList& list : lists) {
    for (const Entity& e : list.entities) entities.push_back(&e);
  }
  // Normalizing (libphonenumber above all) is most of the work: done on every core, then
  // the records are added in order, so the result is the same as adding them one by one.
  const size_t total = entities.size() + parties.size();
  std::vector<std::vector<SharedValue>> values(total);
  auto extract = [&](size_t i) {
    values[i] = i < entities.size() ? ExtractValues(*entities[i])
                                    : ExtractValues(parties[i - entities.size()]);
  };
  size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 16);
  if (total < 4096) threads = 1;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t begin; (begin = next.fetch_add(1024)) < total;) {
      for (size_t i = begin; i < std::min(total, begin + 1024); ++i) extract(i);
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  for (size_t i = 0; i < entities.size(); ++i) {
    index->impl_->AddNode(entities[i]->id, entities[i]->primary_name(), true, std::move(values[i]));
  }
  for (size_t i = 0; i < parties.size(); ++i) {
    const model::Party& p = parties[i];
    index->impl_->AddNode("party:" + p.id, p.name, false, std::move(values[entities.size() + i]));
  }
  index->Finish();
  return index;
}

SharedLinks SharedAttributeIndex::Links(std::string_view node_id) const {
  return impl_->Links(node_id);
}

std::vector<SharedValue> SharedAttributeIndex::ValuesOf(std::string_view node_id) const {
  std::vector<SharedValue> out;
  auto it = impl_->node_ids.find(std::string(node_id));
  if (it == impl_->node_ids.end()) return out;
  const Impl::Node& node = impl_->nodes[it->second];
  for (uint32_t i = node.begin; i < node.end; ++i) {
    const Impl::Occ& o = impl_->occs[i];
    const Impl::Value& v = impl_->values[o.value];
    out.push_back({v.kind, v.key, o.qualifier, o.written});
  }
  return out;
}

bool SharedAttributeIndex::LinkedToListed(std::string_view node_id) const {
  auto it = impl_->node_ids.find(std::string(node_id));
  if (it == impl_->node_ids.end() || !impl_->finished) return false;
  return impl_->party_linked[it->second] != 0;
}

size_t SharedAttributeIndex::node_count() const { return impl_->nodes.size(); }
size_t SharedAttributeIndex::value_count() const { return impl_->values.size(); }

}  // namespace vigil::graph
