// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The relationship graph (issue 15): who is tied to whom, by what, according to whom.
//
// Nodes are listed entities (every loaded list, id "us_ofac_sdn:22323"), stored parties
// (id "party:<party id>") and outside nodes: owners or companies named in an ownership
// import that resolve to neither (id "name:<the name as given>"). Edges are typed and
// directed, each with where it comes from:
//
//   type       "linked_to" (OFAC "Linked To:" remarks), any other Relationship::relation a
//              loader parses, "ownership", "control", "director", "officer", "family"
//              (imported, `vigil ownership import`), "shares_<attribute>" (shared
//              attributes, src/graph/shared_attributes.h: "shares_address", ...)
//   source     "us_ofac_sdn remarks", "ownership import <file>", "shared attributes"
//   as_of      ISO date when known
//   share      ownership and control: the percentage as given ("60", "25-50", "") and its
//              bounds (an unknown share is [0, 100])
//   evidence   JSON: the list's own words, the import row (file, line, match), the shared
//              value...
//
// An edge is stored once, from -> to, and seen from both ends: EdgesOf(id) gives the edges
// leaving a node and the edges arriving at it (IncidentEdge::outgoing tells which), so a
// listed entity's page shows both the entity it is "Linked To:" and the entities that name
// it.
//
//   graph::Graph g;
//   g.AddLists(lists);                       // nodes + list relationships
//   g.AddParties(parties);                   // "party:<id>" nodes
//   g.AddOwnership(records, file);           // store::OwnershipEdgeRecord rows
//   for (const graph::IncidentEdge& ie : g.EdgesOf("us_ofac_sdn:22323")) ...
//
// Thread safety: build on one thread; once built, const methods may be called from any
// number of threads. The graph keeps pointers to the entities of the lists given to
// AddLists: they must outlive it.

#ifndef VIGIL_GRAPH_GRAPH_H_
#define VIGIL_GRAPH_GRAPH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/party.h"
#include "vigil/entity.h"
#include "vigil/list.h"

namespace vigil::store {
struct OwnershipEdgeRecord;
}

namespace vigil::graph {

enum class NodeKind { kEntity, kParty, kOutside };
std::string_view ToString(NodeKind k);  // "entity", "party", "outside"

// Node ids.
std::string PartyNodeId(std::string_view party_id);  // "party:P-1"
std::string OutsideNodeId(std::string_view name);    // "name:ACME Holdings"

struct Node {
  std::string id;
  NodeKind kind = NodeKind::kOutside;
  std::string name;  // primary name (entity), name (party), the name as given (outside)
  std::string list;  // entity: its source ("us_ofac_sdn"); else empty
  std::vector<std::string> programs;  // entity: its programs
  const Entity* entity = nullptr;     // entity: the listed record (lives with the lists)
};

struct Edge {
  std::string from, to;  // node ids
  std::string type;      // see the file comment
  std::string source;
  std::string as_of;
  // Ownership / control share: the text as given and its bounds in percent. has_share is
  // false for edges that carry no share (linked_to, director, shares_*).
  bool has_share = false;
  std::string share;  // "60", "25-50", "" (unknown)
  double share_low = 0, share_high = 0;
  // Shared attributes: how much the link counts, 0..1 (a value shared by thousands of
  // holders weighs little). 1 for every other edge.
  double weight = 1;
  nlohmann::json evidence = nlohmann::json::object();
};

// An edge as seen from one of its ends.
struct IncidentEdge {
  const Edge* edge = nullptr;
  bool outgoing = true;  // true: edge->from is the node asked about
  const std::string& other() const { return outgoing ? edge->to : edge->from; }
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  Graph(Graph&&) = default;
  Graph& operator=(Graph&&) = default;

  // Every entity of `lists` as a node, and each Relationship as an edge entity -> target
  // (type = Relationship::relation, source "<list> <field>": "us_ofac_sdn remarks",
  // "un_sc COMMENTS1", "us_csl vessel_owner"; evidence {"name": target as listed,
  // "target_id", "text": the list's words when given}); a target that names no loaded
  // entity becomes an outside node by name.
  void AddLists(const std::vector<LoadedList>& lists);
  // Parties as "party:<id>" nodes (a party already present is renamed, not duplicated).
  void AddParty(std::string_view party_id, std::string_view name);
  void AddParties(const std::vector<model::Party>& parties);
  // Imported ownership edges (the store's rows): owner -> owned, type = kind, source
  // "ownership import <file>", the share, evidence {"id", "file", "line", "owner": how the
  // owner was resolved, "owned": ..., "review"}. Ends that are not nodes yet become outside
  // nodes. An edge still to review (a name match nobody reviewed) counts like any other,
  // and its evidence has "note": "name match 0.93, to review", which the exposure paths
  // repeat; after a reject the row's end is the node the analyst gave.
  void AddOwnership(const std::vector<store::OwnershipEdgeRecord>& records);
  // Any edge (shared attributes, tests). Unknown ends become outside nodes named by their id.
  void AddEdge(Edge e);

  const Node* node(std::string_view id) const;  // null when absent
  // Edges leaving and arriving at `id`, leaving first, each group in insertion order.
  std::vector<IncidentEdge> EdgesOf(std::string_view id) const;
  // The distinct nodes one edge away (either direction), in EdgesOf order.
  std::vector<std::string> Neighbours(std::string_view id) const;

  size_t node_count() const { return nodes_.size(); }
  size_t edge_count() const { return edges_.size(); }
  const std::vector<Edge>& edges() const { return edges_; }
  // The listed entities (NodeKind::kEntity), in list order.
  const std::vector<const Node*>& listed() const { return listed_; }

 private:
  Node* Ensure(std::string_view id, NodeKind kind, std::string_view name);

  std::vector<std::unique_ptr<Node>> node_store_;
  std::unordered_map<std::string, Node*> nodes_;
  std::vector<const Node*> listed_;
  std::vector<Edge> edges_;
  std::unordered_map<std::string, std::vector<size_t>> out_, in_;  // node -> edge indices
};

// {"from", "to", "type", "source", "as_of", "share"?: {"text", "low", "high"}, "weight",
// "evidence"}.
nlohmann::json ToJson(const Edge& e);
// {"id", "kind", "name", "list"?, "programs"?}.
nlohmann::json ToJson(const Node& n);
// The edges of `id` both ways: {"id", "node": ToJson(node)|null, "outgoing": [edge + "node":
// the other end], "incoming": [...]}. For `vigil show --json` and /v1/entities/{id}/links.
nlohmann::json LinksJson(const Graph& g, std::string_view id);

}  // namespace vigil::graph

#endif  // VIGIL_GRAPH_GRAPH_H_
