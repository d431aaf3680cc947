#pragma once
// The transcript viewer: every record of a run a person would read, each
// collapsed to one line until opened, with an id evidence links jump to.
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "result/result.h"
#include "transcript/transcript.h"

namespace showdown {

/// Writes the run's transcript: the run's start (system prompt, tools), every
/// message (prompt, assistant text and tool calls with arguments, tool results
/// with output, nudges and stops), events and the run's end. Each item is a
/// collapsed <details> whose id is record_anchor (report/html_records.h); long
/// texts show their head with the rest expandable.
void write_transcript(const RunResult& run, const std::vector<Record>& records,
                      const std::string& build, std::ostream& out);

/// The conversation message numbers the viewer gives an anchor to, so a link
/// is only made to a message that is there.
std::set<int> transcript_messages(const std::vector<Record>& records);

}  // namespace showdown
