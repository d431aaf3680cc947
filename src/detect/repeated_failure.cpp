// The same failure again and again: calls that fail with the same error signature
// (the same wrong import rebuilt 13 times; the same type error through 7 builds
// while the call was varied). Failures are grouped by signature; a group ends when
// one of the actions that failed in it succeeds. Wrong-directory failures are
// cwd_amnesia's and are left out here.
#include <map>
#include <set>

#include "detect/command.h"
#include "detect/detector.h"
#include "detect/error_signature.h"

namespace showdown {

namespace {

struct Streak {
  int failures = 0;
  int first_message = 0;
  int last_message = 0;
  std::set<std::string> actions;
  std::string first_action;
  std::string error_line;
  int writes = 0;  // files written between the failures: attempts at a fix
};

class RepeatedFailure : public Detector {
 public:
  explicit RepeatedFailure(const DetectorConfig& c) : config_(c) {}

  const char* kind() const override { return "repeated_failure"; }

  void feed(const Record& r, const RunContext& run) override {
    if (text_field(r, "type") != "tool_result") return;
    const CallInfo* call = run.call(r);
    if (!call) return;
    std::string action = action_of(*call);
    if (!call->failed()) {
      if (call->name == "write_file" || call->name == "edit_file")
        for (auto& [key, streak] : open_) ++streak.writes;
      for (auto it = open_.begin(); it != open_.end();) {
        if (it->second.actions.count(action)) {
          close(it->second);
          it = open_.erase(it);
        } else {
          ++it;
        }
      }
      return;
    }
    if (call->is_execute() && wrong_directory_error(call->output)) return;
    ErrorSignature sig = error_signature(call->output, call->exit_code);
    // A signature that names no error says little alone: only the same action
    // ending the same way counts as the same failure.
    std::string key = call->name + "|" + (sig.specific ? sig.key : action + "|" + sig.key);
    Streak& s = open_[key];
    if (s.failures == 0) {
      s.first_message = call->message;
      s.first_action = action;
      s.error_line = sig.line;
    }
    ++s.failures;
    s.last_message = call->message;
    s.actions.insert(action);
    consider(s);
  }

  std::optional<Pathology> current() const override {
    if (best_.failures < config_.repeated_failure_min_repeats) return std::nullopt;
    Pathology p;
    p.kind = kind();
    p.count = best_.failures;
    p.first_message = best_.first_message;
    size_t max = static_cast<size_t>(config_.evidence_max_chars);
    p.evidence = "\"" + excerpt(best_.first_action, max / 3) + "\" failed " +
                 std::to_string(best_.failures) + " times with: " + excerpt(best_.error_line, max);
    int streaks = streaks_;
    for (const auto& [key, s] : open_)
      if (s.failures >= config_.repeated_failure_min_repeats) ++streaks;
    p.detail = {{"distinct_actions", best_.actions.size()},
                {"writes_between", best_.writes},
                {"last_message", best_.last_message},
                {"streaks", streaks}};
    return p;
  }

 private:
  static std::string action_of(const CallInfo& call) {
    if (call.is_execute()) return normalize_command(call.command);
    if (!call.path.empty()) return call.name + " " + call.path;
    return call.name + " " + call.arguments.dump();
  }

  void consider(const Streak& s) {
    if (s.failures > best_.failures) best_ = s;
  }

  void close(const Streak& s) {
    if (s.failures >= config_.repeated_failure_min_repeats) ++streaks_;
  }

  DetectorConfig config_;
  std::map<std::string, Streak> open_;
  Streak best_;
  int streaks_ = 0;  // finished streaks at or over the threshold
};

}  // namespace

std::unique_ptr<Detector> make_repeated_failure(const DetectorConfig& config) {
  return std::make_unique<RepeatedFailure>(config);
}

}  // namespace showdown
