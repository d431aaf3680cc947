#pragma once
// One run: one model × one trial on a fresh branch run-N, from its workspace to
// its checked result. Knows the model only as a provider to call; writes no
// model name anywhere.
#include <filesystem>
#include <functional>
#include <string>

#include "detect/detector.h"
#include "protocol/rules.h"
#include "result/result.h"
#include "task/models.h"
#include "task/task.h"

namespace showdown {

/// What every run of a showdown shares.
struct ShowdownContext {
  Task task;
  std::filesystem::path task_repo;
  std::string base_sha;
  std::filesystem::path out;
  std::filesystem::path init_binary;  // the showdown binary, for sandboxes
  DetectorConfig detectors;
  ProtocolConfig protocol;
  /// Every record of every run, for the live view; called from run threads.
  std::function<void(const std::string& label, const Record&)> on_record;
  /// Registers a run's protocol while it runs, for --interactive nudges.
  std::function<void(const std::string& label, ProtocolRules*)> on_protocol;
};

struct RunPlan {
  std::string label;  // "run-3"
  int trial = 1;
  const ModelConfig* model = nullptr;
};

std::filesystem::path run_dir(const ShowdownContext& ctx, const std::string& label);

/// Carries out the run, or continues it from its transcript when one exists, then
/// checks what it shipped and writes runs/run-N/result.json. An infrastructure
/// failure gives a result with outcome "infra_error" and its message in `error`.
RunResult execute_run(const ShowdownContext& ctx, const RunPlan& plan);

/// Recomputes a finished run's result from its transcript and origin (no agent).
RunResult evaluate_run(const ShowdownContext& ctx, const RunPlan& plan);

/// A run's result.json, if it finished; false when absent or unreadable.
bool load_run_result(const ShowdownContext& ctx, const std::string& label, RunResult* result);

}  // namespace showdown
