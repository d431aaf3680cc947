#pragma once
// The standardized intervention protocol (docs/protocol.md): the same fixed rules
// and fixed messages for every model, so nudges and stops are part of the
// measurement instead of a person's judgment.
//  - The model ends its turn while cheap requirement checks are unmet: nudge with
//    one fixed message, at most `max_nudges` times.
//  - A live detector fires on a doom loop (repeated_failure, degenerate_repetition):
//    say stop with one fixed message; if the model makes more than `stop_grace_calls`
//    further tool calls, end the run (`ignored_stop`); if it ends its turn, end it.
//  - Limits end the run in the agent, with their reason recorded.
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/protocol.h"
#include "detect/detector.h"

namespace showdown {

struct ProtocolConfig {
  bool enabled = true;
  int max_nudges = 3;
  int stop_grace_calls = 5;
  std::vector<std::string> stop_on = {"repeated_failure", "degenerate_repetition"};
  std::string nudge_message =
      "The task is not finished yet: some requirements are still unmet. Keep going: finish the "
      "remaining work, make sure the build passes, then commit and push.";
  std::string stop_message =
      "Stop. You are repeating the same thing without making progress. Stop now.";

  /// Applies task.toml's [protocol] table; unknown keys are errors.
  bool apply(const nlohmann::json& table, std::string* err);
};

/// The cheap requirement checks (built-ins and file tests): ids met and unmet.
struct CheckSummary {
  std::vector<std::string> met;
  std::vector<std::string> unmet;
};

class ProtocolRules : public Protocol {
 public:
  ProtocolRules(ProtocolConfig config, DetectorConfig detectors,
                std::function<CheckSummary()> cheap_checks);

  void observe(const Record& record) override;
  Intervention on_turn_end() override;
  Intervention after_step() override;
  bool take_interactive(std::string* message) override;

  /// Queues a message typed by a person watching (--interactive); thread-safe.
  void push_interactive(const std::string& message);

 private:
  ProtocolConfig config_;
  LiveDetectors detectors_;
  std::function<CheckSummary()> cheap_checks_;
  /// Records `detector` events for pathologies not announced yet; true when one
  /// of them is a doom loop the protocol stops.
  bool announce(Intervention* next);
  /// `next` turned into the stop message, its rule the doom loop that fired.
  Intervention stop(Intervention next);

  std::vector<Pathology> fired_;  // not yet announced
  std::set<std::string> announced_;
  int nudges_ = 0;
  bool stopped_ = false;
  int calls_since_stop_ = 0;
  std::mutex typed_mutex_;
  std::deque<std::string> typed_;
};

}  // namespace showdown
