// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "graph/graph.h"

#include <cstdio>
#include <unordered_set>
#include <utility>

#include "store/store.h"

namespace vigil::graph {

std::string_view ToString(NodeKind k) {
  switch (k) {
    case NodeKind::kEntity:
      return "entity";
    case NodeKind::kParty:
      return "party";
    case NodeKind::kOutside:
      return "outside";
  }
  return "outside";
}

std::string PartyNodeId(std::string_view party_id) { return "party:" + std::string(party_id); }
std::string OutsideNodeId(std::string_view name) { return "name:" + std::string(name); }

Node* Graph::Ensure(std::string_view id, NodeKind kind, std::string_view name) {
  auto it = nodes_.find(std::string(id));
  if (it != nodes_.end()) return it->second;
  auto n = std::make_unique<Node>();
  n->id = std::string(id);
  n->kind = kind;
  n->name = std::string(name);
  Node* raw = n.get();
  node_store_.push_back(std::move(n));
  nodes_.emplace(raw->id, raw);
  return raw;
}

void Graph::AddLists(const std::vector<LoadedList>& lists) {
  for (const LoadedList& l : lists) {
    for (const Entity& e : l.entities) {
      Node* n = Ensure(e.id, NodeKind::kEntity, e.primary_name());
      n->kind = NodeKind::kEntity;
      n->name = e.primary_name();
      n->list = e.source;
      n->programs = e.programs;
      n->entity = &e;
      listed_.push_back(n);
    }
  }
  for (const LoadedList& l : lists) {
    for (const Entity& e : l.entities) {
      for (const Relationship& r : e.relationships) {
        Edge edge;
        edge.from = e.id;
        edge.to = r.target_id.empty() ? OutsideNodeId(r.target_name) : r.target_id;
        if (!r.target_id.empty() && node(r.target_id) == nullptr) {
          // Resolved by the loader but not loaded now (another list not given): by name.
          edge.to = OutsideNodeId(r.target_name);
        }
        Ensure(edge.to, NodeKind::kOutside, r.target_name);
        edge.type = r.relation.empty() ? "related_to" : r.relation;
        edge.source = e.source + " " + (r.field.empty() ? "remarks" : r.field);
        edge.as_of = l.info.published.substr(0, 10);
        edge.evidence = {{"name", r.target_name}};
        if (!r.target_id.empty()) edge.evidence["target_id"] = r.target_id;
        if (!r.text.empty()) edge.evidence["text"] = r.text;
        AddEdge(std::move(edge));
      }
    }
  }
}

void Graph::AddParty(std::string_view party_id, std::string_view name) {
  Node* n = Ensure(PartyNodeId(party_id), NodeKind::kParty, name);
  n->kind = NodeKind::kParty;
  n->name = std::string(name);
}

void Graph::AddParties(const std::vector<model::Party>& parties) {
  for (const model::Party& p : parties) AddParty(p.id, p.name);
}

namespace {

nlohmann::json EndJson(const store::OwnershipEnd& e) {
  nlohmann::json j = {{"given", e.given}, {"node", e.node}, {"how", e.how}};
  if (e.how == "name_match") {
    j["score"] = e.score;
    j["matched_id"] = e.matched_id;
    j["matched_name"] = e.matched_name;
  }
  if (!e.review.empty()) j["review"] = e.review;
  return j;
}

// "name match 0.93, to review" for an edge whose end(s) are name matches nobody has
// reviewed yet (the edge counts meanwhile); "" otherwise.
std::string ReviewNote(const store::OwnershipEdgeRecord& r) {
  std::string note;
  for (const store::OwnershipEnd* e : {&r.owner, &r.owned}) {
    const bool pending = e->how == "name_match" && (e->review == "to_review" ||
                                                    (e->review.empty() && r.review == "to_review"));
    if (!pending) continue;
    if (!note.empty()) note += "; ";
    char score[16];
    std::snprintf(score, sizeof score, "%.2f", e->score);
    note += std::string("name match ") + score + ", to review";
  }
  return note;
}

std::string EndName(const store::OwnershipEnd& e) {
  return e.how == "name_match" ? e.matched_name : e.given;
}

}  // namespace

void Graph::AddOwnership(const std::vector<store::OwnershipEdgeRecord>& records) {
  for (const store::OwnershipEdgeRecord& r : records) {
    Ensure(r.owner.node, NodeKind::kOutside, EndName(r.owner));
    Ensure(r.owned.node, NodeKind::kOutside, EndName(r.owned));
    Edge e;
    e.from = r.owner.node;
    e.to = r.owned.node;
    e.type = r.kind;
    e.source = "ownership import " + r.file;
    e.as_of = r.as_of;
    e.has_share = r.kind == "ownership" || r.kind == "control";
    e.share = r.percentage;
    e.share_low = r.low;
    e.share_high = r.high;
    e.evidence = {{"id", r.id},
                  {"file", r.file},
                  {"line", r.line},
                  {"source", r.source},
                  {"review", r.review},
                  {"owner", EndJson(r.owner)},
                  {"owned", EndJson(r.owned)}};
    if (std::string note = ReviewNote(r); !note.empty()) e.evidence["note"] = std::move(note);
    AddEdge(std::move(e));
  }
}

void Graph::AddEdge(Edge e) {
  Ensure(e.from, NodeKind::kOutside, e.from);
  Ensure(e.to, NodeKind::kOutside, e.to);
  size_t k = edges_.size();
  out_[e.from].push_back(k);
  in_[e.to].push_back(k);
  edges_.push_back(std::move(e));
}

const Node* Graph::node(std::string_view id) const {
  auto it = nodes_.find(std::string(id));
  return it == nodes_.end() ? nullptr : it->second;
}

std::vector<IncidentEdge> Graph::EdgesOf(std::string_view id) const {
  std::vector<IncidentEdge> out;
  std::string key(id);
  if (auto it = out_.find(key); it != out_.end()) {
    for (size_t k : it->second) out.push_back({&edges_[k], true});
  }
  if (auto it = in_.find(key); it != in_.end()) {
    for (size_t k : it->second) out.push_back({&edges_[k], false});
  }
  return out;
}

std::vector<std::string> Graph::Neighbours(std::string_view id) const {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const IncidentEdge& ie : EdgesOf(id)) {
    if (seen.insert(ie.other()).second) out.push_back(ie.other());
  }
  return out;
}

nlohmann::json ToJson(const Edge& e) {
  nlohmann::json j = {{"from", e.from},        {"to", e.to},       {"type", e.type},
                      {"source", e.source},    {"as_of", e.as_of}, {"weight", e.weight},
                      {"evidence", e.evidence}};
  if (e.has_share) {
    j["share"] = {{"text", e.share}, {"low", e.share_low}, {"high", e.share_high}};
  }
  return j;
}

nlohmann::json ToJson(const Node& n) {
  nlohmann::json j = {{"id", n.id}, {"kind", ToString(n.kind)}, {"name", n.name}};
  if (!n.list.empty()) j["list"] = n.list;
  if (!n.programs.empty()) j["programs"] = n.programs;
  return j;
}

nlohmann::json LinksJson(const Graph& g, std::string_view id) {
  nlohmann::json j = {
      {"id", id}, {"outgoing", nlohmann::json::array()}, {"incoming", nlohmann::json::array()}};
  const Node* n = g.node(id);
  j["node"] = n == nullptr ? nlohmann::json(nullptr) : ToJson(*n);
  for (const IncidentEdge& ie : g.EdgesOf(id)) {
    nlohmann::json e = ToJson(*ie.edge);
    const Node* other = g.node(ie.other());
    e["node"] = other == nullptr ? nlohmann::json(nullptr) : ToJson(*other);
    j[ie.outgoing ? "outgoing" : "incoming"].push_back(std::move(e));
  }
  return j;
}

}  // namespace vigil::graph
