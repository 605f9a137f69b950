// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "graph/exposure_alerts.h"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "graph/shared_attributes.h"

namespace vigil::graph {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

constexpr int64_t kAlertPage = 500;

// What a decision is made against: the path's edges (ends, type or kind, share) and the
// party's status under the 50% rule.
json Signature(const std::string& entity_id, const std::string& status, const json& path) {
  json sig = {{"id", std::string(store::kExposureEntityPrefix) + entity_id}, {"status", status}};
  json steps = json::array();
  if (path.is_object() && path.contains("steps") && path["steps"].is_array()) {
    for (const json& st : path["steps"]) {
      if (!st.is_object()) continue;
      if (st.contains("edge") && st["edge"].is_object()) {  // an exposure path
        const json& e = st["edge"];
        steps.push_back({st.value("from", ""), st.value("to", ""), e.value("type", ""),
                         e.contains("share") ? e["share"] : json(nullptr)});
      } else {  // a 50% rule path
        steps.push_back({st.value("owner", ""), st.value("owned", ""), st.value("kind", ""),
                         st.contains("share") ? st["share"] : json(nullptr)});
      }
    }
  }
  sig["steps"] = std::move(steps);
  return sig;
}

int Threads(int wanted) {
  if (wanted > 0) return wanted;
  return static_cast<int>(std::clamp<unsigned>(std::thread::hardware_concurrency(), 1, 16));
}

// The exposure alerts of the store (every state), by party.
Status ExposureAlertsByParty(store::Store& db,
                             std::map<std::string, std::vector<store::Alert>>* out) {
  store::AlertQuery q;
  q.status = "all";
  q.list = std::string(store::kExposureList);
  q.sort = "age";
  q.limit = kAlertPage;
  for (q.offset = 0;; q.offset += kAlertPage) {
    store::AlertPage page;
    if (Status s = db.ListAlerts(q, &page); !s.ok()) return s;
    for (store::Alert& a : page.alerts) {
      if (a.entity_id.rfind(store::kExposureEntityPrefix, 0) != 0) continue;
      (*out)[a.party_id].push_back(std::move(a));
    }
    if (static_cast<int64_t>(page.alerts.size()) < kAlertPage) break;
  }
  return Status::Ok();
}

bool IsOpenState(store::AlertState s) {
  return s == store::AlertState::kOpen || s == store::AlertState::kEscalated;
}

// Evaluates `parties` (stored: stored_version set) on the whole graph `g`, opens, refreshes
// and closes their alerts (unless o.open_alerts is false) and writes the run's audit record.
Status EvaluateOn(store::Store& db, const Graph& g, const std::vector<const model::Party*>& parties,
                  const std::map<std::string, std::vector<store::Alert>>& alerts_by_party,
                  const ExposureAlertOptions& o, const store::Actor& by, std::string_view trigger,
                  ExposureRunSummary* sum, std::vector<Exposure>* exposures) {
  const Evaluation fifty = EvaluateFifty(g);
  ExposureOptions eo;
  eo.max_hops = o.hops;
  eo.max_paths = o.max_paths;
  std::vector<Exposure> xs(parties.size());
  std::vector<Status> errors(parties.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < parties.size(); i = next++) {
      errors[i] = ComputeExposure(g, fifty, PartyNodeId(parties[i]->id), eo, &xs[i]);
    }
  };
  const size_t n_threads = std::min<size_t>(static_cast<size_t>(Threads(o.threads)),
                                            std::max<size_t>(parties.size() / 64, 1));
  if (n_threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (size_t t = 0; t < n_threads; ++t) pool.emplace_back(work);
    for (std::thread& t : pool) t.join();
  }
  for (const Status& s : errors) {
    if (!s.ok()) return s;
  }
  sum->parties_evaluated = static_cast<int64_t>(parties.size());

  std::vector<store::ExposureAlertInput> inputs;
  struct ToClose {
    const store::Alert* alert;
    std::string reason;
  };
  std::vector<ToClose> to_close;
  for (size_t i = 0; i < parties.size(); ++i) {
    const model::Party& p = *parties[i];
    std::vector<store::ExposureAlertInput> mine =
        ExposureAlertInputs(xs[i], p.id, p.stored_version, o.alert_level);
    std::set<std::string> holding;
    for (const store::ExposureAlertInput& in : mine) {
      holding.insert(std::string(store::kExposureEntityPrefix) + in.entity_id);
    }
    if (auto it = alerts_by_party.find(p.id); it != alerts_by_party.end()) {
      for (const store::Alert& a : it->second) {
        if (!IsOpenState(a.state) || holding.count(a.entity_id) != 0) continue;
        const std::string entity = a.entity_id.substr(store::kExposureEntityPrefix.size());
        // How far it is now: the best path still reaching the entity, if any.
        double now = 0;
        for (const ExposurePath& path : xs[i].paths) {
          if (path.entity_id == entity) now = std::max(now, path.score);
        }
        std::string why =
            now > 0 ? fmt::format("the best path to {} now scores {:.2f}, under the level {:.2f}",
                                  entity, now, o.alert_level)
                    : fmt::format("no path to {} within {} hops", entity, o.hops);
        to_close.push_back(
            {&a, "exposure no longer holds: " + why + " (" + std::string(trigger) + ")"});
      }
    }
    sum->alerts += static_cast<int64_t>(mine.size());
    for (store::ExposureAlertInput& in : mine) inputs.push_back(std::move(in));
  }
  if (exposures != nullptr) *exposures = std::move(xs);
  if (!o.open_alerts) return Status::Ok();

  // Closes first (a party's alerts to close are never among its inputs), so that the run's
  // one audit record carries every count.
  for (const ToClose& c : to_close) {
    store::Alert updated;
    Status s = db.Decide(c.alert->id, store::DecisionKind::kClose, c.reason, c.alert->version, by,
                         &updated);
    if (s.code() == Status::Code::kConflict) continue;  // decided meanwhile: theirs stands
    if (!s.ok()) return s;
    ++sum->closed;
  }
  json run = {{"trigger", std::string(trigger)},
              {"parties_evaluated", sum->parties_evaluated},
              {"closed", sum->closed},
              {"alert_level", o.alert_level},
              {"hops", o.hops}};
  store::RedFlagAlertResult r;
  if (Status s = db.RecordExposureAlerts(inputs, "links", run, by, &r); !s.ok()) return s;
  sum->new_alerts = r.new_alerts;
  sum->re_alerts = r.re_alerts;
  sum->existing = r.existing;
  sum->suppressed = r.suppressed;
  sum->confirmed = r.confirmed;
  return Status::Ok();
}

Status LoadParties(store::Store& db, std::vector<model::Party>* parties) {
  return db.ForEachParty(1000, [&](const std::vector<model::Party>& batch) {
    parties->insert(parties->end(), batch.begin(), batch.end());
    return true;
  });
}

double Since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Writes the run's audit record when no party was evaluated.
Status AuditEmpty(store::Store& db, const ExposureAlertOptions& o, const store::Actor& by,
                  std::string_view trigger, const ExposureRunSummary& sum) {
  if (!o.open_alerts) return Status::Ok();
  json run = {{"trigger", std::string(trigger)}, {"parties_evaluated", 0}, {"closed", 0},
              {"alert_level", o.alert_level},    {"hops", o.hops},         {"path", sum.path}};
  return db.RecordExposureAlerts({}, "links", run, by, nullptr);
}

}  // namespace

json ExposureRunSummary::ToJson() const {
  return {{"trigger", trigger},
          {"path", path},
          {"parties_evaluated", parties_evaluated},
          {"alerts", alerts},
          {"new_alerts", new_alerts},
          {"re_alerts", re_alerts},
          {"existing", existing},
          {"suppressed", suppressed},
          {"confirmed", confirmed},
          {"closed", closed},
          {"seconds", seconds}};
}

std::vector<store::ExposureAlertInput> ExposureAlertInputs(const Exposure& x,
                                                           std::string_view party_id,
                                                           int64_t party_version,
                                                           double alert_level) {
  std::map<std::string, store::ExposureAlertInput> by_entity;
  auto add = [&](const std::string& entity_id, const std::string& name, double score,
                 json explanation) {
    if (entity_id.empty() || score < alert_level) return;
    auto& in = by_entity[entity_id];
    if (!in.entity_id.empty() && in.score >= score) return;
    in.party_id = std::string(party_id);
    in.party_version = party_version;
    in.entity_id = entity_id;
    in.entity_name = name;
    in.score = score;
    in.band = score >= 0.9 ? "match" : "review";
    in.explanation = std::move(explanation);
  };
  for (const json& p : x.ownership_paths) {
    // The 50% rule's paths count when they make the party (possibly) blocked.
    if (x.status == "not_blocked" || !p.is_object() || !p.contains("listing")) continue;
    const json& l = p["listing"];
    add(l.value("entity_id", ""), l.value("name", ""), x.level,
        {{"kind", "exposure"},
         {"status", x.status},
         {"low", x.low},
         {"high", x.high},
         {"explanation", x.status_explanation},
         {"path", p}});
  }
  for (const ExposurePath& p : x.paths) {
    add(p.entity_id, p.entity_name, p.score,
        {{"kind", "exposure"},
         {"status", x.status},
         {"explanation", p.explanation},
         {"path", ToJson(p)}});
  }
  std::vector<store::ExposureAlertInput> inputs;
  inputs.reserve(by_entity.size());
  for (auto& [id, in] : by_entity) {
    in.signature = Signature(id, x.status, in.explanation["path"]);
    inputs.push_back(std::move(in));
  }
  return inputs;
}

namespace {

Status BuildFromParties(store::Store& db, const std::vector<LoadedList>& lists,
                        const std::vector<model::Party>& parties, Graph* g) {
  g->AddLists(lists);
  g->AddParties(parties);
  std::vector<store::OwnershipEdgeRecord> edges;
  if (Status s = db.ListOwnershipEdges(&edges); !s.ok()) return s;
  g->AddOwnership(edges);
  if (!parties.empty()) {
    auto index = SharedAttributeIndex::Build(lists, parties);
    AddAllSharedLinks(*index, parties, g);
  }
  return Status::Ok();
}

}  // namespace

Status BuildStoreGraph(store::Store& db, const std::vector<LoadedList>& lists, Graph* g,
                       std::vector<model::Party>* parties) {
  std::vector<model::Party> local;
  std::vector<model::Party>& ps = parties != nullptr ? *parties : local;
  ps.clear();
  if (Status s = LoadParties(db, &ps); !s.ok()) return s;
  return BuildFromParties(db, lists, ps, g);
}

Status EvaluatePartiesExposure(store::Store& db, const std::vector<LoadedList>& lists,
                               const std::vector<std::string>& party_ids,
                               const ExposureAlertOptions& o, const store::Actor& by,
                               std::string_view trigger, ExposureRunSummary* out,
                               std::vector<Exposure>* exposures) {
  const SteadyClock::time_point start = SteadyClock::now();
  ExposureRunSummary sum;
  sum.trigger = std::string(trigger);
  sum.path = "evaluated";
  if (o.hops < 1 || o.hops > 6) {
    return Status::InvalidArgument("exposure hops must be within 1..6, not " +
                                   std::to_string(o.hops));
  }
  for (const std::string& id : party_ids) {
    store::PartyVersion pv;
    if (Status s = db.GetParty(id, &pv); !s.ok()) return s;
  }
  std::vector<model::Party> parties;
  Graph g;
  if (Status s = BuildStoreGraph(db, lists, &g, &parties); !s.ok()) return s;
  std::unordered_map<std::string_view, const model::Party*> by_id;
  for (const model::Party& p : parties) by_id.emplace(p.id, &p);
  std::vector<const model::Party*> chosen;
  for (const std::string& id : party_ids) {
    auto it = by_id.find(id);
    if (it == by_id.end()) return Status::NotFound("party " + id + " not found");
    chosen.push_back(it->second);
  }
  std::map<std::string, std::vector<store::Alert>> alerts;
  if (o.open_alerts) {
    if (Status s = ExposureAlertsByParty(db, &alerts); !s.ok()) return s;
  }
  if (Status s = EvaluateOn(db, g, chosen, alerts, o, by, trigger, &sum, exposures); !s.ok()) {
    return s;
  }
  sum.seconds = Since(start);
  if (out != nullptr) *out = std::move(sum);
  return Status::Ok();
}

Status ReevaluateExposure(store::Store& db, const std::vector<LoadedList>& lists,
                          const std::vector<std::string>& changed, bool all_parties,
                          const ExposureAlertOptions& o, const store::Actor& by,
                          std::string_view trigger, ExposureRunSummary* out) {
  const SteadyClock::time_point start = SteadyClock::now();
  ExposureRunSummary sum;
  sum.trigger = std::string(trigger);
  if (o.hops < 1 || o.hops > 6) {
    return Status::InvalidArgument("exposure hops must be within 1..6, not " +
                                   std::to_string(o.hops));
  }
  auto finish = [&] {
    sum.seconds = Since(start);
    if (out != nullptr) *out = std::move(sum);
    return Status::Ok();
  };
  if (!all_parties && changed.empty()) {
    sum.path = "nothing changed";
    return finish();
  }

  // The parties holding an exposure alert on a changed node.
  std::map<std::string, std::vector<store::Alert>> alerts;
  if (Status s = ExposureAlertsByParty(db, &alerts); !s.ok()) return s;
  std::unordered_set<std::string> seeds(changed.begin(), changed.end());
  std::set<std::string> holders;
  for (const auto& [party, list] : alerts) {
    for (const store::Alert& a : list) {
      if (seeds.count(a.entity_id.substr(store::kExposureEntityPrefix.size())) != 0) {
        holders.insert(party);
      }
    }
  }

  if (!all_parties && holders.empty()) {
    // First look without the parties: the lists and the ownership edges. A party is within
    // reach only through an ownership edge (its node appears) or a shared value of a node
    // within hops - 1 (only listed entities and parties hold values).
    Graph light;
    light.AddLists(lists);
    std::vector<store::OwnershipEdgeRecord> edges;
    if (Status s = db.ListOwnershipEdges(&edges); !s.ok()) return s;
    light.AddOwnership(edges);
    bool near = false;
    std::unordered_set<std::string> seen(seeds.begin(), seeds.end());
    std::vector<std::string> level(seeds.begin(), seeds.end());
    for (int d = 0; d <= o.hops && !level.empty() && !near; ++d) {
      std::vector<std::string> next;
      for (const std::string& id : level) {
        if (id.rfind("party:", 0) == 0) {
          near = true;
          break;
        }
        const Node* n = light.node(id);
        if (n == nullptr) continue;
        if (d < o.hops && n->kind == NodeKind::kEntity && n->entity != nullptr &&
            !ExtractValues(*n->entity).empty()) {
          near = true;
          break;
        }
        if (d == o.hops) continue;
        for (const std::string& m : light.Neighbours(id)) {
          if (seen.insert(m).second) next.push_back(m);
        }
      }
      level = std::move(next);
    }
    if (!near) {
      sum.path = "no party near the change";
      if (Status s = AuditEmpty(db, o, by, trigger, sum); !s.ok()) return s;
      return finish();
    }
  }

  sum.path = "evaluated";
  std::vector<model::Party> parties;
  Graph g;
  if (Status s = BuildStoreGraph(db, lists, &g, &parties); !s.ok()) return s;
  std::vector<const model::Party*> chosen;
  if (all_parties) {
    for (const model::Party& p : parties) chosen.push_back(&p);
  } else {
    // The parties within o.hops of a changed node, in the new graph.
    std::set<std::string> wanted = holders;
    std::unordered_set<std::string> seen(seeds.begin(), seeds.end());
    std::vector<std::string> level(seeds.begin(), seeds.end());
    for (int d = 0; d <= o.hops && !level.empty(); ++d) {
      std::vector<std::string> next;
      for (const std::string& id : level) {
        const Node* n = g.node(id);
        if (n == nullptr) continue;
        if (n->kind == NodeKind::kParty) wanted.insert(id.substr(6));
        if (d == o.hops) continue;
        for (const std::string& m : g.Neighbours(id)) {
          if (seen.insert(m).second) next.push_back(m);
        }
      }
      level = std::move(next);
    }
    for (const model::Party& p : parties) {
      if (wanted.count(p.id) != 0) chosen.push_back(&p);
    }
  }
  if (chosen.empty()) {
    if (Status s = AuditEmpty(db, o, by, trigger, sum); !s.ok()) return s;
    return finish();
  }
  if (Status s = EvaluateOn(db, g, chosen, alerts, o, by, trigger, &sum, nullptr); !s.ok()) {
    return s;
  }
  return finish();
}

Status ReevaluateAfterRescreen(store::Store& db, const std::vector<LoadedList>& lists,
                               const store::RescreenSummary& rs, const ExposureAlertOptions& o,
                               const store::Actor& by, ExposureRunSummary* out) {
  return ReevaluateExposure(db, lists, rs.changed_entity_ids, rs.kind == "full", o, by,
                            "rescreen run " + std::to_string(rs.run_id), out);
}

}  // namespace vigil::graph
