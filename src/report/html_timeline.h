#pragma once
// A run at a glance: one row of marks, one per tool call or text-only step, with
// builds, commits, pushes, nudges, stops, pathologies and the run's end marked.
#include <ostream>
#include <string>
#include <vector>

#include "result/result.h"
#include "transcript/transcript.h"

namespace showdown {

/// Writes the run's timeline. Each mark links to its message in the transcript
/// viewer (report/html_transcript.h) and says what happened in its hover title.
/// `build` is the task's build command, which tells build attempts apart.
void write_timeline(const RunResult& run, const std::vector<Record>& records,
                    const std::string& build, std::ostream& out);

/// What each kind of mark means; once per page, above the timelines.
void write_timeline_legend(std::ostream& out);

}  // namespace showdown
