#pragma once
// How a value reads in a table cell, shared by every human-facing format so the
// Markdown and HTML reports say the same thing the same way.
#include <cstdint>
#include <string>

#include "result/result.h"

namespace showdown {

/// "run-10" while sealed; "Sonnet 4 (run-10)" once the model is known; scripted
/// runs say so ("run-3 (scripted)", "loop-demo (run-3, scripted)").
std::string run_label(const RunResult& run);

/// 19237 -> "19,237".
std::string thousands(int64_t n);

/// 1 -> "1st", 2 -> "2nd", 13 -> "13th".
std::string ordinal(int n);

/// The study's build cell: "✅ (1st try)", "❌ (0/7)", "❌" when never attempted;
/// without parentheses ("✅ 1st try", "❌ 0/7") for the full metrics table.
std::string build_cell(const BuildStats& build, bool parenthesised);

/// "complete" -> "Complete", "total_failure" -> "Total failure".
std::string outcome_name(const std::string& outcome);

std::string check_mark(bool yes);

/// The study's nudge cell: "0", "3", "2 + stop", "stop", "1 + 2 stops".
std::string nudges_cell(const RunResult& run);

/// 612.4 -> "10m 12s"; 42.0 -> "42s"; 3725 -> "1h 2m 5s".
std::string duration_text(double seconds);

/// 107.06 -> "107×", 1 -> "1.0×", 0.75 -> "0.8×".
std::string multiple_text(double multiple);

/// One line of at most `max_bytes` bytes (cut at a UTF-8 boundary, "…" added),
/// newlines and tabs turned into spaces.
std::string one_line(const std::string& text, size_t max_bytes);

/// 0.3333 -> "33%".
std::string percent(double fraction);

/// A rate with its Wilson 95% interval: "2/3 = 67% (21–94%)"; "—" when n is 0.
std::string rate_cell(int successes, int n, const Interval& interval);

}  // namespace showdown
