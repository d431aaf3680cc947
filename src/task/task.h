#pragma once
// A task: a repository at a pinned base, a prompt, and requirements with
// automated checks, loaded from task.toml (see PRODUCT.md "Task format" and
// docs/task.md). Loading validates everything it can without running git.
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace showdown {

/// Per-run limits; hitting one ends the run.
struct Limits {
  int64_t tool_calls = 150;
  int64_t tokens = 5000000;
  double minutes = 60;
  double command_seconds = 300;  // one execute call
};

/// How a requirement is checked: a shell command run in a fresh checkout of the
/// pushed branch, or one of the built-ins.
enum class CheckKind { shell, commits, pushed, screenshot, no_pr };

/// One line of the task with its check.
struct Requirement {
  std::string id;
  std::string text;
  std::string check;  // as written: a shell command or "builtin:..."
  CheckKind kind = CheckKind::shell;
  int64_t min_commits = 0;  // for builtin:commits>=N
};

/// An MCP server started for each run; its tools are offered to the model.
struct McpServerConfig {
  std::string name;
  std::vector<std::string> command;
  std::map<std::string, std::string> env;
  std::string cwd = "home";  // "home" | "repo"
  /// Tools of the server not offered to the model (e.g. Playwright's
  /// browser_run_code_unsafe, which runs code outside the sandbox).
  std::vector<std::string> hide;
};

struct Task {
  std::filesystem::path file;       // task.toml, as the user named it
  std::filesystem::path dir;        // the folder holding it
  std::string name;                 // also the repository's folder under the run's home
  std::string repo;                 // as written: a folder or a git URL
  std::filesystem::path repo_dir;   // the folder resolved against `dir`; empty for a URL
  std::string base = "HEAD";        // branch, tag or commit
  std::string prompt_file;          // as written
  std::string prompt;               // the prompt file's text, placeholders unexpanded
  std::string setup;                // optional shell command run before the agent starts
  std::string build;                // optional; an execute call running it is a build attempt
  std::string workspace = "clone";  // "clone" | "agent"
  std::string cwd = "home";         // "home" | "repo"
  std::string screenshot = "**/*.png";
  bool network = false;
  std::vector<std::string> toolset = {"execute", "read_file", "write_file"};
  Limits limits;
  std::vector<Requirement> requirements;
  nlohmann::json detectors = nlohmann::json::object();  // [detectors], applied elsewhere
  nlohmann::json protocol = nlohmann::json::object();   // [protocol], applied elsewhere
  std::vector<McpServerConfig> mcp_servers;
  /// Line of each field as written ("base", "limits.minutes", "requirement[0].check"),
  /// for errors found after loading (a base git cannot resolve).
  std::map<std::string, int> lines;
};

/// Loads and validates `task.toml`, or the task.toml inside a folder. On error
/// returns false with *err "FILE:LINE: FIELD: message".
bool load_task(const std::filesystem::path& task_toml_or_folder, Task* task, std::string* err);

/// An error about one of the task's fields, in the same form as load_task's.
std::string task_error(const Task& task, const std::string& field, const std::string& message);

/// True for "https://…", "ssh://…", "git@host:path" and the like.
bool is_git_url(const std::string& repo);

/// The prompt with each `{{key}}` of `vars` replaced (repo_dir, branch, origin);
/// other double-brace text is left alone.
std::string render_prompt(const Task& task, const std::map<std::string, std::string>& vars);

}  // namespace showdown
