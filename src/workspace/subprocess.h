#pragma once
// Runs a program as a real child process without a shell between (no quoting,
// no injection): argv as given, in its own process group, with an optional
// time limit after which the whole group is killed.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace showdown {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::filesystem::path cwd;      // empty: the current folder
  /// The child's whole environment; unset: the harness's own.
  std::optional<std::map<std::string, std::string>> env;
  /// When set, stdout and stderr go to this file (truncated) instead of being captured.
  std::filesystem::path output_file;
  double timeout_seconds = 0;  // 0: no limit
};

struct ProcessResult {
  int exit_code = 0;  // 128+N when killed by signal N
  bool timed_out = false;
  std::string out;  // captured stdout (empty with output_file)
  std::string err;  // captured stderr (empty with output_file)
};

/// Runs the process to completion. False with *err only when it could not be
/// started; a non-zero exit is a normal result. What the process leaves running
/// in its group is killed when it exits.
bool run_process(const ProcessSpec& spec, ProcessResult* result, std::string* err);

/// The harness's environment as a map, for adjusting before run_process.
std::map<std::string, std::string> current_environment();

}  // namespace showdown
