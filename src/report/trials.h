#pragma once
// Per-model results over several trials: one run per model cannot separate
// models, so with --trials > 1 the reports give rates with Wilson 95% intervals.
#include <string>
#include <vector>

#include "result/result.h"

namespace showdown {

/// One model's trials. Runs that ended in an infrastructure error are counted
/// apart and left out of the rates and medians: they are not the model's result.
struct ModelTrials {
  std::string model;
  int runs = 0;  // scored runs
  int infra_errors = 0;
  int complete = 0;
  int shipped = 0;  // complete or partial: something that builds reached the remote
  Interval complete_interval;
  Interval shipped_interval;
  double median_tokens = 0;
  double median_tool_calls = 0;
  double median_wall_seconds = 0;
};

/// True when the showdown ran several trials per model, sealed or not.
bool has_trials(const ShowdownResult& result);

/// One entry per model, in order of first appearance; empty while any run is
/// sealed, since grouping runs by model would break the blind.
std::vector<ModelTrials> model_trials(const ShowdownResult& result);

}  // namespace showdown
