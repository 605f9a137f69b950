// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Shared attributes (src/graph/shared_attributes.h): building the index over the real lists
// (the newest snapshot of each in ../shared/lists, or --lists DIR ...) plus N generated
// parties, and the links of every party; then exposure (src/graph/exposure.h) on the graph
// of the lists, the parties, their shared-attribute links and synthetic ownership edges
// (chains of parties, one in 200 owned by a listed entity): graph build, the 50% rule, and
// ComputeExposure queries per second (--queries of them, 3 hops).
//   build/vigil_shared_bench --parties 100000
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "graph/exposure.h"
#include "graph/graph.h"
#include "graph/shared_attributes.h"
#include "shared_lists.h"
#include "vigil/list.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Parties with an office address, a phone, an email, a website (organizations) and now and
// then a wallet or a registration number. One in 100 sits at one of 20 registered agents'
// addresses; one in 1,000 copies a value of a listed entity.
std::vector<vigil::model::Party> Parties(size_t n, const std::vector<vigil::LoadedList>& lists) {
  std::mt19937_64 rng(15);
  std::vector<const vigil::graph::SharedValue*> listed;
  std::vector<vigil::graph::SharedValue> listed_values;
  for (const auto& l : lists) {
    for (const auto& e : l.entities) {
      for (auto& v : vigil::graph::ExtractValues(e)) listed_values.push_back(std::move(v));
    }
  }
  const char* countries[] = {"US", "GB", "DE", "CN", "KR", "RU", "AE", "SG"};
  const char* webmail[] = {"gmail.com", "yahoo.com", "qq.com", "mail.ru"};
  std::vector<vigil::model::Party> out(n);
  for (size_t i = 0; i < n; ++i) {
    vigil::model::Party& p = out[i];
    p.id = "P-" + std::to_string(i);
    p.name = "Company " + std::to_string(i);
    p.country = countries[rng() % 8];
    std::string d = "firm" + std::to_string(i) + ".com";
    if (rng() % 100 == 0) {
      p.addresses.push_back({"registered", std::to_string(rng() % 20) + " Agent Street, Suite 100",
                             "Wilmington", "19801", "US"});
    } else {
      p.addresses.push_back(
          {"office", std::to_string(rng() % 999 + 1) + " Market Street " + std::to_string(i),
           "Springfield", std::to_string(10000 + rng() % 80000), p.country});
    }
    auto id = [&](std::string type, std::string value) {
      vigil::model::PartyIdentifier x;
      x.type = std::move(type);
      x.value = std::move(value);
      p.identifiers.push_back(std::move(x));
    };
    // Seven in ten phones written internationally, the rest as national numbers.
    if (rng() % 10 < 3) {
      id("phone", "(" + std::to_string(200 + rng() % 700) + ") " +
                      std::to_string(200 + rng() % 700) + "-" +
                      std::to_string(1000 + rng() % 9000));
      p.country = "US";
    } else
      id("phone", "+1 " + std::to_string(200 + rng() % 700) + " " +
                      std::to_string(200 + rng() % 700) + " " +
                      std::to_string(1000 + rng() % 9000));
    id("email", "info" + std::to_string(i) + "@" + (rng() % 3 == 0 ? webmail[rng() % 4] : d));
    if (rng() % 2 == 0) id("website", "https://www." + d + "/");
    if (rng() % 20 == 0)
      id("wallet", "0x" + std::to_string(rng()) + std::to_string(rng()) + "abcdef");
    if (rng() % 5 == 0) id("registration", "HRB " + std::to_string(rng() % 1000000));
    if (!listed_values.empty() && rng() % 1000 == 0) {
      const auto& v = listed_values[rng() % listed_values.size()];
      if (v.kind == vigil::graph::SharedKind::kEmail) id("email", v.written);
      if (v.kind == vigil::graph::SharedKind::kPhone) id("phone", v.key);
      if (v.kind == vigil::graph::SharedKind::kWallet) id("wallet", v.written);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Shared attributes: index build and links over the lists plus parties"};
  size_t n = 100000;
  std::vector<std::string> paths;
  size_t queries = 20000;
  app.add_option("--parties", n, "generated parties");
  app.add_option("--queries", queries, "exposure queries (parties asked about)");
  app.add_option("--lists", paths, "list folders (default: newest of each in ../shared/lists)");
  CLI11_PARSE(app, argc, argv);
  if (paths.empty()) paths = vigil::bench::NewestSnapshots(VIGIL_SHARED_LISTS);
  std::vector<vigil::LoadedList> lists;
  vigil::LoadOptions lo;
  lo.accept_truncated = true;
  vigil::Status s = vigil::LoadLists(paths, lo, &lists);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  size_t entities = 0;
  for (const auto& l : lists) entities += l.entities.size();
  std::vector<vigil::model::Party> parties = Parties(n, lists);

  auto t0 = std::chrono::steady_clock::now();
  size_t values = 0;
  for (const auto& l : lists) {
    for (const auto& e : l.entities) values += vigil::graph::ExtractValues(e).size();
  }
  for (const auto& p : parties) values += vigil::graph::ExtractValues(p).size();
  double extract = Seconds(t0);

  std::clock_t c0 = std::clock();
  t0 = std::chrono::steady_clock::now();
  auto index = vigil::graph::SharedAttributeIndex::Build(lists, parties);
  double build = Seconds(t0);
  double build_cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;

  t0 = std::chrono::steady_clock::now();
  size_t links = 0, linked = 0, too_common = 0;
  for (const auto& p : parties) {
    vigil::graph::SharedLinks l = index->Links("party:" + p.id);
    links += l.links.size();
    linked += !l.links.empty();
    too_common += l.too_common.size();
  }
  double query = Seconds(t0);
  std::printf("lists: %zu entities; parties: %zu; values extracted: %zu (%.3f s alone)\n", entities,
              parties.size(), values, extract);
  std::printf(
      "index build (extraction included): %.3f s wall, %.3f s CPU over all threads; %zu "
      "nodes, %zu distinct values\n",
      build, build_cpu, index->node_count(), index->value_count());
  std::printf(
      "links of every party: %.3f s (%.0f parties/s); %zu links on %zu parties, %zu "
      "too-common values\n",
      query, static_cast<double>(parties.size()) / query, links, linked, too_common);

  // Exposure. Ownership: each party owns 30% of the next (chains), and one in 200 is owned
  // 50% (or, one in 1,000, an unknown share) by a listed entity.
  t0 = std::chrono::steady_clock::now();
  vigil::graph::Graph g;
  g.AddLists(lists);
  g.AddParties(parties);
  std::vector<const vigil::Entity*> listed;
  for (const auto& l : lists) {
    for (const auto& e : l.entities) listed.push_back(&e);
  }
  std::mt19937_64 rng(401);
  size_t owned_by_listed = 0;
  for (size_t i = 0; i + 1 < parties.size(); ++i) {
    vigil::graph::Edge e;
    e.type = "ownership";
    e.source = "bench";
    e.has_share = true;
    if (i % 200 == 0 && !listed.empty()) {
      e.from = listed[rng() % listed.size()]->id;
      e.to = vigil::graph::PartyNodeId(parties[i].id);
      const bool unknown = i % 1000 == 0;
      e.share = unknown ? "" : "50";
      e.share_low = unknown ? 0 : 50;
      e.share_high = unknown ? 100 : 50;
      ++owned_by_listed;
    } else {
      e.from = vigil::graph::PartyNodeId(parties[i].id);
      e.to = vigil::graph::PartyNodeId(parties[i + 1].id);
      e.share = "30";
      e.share_low = e.share_high = 30;
    }
    g.AddEdge(std::move(e));
  }
  vigil::graph::AddAllSharedLinks(*index, parties, &g);
  double graph_build = Seconds(t0);
  t0 = std::chrono::steady_clock::now();
  vigil::graph::Evaluation fifty = vigil::graph::EvaluateFifty(g);
  double fifty_s = Seconds(t0);
  queries = std::min(queries, parties.size());
  size_t with_paths = 0, blocked = 0, path_count = 0;
  t0 = std::chrono::steady_clock::now();
  for (size_t q = 0; q < queries; ++q) {
    vigil::graph::Exposure x;
    const std::string id = vigil::graph::PartyNodeId(parties[(q * 7919) % parties.size()].id);
    if (vigil::Status st = vigil::graph::ComputeExposure(g, fifty, id, {}, &x); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    with_paths += !x.paths.empty();
    blocked += x.status != "not_blocked";
    path_count += x.paths.size();
  }
  double expo = Seconds(t0);
  std::printf(
      "exposure graph: %zu nodes, %zu edges (%zu parties owned by a listed entity), built in "
      "%.3f s; 50%% rule %.3f s\n",
      g.node_count(), g.edge_count(), owned_by_listed, graph_build, fifty_s);
  std::printf(
      "exposure queries (3 hops, one thread): %zu in %.3f s = %.0f queries/s, %.1f us each; "
      "%zu with paths (%zu paths), %zu blocked or possibly blocked\n",
      queries, expo, static_cast<double>(queries) / expo, expo * 1e6 / static_cast<double>(queries),
      with_paths, path_count, blocked);
  return 0;
}
