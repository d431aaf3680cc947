#pragma once
// Requirement checks. The full check runs every requirement in a fresh checkout of
// the pushed branch, inside a sandbox of its own (the code under check is the
// model's); the cheap check, used by the protocol between turns, reads only the
// origin: built-ins and plain file tests.
#include <filesystem>
#include <string>
#include <vector>

#include "protocol/rules.h"
#include "result/result.h"
#include "task/task.h"
#include "workspace/workspace.h"

namespace showdown {

/// Where a run's shipped code is checked.
struct CheckPlan {
  const Task* task = nullptr;
  RunWorkspace run;
  std::filesystem::path work;         // a folder of the run's for the checkout and logs
  std::filesystem::path init_binary;  // for the sandbox
};

/// What reached the remote, checked: commits, pushed, whether the build passes
/// there, each requirement. False with *err only on an infrastructure failure.
bool check_shipped(const CheckPlan& plan, RunResult* run, std::string* err);

/// Built-ins and `test -f PATH` / `test -d PATH` / `test -e PATH` checks against
/// the pushed branch in the origin, without a checkout.
CheckSummary cheap_check(const Task& task, const RunWorkspace& run);

/// `**/*.png`-style matching: `**/` matches any number of folders, `*` and `?`
/// stay within one path component.
bool glob_match(const std::string& pattern, const std::string& path);

}  // namespace showdown
