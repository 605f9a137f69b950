// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Phone numbers to E.164 with libphonenumber, for comparing the numbers two records give.
//
//   NormalizePhone("+850 2 381 8111", {})       -> "+85023818111"
//   NormalizePhone("00850-2-3818111", {})       -> "+85023818111"
//   NormalizePhone("850 2 381 8221", {"KP"})    -> "+85023818221"
//   NormalizePhone("(847) 311-5734", {"US"})    -> "+18473115734"
//
// Thread-safe.

#ifndef VIGIL_TEXT_PHONE_H_
#define VIGIL_TEXT_PHONE_H_

#include <string>
#include <string_view>
#include <vector>

namespace vigil::text {

// The number in E.164 ("+" and digits), or "" when it is no phone number. `regions` are
// the ISO 3166-1 alpha-2 codes of the record's countries, most likely first: a number
// written without its country code is read as a number of the first region where it is
// valid. A leading "00" is the international prefix ("00850..." is "+850..."); a number
// that is valid nowhere as written is tried as an international number without its "+"
// (lists write "850 2 381 8221"). Extensions and a second number after '/' or ',' are
// dropped ("850 2 381 8208/4188" -> "+85023818208"). Failing all of that, a number that
// is merely possible (right length) for the first region is accepted.
std::string NormalizePhone(std::string_view phone, const std::vector<std::string>& regions);

}  // namespace vigil::text

#endif  // VIGIL_TEXT_PHONE_H_
