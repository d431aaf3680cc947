#include "report/trials.h"

#include <algorithm>
#include <map>

namespace showdown {

namespace {

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace

bool has_trials(const ShowdownResult& result) {
  if (result.showdown.trials > 1) return true;
  std::map<std::string, int> per_model;
  for (const auto& run : result.runs)
    if (run.model && ++per_model[*run.model] > 1) return true;
  return false;
}

std::vector<ModelTrials> model_trials(const ShowdownResult& result) {
  for (const auto& run : result.runs)
    if (!run.model) return {};
  std::vector<std::string> order;
  std::map<std::string, std::vector<const RunResult*>> by_model;
  for (const auto& run : result.runs) {
    auto& runs = by_model[*run.model];
    if (runs.empty()) order.push_back(*run.model);
    runs.push_back(&run);
  }
  std::vector<ModelTrials> out;
  for (const auto& name : order) {
    ModelTrials m;
    m.model = name;
    std::vector<double> tokens, calls, wall;
    for (const RunResult* run : by_model[name]) {
      if (run->outcome == "infra_error") {
        ++m.infra_errors;
        continue;
      }
      ++m.runs;
      m.complete += run->outcome == "complete" ? 1 : 0;
      m.shipped += run->outcome == "complete" || run->outcome == "partial" ? 1 : 0;
      tokens.push_back(static_cast<double>(run->total_tokens));
      calls.push_back(run->tool_calls);
      wall.push_back(run->wall_seconds);
    }
    m.complete_interval = wilson_interval(m.complete, m.runs);
    m.shipped_interval = wilson_interval(m.shipped, m.runs);
    m.median_tokens = median(tokens);
    m.median_tool_calls = median(calls);
    m.median_wall_seconds = median(wall);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace showdown
