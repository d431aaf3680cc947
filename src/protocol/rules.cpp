#include "protocol/rules.h"

#include <algorithm>

namespace showdown {

bool ProtocolConfig::apply(const nlohmann::json& table, std::string* err) {
  if (table.is_null()) return true;
  for (const auto& [key, value] : table.items()) {
    if (key == "enabled" && value.is_boolean()) enabled = value.get<bool>();
    else if (key == "max_nudges" && value.is_number_integer() && value.get<int>() >= 0)
      max_nudges = value.get<int>();
    else if (key == "stop_grace_calls" && value.is_number_integer() && value.get<int>() >= 0)
      stop_grace_calls = value.get<int>();
    else if (key == "nudge_message" && value.is_string()) nudge_message = value.get<std::string>();
    else if (key == "stop_message" && value.is_string()) stop_message = value.get<std::string>();
    else if (key == "stop_on" && value.is_array()) {
      stop_on.clear();
      for (const auto& kind : value) {
        if (!kind.is_string()) {
          *err = "protocol.stop_on: expected an array of pathology kinds";
          return false;
        }
        stop_on.push_back(kind.get<std::string>());
      }
    } else {
      *err = "protocol." + key + ": unknown setting or wrong type";
      return false;
    }
  }
  return true;
}

ProtocolRules::ProtocolRules(ProtocolConfig config, DetectorConfig detectors,
                             std::function<CheckSummary()> cheap_checks)
    : config_(std::move(config)),
      detectors_(std::move(detectors)),
      cheap_checks_(std::move(cheap_checks)) {}

void ProtocolRules::observe(const Record& record) {
  const std::string type = record.value("type", "");
  // Replayed records on resume restore the protocol's state exactly.
  if (type == "event") {
    const std::string event = record.value("event", "");
    if (event == "nudge") ++nudges_;
    if (event == "stop") stopped_ = true;
    if (event == "detector") announced_.insert(record["detail"].value("kind", ""));
  }
  if (type == "tool_call" && stopped_) ++calls_since_stop_;
  for (auto& p : detectors_.feed(record)) fired_.push_back(std::move(p));
}

bool ProtocolRules::announce(Intervention* next) {
  bool doom = false;
  for (const auto& p : fired_) {
    if (!announced_.insert(p.kind).second) continue;
    next->events.push_back({{"type", "event"},
                            {"event", "detector"},
                            {"detail", {{"kind", p.kind}, {"count", p.count},
                                        {"first_message", p.first_message},
                                        {"evidence", p.evidence}}}});
    doom |= std::find(config_.stop_on.begin(), config_.stop_on.end(), p.kind) !=
            config_.stop_on.end();
  }
  fired_.clear();
  return doom;
}

Intervention ProtocolRules::on_turn_end() {
  Intervention next;
  next.kind = Intervention::end;
  next.reason = stopped_ ? "stopped" : "end_turn";
  bool doom = announce(&next);
  if (!config_.enabled || stopped_) return next;
  if (doom) return stop(std::move(next));
  if (!cheap_checks_) return next;
  CheckSummary summary = cheap_checks_();
  next.events.push_back({{"type", "event"},
                         {"event", "check"},
                         {"detail", {{"met", summary.met}, {"unmet", summary.unmet}}}});
  if (summary.unmet.empty() || nudges_ >= config_.max_nudges) return next;
  next.kind = Intervention::nudge;
  next.message = config_.nudge_message;
  next.rule = "turn_ended_with_unmet_requirements";
  return next;
}

Intervention ProtocolRules::after_step() {
  Intervention next;
  bool doom = announce(&next);
  if (!config_.enabled) return next;
  if (stopped_) {
    if (calls_since_stop_ > config_.stop_grace_calls) {
      next.kind = Intervention::end;
      next.reason = "stopped";
    }
    return next;
  }
  return doom ? stop(std::move(next)) : next;
}

Intervention ProtocolRules::stop(Intervention next) {
  next.kind = Intervention::stop;
  next.message = config_.stop_message;
  for (const auto& e : next.events)
    if (std::find(config_.stop_on.begin(), config_.stop_on.end(), e["detail"].value("kind", "")) !=
        config_.stop_on.end())
      next.rule = e["detail"].value("kind", "");
  return next;
}

bool ProtocolRules::take_interactive(std::string* message) {
  std::lock_guard<std::mutex> lock(typed_mutex_);
  if (typed_.empty()) return false;
  *message = typed_.front();
  typed_.pop_front();
  return true;
}

void ProtocolRules::push_interactive(const std::string& message) {
  std::lock_guard<std::mutex> lock(typed_mutex_);
  typed_.push_back(message);
}

}  // namespace showdown
