// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "text/legal_forms.h"

#include <algorithm>
#include <unordered_map>

#include "util/data.h"
#include "util/strings.h"

namespace vigil::text {
namespace {

struct Table {
  // First token of a variant -> (variant tokens, canonical), longest variants first.
  std::unordered_map<std::string, std::vector<std::pair<std::vector<std::string>, std::string>>>
      by_first;
};

const Table& GetTable() {
  static const Table* table = [] {
    auto* t = new Table;
    for (const std::vector<std::string>& cols : util::DataRows("names/legal_forms.tsv")) {
      if (cols.size() != 2) continue;
      const std::string& canonical = cols[0];
      for (const std::string& variant : util::SplitTrimmed(cols[1], "|")) {
        std::vector<std::string> tokens = util::SplitTrimmed(variant, " ");
        if (tokens.empty()) continue;
        t->by_first[tokens[0]].emplace_back(std::move(tokens), canonical);
      }
    }
    for (auto& [first, variants] : t->by_first) {
      std::stable_sort(variants.begin(), variants.end(), [](const auto& a, const auto& b) {
        return a.first.size() > b.first.size();
      });
    }
    return t;
  }();
  return *table;
}

}  // namespace

void CanonicalizeLegalForms(std::vector<std::string>* tokens, std::vector<bool>* is_legal_form,
                            std::vector<std::string>* originals, std::vector<uint32_t>* consumed) {
  const Table& table = GetTable();
  std::vector<std::string> out;
  is_legal_form->clear();
  if (originals != nullptr) originals->clear();
  if (consumed != nullptr) consumed->clear();
  out.reserve(tokens->size());
  for (size_t i = 0; i < tokens->size();) {
    auto it = table.by_first.find((*tokens)[i]);
    bool replaced = false;
    if (it != table.by_first.end()) {
      for (const auto& [variant, canonical] : it->second) {
        if (i + variant.size() > tokens->size()) continue;
        if (!std::equal(variant.begin(), variant.end(), tokens->begin() + static_cast<long>(i))) {
          continue;
        }
        out.push_back(canonical);
        is_legal_form->push_back(true);
        if (originals != nullptr) {
          originals->push_back(variant.size() == 1 && variant[0] != canonical ? variant[0]
                                                                              : std::string());
        }
        if (consumed != nullptr) consumed->push_back(static_cast<uint32_t>(variant.size()));
        i += variant.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out.push_back(std::move((*tokens)[i]));
      is_legal_form->push_back(false);
      if (originals != nullptr) originals->emplace_back();
      if (consumed != nullptr) consumed->push_back(1);
      ++i;
    }
  }
  *tokens = std::move(out);
}

}  // namespace vigil::text
