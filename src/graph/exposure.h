// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Exposure: how is a party (or any node of the graph) tied to listed entities, and through
// whom?
//
// Two answers, both explained:
//  - its status under OFAC's 50% rule (src/graph/ownership.h, over the graph's ownership
//    edges with the listed entities as blocked roots): "blocked", "possibly_blocked" (the
//    shares held by blocked owners could reach 50%: unknown or ranged shares) or
//    "not_blocked", with the lower and upper bounds of the aggregate share, and the
//    ownership paths behind it; control paths are reported apart (never blocking under
//    OFAC);
//  - every path of up to `max_hops` edges (either direction) from the node to a listed
//    entity, ranked by a score in (0, 1]: the product of the edges' strengths (ownership:
//    its upper share / 100, at least 0.1; linked_to 0.9; control 0.8; director, officer
//    0.7; family 0.6; shares_*: the link's weight), times 0.8 per hop after the first.
//    Each path carries a sentence: "owned 60% by ACME (name) which is linked to KOREA
//    MINING (us_ofac_sdn:123, DPRK)".
//
//   graph::Exposure x;
//   Status s = graph::ComputeExposure(g, graph::PartyNodeId("P-1"), {}, &x);
//   std::cout << graph::ToJson(x).dump(2);
//
// Thread safety: ComputeExposure only reads the graph.

#ifndef VIGIL_GRAPH_EXPOSURE_H_
#define VIGIL_GRAPH_EXPOSURE_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/graph.h"
#include "graph/ownership.h"
#include "graph/shared_attributes.h"
#include "vigil/status.h"

namespace vigil::graph {

struct ExposureOptions {
  int max_hops = 3;       // 1..6
  size_t max_paths = 50;  // ranked paths kept (the best ones)
  // Paths visit each node at most once; at most this many partial paths are explored
  // (a guard against dense neighbourhoods; ExposureResult::truncated says when it hit).
  size_t max_expansions = 200000;
};

// One edge of a path, walked from `from` to `to` (forward: along the edge; else against it).
struct PathStep {
  std::string from, to;
  std::string to_name;
  Edge edge;
  bool forward = true;
};

struct ExposurePath {
  std::vector<PathStep> steps;  // steps[0].from is the node asked about
  std::string entity_id;        // the listed entity at the end
  std::string entity_name;
  std::string list;
  std::vector<std::string> programs;
  double score = 0;
  std::string explanation;  // the path in words
};

struct Exposure {
  std::string node_id;  // "party:P-1"
  std::string name;
  // The 50% rule.
  std::string status = "not_blocked";  // "blocked", "possibly_blocked", "not_blocked"
  double low = 0, high = 0;            // aggregate % held by blocked owners, bounds
  std::string status_explanation;
  nlohmann::json ownership_paths = nlohmann::json::array();  // H1's paths, as JSON
  nlohmann::json control_paths = nlohmann::json::array();
  // Paths to listed entities, best first.
  std::vector<ExposurePath> paths;
  // The exposure level: 1 when blocked; possibly blocked: the best path's score, at least
  // 0.75; else the best path's score (0 with no path).
  double level = 0;
  bool truncated = false;  // max_expansions was reached
};

// The listed entities of the graph as the 50% rule's blocked roots (id -> Listing).
std::unordered_map<std::string, Listing> ListingsOf(const Graph& g);
// The 50% rule over the graph's ownership, control, director, officer and family edges,
// with its listed entities as roots. Compute once and pass to ComputeExposure for many
// queries on one graph.
Evaluation EvaluateFifty(const Graph& g);

// Adds the shared-attribute links (src/graph/shared_attributes.h) of `node_id` to the graph
// as edges node -> other, type "shares_<kind>", source "shared attributes", weight the
// link's weight, evidence {"value", "from_written", "to_written", "holders", "weight",
// "to_linked_to"}; then, for a linked party that is itself linked (to_linked_to), its own
// links, down to `depth` levels. A link already added (same ends, kind and value) is not
// added twice. `index` must be Finish()ed.
void AddSharedLinks(const SharedAttributeIndex& index, std::string_view node_id, int depth,
                    Graph* g);
// Every party's shared-attribute links (to listed entities and to linked parties) as
// "shares_<kind>" edges, a link between two parties once: the whole graph (the service's).
void AddAllSharedLinks(const SharedAttributeIndex& index, const std::vector<model::Party>& parties,
                       Graph* g);

// NotFound when `node_id` is not in the graph; InvalidArgument for max_hops out of 1..6.
Status ComputeExposure(const Graph& g, std::string_view node_id, const ExposureOptions& options,
                       Exposure* out);
// The same with the 50% rule evaluated beforehand (EvaluateFifty(g)).
Status ComputeExposure(const Graph& g, const Evaluation& fifty, std::string_view node_id,
                       const ExposureOptions& options, Exposure* out);

// {"id", "name", "status", "low", "high", "status_explanation", "ownership_paths",
//  "control_paths", "level", "truncated", "paths": [{"entity_id", "entity_name", "list",
//  "programs", "score", "hops", "explanation", "steps": [{"from", "to", "to_name",
//  "forward", "edge": ToJson(edge)}]}]}
nlohmann::json ToJson(const Exposure& x);
nlohmann::json ToJson(const ExposurePath& p);

}  // namespace vigil::graph

#endif  // VIGIL_GRAPH_EXPOSURE_H_
