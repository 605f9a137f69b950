// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "cli/links.h"

#include <fmt/core.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "cli/cases.h"
#include "graph/exposure.h"
#include "graph/exposure_alerts.h"
#include "graph/ownership_import.h"
#include "store/json.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

using nlohmann::json;

std::string EndText(const store::OwnershipEnd& e) {
  if (e.how == "name_match") {
    return fmt::format("{} -> {} [{}] (name match {:.2f}, {})", e.given, e.matched_name,
                       e.matched_id, e.score, e.review == "accepted" ? "accepted" : "to review");
  }
  if (e.how == "unresolved") return e.given + " (outside node)";
  if (e.review == "rejected") {
    return fmt::format("{} -> {} (name match {} [{}] {:.2f} rejected)", e.given,
                       e.how == "rejected_match" ? "outside node" : e.node, e.matched_name,
                       e.matched_id, e.score);
  }
  return e.node;
}

// Resolves an end: "party:<id>" or a stored party id, a listed entity id, a name matched
// through the screener at or above the review threshold, else an outside node by name.
graph::EndResolver MakeResolver(store::Store* db, const Screener* screener) {
  return [db, screener](std::string_view given_view, store::OwnershipEnd* end) {
    const std::string given(given_view);
    std::string party = given.rfind("party:", 0) == 0 ? given.substr(6) : given;
    store::PartyVersion pv;
    if (db != nullptr && db->GetParty(party, &pv).ok()) {
      end->node = graph::PartyNodeId(party);
      end->how = "party";
      return;
    }
    if (screener != nullptr) {
      if (const Entity* e = screener->Find(given); e != nullptr) {
        end->node = e->id;
        end->how = "entity";
        return;
      }
      Query q;
      q.name = given;
      ScreenOptions opt;
      opt.top = 1;
      opt.min_score = kReviewThreshold;
      opt.explain = false;
      std::vector<Match> m = screener->Screen(q, opt);
      if (!m.empty() && m[0].entity != nullptr && m[0].score >= kReviewThreshold) {
        end->node = m[0].entity->id;
        end->how = "name_match";
        end->score = m[0].score;
        end->matched_id = m[0].entity->id;
        end->matched_name = m[0].entity->primary_name();
        return;
      }
    }
    end->node = graph::OutsideNodeId(given);
    end->how = "unresolved";
  };
}

// The line an import or a review prints for the exposure re-evaluation it ran.
void PrintExposureRun(const graph::ExposureRunSummary& ex) {
  fmt::print(
      "exposure: {} parties re-evaluated: {} new alerts ({} re-alerts), {} already open, "
      "{} suppressed, {} closed as no longer holding\n",
      ex.parties_evaluated, ex.new_alerts, ex.re_alerts, ex.existing, ex.suppressed, ex.closed);
}

int RunImport(const LinksArgs& a, const LinksContext& ctx) {
  std::unique_ptr<store::Store> db;
  if (Status s = store::Store::Open(a.db, {}, &db); !s.ok()) return Fail(s);
  std::unique_ptr<Screener> screener;
  if (Status s = ctx.make_screener(&screener); !s.ok()) return Fail(s);
  std::vector<store::OwnershipEdgeRecord> records;
  if (Status s = graph::ReadOwnershipFile(a.file, MakeResolver(db.get(), screener.get()), &records);
      !s.ok()) {
    return Fail(s);
  }
  store::OwnershipImportSummary sum;
  const store::Actor by{a.by.empty() ? LoginName() : a.by};
  if (Status s = db->PutOwnershipEdges(records, by, &sum); !s.ok()) return Fail(s);
  // Exposure (issue 15): the parties near both ends of the imported edges, re-evaluated.
  graph::ExposureRunSummary ex;
  if (!a.no_alerts) {
    std::vector<std::string> ends;
    for (const store::OwnershipEdgeRecord& e : records) {
      ends.push_back(e.owner.node);
      ends.push_back(e.owned.node);
    }
    graph::ExposureAlertOptions o;
    o.alert_level = a.alert_level;
    o.hops = a.hops;
    if (Status s = graph::ReevaluateExposure(*db, screener->lists(), ends, false, o, by,
                                             "ownership import " + a.file, &ex);
        !s.ok()) {
      Fail(s);
      fmt::print(stderr, "vigil: the edges are stored; the exposure re-evaluation failed\n");
      return 1;
    }
  }
  if (ctx.json) {
    json j = {{"file", a.file},
              {"edges", sum.edges},
              {"name_matches", sum.name_matches},
              {"unresolved", sum.unresolved}};
    if (!a.no_alerts) j["exposure"] = ex.ToJson();
    std::cout << j.dump(2) << "\n";
  } else {
    fmt::print(
        "{}: {} edges imported; {} ends matched by name (to review), {} kept as outside "
        "nodes\n",
        a.file, sum.edges, sum.name_matches, sum.unresolved);
    for (const store::OwnershipEdgeRecord& e : records) {
      for (const store::OwnershipEnd* end : {&e.owner, &e.owned}) {
        if (end->how == "name_match") {
          fmt::print("  line {}: {}\n", e.line, EndText(*end));
        }
      }
    }
    if (!a.no_alerts) PrintExposureRun(ex);
  }
  return 0;
}

int RunList(const LinksArgs& a, const LinksContext& ctx) {
  std::unique_ptr<store::Store> db;
  if (Status s = store::Store::Open(a.db, {}, &db); !s.ok()) return Fail(s);
  std::vector<store::OwnershipEdgeRecord> edges;
  if (Status s = db->ListOwnershipEdges(&edges, a.to_review); !s.ok()) return Fail(s);
  if (ctx.json) {
    json j = json::array();
    for (const auto& e : edges) j.push_back(store::ToJson(e));
    std::cout << json{{"edges", j}}.dump(2) << "\n";
    return 0;
  }
  for (const auto& e : edges) {
    fmt::print("{:>5}  {} --{} {}--> {}  [{}:{}{}{}]{}\n", e.id, EndText(e.owner), e.kind,
               e.percentage.empty() ? (e.kind == "ownership" ? "?" : "") : e.percentage + "%",
               EndText(e.owned), e.file, e.line, e.source.empty() ? "" : ", " + e.source,
               e.as_of.empty() ? "" : ", as of " + e.as_of,
               e.review == "to_review" ? "  TO REVIEW" : "");
  }
  fmt::print("{} edges{}\n", edges.size(), a.to_review ? " to review" : "");
  return 0;
}

int RunReview(const LinksArgs& a, const LinksContext& ctx) {
  std::unique_ptr<store::Store> db;
  if (Status s = store::Store::Open(a.db, {}, &db); !s.ok()) return Fail(s);
  store::OwnershipReview r;
  r.decision = a.accept ? "accept" : "reject";
  r.end = a.end;
  r.node = a.node;
  r.note = a.note;
  // The lists: to check an entity node (the store cannot), and to re-evaluate exposure afterwards.
  // Loaded before anything is written, so that a review is not recorded when they cannot be.
  std::unique_ptr<Screener> screener;
  const bool need_entity =
      !r.node.empty() && r.node.rfind("party:", 0) != 0 && r.node.rfind("name:", 0) != 0;
  if (need_entity || !a.no_alerts) {
    if (Status s = ctx.make_screener(&screener); !s.ok()) return Fail(s);
  }
  if (need_entity) {
    const Entity* e = screener->Find(r.node);
    if (e == nullptr) {
      store::PartyVersion pv;
      if (db->GetParty(r.node, &pv).ok()) {
        r.node = graph::PartyNodeId(r.node);  // a stored party's id given bare
      } else {
        return Fail(Status::InvalidArgument("--node " + a.node +
                                            ": not a listed entity id on the loaded lists nor a "
                                            "stored party (give party:ID, an entity id, or no "
                                            "--node to keep the name as an outside node)"));
      }
    } else {
      r.node = e->id;
    }
  }
  const store::Actor by{a.by.empty() ? LoginName() : a.by};
  store::OwnershipEdgeRecord before, after;
  if (Status s = db->GetOwnershipEdge(a.edge_id, &before); !s.ok()) return Fail(s);
  if (Status s = db->ReviewOwnershipEdge(a.edge_id, r, by, &after); !s.ok()) return Fail(s);
  // The nodes whose neighbourhood the review changed: both ends, before and after.
  std::vector<std::string> changed = {before.owner.node, before.owned.node};
  for (const std::string& n : {after.owner.node, after.owned.node}) {
    if (std::find(changed.begin(), changed.end(), n) == changed.end()) changed.push_back(n);
  }
  // Exposure (issue 15): the parties near the edge's ends, before and after, re-evaluated.
  graph::ExposureRunSummary ex;
  if (!a.no_alerts) {
    graph::ExposureAlertOptions o;
    o.alert_level = a.alert_level;
    o.hops = a.hops;
    if (Status s = graph::ReevaluateExposure(*db, screener->lists(), changed, false, o, by,
                                             "ownership review " + std::to_string(a.edge_id), &ex);
        !s.ok()) {
      Fail(s);
      fmt::print(stderr, "vigil: the review is stored; the exposure re-evaluation failed\n");
      return 1;
    }
  }
  if (ctx.json) {
    json j = {{"edge", store::ToJson(after)}, {"changed_nodes", changed}};
    if (!a.no_alerts) j["exposure"] = ex.ToJson();
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  fmt::print("edge {} {}: {} --{} {}--> {}  (review {})\n", a.edge_id,
             a.accept ? "accepted" : "rejected", EndText(after.owner), after.kind,
             after.percentage.empty() ? "?" : after.percentage + "%", EndText(after.owned),
             after.review);
  if (!a.no_alerts) PrintExposureRun(ex);
  return 0;
}

int RunExposure(const LinksArgs& a, const LinksContext& ctx) {
  std::unique_ptr<store::Store> db;
  if (Status s = store::Store::Open(a.db, {}, &db); !s.ok()) return Fail(s);
  store::PartyVersion pv;
  if (Status s = db->GetParty(a.party_id, &pv); !s.ok()) return Fail(s);
  std::unique_ptr<Screener> screener;
  if (Status s = ctx.make_screener(&screener); !s.ok()) return Fail(s);

  // The whole graph of the store (the service's), the party's exposure on it, and its
  // alerts opened, refreshed or closed (src/graph/exposure_alerts.h).
  graph::ExposureAlertOptions o;
  o.alert_level = a.alert_level;
  o.hops = a.hops;
  o.max_paths = a.max_paths;
  o.open_alerts = !a.no_alerts;
  const store::Actor by{a.by.empty() ? LoginName() : a.by};
  graph::ExposureRunSummary alerts;
  std::vector<graph::Exposure> xs;
  if (Status s = graph::EvaluatePartiesExposure(*db, screener->lists(), {a.party_id}, o, by, "cli",
                                                &alerts, &xs);
      !s.ok()) {
    return Fail(s);
  }
  const graph::Exposure& x = xs.at(0);
  const int64_t to_alert = alerts.alerts;

  if (ctx.json) {
    json j = graph::ToJson(x);
    j["alerts"] = {{"entities", to_alert},
                   {"new_alerts", alerts.new_alerts},
                   {"existing", alerts.existing},
                   {"suppressed", alerts.suppressed},
                   {"closed", alerts.closed}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  fmt::print("party {}  {}\n", a.party_id, x.name);
  if (x.status == "blocked") {
    fmt::print("  50% rule      BLOCKED ({:g}% to {:g}% held by blocked persons)\n", x.low, x.high);
  } else if (x.status == "possibly_blocked") {
    fmt::print("  50% rule      POSSIBLY BLOCKED (up to {:g}%, {:g}% certain)\n", x.high, x.low);
  } else {
    fmt::print("  50% rule      not blocked ({:g}% to {:g}% held by blocked persons)\n", x.low,
               x.high);
  }
  if (!x.status_explanation.empty()) fmt::print("                {}\n", x.status_explanation);
  for (const json& p : x.control_paths) {
    fmt::print("  control       {} (not blocking under OFAC; EU and UK rules count control)\n",
               p.value("text", p.dump()));
  }
  fmt::print("  level         {:.2f}\n", x.level);
  if (x.paths.empty()) fmt::print("  no path to a listed entity within {} hops\n", a.hops);
  for (size_t i = 0; i < x.paths.size(); ++i) {
    const graph::ExposurePath& p = x.paths[i];
    fmt::print("  {:>2}. {:.2f}  {} hop{}  {}\n", i + 1, p.score, p.steps.size(),
               p.steps.size() == 1 ? "" : "s", p.explanation);
  }
  if (x.truncated) fmt::print("  (search stopped early: a dense neighbourhood)\n");
  if (!a.no_alerts) {
    fmt::print(
        "alerts: {} entities at or above {:.2f}: {} new, {} already open, {} suppressed, {} "
        "closed (no longer holding)\n",
        to_alert, a.alert_level, alerts.new_alerts, alerts.existing, alerts.suppressed,
        alerts.closed);
  }
  return 0;
}

}  // namespace

std::shared_ptr<LinksArgs> AddLinksCommands(CLI::App* app) {
  auto a = std::make_shared<LinksArgs>();
  auto* own = app->add_subcommand(
      "ownership", "ownership and control edges in the case store (the 50% rule's input)");
  own->require_subcommand(1);
  a->import = own->add_subcommand(
      "import",
      "import edges from CSV (owner,owned,percentage,kind,source,as_of) or JSONL; all or "
      "nothing");
  a->import->add_option("FILE", a->file, "the edges: .csv or .jsonl")->required();
  a->import->add_option("--db", a->db, "the case store (a SQLite file or a postgresql:// URL)")
      ->required();
  a->import->add_option("--by", a->by, "who is acting, for the audit trail (default: login name)");
  a->import
      ->add_option("--alert-level", a->alert_level,
                   "re-evaluate the exposure of the parties near the imported edges and open "
                   "an alert at or above this level")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  a->import->add_flag("--no-alerts", a->no_alerts, "store the edges only, re-evaluate nothing");
  a->list = own->add_subcommand("list", "the stored edges, with how each end was resolved");
  a->list->add_option("--db", a->db, "the case store")->required();
  a->list->add_flag("--to-review", a->to_review,
                    "only the edges with a name match nobody has reviewed yet");
  a->review = own->add_subcommand(
      "review",
      "accept or reject the name match(es) of an imported edge (see ownership list "
      "--to-review); a reject re-points the end to --node or keeps the name as an outside node");
  a->review->add_option("EDGE_ID", a->edge_id, "the edge's id (ownership list)")->required();
  a->review->add_option("--db", a->db, "the case store")->required();
  auto* accept = a->review->add_flag("--accept", a->accept, "the match is right");
  auto* reject = a->review->add_flag("--reject", a->reject, "the match is wrong");
  accept->excludes(reject);
  reject->excludes(accept);
  a->review
      ->add_option("--end", a->end,
                   "which end: owner or owned (default: every name-matched end to review)")
      ->check(CLI::IsMember({"owner", "owned"}));
  a->review->add_option("--node", a->node,
                        "with --reject: what the end is instead: party:ID, a listed entity id "
                        "(default: the name as given, an outside node)");
  a->review->add_option("--note", a->note, "why, for the record");
  a->review->add_option("--by", a->by, "who is acting, for the audit trail (default: login name)");
  a->review
      ->add_option("--alert-level", a->alert_level,
                   "re-evaluate the exposure of the parties near the edge and open an alert at "
                   "or above this level")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  a->review->add_flag("--no-alerts", a->no_alerts,
                      "record the review only, re-evaluate nothing (no lists needed)");

  a->exposure = app->add_subcommand(
      "exposure",
      "a party's status under OFAC's 50% rule and its paths to listed entities, ranked and "
      "explained; opens an alert when the exposure reaches --alert-level");
  a->exposure->add_option("PARTY_ID", a->party_id, "a party in the case store")->required();
  a->exposure->add_option("--db", a->db, "the case store")->required();
  a->exposure->add_option("--hops", a->hops, "longest path, in edges")
      ->capture_default_str()
      ->check(CLI::Range(1, 6));
  a->exposure->add_option("--max-paths", a->max_paths, "paths shown")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  a->exposure
      ->add_option("--alert-level", a->alert_level,
                   "open an alert for each listed entity reached with an exposure at "
                   "or above this (1: blocked under the 50% rule)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  a->exposure->add_flag("--no-alerts", a->no_alerts, "report only, open no alert");
  a->exposure->add_option("--by", a->by, "who is acting, for the audit trail");
  return a;
}

bool RunLinksCommand(const LinksArgs& a, const LinksContext& ctx, int* rc) {
  if (a.import != nullptr && a.import->parsed()) {
    *rc = RunImport(a, ctx);
    return true;
  }
  if (a.list != nullptr && a.list->parsed()) {
    *rc = RunList(a, ctx);
    return true;
  }
  if (a.review != nullptr && a.review->parsed()) {
    if (a.accept == a.reject) {
      std::cerr << "vigil: ownership review: give --accept or --reject\n";
      *rc = 2;
      return true;
    }
    if (a.accept && !a.node.empty()) {
      std::cerr << "vigil: ownership review: --node goes with --reject\n";
      *rc = 2;
      return true;
    }
    *rc = RunReview(a, ctx);
    return true;
  }
  if (a.exposure != nullptr && a.exposure->parsed()) {
    *rc = RunExposure(a, ctx);
    return true;
  }
  return false;
}

void PrintLinks(const graph::Graph& g, const std::string& id) {
  for (const graph::IncidentEdge& ie : g.EdgesOf(id)) {
    const graph::Node* other = g.node(ie.other());
    std::string name = other == nullptr ? ie.other() : other->name;
    std::string rel = ie.edge->type;
    std::string target = other != nullptr && other->kind == graph::NodeKind::kEntity
                             ? name + " [" + other->id + "]"
                             : name + " (not on the loaded lists)";
    if (ie.outgoing) {
      fmt::print("  links to      {}: {}  <{}>\n", rel, target, ie.edge->source);
    } else {
      fmt::print("  linked from   {}: {}  <{}>\n", rel, target, ie.edge->source);
    }
  }
}

}  // namespace vigil::cli
