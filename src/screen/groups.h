// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Parties listed more than once: the CSL repeats OFAC's and BIS's entries, the UN and OFAC
// list the same companies. Screener::Create() groups the records of one party once, so
// that a query shows one hit per party with every list it is on.
//
// Two records are the same party when (and groups are the transitive closure):
//  - one is a CSL row with a numeric id (a Treasury sub-list: the id is OFAC's ent_num)
//    and the other an OFAC entry (source us_ofac_*) with that ent_num: "us_csl:8279" and
//    "us_ofac_sdn:8279";
//  - one is a CSL row of the Denied Persons List sub-list and the other a us_bis_dpl
//    entry with the same name (case and spaces aside) and the same effective date;
//  - they come from different lists, are of the same kind (or one's kind is unknown) and
//    share an IMO number (a ship's or a shipping company's: "IMO 9137960", "Company
//    Number IMO 5434358");
//  - they come from different lists, are both persons and share a passport number and a
//    full date of birth (year, month and day);
//  - they come from different lists, are both persons, and have the same words in their
//    primary names, at least two, in any order and case ("AZIZ, Tariq", "TARIQ AZIZ") and
//    the same full date of birth.
// Names alone never group records: two people may share a name.

#ifndef VIGIL_SCREEN_GROUPS_H_
#define VIGIL_SCREEN_GROUPS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "vigil/entity.h"

namespace vigil::screen {

// group[i] for every entities[i]: the index of the first entity of i's party (i itself
// for a party listed once). Deterministic: depends only on the entities and their order.
std::vector<uint32_t> GroupEntities(const std::vector<const Entity*>& entities);

// The IMO number an identifier gives ("9137960"), or "" when it gives none: an identifier
// of kind kImo, or any whose value reads "IMO 1234567".
std::string ImoNumber(const Identifier& id);

}  // namespace vigil::screen

#endif  // VIGIL_SCREEN_GROUPS_H_
