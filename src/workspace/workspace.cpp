#include "workspace/workspace.h"

#include <fstream>

#include "workspace/git.h"
#include "workspace/subprocess.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;

bool is_repository(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / ".git", ec)) return true;
  return fs::is_regular_file(dir / "HEAD", ec) && fs::is_directory(dir / "objects", ec) &&
         fs::is_directory(dir / "refs", ec);
}

// The folder's files committed into a new bare repository `git_dir`, leaving the
// folder untouched: it may sit inside another project's work tree, where a
// nested .git would turn it into an embedded repository.
bool make_repository(const fs::path& folder, const fs::path& git_dir, std::string* err) {
  std::error_code ec;
  fs::create_directories(git_dir, ec);
  if (ec) {
    *err = "cannot create " + git_dir.string() + ": " + ec.message();
    return false;
  }
  const std::string with_git_dir = "--git-dir=" + git_dir.string();
  const std::string with_work_tree = "--work-tree=" + folder.string();
  return git(git_dir, {with_git_dir, "init", "--quiet", "--initial-branch=main"}, nullptr, err) &&
         git(folder, {with_git_dir, with_work_tree, "add", "--all"}, nullptr, err) &&
         git(folder,
             {with_git_dir, with_work_tree, "commit", "--quiet", "--allow-empty", "--no-gpg-sign",
              "-m", "base"},
             nullptr, err) &&
         git(git_dir, {with_git_dir, "config", "core.bare", "true"}, nullptr, err);
}

bool mirror_url(const std::string& url, const fs::path& cache_dir, fs::path* repo,
                std::string* err) {
  *repo = fs::absolute(cache_dir / "repo.git");
  std::error_code ec;
  if (is_repository(*repo)) {
    return git_as_user(*repo, {"fetch", "--quiet", "--prune", "origin"}, nullptr, err);
  }
  fs::create_directories(cache_dir, ec);
  if (ec) {
    *err = "cannot create " + cache_dir.string() + ": " + ec.message();
    return false;
  }
  return git_as_user(cache_dir, {"clone", "--quiet", "--mirror", "--", url, repo->string()},
                     nullptr, err);
}

bool write_text(const fs::path& path, const std::string& text, std::string* err) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) {
    *err = "cannot write " + path.string();
    return false;
  }
  return true;
}

}  // namespace

bool ensure_task_repo(const Task& task, const fs::path& cache_dir, fs::path* repo,
                      std::string* err) {
  if (task.repo_dir.empty()) return mirror_url(task.repo, cache_dir, repo, err);
  fs::path folder = fs::absolute(task.repo_dir);
  if (is_repository(folder)) {
    *repo = folder;
    return true;
  }
  *repo = fs::absolute(cache_dir / "repo.git");
  if (is_repository(*repo)) return true;
  if (!make_repository(folder, *repo, err)) {
    std::error_code ec;
    fs::remove_all(*repo, ec);  // a half-made repository must not pass for a made one
    *err = "cannot make a git repository of " + folder.string() + ": " + *err;
    return false;
  }
  return true;
}

bool resolve_base(const Task& task, const fs::path& repo, std::string* sha, std::string* err) {
  if (resolve_commit(repo, task.base, sha)) return true;
  *err = task_error(task, "base",
                    "\"" + task.base + "\" is not a branch, tag or commit in " + repo.string());
  return false;
}

bool create_origin(const fs::path& repo, const std::string& base_sha, const fs::path& bare,
                   std::string* err) {
  std::error_code ec;
  fs::path target = fs::absolute(bare);
  if (fs::exists(target, ec)) {
    *err = "cannot create origin " + target.string() + ": it already exists";
    return false;
  }
  fs::create_directories(target, ec);
  if (ec) {
    *err = "cannot create " + target.string() + ": " + ec.message();
    return false;
  }
  // Pushed from the task repository rather than fetched, so that only the
  // base's history travels and no other branch or tag of the task repository.
  return git(target, {"init", "--quiet", "--bare", "--initial-branch=main"}, nullptr, err) &&
         git(repo,
             {"push", "--quiet", "--no-verify", target.string(), base_sha + ":refs/heads/main"},
             nullptr, err);
}

std::string repo_dir_inside(const Task& task, const RunWorkspace& run) {
  return run.home_inside + "/" + task.name;
}

bool prepare_run_workspace(const Task& task, const RunWorkspace& run, std::string* err) {
  std::error_code ec;
  fs::create_directories(run.home, ec);
  if (ec) {
    *err = "cannot create " + run.home.string() + ": " + ec.message();
    return false;
  }
  // The agent's own identity, so its commits work in either workspace mode.
  if (!write_text(run.home / ".gitconfig",
                  "[user]\n\tname = agent\n\temail = agent@showdown.local\n", err)) {
    return false;
  }
  if (task.workspace != "clone") return true;
  fs::path repo = run.home / task.name;
  return git(run.home,
             {"clone", "--quiet", "--no-checkout", "--", fs::absolute(run.origin).string(),
              repo.string()},
             nullptr, err) &&
         git(repo, {"checkout", "--quiet", "-b", run.branch, run.base_sha}, nullptr, err) &&
         git(repo, {"config", "user.name", "agent"}, nullptr, err) &&
         git(repo, {"config", "user.email", "agent@showdown.local"}, nullptr, err) &&
         git(repo, {"remote", "set-url", "origin", run.origin_inside}, nullptr, err);
}

bool pushed_branch(const fs::path& bare, const std::string& branch, const std::string& base_sha,
                   PushedBranch* pushed, std::string* err) {
  *pushed = PushedBranch();
  if (!branch_exists(bare, branch)) return true;
  if (!resolve_commit(bare, "refs/heads/" + branch, &pushed->head)) {
    *err = "cannot read branch " + branch + " in " + bare.string();
    return false;
  }
  std::string count;
  if (!git(bare, {"rev-list", "--count", pushed->head, "^" + base_sha}, &count, err)) {
    return false;
  }
  pushed->pushed = true;
  pushed->commits = std::stoi(count);
  return true;
}

bool checkout_pushed(const fs::path& bare, const std::string& branch, const fs::path& dest,
                     std::string* err) {
  if (!branch_exists(bare, branch)) {
    *err = "branch " + branch + " was not pushed to " + bare.string();
    return false;
  }
  std::error_code ec;
  fs::path target = fs::absolute(dest);
  fs::create_directories(target.parent_path(), ec);
  return git(target.parent_path(),
             {"clone", "--quiet", "--branch", branch, "--single-branch", "--",
              fs::absolute(bare).string(), target.string()},
             nullptr, err);
}

bool run_setup(const Task& task, const fs::path& dir, const fs::path& log, double timeout_seconds,
               std::string* err) {
  if (task.setup.empty()) return true;
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", task.setup};
  spec.cwd = dir;
  spec.output_file = log;
  spec.timeout_seconds = timeout_seconds;
  ProcessResult result;
  if (!run_process(spec, &result, err)) {
    *err = "setup: " + *err;
    return false;
  }
  if (result.timed_out) {
    *err = "setup \"" + task.setup + "\" timed out after " +
           std::to_string(static_cast<int>(timeout_seconds)) + " s (log: " + log.string() + ")";
    return false;
  }
  if (result.exit_code != 0) {
    *err = "setup \"" + task.setup + "\" exited with status " + std::to_string(result.exit_code) +
           " (log: " + log.string() + ")";
    return false;
  }
  return true;
}

}  // namespace showdown
