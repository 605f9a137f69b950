// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "graph/exposure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "graph/ownership.h"

namespace vigil::graph {

namespace {

bool IsOwnershipType(const std::string& type) {
  return type == "ownership" || type == "control" || type == "director" || type == "officer" ||
         type == "family";
}

std::string Percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return std::string(buf) + "%";
}

std::string ShareText(const Edge& e) {
  if (!e.has_share) return "";
  if (e.share.empty()) return "an unknown share";
  if (e.share_low == e.share_high) return Percent(e.share_low);
  return Percent(e.share_low).substr(0, Percent(e.share_low).size() - 1) + "-" +
         Percent(e.share_high);
}

// How much one edge ties its ends together, in (0, 1].
double Strength(const Edge& e) {
  if (e.type == "ownership") return std::max(0.1, (e.has_share ? e.share_high : 100) / 100.0);
  if (e.type == "linked_to") return 0.9;
  if (e.type == "control") return 0.8;
  if (e.type == "director" || e.type == "officer") return 0.7;
  if (e.type == "family") return 0.6;
  if (e.type.rfind("shares_", 0) == 0) return std::clamp(e.weight, 0.01, 1.0);
  return 0.7;  // another relation a list states
}

std::string Label(const Graph& g, const std::string& id) {
  const Node* n = g.node(id);
  if (n == nullptr || n->name.empty() || n->name == id) return id;
  if (n->kind == NodeKind::kOutside) return n->name;
  return n->name + " (" + id + ")";
}

// "owns 60% of", "is owned 60% by", ...: the verb of one step walked forward or backward.
std::string Verb(const Edge& e, bool forward) {
  const std::string share = ShareText(e);
  if (e.type == "ownership") {
    return forward ? "owns " + share + " of" : "is owned " + share + " by";
  }
  if (e.type == "control") return forward ? "controls" : "is controlled by";
  if (e.type == "director") return forward ? "is a director of" : "has as director";
  if (e.type == "officer") return forward ? "is an officer of" : "has as officer";
  if (e.type == "family") return "is family of";
  if (e.type == "linked_to") return forward ? "is linked to" : "is named as linked by";
  if (e.type.rfind("shares_", 0) == 0) {
    std::string what = e.type.substr(7);
    std::string value = e.evidence.value("value", std::string());
    return "shares the " + what + (value.empty() ? "" : " '" + value + "'") + " with";
  }
  std::string rel = e.type;
  std::replace(rel.begin(), rel.end(), '_', ' ');
  return forward ? "is " + rel : "is named (" + rel + ") by";
}

std::string Explain(const Graph& g, const std::string& start, const ExposurePath& p) {
  std::string s = Label(g, start);
  for (const PathStep& st : p.steps) {
    s += " " + Verb(st.edge, st.forward) + " " + Label(g, st.to);
    if (st.edge.type == "ownership" || st.edge.type == "control" ||
        st.edge.type.rfind("shares_", 0) == 0) {
      if (!st.edge.source.empty()) s += " [" + st.edge.source + "]";
    }
    // An imported edge resting on a name match nobody reviewed yet says so.
    if (st.edge.evidence.is_object()) {
      if (std::string note = st.edge.evidence.value("note", std::string()); !note.empty()) {
        s += " (" + note + ")";
      }
    }
  }
  s += ", listed on " + p.list;
  if (!p.programs.empty()) {
    s += " (";
    for (size_t i = 0; i < p.programs.size(); ++i) s += (i ? ", " : "") + p.programs[i];
    s += ")";
  }
  return s;
}

}  // namespace

std::unordered_map<std::string, Listing> ListingsOf(const Graph& g) {
  std::unordered_map<std::string, Listing> listed;
  for (const Node* n : g.listed()) {
    Listing l;
    l.entity_id = n->id;
    l.list = n->list;
    l.name = n->name;
    for (size_t i = 0; i < n->programs.size(); ++i) l.programs += (i ? "; " : "") + n->programs[i];
    listed.emplace(n->id, std::move(l));
  }
  return listed;
}

namespace {

// A shared-attribute link as a graph edge: "shares_<kind>", the value as evidence.
Edge SharedEdge(const SharedLink& l) {
  Edge e;
  e.from = l.from;
  e.to = l.to;
  e.type = "shares_" + std::string(ToString(l.kind));
  e.source = "shared attributes";
  e.weight = l.weight;
  e.evidence = {{"value", l.value},           {"from_written", l.from_written},
                {"to_written", l.to_written}, {"holders", l.holders},
                {"weight", l.weight},         {"to_linked_to", l.to_linked_to}};
  return e;
}

}  // namespace

void AddAllSharedLinks(const SharedAttributeIndex& index, const std::vector<model::Party>& parties,
                       Graph* g) {
  for (const model::Party& p : parties) {
    for (const SharedLink& l : index.Links(PartyNodeId(p.id)).links) {
      // A link between two parties is found from both ends: kept once.
      if (!l.to_listed && l.to < l.from) continue;
      if (g->node(l.to) == nullptr) g->AddParty(l.to.substr(l.to.find(':') + 1), l.to_name);
      g->AddEdge(SharedEdge(l));
    }
  }
}

void AddSharedLinks(const SharedAttributeIndex& index, std::string_view node_id, int depth,
                    Graph* g) {
  std::unordered_set<std::string> done;
  std::vector<std::pair<std::string, int>> todo = {{std::string(node_id), depth}};
  std::unordered_set<std::string> visited = {std::string(node_id)};
  while (!todo.empty()) {
    auto [id, left] = todo.back();
    todo.pop_back();
    for (const SharedLink& l : index.Links(id).links) {
      std::string key = l.from < l.to ? l.from + "|" + l.to : l.to + "|" + l.from;
      key += "|" + std::string(ToString(l.kind)) + "|" + l.value;
      if (done.insert(key).second) {
        if (g->node(l.to) == nullptr) g->AddParty(l.to.substr(l.to.find(':') + 1), l.to_name);
        g->AddEdge(SharedEdge(l));
      }
      if (left > 1 && !l.to_listed && !l.to_linked_to.empty() && visited.insert(l.to).second) {
        todo.emplace_back(l.to, left - 1);
      }
    }
  }
}

Evaluation EvaluateFifty(const Graph& g) {
  std::vector<OwnershipEdge> edges;
  for (const Edge& e : g.edges()) {
    if (!IsOwnershipType(e.type)) continue;
    OwnershipEdge o;
    o.owner = e.from;
    o.owned = e.to;
    o.share.low = e.has_share ? e.share_low : 0;
    o.share.high = e.has_share ? e.share_high : 100;
    o.share.known = e.has_share && !e.share.empty();
    EdgeKind kind = EdgeKind::kOwnership;
    if (ParseEdgeKind(e.type, &kind).ok()) o.kind = kind;
    o.source = e.source;
    o.as_of = e.as_of;
    edges.push_back(std::move(o));
  }
  // Every listing goes in, not only those that own something: Get() of a listed entity
  // then says blocked (as listed) rather than not_blocked.
  return OwnershipGraph(edges).Evaluate(ListingsOf(g));
}

Status ComputeExposure(const Graph& g, std::string_view node_id, const ExposureOptions& options,
                       Exposure* out) {
  return ComputeExposure(g, EvaluateFifty(g), node_id, options, out);
}

Status ComputeExposure(const Graph& g, const Evaluation& fifty, std::string_view node_id,
                       const ExposureOptions& options, Exposure* out) {
  const Node* start = g.node(node_id);
  if (start == nullptr) {
    return Status::NotFound("no node '" + std::string(node_id) + "' in the graph");
  }
  if (options.max_hops < 1 || options.max_hops > 6) {
    return Status::InvalidArgument("hops: " + std::to_string(options.max_hops) +
                                   " is not between 1 and 6");
  }
  Exposure x;
  x.node_id = start->id;
  x.name = start->name;

  NodeStatus ns = fifty.Get(start->id);
  x.status = std::string(ToString(ns.status));
  x.low = ns.low;
  x.high = ns.high;
  x.status_explanation = ns.explanation;
  nlohmann::json sj = ToJson(ns);
  if (sj.contains("paths")) x.ownership_paths = sj["paths"];
  if (sj.contains("control_paths")) x.control_paths = sj["control_paths"];

  // Depth-first over simple paths of up to max_hops edges, either direction.
  std::vector<PathStep> stack;
  std::unordered_set<std::string> on_path = {start->id};
  size_t expansions = 0;
  std::vector<ExposurePath> found;
  std::function<void(const std::string&, double)> walk = [&](const std::string& at, double score) {
    if (static_cast<int>(stack.size()) >= options.max_hops) return;
    for (const IncidentEdge& ie : g.EdgesOf(at)) {
      if (expansions >= options.max_expansions) {
        x.truncated = true;
        return;
      }
      ++expansions;
      const std::string& next = ie.other();
      if (on_path.count(next)) continue;
      const Node* n = g.node(next);
      if (n == nullptr) continue;
      double s = score * Strength(*ie.edge) * (stack.empty() ? 1.0 : 0.8);
      PathStep step;
      step.from = at;
      step.to = next;
      step.to_name = n->name;
      step.edge = *ie.edge;
      step.forward = ie.outgoing;
      stack.push_back(std::move(step));
      on_path.insert(next);
      if (n->kind == NodeKind::kEntity) {
        ExposurePath p;
        p.steps = stack;
        p.entity_id = n->id;
        p.entity_name = n->name;
        p.list = n->list;
        p.programs = n->programs;
        p.score = s;
        found.push_back(std::move(p));
      }
      walk(next, s);
      on_path.erase(next);
      stack.pop_back();
    }
  };
  walk(start->id, 1.0);

  std::stable_sort(found.begin(), found.end(), [](const ExposurePath& a, const ExposurePath& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.steps.size() != b.steps.size()) return a.steps.size() < b.steps.size();
    return a.entity_id < b.entity_id;
  });
  if (found.size() > options.max_paths) found.resize(options.max_paths);
  for (ExposurePath& p : found) p.explanation = Explain(g, start->id, p);
  x.paths = std::move(found);

  x.level = x.paths.empty() ? 0 : x.paths.front().score;
  if (ns.status == Status50::kBlocked) x.level = 1;
  if (ns.status == Status50::kPossiblyBlocked) x.level = std::max(x.level, 0.75);
  *out = std::move(x);
  return Status::Ok();
}

nlohmann::json ToJson(const ExposurePath& p) {
  nlohmann::json steps = nlohmann::json::array();
  for (const PathStep& s : p.steps) {
    steps.push_back({{"from", s.from},
                     {"to", s.to},
                     {"to_name", s.to_name},
                     {"forward", s.forward},
                     {"edge", ToJson(s.edge)}});
  }
  return {{"entity_id", p.entity_id},
          {"entity_name", p.entity_name},
          {"list", p.list},
          {"programs", p.programs},
          {"score", p.score},
          {"hops", p.steps.size()},
          {"explanation", p.explanation},
          {"steps", std::move(steps)}};
}

nlohmann::json ToJson(const Exposure& x) {
  nlohmann::json paths = nlohmann::json::array();
  for (const ExposurePath& p : x.paths) paths.push_back(ToJson(p));
  return {{"id", x.node_id},
          {"name", x.name},
          {"status", x.status},
          {"low", x.low},
          {"high", x.high},
          {"status_explanation", x.status_explanation},
          {"ownership_paths", x.ownership_paths},
          {"control_paths", x.control_paths},
          {"level", x.level},
          {"truncated", x.truncated},
          {"paths", std::move(paths)}};
}

}  // namespace vigil::graph
