#pragma once
// Where runs happen: the task's repository, one bare `origin` per run holding
// only the base commit (so nothing one run pushes is visible to another), and
// each run's home with the repository cloned on branch run-N. After the run,
// what reached the origin is what shipped: counted and checked out from there.
#include <filesystem>
#include <string>

#include "task/task.h"

namespace showdown {

/// The task's repository, ready to read from. An existing repository is used
/// as it is. A plain folder is made a git repository at first use, as
/// cache_dir/repo.git (the folder itself is left untouched), holding one commit
/// "base" on branch main with a fixed identity and date, so its SHA depends only
/// on the files. A URL is mirrored into cache_dir/repo.git.
bool ensure_task_repo(const Task& task, const std::filesystem::path& cache_dir,
                      std::filesystem::path* repo, std::string* err);

/// The commit SHA the task's `base` names in `repo`; the error names task.toml's line.
bool resolve_base(const Task& task, const std::filesystem::path& repo, std::string* sha,
                  std::string* err);

/// Creates the bare repository `bare` whose branch main is `base_sha` and its
/// history, and nothing else from `repo`.
bool create_origin(const std::filesystem::path& repo, const std::string& base_sha,
                   const std::filesystem::path& bare, std::string* err);

/// One run's folders, as the host sees them and as the sandbox will.
struct RunWorkspace {
  std::filesystem::path home;    // the run's HOME
  std::filesystem::path origin;  // the run's bare origin
  std::string branch;            // "run-N"
  std::string base_sha;
  std::string home_inside = "/home/agent";
  std::string origin_inside = "/srv/origin.git";
};

/// Creates the run's home with a git identity for the agent. With workspace =
/// "clone", also clones the origin to home/NAME on branch run-N at the base,
/// its remote `origin` set to origin_inside; with "agent" the agent clones.
bool prepare_run_workspace(const Task& task, const RunWorkspace& run, std::string* err);

/// The repository's path inside the sandbox: home_inside/NAME.
std::string repo_dir_inside(const Task& task, const RunWorkspace& run);

/// What reached the origin on one branch.
struct PushedBranch {
  bool pushed = false;  // the branch exists in the origin
  int commits = 0;      // commits on it that are not in the base
  std::string head;     // its SHA when pushed
};

bool pushed_branch(const std::filesystem::path& bare, const std::string& branch,
                   const std::string& base_sha, PushedBranch* pushed, std::string* err);

/// A fresh clone of the pushed `branch` at `dest` (which must not exist yet),
/// where requirement checks run.
bool checkout_pushed(const std::filesystem::path& bare, const std::string& branch,
                     const std::filesystem::path& dest, std::string* err);

/// Runs the task's setup command with /bin/sh in `dir` on the host (it is the
/// task author's command, and needs their caches), output to `log`. True when
/// there is no setup. False with *err on a non-zero exit or after timeout_seconds.
bool run_setup(const Task& task, const std::filesystem::path& dir, const std::filesystem::path& log,
               double timeout_seconds, std::string* err);

}  // namespace showdown
