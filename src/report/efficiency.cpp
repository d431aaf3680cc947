#include "report/efficiency.h"

namespace showdown {

std::vector<TokenEfficiency> token_efficiency(const ShowdownResult& result) {
  std::optional<int64_t> leanest;
  for (const auto& run : result.runs) {
    if (run.outcome == "complete" && run.total_tokens > 0 &&
        (!leanest || run.total_tokens < *leanest))
      leanest = run.total_tokens;
  }
  std::vector<TokenEfficiency> out;
  for (const auto& run : result.runs) {
    TokenEfficiency e;
    if (int met = run.requirements_met(); met > 0)
      e.tokens_per_requirement = static_cast<double>(run.total_tokens) / met;
    if (leanest) e.multiple = static_cast<double>(run.total_tokens) / static_cast<double>(*leanest);
    out.push_back(e);
  }
  return out;
}

}  // namespace showdown
