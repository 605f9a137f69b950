// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "match/attributes.h"

#include <algorithm>
#include <climits>
#include <cstdlib>

#include "model/country.h"
#include "model/date.h"

namespace vigil::match {
namespace {

// Shares of the gap to 1 that agreement closes.
constexpr double kSameDateLift = 0.25, kInRangeLift = 0.10, kCountryLift = 0.10;

// Whole years between a query date and a listed birth date (0 when compatible).
int YearsApart(const PartialDate& q, const BirthDate& b) {
  int lo = b.from.year, hi = b.to.empty() ? b.from.year : b.to.year;
  if (b.circa) {
    lo -= 2;
    hi += 2;
  }
  if (q.year < lo) return lo - q.year;
  if (q.year > hi) return q.year - hi;
  return 0;
}

// Month and day agree as far as both are known (only meaningful for a single date).
bool SameDay(const PartialDate& q, const BirthDate& b) {
  if (!b.to.empty() || b.circa || q.year != b.from.year) return false;
  if (q.month != 0 && b.from.month != 0 && q.month != b.from.month) return false;
  if (q.day != 0 && b.from.day != 0 && q.day != b.from.day) return false;
  return true;
}

double Factor(int years) {
  if (years <= 0) return 1.0;
  if (years <= 2) return 0.97;
  if (years <= 5) return 0.90;
  if (years <= 14) return 0.80;
  return 0.70;
}

}  // namespace

QueryAttributes ParseQueryAttributes(const Query& query) {
  QueryAttributes a;
  a.dob_text = query.dob;
  a.country_text = query.country;
  if (!query.dob.empty()) model::ParseDate(query.dob, &a.dob);
  if (!query.country.empty()) a.country = model::CountryCode(query.country);
  return a;
}

double ApplyAttributes(double score, const QueryAttributes& q, const Entity& e,
                       std::vector<Evidence>* evidence) {
  auto note = [&](const char* attr, const std::string& qv, const std::string& lv, double before,
                  const std::string& text) {
    if (evidence != nullptr) evidence->push_back(Evidence{attr, qv, lv, score - before, text});
  };
  if (!q.dob.empty() && !e.birth_dates.empty()) {
    const BirthDate* nearest = nullptr;
    int best = INT_MAX;
    bool same_day = false;
    for (const BirthDate& b : e.birth_dates) {
      if (b.from.empty()) continue;
      int years = YearsApart(q.dob, b);
      bool day = SameDay(q.dob, b);
      if (years < best || (years == best && day && !same_day)) {
        best = years;
        nearest = &b;
        same_day = day;
      }
    }
    if (nearest != nullptr) {
      double before = score;
      if (best == 0) {
        score += (1.0 - score) * (same_day ? kSameDateLift : kInRangeLift);
      } else {
        score *= Factor(best);
      }
      if (evidence != nullptr) {
        std::string listed = nearest->text.empty() ? nearest->from.ToString() : nearest->text;
        note("birth_date", q.dob_text, listed, before,
             best == 0
                 ? std::string(same_day ? "same date" : "within range")
                 : "born " + std::to_string(best) + " year" + (best == 1 ? "" : "s") + " apart");
      }
    }
  }
  if (!q.country.empty()) {
    bool any = false, same = false;
    auto see = [&](const std::string& code) {
      if (code.empty()) return;
      any = true;
      same = same || code == q.country;
    };
    for (const CountryLink& c : e.countries) {
      if (c.role != CountryRole::kFlag) see(c.code);
    }
    for (const Address& a : e.addresses) see(a.country);
    if (any) {
      double before = score;
      if (same) {
        score += (1.0 - score) * kCountryLift;
        note("country", q.country, q.country, before, "country on the list entry");
      } else {
        score *= 0.92;
        if (evidence != nullptr) {
          std::vector<std::string> listed;
          for (const CountryLink& c : e.countries) {
            if (!c.code.empty() && c.role != CountryRole::kFlag) listed.push_back(c.code);
          }
          for (const Address& a : e.addresses) {
            if (!a.country.empty()) listed.push_back(a.country);
          }
          std::sort(listed.begin(), listed.end());
          listed.erase(std::unique(listed.begin(), listed.end()), listed.end());
          std::string all;
          for (const std::string& c : listed) all += (all.empty() ? "" : ", ") + c;
          note("country", q.country, all, before, "none of the entry's countries");
        }
      }
    }
  }
  return std::clamp(score, 0.0, 1.0);
}

namespace {
// The least share of the gap to 1 that the query's attributes leave.
double LeastGap(const QueryAttributes& query) {
  double keep = 1.0;
  if (!query.dob.empty()) keep *= 1.0 - std::max(kSameDateLift, kInRangeLift);
  if (!query.country.empty()) keep *= 1.0 - kCountryLift;
  return keep;
}
}  // namespace

double MinNameScore(double final_score, const QueryAttributes& query) {
  return std::max(0.0, 1.0 - (1.0 - final_score) / LeastGap(query));
}

double MaxFinalScore(double name_score, const QueryAttributes& query) {
  return std::min(1.0, 1.0 - (1.0 - name_score) * LeastGap(query) + 1e-6);
}

}  // namespace vigil::match
