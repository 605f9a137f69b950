// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// OFAC's 50% rule (src/graph/ownership.h) over a synthetic ownership graph of about
// 1,000,000 edges: groups of companies hung under listed or unlisted roots as
// chains (majority stakes down 2 to 200 levels), diamonds (two blocked parents with
// minority stakes that add up), rings (cycles of majority stakes, entered from a listed
// owner or from nobody), plus minority cross-holdings between random companies, unknown
// and ranged shares, and control/director edges.
//
//   vigil_ownership_bench [--edges N] [--listed-share S] [--paths K] [--runs R] [--seed X]
//
// Prints the time to build the graph (interning ids, CSR arrays), the time of Evaluate
// (the fixpoint, best of R), the counts (blocked, possibly blocked, reachable), and the
// time to build the NodeStatus with paths of K blocked or possibly blocked nodes.

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/ownership.h"

namespace {

using vigil::graph::EdgeKind;
using vigil::graph::Evaluation;
using vigil::graph::Listing;
using vigil::graph::OwnershipEdge;
using vigil::graph::OwnershipGraph;
using vigil::graph::Share;
using vigil::graph::Status50;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

struct Generator {
  std::mt19937_64 rng;
  std::vector<OwnershipEdge> edges;
  std::unordered_map<std::string, Listing> listed;
  size_t companies = 0;
  double listed_share = 0.5;

  explicit Generator(uint64_t seed) : rng(seed) {}

  size_t Uniform(size_t lo, size_t hi) {  // [lo, hi]
    return std::uniform_int_distribution<size_t>(lo, hi)(rng);
  }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

  std::string NewCompany() { return "C" + std::to_string(companies++); }

  std::string Root() {
    std::string id = "SDN-" + std::to_string(listed.size() + companies);
    ++companies;
    if (Chance(listed_share)) listed[id] = Listing{id, "us_ofac_sdn", "Listed " + id, "SDGT"};
    return id;
  }

  // Known shares mostly; some unknown, some ranged.
  Share Stake(double lo, double hi) {
    double v = std::round(std::uniform_real_distribution<double>(lo, hi)(rng));
    if (Chance(0.03)) return Share{0, 100, false};
    if (Chance(0.03)) return Share{std::max(0.0, v - 15), std::min(100.0, v + 10), true};
    return Share{v, v, true};
  }

  void Add(const std::string& owner, const std::string& owned, Share s,
           EdgeKind kind = EdgeKind::kOwnership) {
    edges.push_back(OwnershipEdge{owner, owned, s, kind, "bench", "2025-01-01"});
  }

  void Chain() {
    std::string up = Root();
    size_t len = Chance(0.05) ? Uniform(50, 200) : Uniform(2, 12);
    for (size_t i = 0; i < len; ++i) {
      std::string down = NewCompany();
      Add(up, down, Stake(45, 100));
      up = std::move(down);
    }
  }

  void Diamond() {
    std::string root = Root(), a = NewCompany(), b = NewCompany(), d = NewCompany();
    Add(root, a, Stake(50, 100));
    Add(root, b, Stake(50, 100));
    Add(a, d, Stake(15, 35));
    Add(b, d, Stake(15, 35));
    Add(root, d, Stake(0, 10));
  }

  void Ring() {
    size_t len = Uniform(2, 20);
    std::vector<std::string> ring;
    for (size_t i = 0; i < len; ++i) ring.push_back(NewCompany());
    for (size_t i = 0; i < len; ++i) Add(ring[i], ring[(i + 1) % len], Stake(50, 70));
    if (Chance(0.7)) Add(Root(), ring[0], Stake(40, 60));
  }

  void CrossHoldings(size_t n) {
    for (size_t i = 0; i < n && companies > 1; ++i) {
      std::string a = "C" + std::to_string(Uniform(0, companies - 1));
      std::string b = "C" + std::to_string(Uniform(0, companies - 1));
      if (Chance(0.1)) {
        Add(a, b, Share{}, Chance(0.5) ? EdgeKind::kControl : EdgeKind::kDirector);
      } else {
        Add(a, b, Stake(1, 30));
      }
    }
  }

  void Run(size_t target) {
    // Four fifths in structures, one fifth in cross-holdings between them.
    size_t structured = target * 4 / 5;
    while (edges.size() < structured) {
      size_t pick = Uniform(0, 9);
      if (pick < 5) {
        Chain();
      } else if (pick < 8) {
        Diamond();
      } else {
        Ring();
      }
    }
    CrossHoldings(target - edges.size());
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"OFAC 50% rule over a synthetic ownership graph"};
  size_t target = 1'000'000, paths = 100'000;
  int runs = 3;
  uint64_t seed = 15;
  double listed_share = 0.5;
  app.add_option("--edges", target, "ownership edges to generate");
  app.add_option("--listed-share", listed_share, "share of structure roots that are listed");
  app.add_option("--paths", paths, "NodeStatus (with paths) to build after the fixpoint");
  app.add_option("--runs", runs, "Evaluate runs (best is reported)");
  app.add_option("--seed", seed, "random seed");
  CLI11_PARSE(app, argc, argv);

  auto t0 = std::chrono::steady_clock::now();
  Generator gen(seed);
  gen.listed_share = listed_share;
  gen.Run(target);
  double gen_s = Seconds(t0);

  t0 = std::chrono::steady_clock::now();
  OwnershipGraph graph(gen.edges);
  double build_s = Seconds(t0);

  double best = 1e30;
  Evaluation ev;
  for (int i = 0; i < std::max(1, runs); ++i) {
    t0 = std::chrono::steady_clock::now();
    ev = graph.Evaluate(gen.listed);
    best = std::min(best, Seconds(t0));
  }

  // NodeStatus with paths for blocked and possibly blocked nodes (unlisted first: those
  // have the longest paths).
  std::vector<std::string> reach = ev.Reachable();
  std::vector<std::string> targets;
  for (const std::string& id : reach) {
    if (targets.size() >= paths) break;
    if (!gen.listed.count(id) && ev.StatusOf(id) != Status50::kNotBlocked) targets.push_back(id);
  }
  t0 = std::chrono::steady_clock::now();
  size_t path_count = 0, steps = 0;
  for (const std::string& id : targets) {
    auto s = ev.Get(id);
    path_count += s.paths.size() + s.control_paths.size();
    for (const auto& p : s.paths) steps += p.steps.size();
  }
  double get_s = Seconds(t0);

  fmt::print("edges generated        {}\n", gen.edges.size());
  fmt::print("edges kept             {}\n", graph.edge_count());
  fmt::print("nodes                  {}\n", graph.node_count());
  fmt::print("listed                 {}\n", gen.listed.size());
  fmt::print("generate               {:.3f} s\n", gen_s);
  fmt::print("build graph            {:.3f} s\n", build_s);
  fmt::print("evaluate (best of {})   {:.3f} s\n", runs, best);
  fmt::print("blocked                {}\n", ev.blocked_count());
  fmt::print("possibly blocked       {}\n", ev.possibly_count());
  fmt::print("reachable from listed  {}\n", ev.reachable_count());
  fmt::print("statuses with paths    {} in {:.3f} s ({:.0f}/s; {} paths, {} steps)\n",
             targets.size(), get_s, get_s > 0 ? static_cast<double>(targets.size()) / get_s : 0.0,
             path_count, steps);
  return 0;
}
