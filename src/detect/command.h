#pragma once
// What a shell command line the model wrote does, as far as detectors need to
// know: where it moves, whether it reads, writes, builds or commits, and what stays
// the same when the model runs "the same" command again.
#include <string>
#include <vector>

namespace showdown {

/// One simple command of a command line: its words with quotes removed (redirection
/// operators are words of their own: ">", ">>", "2>&1", "<<"), and the operator that
/// joined it to the one before ("" for the first, "&&", "||", ";", "|").
struct ShellSegment {
  std::vector<std::string> words;
  std::string joined_by;
};

/// Splits on && || ; | & newlines and parentheses outside quotes; heredoc bodies and
/// comments are skipped. Never fails: unbalanced quotes run to the end.
std::vector<ShellSegment> shell_segments(const std::string& command);

/// The words of a segment without leading VAR=value assignments and wrappers that do
/// not change what runs (timeout N, time, nohup, env, sudo, command, exec).
std::vector<std::string> core_words(const ShellSegment& segment);

/// The command with what does not change the action removed: `cd X &&` steps, env
/// assignments and wrappers, redirections of stderr or to /dev/null, pipes into
/// filters (tail, head, grep, …), quotes and spacing. Steps are joined by " && ".
std::string normalize_command(const std::string& command);

/// True when the command runs `build` (task.toml's build command): each step of the
/// build appears, in order, as the start of a step of the command.
bool command_runs_build(const std::string& command, const std::string& build);

/// Output that shows a failure even though the exit status said 0 (a pipe into
/// `tail` hides the build's status).
bool output_shows_failure(const std::string& output);

/// True when some step is `git [-C dir] commit …`.
bool runs_git_commit(const std::string& command);

/// A step that reads or lists existing files (ls, cat FILE, find, grep, head, sed -n,
/// git log/show/diff/ls-files, …). Steps fed by a pipe read stdin and do not count.
bool segment_reads_files(const ShellSegment& segment);

/// Files a step writes: redirection targets (> >> &>), tee's arguments, sed -i's
/// file. /dev/* targets are left out.
std::vector<std::string> segment_written_paths(const ShellSegment& segment);

bool reads_files(const std::string& command);
std::vector<std::string> written_paths(const std::string& command);

/// Directories the command moves into or points a tool at: cd/pushd targets and the
/// values of -C, --prefix, --cwd, --dir, --manifest-path.
std::vector<std::string> directory_targets(const std::string& command);

/// Argument words of the command that could be relative file paths (no option, no
/// variable, not absolute, not ~, no spaces): `src/lib/tags.ts`, `package.json`, `tests`.
std::vector<std::string> relative_path_words(const std::string& command);

}  // namespace showdown
