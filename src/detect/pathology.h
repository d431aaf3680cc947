#pragma once
// A pathology a detector found in a transcript, with where it starts and evidence.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace showdown {

/// Kinds are fixed by PRODUCT.md: degenerate_repetition, repeated_failure,
/// cwd_amnesia, no_commit_after_green_build, text_tool_calls, no_exploration,
/// ignored_stop, stalled.
struct Pathology {
  std::string kind;
  int count = 0;           // occurrences (repeats, failed attempts, calls spent…)
  int first_message = 0;   // conversation message number (docs/transcript.md), from 1
  std::string evidence;    // a short excerpt a person can check
  nlohmann::json detail = nlohmann::json::object();  // detector-specific numbers

  bool operator==(const Pathology&) const = default;
};

nlohmann::json to_json(const Pathology& p);
Pathology pathology_from_json(const nlohmann::json& j);

}  // namespace showdown
