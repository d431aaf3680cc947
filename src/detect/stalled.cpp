// The model ended its turn while requirements were unmet: each `check` event (the
// protocol runs the cheap checks when a turn ends) that lists unmet requirements,
// and each nudge sent right after a turn ended when no check was recorded.
#include "detect/detector.h"

namespace showdown {

namespace {

class Stalled : public Detector {
 public:
  explicit Stalled(const DetectorConfig& c) : config_(c) {}

  const char* kind() const override { return "stalled"; }

  void feed(const Record& r, const RunContext& run) override {
    std::string type = text_field(r, "type");
    if (type == "run_end") {
      end_reason_ = text_field(r, "reason");
      return;
    }
    if (type == "response") {
      auto calls = r.find("tool_calls");
      turn_ended_ = calls == r.end() || !calls->is_array() || calls->empty();
      return;
    }
    // A nudge right after a turn ended, with no check recorded: the protocol
    // found the work unfinished without saying what.
    if (type == "message" && text_field(r, "source") == "nudge" && turn_ended_) {
      turn_ended_ = false;
      if (turn_ends_++ == 0) first_message_ = run.last_assistant_message();
      return;
    }
    if (type != "event" || text_field(r, "event") != "check") return;
    turn_ended_ = false;
    auto detail = r.find("detail");
    if (detail == r.end() || !detail->is_object()) return;
    auto unmet = detail->find("unmet");
    if (unmet == detail->end() || !unmet->is_array() || unmet->empty()) {
      last_unmet_ = nlohmann::json::array();
      return;
    }
    last_unmet_ = *unmet;
    if (turn_ends_++ == 0) {
      first_message_ = run.last_assistant_message();
      first_unmet_ = *unmet;
    }
  }

  std::optional<Pathology> current() const override {
    if (turn_ends_ < config_.stalled_min_turn_ends) return std::nullopt;
    Pathology p;
    p.kind = kind();
    p.count = turn_ends_;
    p.first_message = first_message_;
    p.evidence = "ended its turn at message " + std::to_string(first_message_) +
                 (first_unmet_.empty() ? std::string(" and was nudged")
                                       : " with unmet: " + list(first_unmet_)) +
                 " (" + std::to_string(turn_ends_) + " turn end(s) with work unfinished)";
    p.detail = {{"unmet", last_unmet_}, {"first_unmet", first_unmet_}};
    if (!end_reason_.empty()) p.detail["end_reason"] = end_reason_;
    return p;
  }

 private:
  static std::string list(const nlohmann::json& ids) {
    std::string s;
    for (const auto& id : ids) s += (s.empty() ? "" : ", ") + (id.is_string() ? id.get<std::string>() : id.dump());
    return s;
  }

  DetectorConfig config_;
  bool turn_ended_ = false;  // the last response made no tool call, no check since
  int turn_ends_ = 0;
  int first_message_ = 0;
  nlohmann::json first_unmet_ = nlohmann::json::array();
  nlohmann::json last_unmet_ = nlohmann::json::array();
  std::string end_reason_;
};

}  // namespace

std::unique_ptr<Detector> make_stalled(const DetectorConfig& config) {
  return std::make_unique<Stalled>(config);
}

}  // namespace showdown
