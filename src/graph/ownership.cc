// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The 50% rule as two monotone propagations over a CSR graph. Shares are fixed point
// (1/10000 of a percent) so that 25 + 25 is exactly 50. For the lower bound a node joins
// the "surely blocked" set S when it is listed or when the low shares held by members of S
// reach 50%; for the upper bound the "possibly blocked" set P likewise with high shares.
// Each member enters its set once and, when taken from the worklist, adds its shares to the
// nodes it owns: every edge is looked at once per set, O(V + E), and the result is the
// least fixpoint (the rule applied until nothing changes; a cycle of unlisted owners
// blocks nobody). The edge that tipped a node into a set is kept as its parent: following
// parents leads to a listed node without cycles (a parent joined earlier), which gives
// each conclusion its path.

#include "graph/ownership.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <deque>
#include <numeric>
#include <utility>

#include "util/strings.h"

namespace vigil::graph {
namespace {

constexpr int64_t kScale = 10000;  // fixed point: 1 = 1/10000 of a percent
constexpr int64_t kThreshold = 50 * kScale;

int64_t ToFixed(double percent) { return std::llround(percent * static_cast<double>(kScale)); }
double FromFixed(int64_t v) { return static_cast<double>(v) / static_cast<double>(kScale); }

std::string Num(double v) { return fmt::format("{:g}", v); }

bool ParseNumber(std::string_view s, double* out) {
  s = util::Trim(s);
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && p == end && std::isfinite(*out);
}

}  // namespace

Status ParsePercentage(std::string_view text, Share* out) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("percentage: '{}' {}", text, why));
  };
  std::string_view s = util::Trim(text);
  if (!s.empty() && s.back() == '%') s = util::Trim(s.substr(0, s.size() - 1));
  if (s.empty() || s == "?" || util::EqualsIgnoreCase(s, "unknown")) {
    *out = Share{0, 100, false};
    return Status::Ok();
  }
  Share r{0, 100, true};
  auto check = [&](double v) -> Status {
    if (v < 0) return bad("is below 0");
    if (v > 100) return bad("is above 100");
    return Status::Ok();
  };
  if (s[0] == '<' || s[0] == '>') {
    bool greater = s[0] == '>';
    std::string_view rest = s.substr(1);
    if (!rest.empty() && rest[0] == '=') rest = rest.substr(1);
    double v;
    if (!ParseNumber(rest, &v)) return bad("is not a number, a range like 25-50 or empty");
    if (Status st = check(v); !st.ok()) return st;
    if (greater) {
      r.low = v;
    } else {
      r.high = v;
    }
    *out = r;
    return Status::Ok();
  }
  // A range: "25-50" or "25–50" (en dash); the separator is not the first character.
  size_t sep = s.find('-', 1);
  size_t sep_len = 1;
  if (sep == std::string_view::npos) {
    sep = s.find("\xE2\x80\x93", 1);
    sep_len = 3;
  }
  double lo, hi;
  if (sep != std::string_view::npos) {
    if (!ParseNumber(s.substr(0, sep), &lo) || !ParseNumber(s.substr(sep + sep_len), &hi)) {
      return bad("is not a number, a range like 25-50 or empty");
    }
  } else {
    if (!ParseNumber(s, &lo)) return bad("is not a number, a range like 25-50 or empty");
    hi = lo;
  }
  if (Status st = check(lo); !st.ok()) return st;
  if (Status st = check(hi); !st.ok()) return st;
  if (lo > hi) return bad("has its low end above its high end");
  r.low = lo;
  r.high = hi;
  *out = r;
  return Status::Ok();
}

std::string ShareToString(const Share& s) {
  if (!s.known) return "unknown";
  if (s.low == s.high) return Num(s.low) + "%";
  return Num(s.low) + "-" + Num(s.high) + "%";
}

std::string_view EdgeKindToString(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kOwnership:
      return "ownership";
    case EdgeKind::kControl:
      return "control";
    case EdgeKind::kDirector:
      return "director";
    case EdgeKind::kOfficer:
      return "officer";
    case EdgeKind::kFamily:
      return "family";
  }
  return "ownership";
}

Status ParseEdgeKind(std::string_view text, EdgeKind* out) {
  std::string_view s = util::Trim(text);
  if (s.empty()) {
    *out = EdgeKind::kOwnership;
    return Status::Ok();
  }
  for (EdgeKind k : {EdgeKind::kOwnership, EdgeKind::kControl, EdgeKind::kDirector,
                     EdgeKind::kOfficer, EdgeKind::kFamily}) {
    if (util::EqualsIgnoreCase(s, EdgeKindToString(k))) {
      *out = k;
      return Status::Ok();
    }
  }
  return Status::InvalidArgument(
      fmt::format("kind: '{}' is not one of ownership, control, director, officer, family", text));
}

std::string_view ToString(Status50 s) {
  switch (s) {
    case Status50::kBlocked:
      return "blocked";
    case Status50::kPossiblyBlocked:
      return "possibly_blocked";
    case Status50::kNotBlocked:
      return "not_blocked";
  }
  return "not_blocked";
}

std::string PathToString(const Path& p) {
  std::string out = p.listing.name.empty() ? p.listing.entity_id : p.listing.name;
  if (!p.listing.list.empty()) out += " (" + p.listing.list + ")";
  for (const Step& s : p.steps) {
    out += " -> ";
    out += s.owned;
    out += " [";
    out += s.kind == EdgeKind::kOwnership ? ShareToString(s.share)
                                          : std::string(EdgeKindToString(s.kind));
    out += "]";
  }
  return out;
}

namespace {

nlohmann::json ListingJson(const Listing& l) {
  return {{"entity_id", l.entity_id}, {"list", l.list}, {"name", l.name}, {"programs", l.programs}};
}

nlohmann::json PathJson(const Path& p) {
  nlohmann::json steps = nlohmann::json::array();
  for (const Step& s : p.steps) {
    steps.push_back({{"owner", s.owner},
                     {"owned", s.owned},
                     {"share",
                      {{"low", s.share.low},
                       {"high", s.share.high},
                       {"known", s.share.known},
                       {"text", ShareToString(s.share)}}},
                     {"kind", EdgeKindToString(s.kind)},
                     {"source", s.source},
                     {"as_of", s.as_of},
                     {"owner_status", ToString(s.owner_status)}});
  }
  return {{"listing", ListingJson(p.listing)},
          {"certain", p.certain},
          {"text", PathToString(p)},
          {"steps", std::move(steps)}};
}

}  // namespace

nlohmann::json ToJson(const NodeStatus& s) {
  nlohmann::json paths = nlohmann::json::array();
  for (const Path& p : s.paths) paths.push_back(PathJson(p));
  nlohmann::json control = nlohmann::json::array();
  for (const Path& p : s.control_paths) control.push_back(PathJson(p));
  return {{"id", s.id},
          {"status", ToString(s.status)},
          {"low", s.low},
          {"high", s.high},
          {"listing", s.listing ? ListingJson(*s.listing) : nlohmann::json(nullptr)},
          {"paths", std::move(paths)},
          {"control_paths", std::move(control)},
          {"explanation", s.explanation}};
}

// ---------------------------------------------------------------------------------------
// The graph.

struct OwnershipGraph::Impl {
  std::vector<std::string> ids;                         // node index -> id
  std::unordered_map<std::string_view, int32_t> index;  // id -> node index (views into ids)
  std::vector<OwnershipEdge> edges;                     // kept edges
  std::vector<int32_t> from, to;                        // per edge
  std::vector<int32_t> low, high;                       // per edge, fixed point
  std::vector<uint8_t> kind;                            // per edge
  // CSR: out edges of node v are out_edge[out_start[v] .. out_start[v+1]), in edges alike.
  std::vector<int32_t> out_start, out_edge, in_start, in_edge;

  int32_t Find(std::string_view id) const {
    auto it = index.find(id);
    return it == index.end() ? -1 : it->second;
  }
};

namespace {

void BuildCsr(size_t nodes, const std::vector<int32_t>& key, std::vector<int32_t>* start,
              std::vector<int32_t>* order) {
  start->assign(nodes + 1, 0);
  for (int32_t k : key) ++(*start)[static_cast<size_t>(k) + 1];
  for (size_t i = 0; i < nodes; ++i) (*start)[i + 1] += (*start)[i];
  std::vector<int32_t> pos(start->begin(), start->end() - 1);
  order->resize(key.size());
  for (size_t e = 0; e < key.size(); ++e) {
    (*order)[static_cast<size_t>(pos[static_cast<size_t>(key[e])]++)] = static_cast<int32_t>(e);
  }
}

}  // namespace

OwnershipGraph::OwnershipGraph() : impl_(std::make_shared<Impl>()) {}

OwnershipGraph::OwnershipGraph(const std::vector<OwnershipEdge>& input) {
  auto g = std::make_shared<Impl>();
  // Intern ids. The index holds views into g->ids, so reserve first: no reallocation.
  g->ids.reserve(input.size() * 2);
  g->index.reserve(input.size() * 2);
  auto intern = [&](const std::string& id) -> int32_t {
    auto it = g->index.find(id);
    if (it != g->index.end()) return it->second;
    int32_t n = static_cast<int32_t>(g->ids.size());
    g->ids.push_back(id);
    g->index.emplace(g->ids.back(), n);
    return n;
  };
  std::vector<int32_t> from, to;
  from.reserve(input.size());
  to.reserve(input.size());
  for (const OwnershipEdge& e : input) {
    from.push_back(intern(e.owner));
    to.push_back(intern(e.owned));
  }
  // Drop self edges; of duplicates (owner, owned, kind) keep the latest as_of, the last
  // given on a tie.
  std::vector<uint32_t> order;
  order.reserve(input.size());
  for (uint32_t i = 0; i < input.size(); ++i) {
    if (from[i] != to[i]) order.push_back(i);
  }
  auto key_less = [&](uint32_t a, uint32_t b) {
    if (from[a] != from[b]) return from[a] < from[b];
    if (to[a] != to[b]) return to[a] < to[b];
    return input[a].kind < input[b].kind;
  };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (key_less(a, b)) return true;
    if (key_less(b, a)) return false;
    if (input[a].as_of != input[b].as_of) return input[a].as_of < input[b].as_of;
    return a < b;
  });
  std::vector<uint32_t> kept;
  kept.reserve(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    if (i + 1 < order.size() && !key_less(order[i], order[i + 1])) continue;  // a later one
    kept.push_back(order[i]);
  }
  std::sort(kept.begin(), kept.end());  // input order
  const size_t m = kept.size();
  g->edges.reserve(m);
  g->from.reserve(m);
  g->to.reserve(m);
  g->low.reserve(m);
  g->high.reserve(m);
  g->kind.reserve(m);
  for (uint32_t i : kept) {
    const OwnershipEdge& e = input[i];
    g->edges.push_back(e);
    g->from.push_back(from[i]);
    g->to.push_back(to[i]);
    // Shares built by hand (not by ParsePercentage) are brought into 0 <= low <= high <= 100;
    // a NaN end is unknown.
    double lo = std::isnan(e.share.low) ? 0.0 : std::clamp(e.share.low, 0.0, 100.0);
    double hi = std::isnan(e.share.high) ? 100.0 : std::clamp(e.share.high, 0.0, 100.0);
    g->low.push_back(static_cast<int32_t>(ToFixed(lo)));
    g->high.push_back(static_cast<int32_t>(ToFixed(std::max(lo, hi))));
    g->kind.push_back(static_cast<uint8_t>(e.kind));
  }
  BuildCsr(g->ids.size(), g->from, &g->out_start, &g->out_edge);
  BuildCsr(g->ids.size(), g->to, &g->in_start, &g->in_edge);
  impl_ = std::move(g);
}

OwnershipGraph::~OwnershipGraph() = default;
OwnershipGraph::OwnershipGraph(const OwnershipGraph&) = default;
OwnershipGraph& OwnershipGraph::operator=(const OwnershipGraph&) = default;
size_t OwnershipGraph::node_count() const { return impl_->ids.size(); }
size_t OwnershipGraph::edge_count() const { return impl_->edges.size(); }

// ---------------------------------------------------------------------------------------
// The evaluation.

struct Evaluation::Impl {
  std::shared_ptr<const OwnershipGraph::Impl> g;
  std::unordered_map<std::string, Listing> listed;
  EvaluateOptions options;
  std::vector<int32_t> listing;          // node -> index into listings, or -1
  std::vector<const Listing*> listings;  // into `listed`
  std::vector<int64_t> sum_low, sum_high;
  std::vector<uint8_t> sure, possible, reach;
  std::vector<int32_t> parent_sure, parent_possible;  // tipping edge, -1 for listed/none
  size_t blocked = 0, possibly = 0, reachable = 0;

  bool Blocks(size_t e) const {
    auto k = static_cast<EdgeKind>(g->kind[e]);
    return k == EdgeKind::kOwnership || (options.control_blocks && k == EdgeKind::kControl);
  }

  // The least fixpoint of "listed, or blocking edges from members add up to 50%".
  // `share` is g->low or g->high; fills in_set, sum, parent.
  void Propagate(const std::vector<int32_t>& share, std::vector<uint8_t>* in_set,
                 std::vector<int64_t>* sum, std::vector<int32_t>* parent) const {
    const size_t n = g->ids.size();
    in_set->assign(n, 0);
    sum->assign(n, 0);
    parent->assign(n, -1);
    std::vector<int32_t> queue;
    for (size_t v = 0; v < n; ++v) {
      if (listing[v] >= 0) {
        (*in_set)[v] = 1;
        queue.push_back(static_cast<int32_t>(v));
      }
    }
    for (size_t head = 0; head < queue.size(); ++head) {
      auto o = static_cast<size_t>(queue[head]);
      for (int32_t i = g->out_start[o]; i < g->out_start[o + 1]; ++i) {
        auto e = static_cast<size_t>(g->out_edge[static_cast<size_t>(i)]);
        auto kind = static_cast<EdgeKind>(g->kind[e]);
        auto t = static_cast<size_t>(g->to[e]);
        bool tips = false;
        if (kind == EdgeKind::kOwnership) {
          (*sum)[t] += share[e];
          tips = (*sum)[t] >= kThreshold;
        } else if (kind == EdgeKind::kControl && options.control_blocks) {
          tips = true;
        }
        if (tips && !(*in_set)[t]) {
          (*in_set)[t] = 1;
          (*parent)[t] = static_cast<int32_t>(e);
          queue.push_back(static_cast<int32_t>(t));
        }
      }
    }
  }

  Path MakePath(size_t last_edge) const {
    // Owners along the chain: follow the owner's parents (sure ones when it is surely
    // blocked) back to a listed node.
    Path p;
    std::vector<size_t> chain{last_edge};
    auto o = static_cast<size_t>(g->from[last_edge]);
    const bool owner_sure = sure[o] != 0;
    const std::vector<int32_t>& parent = owner_sure ? parent_sure : parent_possible;
    while (listing[o] < 0 && parent[o] >= 0) {
      auto e = static_cast<size_t>(parent[o]);
      chain.push_back(e);
      o = static_cast<size_t>(g->from[e]);
    }
    p.listing = *listings[static_cast<size_t>(listing[o])];
    p.certain = owner_sure;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      const OwnershipEdge& src = g->edges[*it];
      Step s;
      s.owner = src.owner;
      s.owned = src.owned;
      s.share = src.share;
      s.kind = src.kind;
      s.source = src.source;
      s.as_of = src.as_of;
      s.owner_status =
          sure[static_cast<size_t>(g->from[*it])] ? Status50::kBlocked : Status50::kPossiblyBlocked;
      p.steps.push_back(std::move(s));
    }
    return p;
  }

  std::string Name(size_t v) const {
    if (listing[v] >= 0) {
      const Listing& l = *listings[static_cast<size_t>(listing[v])];
      if (!l.name.empty()) return l.name;
    }
    return g->ids[v];
  }
};

Evaluation OwnershipGraph::Evaluate(const std::unordered_map<std::string, Listing>& listed,
                                    const EvaluateOptions& options) const {
  auto r = std::make_shared<Evaluation::Impl>();
  r->g = impl_;
  r->listed = listed;
  r->options = options;
  const size_t n = impl_->ids.size();
  r->listing.assign(n, -1);
  for (const auto& [id, l] : r->listed) {
    int32_t v = impl_->Find(id);
    if (v < 0) continue;
    r->listing[static_cast<size_t>(v)] = static_cast<int32_t>(r->listings.size());
    r->listings.push_back(&l);
  }
  r->Propagate(impl_->low, &r->sure, &r->sum_low, &r->parent_sure);
  r->Propagate(impl_->high, &r->possible, &r->sum_high, &r->parent_possible);
  // Reachable from a listed node along edges of any kind.
  r->reach.assign(n, 0);
  std::vector<int32_t> queue;
  for (size_t v = 0; v < n; ++v) {
    if (r->listing[v] >= 0) {
      r->reach[v] = 1;
      queue.push_back(static_cast<int32_t>(v));
    }
  }
  for (size_t head = 0; head < queue.size(); ++head) {
    auto o = static_cast<size_t>(queue[head]);
    for (int32_t i = impl_->out_start[o]; i < impl_->out_start[o + 1]; ++i) {
      auto t = static_cast<size_t>(impl_->to[static_cast<size_t>(impl_->out_edge[i])]);
      if (!r->reach[t]) {
        r->reach[t] = 1;
        queue.push_back(static_cast<int32_t>(t));
      }
    }
  }
  r->reachable = queue.size();
  for (size_t v = 0; v < n; ++v) {
    if (r->sure[v]) {
      ++r->blocked;
    } else if (r->possible[v]) {
      ++r->possibly;
    }
  }
  Evaluation out;
  out.impl_ = std::move(r);
  return out;
}

Evaluation::Evaluation() = default;
Evaluation::~Evaluation() = default;
Evaluation::Evaluation(const Evaluation&) = default;
Evaluation& Evaluation::operator=(const Evaluation&) = default;

Status50 Evaluation::StatusOf(std::string_view id) const {
  if (!impl_) return Status50::kNotBlocked;
  int32_t v = impl_->g->Find(id);
  if (v < 0) {
    return impl_->listed.count(std::string(id)) ? Status50::kBlocked : Status50::kNotBlocked;
  }
  if (impl_->sure[static_cast<size_t>(v)]) return Status50::kBlocked;
  if (impl_->possible[static_cast<size_t>(v)]) return Status50::kPossiblyBlocked;
  return Status50::kNotBlocked;
}

NodeStatus Evaluation::Get(std::string_view id) const {
  NodeStatus s;
  s.id = std::string(id);
  if (!impl_) {
    s.explanation = "Not blocked: no ownership data.";
    return s;
  }
  const Impl& r = *impl_;
  int32_t vi = r.g->Find(id);
  if (vi < 0) {
    auto it = r.listed.find(s.id);
    if (it != r.listed.end()) {
      s.status = Status50::kBlocked;
      s.listing = it->second;
      s.explanation = fmt::format("Blocked: listed ({} on {}).", it->second.name, it->second.list);
    } else {
      s.explanation = "Not blocked: no ownership data.";
    }
    return s;
  }
  const auto v = static_cast<size_t>(vi);
  const auto& g = *r.g;
  s.status = StatusOf(id);
  s.low = FromFixed(r.sum_low[v]);
  s.high = std::min(100.0, FromFixed(r.sum_high[v]));
  if (r.listing[v] >= 0) s.listing = *r.listings[static_cast<size_t>(r.listing[v])];

  // Direct holders that are blocked or possibly blocked.
  std::vector<size_t> owning, controlling;
  for (int32_t i = g.in_start[v]; i < g.in_start[v + 1]; ++i) {
    auto e = static_cast<size_t>(g.in_edge[static_cast<size_t>(i)]);
    if (!r.possible[static_cast<size_t>(g.from[e])]) continue;
    (r.Blocks(e) ? owning : controlling).push_back(e);
  }
  auto rank = [&](size_t a, size_t b) {
    bool sa = r.sure[static_cast<size_t>(g.from[a])], sb = r.sure[static_cast<size_t>(g.from[b])];
    if (sa != sb) return sa;
    if (g.low[a] != g.low[b]) return g.low[a] > g.low[b];
    if (g.high[a] != g.high[b]) return g.high[a] > g.high[b];
    return a < b;
  };
  std::sort(owning.begin(), owning.end(), rank);
  std::sort(controlling.begin(), controlling.end(), rank);
  for (size_t e : owning) {
    if (s.paths.size() >= r.options.max_paths) break;
    s.paths.push_back(r.MakePath(e));
  }
  for (size_t e : controlling) {
    if (s.control_paths.size() >= r.options.max_paths) break;
    s.control_paths.push_back(r.MakePath(e));
  }

  // The explanation.
  auto holders = [&](bool sure_only) {
    std::string out;
    size_t shown = 0;
    for (size_t e : owning) {
      bool sure = r.sure[static_cast<size_t>(g.from[e])];
      if (sure_only && !sure) continue;
      if (shown == 5) {
        out += ", ...";
        break;
      }
      if (shown++) out += ", ";
      out += r.Name(static_cast<size_t>(g.from[e]));
      out += " ";
      out += static_cast<EdgeKind>(g.kind[e]) == EdgeKind::kOwnership
                 ? ShareToString(g.edges[e].share)
                 : std::string("control");
      if (!sure) out += " (possibly blocked)";
    }
    return out;
  };
  std::string text;
  if (s.listing) {
    text = fmt::format("Blocked: listed ({} on {}", s.listing->name, s.listing->list);
    if (!s.listing->programs.empty()) text += ", " + s.listing->programs;
    text += ").";
    if (r.sum_low[v] > 0) {
      text += fmt::format(" Also {}% held by blocked persons ({}).", Num(s.low), holders(true));
    }
  } else if (s.status == Status50::kBlocked) {
    text = fmt::format(
        "Blocked under OFAC's 50% rule: {}% held, directly or through blocked entities, by "
        "blocked persons ({}).",
        Num(s.low), holders(true));
    if (r.options.control_blocks && r.sum_low[v] < kThreshold) {
      text = fmt::format(
          "Blocked (control counted, EU/UK reading): controlled or {}% owned by blocked "
          "persons ({}).",
          Num(s.low), holders(true));
    }
  } else if (s.status == Status50::kPossiblyBlocked) {
    text = fmt::format(
        "Possibly blocked: up to {}% held by blocked or possibly blocked persons ({}); {}% "
        "certain. Unknown or ranged shares decide it.",
        Num(s.high), holders(false), Num(s.low));
  } else if (!owning.empty()) {
    std::string held =
        s.low == s.high ? Num(s.low) + "%" : fmt::format("{}% to {}%", Num(s.low), Num(s.high));
    text = fmt::format(
        "Not blocked: {} held by blocked persons ({}), below 50%. OFAC urges caution with "
        "significant blocked ownership (FAQ 398).",
        held, holders(false));
  } else {
    text = "Not blocked: no blocked owner.";
  }
  if (!controlling.empty() && !r.options.control_blocks) {
    text += fmt::format(
        " Control, director, officer or family ties to blocked persons ({}) do not block "
        "under OFAC's 50% rule (FAQ 398); EU and UK rules count control.",
        controlling.size());
  }
  s.explanation = std::move(text);
  return s;
}

std::vector<std::string> Evaluation::Reachable() const {
  std::vector<std::string> out;
  if (!impl_) return out;
  out.reserve(impl_->reachable);
  for (size_t v = 0; v < impl_->reach.size(); ++v) {
    if (impl_->reach[v]) out.push_back(impl_->g->ids[v]);
  }
  return out;
}

size_t Evaluation::blocked_count() const { return impl_ ? impl_->blocked : 0; }
size_t Evaluation::possibly_count() const { return impl_ ? impl_->possibly : 0; }
size_t Evaluation::reachable_count() const { return impl_ ? impl_->reachable : 0; }

std::map<std::string, NodeStatus> Evaluate(const std::vector<OwnershipEdge>& edges,
                                           const std::unordered_map<std::string, Listing>& listed,
                                           const EvaluateOptions& options) {
  OwnershipGraph g(edges);
  Evaluation ev = g.Evaluate(listed, options);
  std::map<std::string, NodeStatus> out;
  for (std::string& id : ev.Reachable()) {
    NodeStatus s = ev.Get(id);
    out.emplace(std::move(id), std::move(s));
  }
  return out;
}

}  // namespace vigil::graph
