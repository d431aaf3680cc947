#pragma once
// Git as a subprocess, in a fixed environment: a harness identity, no system or
// global config (the user's ~/.gitconfig must not change what runs do), no
// hooks, no prompts. Only fetching a task repository from a URL uses the user's
// own environment, for their credentials.
#include <filesystem>
#include <string>
#include <vector>

namespace showdown {

/// Runs `git ARGS` in `cwd`. False with *err "git ARGS: <git's message>" when
/// git could not start or exited non-zero; *out gets stdout, trailing newline
/// trimmed.
bool git(const std::filesystem::path& cwd, const std::vector<std::string>& args, std::string* out,
         std::string* err);

/// Like git(), with the user's environment and config (cloning a private URL).
bool git_as_user(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                 std::string* out, std::string* err);

/// The commit `rev` names in `repo` (a branch, tag or SHA); false when none.
bool resolve_commit(const std::filesystem::path& repo, const std::string& rev, std::string* sha);

/// Whether refs/heads/BRANCH exists in `repo` (bare or not).
bool branch_exists(const std::filesystem::path& repo, const std::string& branch);

}  // namespace showdown
