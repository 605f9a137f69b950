// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Reading an ownership file (`vigil ownership import FILE`): CSV with the header
//   owner,owned,percentage,kind,source,as_of
// (columns in any order; percentage, kind, source, as_of may be missing), or JSONL with the
// same fields, one object per line ("percentage": a number, a string such as "25-50", or
// empty/null when unknown). `kind` is ownership (the default), control, director, officer
// or family. Each end is resolved by the caller's resolver (a party id, a listed entity id,
// a name matched through the screener, else an outside node by name).
//
// All or nothing: any bad line (a missing end, a bad percentage, an unknown kind, a bad
// date, broken JSON) makes ReadOwnershipFile fail with every problem as FILE:LINE: message
// (the first 20, then a count), and *out is left unchanged.

#ifndef VIGIL_GRAPH_OWNERSHIP_IMPORT_H_
#define VIGIL_GRAPH_OWNERSHIP_IMPORT_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "vigil/status.h"

namespace vigil::graph {

// Resolves one end as given (trimmed, non-empty) into *end (given already set).
using EndResolver = std::function<void(std::string_view given, store::OwnershipEnd* end)>;

// Parses `text` (the content of `file_name`; JSONL when the name ends in .jsonl/.json or the
// first non-blank character is '{', else CSV). Sets every field of the records but id,
// imported_at and by; review is "to_review" when an end is a name match.
Status ParseOwnershipText(std::string_view text, const std::string& file_name,
                          const EndResolver& resolve, std::vector<store::OwnershipEdgeRecord>* out);
Status ReadOwnershipFile(const std::string& path, const EndResolver& resolve,
                         std::vector<store::OwnershipEdgeRecord>* out);

}  // namespace vigil::graph

#endif  // VIGIL_GRAPH_OWNERSHIP_IMPORT_H_
