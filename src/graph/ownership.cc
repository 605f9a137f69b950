// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "graph/ownership.h"

namespace vigil::graph {

// First cut: the header's contract compiles; the fixpoint follows.

Status ParsePercentage(std::string_view text, Share* out) {
  (void)text;
  *out = Share{};
  return Status::Ok();
}

std::string ShareToString(const Share& s) { return s.known ? std::to_string(s.low) : "unknown"; }

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
  (void)text;
  *out = EdgeKind::kOwnership;
  return Status::Ok();
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

std::string PathToString(const Path& p) { return p.listing.name; }

nlohmann::json ToJson(const NodeStatus& s) {
  return {{"id", s.id}, {"status", ToString(s.status)}};
}

struct OwnershipGraph::Impl {};
struct Evaluation::Impl {};

OwnershipGraph::OwnershipGraph() = default;
OwnershipGraph::OwnershipGraph(const std::vector<OwnershipEdge>&) {}
OwnershipGraph::~OwnershipGraph() = default;
OwnershipGraph::OwnershipGraph(const OwnershipGraph&) = default;
OwnershipGraph& OwnershipGraph::operator=(const OwnershipGraph&) = default;
size_t OwnershipGraph::node_count() const { return 0; }
size_t OwnershipGraph::edge_count() const { return 0; }
Evaluation OwnershipGraph::Evaluate(const std::unordered_map<std::string, Listing>&,
                                    const EvaluateOptions&) const {
  return Evaluation();
}

Evaluation::Evaluation() = default;
Evaluation::~Evaluation() = default;
Evaluation::Evaluation(const Evaluation&) = default;
Evaluation& Evaluation::operator=(const Evaluation&) = default;
NodeStatus Evaluation::Get(std::string_view id) const {
  NodeStatus s;
  s.id = std::string(id);
  return s;
}
Status50 Evaluation::StatusOf(std::string_view) const { return Status50::kNotBlocked; }
std::vector<std::string> Evaluation::Reachable() const { return {}; }
size_t Evaluation::blocked_count() const { return 0; }
size_t Evaluation::possibly_count() const { return 0; }
size_t Evaluation::reachable_count() const { return 0; }

std::map<std::string, NodeStatus> Evaluate(const std::vector<OwnershipEdge>&,
                                           const std::unordered_map<std::string, Listing>&,
                                           const EvaluateOptions&) {
  return {};
}

}  // namespace vigil::graph
