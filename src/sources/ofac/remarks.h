// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// OFAC's free-text remarks ("DOB 08 Jan 1984; POB Pyongyang, Korea, North; Passport 123
// (Korea, North); Linked To: X.") turned into structured entity fields.
//
// Segments are separated by ';'. Each is recognised by its opening label: a few built in
// (DOB, POB, nationality, citizen, Gender, a.k.a./f.k.a./n.k.a., Linked To:, Digital
// Currency Address, Website, Email Address, Phone Number, Vessel Registration
// Identification) and the rest from data/names/ofac_remark_labels.tsv. A segment no rule
// understands is kept verbatim in Entity::unparsed_remarks: nothing is dropped silently.

#ifndef VIGIL_SOURCES_OFAC_REMARKS_H_
#define VIGIL_SOURCES_OFAC_REMARKS_H_

#include <string_view>
#include <vector>

#include "vigil/entity.h"

namespace vigil::sources::ofac {

// Parses `remarks` into *e (appending to its names, birth dates, countries, identifiers,
// relationships, properties, unparsed_remarks). Sets e->remarks to the whole text.
// Thread-safe.
void ParseRemarks(std::string_view remarks, Entity* e);

// A "Linked To: NAME" segment (one ';'-part of the remarks) as a Relationship {"linked_to",
// NAME}. Tolerates the wrapping the US Consolidated Screening List adds ("(Linked To: A;
// Linked To: B)": a "(" before the label and an unbalanced trailing ")" are dropped) and a final
// period. False when the segment is not one.
bool ParseLinkedTo(std::string_view segment, Relationship* out);

// Every "Linked To:" segment of `remarks` (split on ';'), in order, others ignored. For
// lists that carry OFAC's remarks without the rest of OFAC's format (the CSL).
std::vector<Relationship> LinkedToIn(std::string_view remarks);

// Splits an OFAC person name "LAST, First Middle" into family and given parts; a name
// without a comma is left whole (family and given empty).
Name MakeName(std::string full, NameKind kind, bool person);

}  // namespace vigil::sources::ofac

#endif  // VIGIL_SOURCES_OFAC_REMARKS_H_
