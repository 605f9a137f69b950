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
//   GET  /v1/ownership?review=to_review  the imported ownership edges (review=to_review:
//                                        only those with a name match nobody reviewed;
//                                        review=all or none: every edge) (analyst)
//   POST /v1/ownership/{id}/review       {"decision": "accept"|"reject", "end": "owner"|
//                                        "owned"|"", "node": "party:P"|entity id|"",
//                                        "note"}: an analyst's review of the edge's name
//                                        match(es), recorded under the key's principal;
//                                        the exposure of the parties near the edge is
//                                        then re-evaluated on the background worker
//                                        ("exposure": "queued" | "not_evaluated")
//                                        (analyst; 404 unknown edge, 400 a bad review)
//
// api.cc routes /v1/entities/{id}/links here (HandleEntityLinks), cases.cc routes
// /v1/parties/{id}/exposure (HandlePartyExposure).

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "graph/exposure.h"
#include "graph/graph.h"
#include "graph/ownership.h"
#include "graph/shared_attributes.h"
#include "server/service.h"
#include "store/json.h"
#include "store/store.h"

namespace vigil::server {

using nlohmann::json;

Status Service::Links(LinksGraph* out) {
  std::shared_ptr<const Snapshot> snap = Current();
  const uint64_t generation = snap != nullptr ? snap->generation : 0;
  store::Store* db = store();
  int64_t party_seq = 0;
  int64_t ownership_seq = 0;
  if (db != nullptr) {
    if (Status s = db->PartyChangeSeq(&party_seq); !s.ok()) return s;
    store::AuditRecord last;
    bool found = false;
    if (Status s =
            db->LastAudit({"ownership.import", "ownership.review", "party.import", "party.update"},
                          &last, &found);
        !s.ok())
      return s;
    ownership_seq = found ? last.seq : 0;
  }
  std::lock_guard<std::mutex> lock(links_mu_);
  if (links_.graph == nullptr || links_generation_ != generation || links_party_seq_ != party_seq ||
      links_ownership_seq_ != ownership_seq) {
    auto g = std::make_shared<graph::Graph>();
    if (snap != nullptr) g->AddLists(snap->screener->lists());
    if (db != nullptr) {
      std::vector<model::Party> parties;
      Status s = db->ForEachParty(1000, [&](const std::vector<model::Party>& batch) {
        parties.insert(parties.end(), batch.begin(), batch.end());
        return true;
      });
      if (!s.ok()) return s;
      g->AddParties(parties);
      std::vector<store::OwnershipEdgeRecord> edges;
      if (s = db->ListOwnershipEdges(&edges); !s.ok()) return s;
      g->AddOwnership(edges);
      // Shared attributes (src/graph/shared_attributes.h): each party's links to listed
      // entities and to linked parties, as "shares_<kind>" edges with the value as evidence.
      if (!parties.empty() && snap != nullptr) {
        auto index = graph::SharedAttributeIndex::Build(snap->screener->lists(), parties);
        graph::AddAllSharedLinks(*index, parties, g.get());
      }
    }
    links_.fifty = std::make_shared<const graph::Evaluation>(graph::EvaluateFifty(*g));
    links_.graph = std::move(g);
    links_.snapshot = snap;
    links_generation_ = generation;
    links_party_seq_ = party_seq;
    links_ownership_seq_ = ownership_seq;
  }
  *out = links_;
  return Status::Ok();
}

namespace {

// The most nodes a neighbourhood answer holds (the page draws them all).
constexpr size_t kMaxGraphNodes = 300;

std::string Quoted(std::string_view s) {
  return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

// A node as the graph's answers show it, with its status under the 50% rule when a rule
// made it blocked or possibly blocked (listed nodes say so by their list).
json NodeJson(const Service::LinksGraph& lg, const graph::Node& n, int hops) {
  json j = graph::ToJson(n);
  j["hops"] = hops;
  if (n.entity != nullptr) j["entity_kind"] = std::string(ToString(n.entity->kind));
  if (n.kind != graph::NodeKind::kEntity) {
    graph::Status50 st = lg.fifty->StatusOf(n.id);
    if (st != graph::Status50::kNotBlocked) j["status"] = std::string(graph::ToString(st));
  }
  return j;
}

// The neighbourhood of `id`, breadth first up to `hops` edges away (either direction):
// {"hops", "nodes", "edges", "truncated"}. Nodes in the order reached, `id` first.
json Neighbourhood(const Service::LinksGraph& lg, const std::string& id, int hops) {
  const graph::Graph& g = *lg.graph;
  json nodes = json::array();
  json edges = json::array();
  std::unordered_map<std::string, int> depth{{id, 0}};
  std::unordered_set<const graph::Edge*> edges_seen;
  std::deque<std::string> queue{id};
  if (const graph::Node* n = g.node(id)) nodes.push_back(NodeJson(lg, *n, 0));
  bool truncated = false;
  while (!queue.empty()) {
    std::string at = std::move(queue.front());
    queue.pop_front();
    const int d = depth[at];
    if (d >= hops) continue;
    for (const graph::IncidentEdge& ie : g.EdgesOf(at)) {
      const std::string& other = ie.other();
      if (!depth.contains(other)) {
        if (depth.size() >= kMaxGraphNodes) {
          truncated = true;
          continue;
        }
        const graph::Node* n = g.node(other);
        if (n == nullptr) continue;
        depth.emplace(other, d + 1);
        nodes.push_back(NodeJson(lg, *n, d + 1));
        queue.push_back(other);
      }
      if (edges_seen.insert(ie.edge).second) edges.push_back(graph::ToJson(*ie.edge));
    }
  }
  return json{{"hops", hops},
              {"nodes", std::move(nodes)},
              {"edges", std::move(edges)},
              {"truncated", truncated}};
}

bool LinksOr500(Service& svc, http::Response& res, Service::LinksGraph* lg) {
  if (Status s = svc.Links(lg); !s.ok()) {
    SendStoreError(res, s);
    return false;
  }
  return true;
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
  Service::LinksGraph lg;
  if (!LinksOr500(svc, res, &lg)) return;
  // The entity's own links, both ways (graph::LinksJson: "node", "outgoing", "incoming").
  json answer = graph::LinksJson(*lg.graph, e->id);
  std::string programs;
  for (const std::string& p : e->programs) programs += (programs.empty() ? "" : ", ") + p;
  answer["id"] = e->id;
  answer["lists_version"] = lg.snapshot->version;
  answer["status"] = {{"status", "listed"},
                      {"explanation", fmt::format("listed on {}{}", e->source,
                                                  programs.empty() ? "" : " (" + programs + ")")}};
  answer["graph"] = Neighbourhood(lg, e->id, static_cast<int>(hops));
  SendJson(res, 200, answer);
}

void HandlePartyExposure(Service& svc, const http::Request& req, http::Response& res,
                         const std::string& party_id) {
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  long hops = 3;
  if (!IntParam(req, res, "hops", 1, 6, &hops)) return;
  store::PartyVersion latest;
  if (Status s = db->GetParty(party_id, &latest); !s.ok()) return SendStoreError(res, s);
  if (svc.Current() == nullptr) {
    res.SetHeader("Retry-After", "1");
    SendError(res, 503, "not_ready", "the lists are still loading");
    return;
  }
  Service::LinksGraph lg;
  if (!LinksOr500(svc, res, &lg)) return;
  graph::ExposureOptions opt;
  opt.max_hops = static_cast<int>(hops);
  graph::Exposure x;
  const std::string node = graph::PartyNodeId(party_id);
  if (Status s = graph::ComputeExposure(*lg.graph, *lg.fifty, node, opt, &x); !s.ok()) {
    SendError(res, s.code() == Status::Code::kNotFound ? 404 : 400,
              s.code() == Status::Code::kNotFound ? "not_found" : "invalid_request", s.message());
    return;
  }
  json answer = graph::ToJson(x);
  answer["party_id"] = party_id;
  answer["party_version"] = latest.version;
  answer["lists_version"] = lg.snapshot->version;
  // The graph of what the answer names: the party, every node on its paths and ownership
  // paths, and the edges of those paths.
  json nodes = json::array();
  json edges = json::array();
  std::unordered_map<std::string, int> hop_of;
  std::unordered_set<std::string> edge_keys;
  auto add_node = [&](const std::string& id, int h) {
    auto [it, fresh] = hop_of.emplace(id, h);
    if (!fresh) return;
    if (const graph::Node* n = lg.graph->node(id)) nodes.push_back(NodeJson(lg, *n, h));
  };
  auto add_edge = [&](const json& e) {
    std::string key = e.value("from", "") + '\n' + e.value("to", "") + '\n' + e.value("type", "");
    if (edge_keys.insert(key).second) edges.push_back(e);
  };
  add_node(node, 0);
  for (const graph::ExposurePath& p : x.paths) {
    int h = 0;
    for (const graph::PathStep& st : p.steps) {
      add_node(st.to, ++h);
      add_edge(graph::ToJson(st.edge));
    }
  }
  for (const json* group : {&x.ownership_paths, &x.control_paths}) {
    for (const json& p : *group) {
      const json& steps = p.contains("steps") ? p["steps"] : json::array();
      int h = static_cast<int>(steps.size());
      for (const json& st : steps) {
        add_node(st.value("owner", ""), h--);
        add_edge({{"from", st.value("owner", "")},
                  {"to", st.value("owned", "")},
                  {"type", st.value("kind", "")},
                  {"source", st.value("source", "")},
                  {"as_of", st.value("as_of", "")},
                  {"share", st.contains("share") ? st["share"] : json(nullptr)}});
      }
    }
  }
  answer["graph"] = {{"hops", hops},
                     {"nodes", std::move(nodes)},
                     {"edges", std::move(edges)},
                     {"truncated", x.truncated}};
  SendJson(res, 200, answer);
}

namespace {

// GET /v1/ownership
void ListOwnership(Service& svc, const http::Request& req, http::Response& res) {
  if (!svc.Authorize(req, res, Role::kAnalyst)) return;
  store::Store* db = StoreOr404(svc, res);
  if (db == nullptr) return;
  std::string review;
  if (!TextParam(req, res, "review", 32, &review)) return;
  if (!review.empty() && review != "to_review" && review != "all") {
    SendError(res, 400, "invalid_request", "review must be to_review or all");
    return;
  }
  std::vector<store::OwnershipEdgeRecord> edges;
  if (Status s = db->ListOwnershipEdges(&edges, review == "to_review"); !s.ok()) {
    return SendStoreError(res, s);
  }
  json out = json::array();
  for (const store::OwnershipEdgeRecord& e : edges) out.push_back(store::ToJson(e));
  SendJson(res, 200, json{{"edges", std::move(out)}, {"total", edges.size()}});
}

// The edge id of /v1/ownership/{id}/review, or 0 after answering 404.
int64_t ReviewEdgeIdOr404(const http::Request& req, http::Response& res) {
  std::string_view path = req.target;
  path = path.substr(0, path.find('?'));
  constexpr std::string_view kPrefix = "/v1/ownership/", kSuffix = "/review";
  int64_t id = 0;
  if (path.starts_with(kPrefix) && path.ends_with(kSuffix) &&
      path.size() > kPrefix.size() + kSuffix.size()) {
    std::string_view digits =
        path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || p != digits.data() + digits.size() || id <= 0) id = 0;
  }
  if (id == 0) SendError(res, 404, "not_found", "no such route (see /openapi.json)");
  return id;
}

// POST /v1/ownership/{id}/review
void ReviewOwnership(Service& svc, const http::Request& req, http::Response& res) {
  Principal who;
  if (!svc.Authorize(req, res, Role::kAnalyst, &who)) return;
  const int64_t id = ReviewEdgeIdOr404(req, res);
  if (id == 0) return;
  store::Store* db = WritableStoreOr(svc, res);
  if (db == nullptr) return;
  json body;
  if (!ParseJsonBody(req, res, &body)) return;
  if (!body.is_object()) {
    SendError(res, 400, "invalid_request", "the body must be a JSON object");
    return;
  }
  store::OwnershipReview r;
  for (const auto& [key, value] : body.items()) {
    std::string* field = key == "decision" ? &r.decision
                         : key == "end"    ? &r.end
                         : key == "node"   ? &r.node
                         : key == "note"   ? &r.note
                                           : nullptr;
    if (field == nullptr) {
      SendError(
          res, 400, "invalid_request",
          fmt::format("unknown field {}: a review has decision, end, node and note", Quoted(key)));
      return;
    }
    if (value.is_null()) continue;
    if (!value.is_string() || !IsUtf8(value.get_ref<const std::string&>()) ||
        value.get_ref<const std::string&>().size() > 2000) {
      SendError(res, 400, "invalid_request",
                fmt::format("{} must be a string (UTF-8, at most 2000 bytes)", key));
      return;
    }
    *field = value.get<std::string>();
  }
  // A node that is neither a party nor an outside name must be on the loaded lists.
  if (!r.node.empty() && r.node.rfind("party:", 0) != 0 && r.node.rfind("name:", 0) != 0) {
    std::shared_ptr<const Snapshot> snap = svc.Current();
    if (snap == nullptr) {
      res.SetHeader("Retry-After", "1");
      SendError(res, 503, "not_ready", "the lists are still loading");
      return;
    }
    const Entity* e = snap->screener->Find(r.node);
    if (e == nullptr) {
      SendError(res, 400, "invalid_request",
                fmt::format("node {}: not a listed entity id on the loaded lists (give party:ID, "
                            "an entity id, or no node to keep the name as an outside node)",
                            Quoted(r.node)));
      return;
    }
    r.node = e->id;
  }
  store::OwnershipEdgeRecord before, after;
  if (Status s = db->GetOwnershipEdge(id, &before); !s.ok()) return SendStoreError(res, s);
  if (Status s = db->ReviewOwnershipEdge(id, r, store::Actor{who.name}, &after); !s.ok()) {
    return SendStoreError(res, s);
  }
  // Exposure around the edge's ends, before and after: on the background worker, so the
  // answer does not wait for it.
  std::vector<std::string> nodes = {before.owner.node, before.owned.node};
  for (const std::string& n : {after.owner.node, after.owned.node}) {
    if (std::find(nodes.begin(), nodes.end(), n) == nodes.end()) nodes.push_back(n);
  }
  const bool queued = svc.QueueExposure(std::move(nodes), "ownership review " + std::to_string(id));
  SendJson(res, 200,
           json{{"edge", store::ToJson(after)}, {"exposure", queued ? "queued" : "not_evaluated"}});
}

}  // namespace

void RegisterOwnership(http::Router& router, Service& svc) {
  router.Add(
      "GET", "/v1/ownership",
      [&svc](const http::Request& q, http::Response& r) { ListOwnership(svc, q, r); },
      http::Lane::kStoreRead);
  router.Add(
      "POST", "/v1/ownership/{*}",
      [&svc](const http::Request& q, http::Response& r) { ReviewOwnership(svc, q, r); },
      http::Lane::kStoreWrite);
}

}  // namespace vigil::server
