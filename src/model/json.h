// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// JSON forms of the model, shared by the CLI (--json), the batch output and, later, the
// HTTP API. Field names are snake_case and stable; empty fields are left out.

#ifndef VIGIL_MODEL_JSON_H_
#define VIGIL_MODEL_JSON_H_

#include <nlohmann/json.hpp>

#include "vigil/entity.h"
#include "vigil/list.h"
#include "vigil/screen.h"

namespace vigil::model {

nlohmann::json ToJson(const Entity& e);
nlohmann::json ToJson(const ListInfo& info);
// A match as the batch output and the API show it: id, name, score, decision, matched name
// and kind, list, attribute and identifier evidence, and (when `explain`) the token
// alignment.
nlohmann::json ToJson(const Match& m, bool explain);

}  // namespace vigil::model

#endif  // VIGIL_MODEL_JSON_H_
