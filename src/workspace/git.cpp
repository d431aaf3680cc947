#include "workspace/git.h"

#include "workspace/subprocess.h"

namespace showdown {
namespace {

std::map<std::string, std::string> isolated_environment() {
  std::map<std::string, std::string> user = current_environment();
  std::map<std::string, std::string> env = {
      {"PATH", user.count("PATH") ? user["PATH"] : "/usr/local/bin:/usr/bin:/bin"},
      {"HOME", "/nonexistent"},
      {"LC_ALL", "C"},
      {"GIT_CONFIG_NOSYSTEM", "1"},
      {"GIT_CONFIG_GLOBAL", "/dev/null"},
      {"GIT_TERMINAL_PROMPT", "0"},
      {"GIT_AUTHOR_NAME", "showdown"},
      {"GIT_AUTHOR_EMAIL", "showdown@localhost"},
      {"GIT_COMMITTER_NAME", "showdown"},
      {"GIT_COMMITTER_EMAIL", "showdown@localhost"},
  };
  // A fixed date makes the commit that turns a plain folder into a repository a
  // function of the folder's content alone, so its SHA is reproducible.
  env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = "2000-01-01T00:00:00Z";
  return env;
}

std::string trim_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

bool run_git(const std::filesystem::path& cwd, const std::vector<std::string>& args,
             std::map<std::string, std::string> env, std::string* out, std::string* err) {
  ProcessSpec spec;
  spec.argv = {"git", "-c", "safe.directory=*", "-c", "core.hooksPath=/dev/null"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  spec.env = std::move(env);
  ProcessResult result;
  std::string command = "git";
  for (const std::string& arg : args) command += " " + arg;
  if (!run_process(spec, &result, err)) {
    *err = command + ": " + *err;
    return false;
  }
  if (out) *out = trim_newlines(result.out);
  if (result.exit_code != 0) {
    std::string message = trim_newlines(result.err.empty() ? result.out : result.err);
    size_t newline = message.rfind('\n');
    if (newline != std::string::npos) message = message.substr(newline + 1);
    *err = command + ": " +
           (message.empty() ? "exit status " + std::to_string(result.exit_code) : message);
    return false;
  }
  return true;
}

}  // namespace

bool git(const std::filesystem::path& cwd, const std::vector<std::string>& args, std::string* out,
         std::string* err) {
  return run_git(cwd, args, isolated_environment(), out, err);
}

bool git_as_user(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                 std::string* out, std::string* err) {
  std::map<std::string, std::string> env = current_environment();
  env["GIT_TERMINAL_PROMPT"] = "0";
  return run_git(cwd, args, env, out, err);
}

bool resolve_commit(const std::filesystem::path& repo, const std::string& rev, std::string* sha) {
  std::string err;
  if (rev.empty() || rev[0] == '-') return false;
  return git(repo, {"rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"}, sha,
             &err);
}

bool branch_exists(const std::filesystem::path& repo, const std::string& branch) {
  std::string sha;
  return !branch.empty() && branch[0] != '-' && resolve_commit(repo, "refs/heads/" + branch, &sha);
}

}  // namespace showdown
