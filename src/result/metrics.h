#pragma once
// A run's numbers as the transcript records them. Git facts (commits, pushed,
// screenshot) and requirement checks come from the remote, elsewhere; this reads
// only the records.
#include <string>
#include <vector>

#include "result/result.h"
#include "transcript/transcript.h"

namespace showdown {

/// True when an execute command runs the task's build command (`npm run build`
/// inside `cd repo && npm run build 2>&1 | tail`), as the detectors judge it.
bool runs_build(const std::string& command, const std::string& build);

/// Whether a build attempt passed: it exited 0 and its output shows no failure.
/// A pipe (`npm run build | tail`) hides the build's exit code, so the output
/// is read too.
bool build_passed(const Record& tool_result);

/// Fills the transcript-derived fields of *run: tool_calls, messages, tokens, wall
/// time, tokens/second, build attempts, nudges, stops, end reason, retries, error.
void apply_transcript_metrics(const std::vector<Record>& records, const std::string& build,
                              RunResult* run);

/// The outcome by PRODUCT.md's definitions, from a run whose metrics, git facts
/// and requirements are filled in.
std::string decide_outcome(const RunResult& run);

}  // namespace showdown
