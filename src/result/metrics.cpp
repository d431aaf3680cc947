#include "result/metrics.h"

#include <map>

#include "detect/command.h"

namespace showdown {

bool runs_build(const std::string& command, const std::string& build) {
  return !build.empty() && command_runs_build(command, build);
}

bool build_passed(const Record& r) {
  return r.value("exit_code", -1) == 0 && !r.value("timed_out", false) &&
         !output_shows_failure(r.value("output", ""));
}

void apply_transcript_metrics(const std::vector<Record>& records, const std::string& build,
                              RunResult* run) {
  std::map<std::string, std::string> commands;  // tool call id -> command
  double predicted_ms = 0;
  int64_t predicted_n = 0;
  for (const auto& r : records) {
    const std::string type = r.value("type", "");
    if (type == "response") {
      const auto& usage = r["usage"];
      run->prompt_tokens += usage.value("prompt_tokens", int64_t{0});
      run->completion_tokens += usage.value("completion_tokens", int64_t{0});
      run->messages = std::max(run->messages, r.value("message", 0));
      run->retries += r.value("attempts", 1) - 1;
      if (r.contains("timings") && r["timings"].is_object()) {
        predicted_ms += r["timings"].value("predicted_ms", 0.0);
        predicted_n += r["timings"].value("predicted_n", int64_t{0});
      }
    } else if (type == "tool_call") {
      ++run->tool_calls;
      if (r.value("name", "") == "execute" && r["arguments"].is_object())
        commands[r.value("id", "")] = r["arguments"].value("command", "");
    } else if (type == "tool_result" || type == "message") {
      run->messages = std::max(run->messages, r.value("message", 0));
      if (type == "tool_result" && r.value("name", "") == "execute") {
        auto it = commands.find(r.value("id", ""));
        if (it != commands.end() && runs_build(it->second, build)) {
          ++run->build.attempts;
          if (!run->build.passed && build_passed(r)) {
            run->build.passed = true;
            run->build.first_pass_attempt = run->build.attempts;
          }
        }
      }
    } else if (type == "event") {
      const std::string event = r.value("event", "");
      if (event == "nudge") ++run->nudges;
      if (event == "stop") ++run->stops;
      if (event == "infra_error") run->error = r["detail"].value("message", "");
    } else if (type == "run_end") {
      run->end_reason = r.value("reason", "");
      run->wall_seconds = r.value("wall_seconds", 0.0);
    }
  }
  for (const auto& r : records)
    if (r.value("type", "") == "message" && r.value("source", "") == "interactive")
      ++run->interactive_nudges;
  run->total_tokens = run->prompt_tokens + run->completion_tokens;
  if (predicted_ms > 0) run->tokens_per_second = predicted_n / (predicted_ms / 1000.0);
}

std::string decide_outcome(const RunResult& run) {
  if (run.end_reason == "infra_error") return "infra_error";
  if (run.tool_calls == 0) return "total_failure";
  bool all_met = !run.requirements.empty() && run.requirements_met() ==
                                                  static_cast<int>(run.requirements.size());
  if (run.pushed && run.commits > 0 && all_met) return "complete";
  if (run.pushed && run.commits > 0 && run.pushed_build_passed) return "partial";
  return "failed";
}

}  // namespace showdown
