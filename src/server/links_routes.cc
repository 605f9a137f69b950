// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// The relationship graph over HTTP (issue 15):
//
//   GET /v1/entities/{id}/links?hops=N   a listed entity's links both ways (the entities it
//                                        names, "Linked To:", and those that name it) and
//                                        its neighbourhood up to N hops (1..3, default 1)
//                                        as {"nodes", "edges"} for the page's graph (screen)
//   GET /v1/parties/{id}/exposure?hops=N a stored party's exposure: its status under the
//                                        50% rule and its paths to listed entities
//                                        (analyst; 404 no_store without --db)
//
// api.cc routes /v1/entities/{id}/links here (HandleEntityLinks), cases.cc routes
// /v1/parties/{id}/exposure (HandlePartyExposure).

#include <fmt/core.h>

#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "server/service.h"

namespace vigil::server {

using nlohmann::json;

namespace {

// The most nodes a neighbourhood answer holds (the page draws them all).
constexpr size_t kMaxGraphNodes = 300;

std::string Quoted(std::string_view s) {
  return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

json EntityNode(const Entity& e) {
  json n{{"id", e.id},
         {"kind", "entity"},
         {"name", e.primary_name()},
         {"list", e.source},
         {"entity_kind", std::string(ToString(e.kind))}};
  if (!e.programs.empty()) n["programs"] = e.programs;
  return n;
}

// A relationship whose target names no loaded entity: an outside node by name.
std::string OutsideId(std::string_view name) { return "name:" + std::string(name); }

json OutsideNode(std::string_view name) {
  return json{{"id", OutsideId(name)}, {"kind", "outside"}, {"name", std::string(name)}};
}

// One list relationship as an edge from -> to.
json RelationshipEdge(const Snapshot& snap, const Entity& from, const Relationship& r) {
  std::string to = r.target_id.empty() ? OutsideId(r.target_name) : r.target_id;
  std::string as_of;
  if (auto v = snap.list_versions.find(from.source); v != snap.list_versions.end()) {
    as_of = v->second;
  }
  return json{{"from", from.id},
              {"to", to},
              {"type", r.relation},
              {"source", from.source + " remarks"},
              {"as_of", as_of},
              {"weight", 1},
              {"evidence", {{"name", r.target_name}}}};
}

// The edges of `e` both ways, each as (edge, the other end's node), calling `visit`.
template <typename F>
void ForEachLink(const Snapshot& snap, const Entity& e, F&& visit) {
  for (const Relationship& r : e.relationships) {
    const Entity* t = r.target_id.empty() ? nullptr : snap.screener->Find(r.target_id);
    visit(RelationshipEdge(snap, e, r), /*outgoing=*/true,
          t != nullptr ? EntityNode(*t) : OutsideNode(r.target_name), t);
  }
  if (auto it = snap.referenced_by.find(e.id); it != snap.referenced_by.end()) {
    std::unordered_set<const Entity*> seen;
    for (const Entity* from : it->second) {
      if (!seen.insert(from).second) continue;  // named twice: its relationships say both
      for (const Relationship& r : from->relationships) {
        if (r.target_id != e.id) continue;
        visit(RelationshipEdge(snap, *from, r), /*outgoing=*/false, EntityNode(*from), from);
      }
    }
  }
}

}  // namespace

void HandleEntityLinks(Service& svc, const http::Request& req, http::Response& res,
                       const std::shared_ptr<const Snapshot>& snap, const std::string& id) {
  long hops = 1;
  if (!IntParam(req, res, "hops", 1, 3, &hops)) return;
  const Entity* e = IsUtf8(id) ? snap->screener->Find(id) : nullptr;
  if (e == nullptr) {
    SendError(res, 404, "not_found",
              fmt::format("no entity with id {} in the loaded lists", Quoted(id)));
    return;
  }
  // The entity's own links, both ways.
  json outgoing = json::array();
  json incoming = json::array();
  ForEachLink(*snap, *e, [&](json edge, bool out, json node, const Entity*) {
    edge["node"] = std::move(node);
    (out ? outgoing : incoming).push_back(std::move(edge));
  });
  // The neighbourhood, breadth first up to `hops` edges away, for the graph.
  json nodes = json::array();
  json edges = json::array();
  std::unordered_map<std::string, int> depth{{e->id, 0}};
  std::unordered_set<std::string> edge_keys;
  std::deque<const Entity*> queue{e};
  json first = EntityNode(*e);
  first["hops"] = 0;
  nodes.push_back(std::move(first));
  bool truncated = false;
  while (!queue.empty()) {
    const Entity* at = queue.front();
    queue.pop_front();
    const int d = depth[at->id];
    if (d >= hops) continue;
    ForEachLink(*snap, *at, [&](json edge, bool /*out*/, json node, const Entity* other) {
      std::string other_id = node["id"];
      if (!depth.contains(other_id)) {
        if (depth.size() >= kMaxGraphNodes) {
          truncated = true;
          return;
        }
        depth.emplace(other_id, d + 1);
        node["hops"] = d + 1;
        nodes.push_back(std::move(node));
        if (other != nullptr) queue.push_back(other);
      }
      std::string key = edge["from"].get<std::string>() + '\n' + edge["to"].get<std::string>() +
                        '\n' + edge["type"].get<std::string>();
      if (edge_keys.insert(key).second) edges.push_back(std::move(edge));
    });
  }
  std::string programs;
  for (const std::string& p : e->programs) programs += (programs.empty() ? "" : ", ") + p;
  json status{{"status", "listed"},
              {"explanation", fmt::format("listed on {}{}", e->source,
                                          programs.empty() ? "" : " (" + programs + ")")}};
  json answer{{"id", e->id},
              {"lists_version", snap->version},
              {"node", EntityNode(*e)},
              {"status", std::move(status)},
              {"outgoing", std::move(outgoing)},
              {"incoming", std::move(incoming)},
              {"graph",
               {{"hops", hops},
                {"nodes", std::move(nodes)},
                {"edges", std::move(edges)},
                {"truncated", truncated}}}};
  (void)svc;
  SendJson(res, 200, answer);
}

void HandlePartyExposure(Service& svc, const http::Request& /*req*/, http::Response& res,
                         const std::string& party_id) {
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  store::PartyVersion latest;
  if (Status s = db->GetParty(party_id, &latest); !s.ok()) return SendStoreError(res, s);
  // TODO(web15): the graph's exposure (src/graph/exposure.h) once graph15 is merged.
  SendError(res, 501, "not_implemented", "exposure needs src/graph");
}

}  // namespace vigil::server
