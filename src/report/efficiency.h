#pragma once
// Token efficiency, the study's headline number: how many tokens each run spent
// per requirement met, and its total as a multiple of the leanest complete run.
#include <optional>
#include <vector>

#include "result/result.h"

namespace showdown {

/// One run's efficiency; an absent value reads "—" (no requirement met; no complete
/// run to compare with).
struct TokenEfficiency {
  std::optional<double> tokens_per_requirement;
  std::optional<double> multiple;
};

/// One entry per run, in the result's order.
std::vector<TokenEfficiency> token_efficiency(const ShowdownResult& result);

}  // namespace showdown
