#pragma once
// The six runs of the study's Round 7 as results, numbers from its tables: the
// report tests (Markdown, CSV, JSON, HTML) all render this one showdown.
#include <string>

#include "result/result.h"

namespace showdown::test {

inline RunResult study_run(const std::string& label, const std::string& model, int tool_calls,
                    int64_t tokens, int messages, int commits, BuildStats build, bool screenshot,
                    int nudges, int stops, int met, const std::string& outcome) {
  RunResult r;
  r.run = label;
  r.model = model;
  r.tool_calls = tool_calls;
  r.total_tokens = tokens;
  r.prompt_tokens = tokens * 9 / 10;
  r.completion_tokens = tokens - r.prompt_tokens;
  r.messages = messages;
  r.commits = commits;
  r.pushed = commits > 0;
  r.build = build;
  r.screenshot = screenshot;
  r.nudges = nudges;
  r.stops = stops;
  for (int i = 1; i <= 10; ++i)
    r.requirements.push_back({"req-" + std::to_string(i), "", i <= met, ""});
  r.outcome = outcome;
  r.end_reason = outcome == "complete" || outcome == "partial" ? "end_turn" : "stopped";
  r.wall_seconds = 600;
  return r;
}

inline ShowdownResult study(bool unsealed) {
  ShowdownResult s;
  s.showdown.task = "tag-manager";
  s.showdown.base_sha = "5d1c0ffee";
  s.showdown.models = 6;
  s.showdown.sealed = !unsealed;
  s.runs = {
      study_run("run-10", "Sonnet 4", 88, 19237, 183, 4, {1, true, 1}, true, 0, 0, 10, "complete"),
      study_run("run-11", "Qwen3-Coder", 60, 2059519, 127, 1, {3, true, 3}, false, 0, 0, 8,
                "partial"),
      study_run("run-12", "Qwen 3.6", 76, 3890791, 162, 0, {2, true, 2}, false, 3, 0, 1, "failed"),
      study_run("run-13", "Gemma 4 12B", 34, 1170967, 81, 0, {7, false, 0}, false, 2, 1, 1,
                "failed"),
      study_run("run-14", "Hermes 4 14B", 40, 1138614, 88, 0, {13, false, 0}, false, 0, 1, 1,
                "failed"),
      study_run("run-15", "Devstral 24B", 0, 14447, 9, 0, {0, false, 0}, false, 1, 0, 1,
                "total_failure"),
  };
  s.runs[3].pathologies = {
      {"degenerate_repetition", 26, 61, "I'll also make sure `src/lib/tags.ts` is correct"}};
  s.runs[4].pathologies = {
      {"repeated_failure", 13, 34, "Module not found: Can't resolve '../../../lib/tags'"},
      {"ignored_stop", 5, 80, "said \"stop\", then 5 more calls"}};
  s.runs[5].pathologies = {{"text_tool_calls", 3, 2, "execute(\"ls\")"}};
  if (!unsealed)
    for (auto& run : s.runs) run.model.reset();
  return s;
}

}  // namespace showdown::test
