#pragma once
// A showdown: a task × a set of models × N trials in one output directory, run
// blind (sealed assignment), each run on its own branch, with results, reports
// and a database at the end. `--resume` picks up a killed or failed showdown.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace showdown {

struct ShowdownOptions {
  std::filesystem::path task;
  std::filesystem::path models;
  std::vector<std::string> only_models;  // --model NAME...; empty: all
  int trials = 1;
  std::filesystem::path out;             // empty: ./showdown-<UTC time>
  std::optional<uint64_t> seed;
  bool resume = false;                   // out names an existing showdown
  int parallel = 1;
  bool interactive = false;              // read nudges typed on stdin
  bool probe_first = false;              // skip models that fail `showdown probe`
  std::filesystem::path init_binary;     // the showdown binary
  std::ostream* progress = nullptr;      // live view and progress lines
};

/// Runs it. Returns 0 when every run ran, 1 when some run hit an infrastructure
/// error (resume to retry it), 2 on bad input with *err naming file, line, field.
int run_showdown(const ShowdownOptions& options, std::string* err);

/// Rewrites results.json, report.md and showdown.db from the runs' results;
/// with `reveal`, run labels get their model names (after unseal).
bool write_results(const std::filesystem::path& out, std::string* err);

}  // namespace showdown
