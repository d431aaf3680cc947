#include "detect/pathology.h"

namespace showdown {

nlohmann::json to_json(const Pathology& p) {
  nlohmann::json j = {{"kind", p.kind},
                      {"count", p.count},
                      {"first_message", p.first_message},
                      {"evidence", p.evidence}};
  if (!p.detail.empty()) j["detail"] = p.detail;
  return j;
}

// Fields of the wrong type are left at their defaults: a results file edited by
// hand must not crash a report.
Pathology pathology_from_json(const nlohmann::json& j) {
  Pathology p;
  if (!j.is_object()) return p;
  if (auto it = j.find("kind"); it != j.end() && it->is_string()) p.kind = *it;
  if (auto it = j.find("count"); it != j.end() && it->is_number_integer()) p.count = *it;
  if (auto it = j.find("first_message"); it != j.end() && it->is_number_integer())
    p.first_message = *it;
  if (auto it = j.find("evidence"); it != j.end() && it->is_string()) p.evidence = *it;
  if (auto it = j.find("detail"); it != j.end() && it->is_object()) p.detail = *it;
  return p;
}

}  // namespace showdown
