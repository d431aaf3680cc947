#pragma once
// What every detector needs to know about a run so far, read from its records:
// the task's build command and repository folder, the tools offered, and which
// call each tool result answers.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "transcript/transcript.h"

namespace showdown {

/// Field readers that never throw: a transcript written by a crashed or foreign
/// program may hold a field of the wrong type.
std::string text_field(const Record& r, const char* key);
int int_field(const Record& r, const char* key, int fallback = 0);
bool bool_field(const Record& r, const char* key, bool fallback = false);

/// `text` cut to at most `max_chars` bytes on a UTF-8 boundary, newlines shown as
/// " ⏎ ", with "…" when cut: evidence a person reads in a report cell.
std::string excerpt(const std::string& text, size_t max_chars);

/// One tool call and, once it came back, its result.
struct CallInfo {
  std::string id;
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();
  int index = 0;    // among the run's calls, from 1
  int message = 0;  // the assistant message that made it
  std::string command;  // execute's command
  std::string path;     // read/write/edit's path

  // Filled from the tool_result.
  bool returned = false;
  std::string output;
  bool is_error = false;
  int exit_code = 0;
  bool timed_out = false;

  bool is_execute() const { return name == "execute"; }
  /// execute: a non-zero exit, a timeout, an error result, or output showing a
  /// failure that a pipe hid from the exit status; other tools: is_error.
  bool failed() const;
};

/// Kept by the detector set; `observe` runs on each record before any detector.
class RunContext {
 public:
  void observe(const Record& record);

  const std::string& build() const { return build_; }
  const std::string& repo_name() const { return repo_name_; }
  /// True when execute and relative tool paths start inside the repository
  /// (run_start.cwd is "repo" or a path ending in the repository's folder).
  bool starts_in_repo() const { return starts_in_repo_; }
  const std::vector<std::string>& tool_names() const { return tool_names_; }
  int last_assistant_message() const { return last_assistant_message_; }
  int calls() const { return calls_; }
  /// The call a tool_call or tool_result record is about (null when unknown).
  const CallInfo* call(const Record& record) const;

  /// The part of `path` inside the repository, or "" when it is not inside it.
  /// `in_repo_cwd` says whether a relative path resolves against the repository.
  std::string repo_relative(const std::string& path, bool in_repo_cwd) const;
  /// Whether an execute command runs inside the repository (it starts there, or
  /// moves there with cd / -C / --prefix).
  bool command_in_repo(const std::string& command) const;

 private:
  std::string build_;
  std::string repo_name_;
  bool starts_in_repo_ = false;
  std::vector<std::string> tool_names_ = {"execute", "read_file", "write_file", "edit_file"};
  int last_assistant_message_ = 0;
  int calls_ = 0;
  std::map<std::string, CallInfo> by_id_;
};

}  // namespace showdown
