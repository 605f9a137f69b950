// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Attacks the party readers (src/model/party.cc): the input is read as a JSONL party file
// and as a CSV party file. Every record read must be a good party or a bad one with a
// message and a line; a good party's stored record must read back as the same party (same
// screened fields and hash), and FieldDiff of a party with itself must be empty.

#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "model/party.h"

namespace {

void CheckParties(const std::vector<vigil::model::PartyLine>& lines) {
  using namespace vigil;
  size_t last_line = 0;
  for (const model::PartyLine& l : lines) {
    if (l.line == 0 || l.line < last_line) fuzz::Fail("party lines out of order or zero");
    last_line = l.line;
    if (!l.status.ok()) {
      if (l.status.message().empty()) fuzz::Fail("a bad record without a message");
      continue;
    }
    const model::Party& p = l.party;
    if (p.id.empty() || p.name.empty()) fuzz::Fail("a good party without id or name");
    if (!nlohmann::json::accept(model::ToJson(p).dump(-1, ' ', false,
                                                      nlohmann::json::error_handler_t::replace))) {
      fuzz::Fail("stored record is not JSON");
    }
    model::Party again;
    std::vector<std::string> warnings;
    Status s = model::ParseParty(model::ToJson(p), &again, &warnings);
    if (!s.ok()) fuzz::Fail("the stored record does not read back: " + s.ToString());
    nlohmann::json fields = model::ScreenedFields(p);
    if (model::ScreenedFields(again) != fields) fuzz::Fail("screened fields differ on re-read");
    if (model::JsonHash(fields) != model::JsonHash(model::ScreenedFields(again))) {
      fuzz::Fail("hash differs on re-read");
    }
    if (!model::FieldDiff(fields, fields).empty()) fuzz::Fail("FieldDiff of equal objects");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  std::string_view text = fuzz::AsView(data, size);
  std::vector<model::PartyLine> lines;
  model::ReadPartiesJsonl(text, &lines);
  CheckParties(lines);
  lines.clear();
  Status s = model::ReadPartiesCsv(text, "parties.csv", &lines);
  fuzz::CheckError(s, "parties.csv");
  if (s.ok()) CheckParties(lines);
  return 0;
}
