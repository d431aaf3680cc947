#pragma once
// What a person watching sees while a showdown runs: per run its step, tool
// calls, tokens, last action and any detector that fired. On a terminal, one
// line per run redrawn in place; otherwise (or with NO_COLOR) plain lines. Runs
// are shown by label only.
#include <chrono>
#include <map>
#include <mutex>
#include <ostream>
#include <string>

#include "transcript/transcript.h"

namespace showdown {

class LiveView {
 public:
  LiveView(std::ostream* out, bool terminal);
  /// Called from run threads with every record.
  void on_record(const std::string& label, const Record& record);
  /// A line of its own (run started, finished, server started...).
  void note(const std::string& line);

 private:
  struct RunState {
    int step = 0;
    int tool_calls = 0;
    int64_t tokens = 0;
    std::string last_action;
    std::string flags;  // detectors fired, nudges, stops
    bool ended = false;
  };
  void redraw_locked();
  std::string status_line(const std::string& label, const RunState& s) const;

  std::ostream* out_;
  bool terminal_;
  std::mutex mutex_;
  std::map<std::string, RunState> runs_;
  int drawn_lines_ = 0;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace showdown
