// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// OFAC's 50% rule over ownership data, as a pure algorithm (no store, no lists).
//
// OFAC FAQ 398 and 401: an entity owned 50% or more in the aggregate, directly or
// indirectly, by one or more blocked persons is itself blocked, whether or not it is on a
// list. "Indirectly" means through another blocked entity: an entity blocked by this rule
// is a blocked person, and its holdings count in full. Percentages are NOT multiplied along
// a chain (X listed owns 50% of A, A owns 50% of B: A and B are blocked, not "25% of B").
// Evaluate applies the rule until nothing changes; cycles terminate.
//
// Unknown and ranged percentages give two bounds:
//   low  = the sum of the low shares held by owners that are surely blocked;
//   high = the sum of the high shares held by owners that are blocked or possibly blocked
//          (capped at 100 for display);
// blocked when low >= 50, possibly_blocked ("up to <high>%") when high >= 50, else
// not_blocked. Control, director, officer and family edges never block under OFAC; they
// are reported separately (control_paths). EU and UK guidance counts control (a note in the
// explanation; EvaluateOptions::control_blocks evaluates with it).
//
// Every conclusion carries its paths: for each blocked (or possibly blocked) direct owner,
// the chain from a listed entity down to the node, with each edge's share and source.
//
// Thread safety: an OwnershipGraph and an Evaluation are immutable once built and may be
// shared between threads.

#ifndef VIGIL_GRAPH_OWNERSHIP_H_
#define VIGIL_GRAPH_OWNERSHIP_H_

#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/status.h"

namespace vigil::graph {

// A share of an entity, in percent. "60" -> {60, 60, known}; "25-50" -> {25, 50, known};
// "" (unknown) -> {0, 100, !known}.
struct Share {
  double low = 0;
  double high = 100;
  bool known = false;
};

// Parses a percentage as written in an import file:
//   "60", "60%", "12.5"          -> [x, x]
//   "25-50", "25 - 50%", "25–50" -> [25, 50] (hyphen or en dash)
//   ">50", ">=50"                -> [50, 100];  "<25", "<=25" -> [0, 25]
//   "", "unknown", "?"           -> unknown [0, 100]
// Values must lie in [0, 100] and low <= high. Errors name the value
// ("percentage: '120' is above 100"); the caller adds file and line.
Status ParsePercentage(std::string_view text, Share* out);

// "60%", "25-50%", "unknown".
std::string ShareToString(const Share& s);

enum class EdgeKind { kOwnership, kControl, kDirector, kOfficer, kFamily };

// "ownership", "control", "director", "officer", "family".
std::string_view EdgeKindToString(EdgeKind kind);

// The names above (ASCII case-insensitive, trimmed); "" means ownership. Error:
// "kind: 'partner' is not one of ownership, control, director, officer, family".
Status ParseEdgeKind(std::string_view text, EdgeKind* out);

// One edge: `owner` holds `share` of `owned` (kOwnership), or controls it / is its director,
// officer or family member (the other kinds; their share is ignored). Ends are node ids of
// the caller's choosing (a listed entity id, "party:<id>", a name node...).
struct OwnershipEdge {
  std::string owner, owned;
  Share share;
  EdgeKind kind = EdgeKind::kOwnership;
  std::string source;  // where the edge comes from ("ownership import owners.csv:12")
  std::string as_of;   // date the edge was stated ("2025-01-31"), may be empty
};

// Why a node is blocked in its own right: it is on a list.
struct Listing {
  std::string entity_id;  // the listed entity's id
  std::string list;       // "us_ofac_sdn"
  std::string name;       // its primary name
  std::string programs;   // "DPRK3; CYBER2"
};

enum class Status50 { kBlocked, kPossiblyBlocked, kNotBlocked };

// "blocked", "possibly_blocked", "not_blocked".
std::string_view ToString(Status50 s);

// One edge of a path.
struct Step {
  std::string owner, owned;
  Share share;
  EdgeKind kind = EdgeKind::kOwnership;
  std::string source, as_of;
  // The owner's status: kBlocked (listed or blocked by the rule) or kPossiblyBlocked.
  Status50 owner_status = Status50::kBlocked;
};

// A chain from a listed entity to a node: steps.front().owner is listing's node, each
// step's owned is the next step's owner, steps.back().owned is the node. Every owner along
// it is blocked (certain) or at least possibly blocked.
struct Path {
  Listing listing;
  std::vector<Step> steps;
  // Every owner along the path is surely blocked and the last share counts in the lower
  // bound; false: the path counts toward the upper bound only.
  bool certain = true;
};

// "SDN NAME (us_ofac_sdn) -> A [50%] -> B [25%]": the listing, then each step's owned node
// and share (the kind instead of the share for non-ownership steps).
std::string PathToString(const Path& p);

struct NodeStatus {
  std::string id;
  Status50 status = Status50::kNotBlocked;
  // The aggregate percentage held by blocked owners: low (surely blocked owners, low
  // shares) and high (blocked or possibly blocked owners, high shares, at most 100).
  double low = 0;
  double high = 0;
  std::optional<Listing> listing;  // set when the node is listed itself
  // One path per blocked or possibly blocked direct owner (ownership edges), largest low
  // share first; at most EvaluateOptions::max_paths.
  std::vector<Path> paths;
  // Control, director, officer and family edges from blocked or possibly blocked persons:
  // never blocking under OFAC (unless EvaluateOptions::control_blocks).
  std::vector<Path> control_paths;
  // One or two sentences for a person ("Blocked: 50% held by blocked persons (X 25%, Y 25%),
  // OFAC 50% rule."; "Possibly blocked: up to 75% held by blocked persons, 25% certain.").
  std::string explanation;
};

// {"id", "status", "low", "high", "listing": {...}|null, "paths": [{"listing": {...},
//  "certain", "text", "steps": [{"owner", "owned", "share": {"low","high","known","text"},
//  "kind", "source", "as_of", "owner_status"}]}], "control_paths": [...], "explanation"}.
nlohmann::json ToJson(const NodeStatus& s);

struct EvaluateOptions {
  // At most this many paths (and control paths) per NodeStatus.
  size_t max_paths = 50;
  // EU/UK reading: a kControl edge from a blocked person blocks the controlled entity (a
  // possibly blocked controller makes it possibly blocked). Off: OFAC.
  bool control_blocks = false;
};

class Evaluation;

// The ownership graph: ids interned, adjacency as CSR arrays. Edges whose owner equals the
// owned are ignored. Several ownership edges between one owner and one owned entity (the
// same stake reported by several sources) count once: the one with the latest as_of (the
// last given on a tie). Building is O(E log E).
class OwnershipGraph {
 public:
  OwnershipGraph();
  explicit OwnershipGraph(const std::vector<OwnershipEdge>& edges);
  ~OwnershipGraph();
  OwnershipGraph(const OwnershipGraph&);
  OwnershipGraph& operator=(const OwnershipGraph&);

  size_t node_count() const;
  size_t edge_count() const;  // after removing self edges and duplicates

  // The 50% rule with `listed` (node id -> listing) as the blocked persons. O(V + E).
  // Listed ids that are not in the graph are kept (Get reports them blocked).
  Evaluation Evaluate(const std::unordered_map<std::string, Listing>& listed,
                      const EvaluateOptions& options = {}) const;

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

// The result of OwnershipGraph::Evaluate: compact per-node bounds; paths are built on
// demand by Get.
class Evaluation {
 public:
  Evaluation();
  ~Evaluation();
  Evaluation(const Evaluation&);
  Evaluation& operator=(const Evaluation&);

  // The node's status with its paths. A node reached by no edge from a blocked or possibly
  // blocked person is not_blocked with no paths (blocked with its listing when listed).
  NodeStatus Get(std::string_view id) const;
  Status50 StatusOf(std::string_view id) const;

  // Ids of every node reachable from a listed node along edges of any kind (listed nodes
  // included), in graph order.
  std::vector<std::string> Reachable() const;

  size_t blocked_count() const;   // listed or blocked by the rule, in the graph
  size_t possibly_count() const;  // possibly_blocked
  size_t reachable_count() const;

  struct Impl;

 private:
  friend class OwnershipGraph;
  std::shared_ptr<const Impl> impl_;
};

// Convenience for small graphs: a NodeStatus (with paths) for every node reachable from a
// listed node, by id.
std::map<std::string, NodeStatus> Evaluate(const std::vector<OwnershipEdge>& edges,
                                           const std::unordered_map<std::string, Listing>& listed,
                                           const EvaluateOptions& options = {});

}  // namespace vigil::graph

#endif  // VIGIL_GRAPH_OWNERSHIP_H_
