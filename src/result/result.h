#pragma once
// One run's result (PRODUCT.md's RUN object) and a showdown's result list. Every
// format (JSON, Markdown, CSV, HTML, SQLite) reads these structs; none computes a
// metric of its own.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "detect/pathology.h"

namespace showdown {

struct BuildStats {
  int attempts = 0;
  bool passed = false;
  int first_pass_attempt = 0;  // 0: never passed
};

struct RequirementResult {
  std::string id;
  std::string text;
  bool passed = false;
  std::string detail;  // why it failed, one line
};

/// outcome: complete | partial | failed | total_failure | infra_error (the run
/// could not be carried out; not the model's result) | skipped (the model failed
/// `--probe-first`; `error` says why).
struct RunResult {
  std::string run;                   // "run-3"
  std::optional<std::string> model;  // null until unsealed
  int trial = 1;
  bool scripted = false;             // driven by serve-script, not a model
  int tool_calls = 0;  // executed calls (rescued text calls included, when a model allows it)
  int messages = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total_tokens = 0;
  double wall_seconds = 0;
  std::optional<double> tokens_per_second;  // generation speed, when the server reports timings
  std::optional<double> cost_usd;           // from models.toml's price, when one is given
  int commits = 0;
  bool pushed = false;
  bool pushed_build_passed = false;  // the build command passed in a checkout of the pushed branch
  BuildStats build;
  bool screenshot = false;
  int nudges = 0;
  int interactive_nudges = 0;
  int stops = 0;
  std::vector<RequirementResult> requirements;
  std::vector<Pathology> pathologies;
  std::string end_reason;  // run_end.reason
  std::string outcome;
  std::string error;       // infrastructure error message, if any
  int retries = 0;         // infrastructure retries that succeeded in the end

  int requirements_met() const;
};

/// The showdown as a whole: what ran, on what, when.
struct ShowdownInfo {
  std::string task;
  std::string base_sha;
  int models = 0;
  int trials = 1;
  std::string models_sha256;
  std::string started_at;   // ISO 8601 UTC
  std::string finished_at;
  bool sealed = true;
  std::string build_command;
};

struct ShowdownResult {
  ShowdownInfo showdown;
  std::vector<RunResult> runs;
};

nlohmann::json to_json(const RunResult& run);
nlohmann::json to_json(const ShowdownInfo& info);
nlohmann::json to_json(const ShowdownResult& result);
bool run_result_from_json(const nlohmann::json& j, RunResult* run, std::string* err);
bool showdown_result_from_json(const nlohmann::json& j, ShowdownResult* result, std::string* err);

/// Wilson score interval (95%) for k successes out of n.
struct Interval { double low = 0, high = 0; };
Interval wilson_interval(int successes, int n);

}  // namespace showdown
