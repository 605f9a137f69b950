// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.

#include "text/phone.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cctype>
#include <string>

namespace vigil::text {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// The first number of the text: up to a second number ('/', ',', ';') or an extension
// ("ext", "x", "#").
std::string_view FirstNumber(std::string_view s) {
  size_t end = s.find_first_of("/,;#");
  if (end != std::string_view::npos) s = s.substr(0, end);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = Lower(s[i]);
    if (c == 'e' && i + 2 < s.size() && Lower(s[i + 1]) == 'x' && Lower(s[i + 2]) == 't') {
      return s.substr(0, i);
    }
    if (c == 'x' && i > 0 && !std::isalpha(static_cast<unsigned char>(s[i - 1]))) {
      return s.substr(0, i);
    }
  }
  return s;
}

// E.164 of `text` read in `region`, or "" when it does not parse or is not valid
// (`need_valid`) or not possible.
std::string E164(const std::string& text, const std::string& region, bool need_valid) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(text, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) return {};
  if (need_valid ? !util.IsValidNumber(number) : !util.IsPossibleNumber(number)) return {};
  std::string out;
  util.Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

// E.164 of an international number given as its digits (after the "+"), without running
// Parse()'s regular expressions: the calling code is the prefix that libphonenumber knows
// (calling codes are prefix-free), the rest the national significant number, kept when its
// length is possible for that code. "" when no calling code fits. A national number
// starting with 0 goes through Parse().
std::string InternationalE164(const std::string& digits) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  for (size_t len = 1; len <= 3 && len < digits.size(); ++len) {
    int code = std::stoi(digits.substr(0, len));
    std::string region;
    util.GetRegionCodeForCountryCode(code, &region);
    if (region == "ZZ") continue;  // "001" for the non-geographic codes (800, 870, ...)
    std::string national = digits.substr(len);
    if (national.empty() || national.size() > 17) return {};
    // A national number written with its trunk prefix ("+44 020 ..."), or Italy's leading
    // zero: Parse() knows each country's rules.
    if (national[0] == '0') return E164("+" + digits, "ZZ", false);
    PhoneNumber number;
    number.set_country_code(code);
    number.set_national_number(std::stoull(national));
    if (!util.IsPossibleNumber(number)) return {};
    std::string out;
    util.Format(number, PhoneNumberUtil::E164, &out);
    return out;
  }
  return {};
}

}  // namespace

std::string NormalizePhone(std::string_view phone, const std::vector<std::string>& regions) {
  std::string_view first = FirstNumber(phone);
  std::string digits;
  bool plus = false;
  // "+44 (0)20 7946 0018": the trunk prefix in parentheses is not dialled from abroad.
  std::string text(first);
  size_t trunk = text.find("(0)");
  if (trunk != std::string::npos) text.erase(trunk, 3);
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty()) {
      plus = true;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      // "Tel", "Phone" before the number are fine; letters inside it (a vanity number,
      // a word) are not a number we can compare.
      if (!digits.empty()) return {};
    }
  }
  if (!plus && digits.size() > 2 && digits[0] == '0' && digits[1] == '0') {
    plus = true;
    digits.erase(0, 2);
  }
  if (digits.size() < 6 || digits.size() > 17) return {};
  if (plus) return InternationalE164(digits);
  for (const std::string& region : regions) {
    if (region.size() != 2) continue;
    std::string out = E164(digits, region, true);
    if (!out.empty()) return out;
  }
  std::string out = E164("+" + digits, "ZZ", true);
  if (!out.empty()) return out;
  for (const std::string& region : regions) {
    if (region.size() != 2) continue;
    return E164(digits, region, false);
  }
  return {};
}

}  // namespace vigil::text
