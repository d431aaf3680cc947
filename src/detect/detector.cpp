#include "detect/detector.h"

#include <map>

namespace showdown {

namespace {

const char* const kKinds[] = {"degenerate_repetition",       "repeated_failure",
                              "cwd_amnesia",                 "no_commit_after_green_build",
                              "text_tool_calls",             "no_exploration",
                              "ignored_stop",                "stalled"};

}  // namespace

bool DetectorConfig::set(const std::string& key, const nlohmann::json& value, std::string* err) {
  const std::map<std::string, int*> counts = {
      {"repetition_min_repeats", &repetition_min_repeats},
      {"repetition_min_chars", &repetition_min_chars},
      {"repetition_max_period", &repetition_max_period},
      {"repeated_failure_min_repeats", &repeated_failure_min_repeats},
      {"cwd_amnesia_min_calls", &cwd_amnesia_min_calls},
      {"no_commit_min_calls", &no_commit_min_calls},
      {"text_tool_calls_min", &text_tool_calls_min},
      {"text_tool_calls_min_suspected", &text_tool_calls_min_suspected},
      {"no_exploration_min_writes", &no_exploration_min_writes},
      {"ignored_stop_min_calls", &ignored_stop_min_calls},
      {"stalled_min_turn_ends", &stalled_min_turn_ends},
      {"evidence_max_chars", &evidence_max_chars},
  };
  auto count = counts.find(key);
  if (count != counts.end()) {
    if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 1000000) {
      *err = "detectors." + key + ": expected a whole number of at least 1";
      return false;
    }
    *count->second = static_cast<int>(value.get<int64_t>());
    return true;
  }
  if (key == "repetition_include_reasoning") {
    if (!value.is_boolean()) {
      *err = "detectors." + key + ": expected true or false";
      return false;
    }
    repetition_include_reasoning = value.get<bool>();
    return true;
  }
  for (const char* kind : kKinds) {
    if (key != kind) continue;
    if (!value.is_boolean()) {
      *err = "detectors." + key + ": expected true or false (turns the detector on or off)";
      return false;
    }
    if (value.get<bool>()) disabled.erase(key);
    else disabled.insert(key);
    return true;
  }
  *err = "detectors." + key + ": unknown detector setting";
  return false;
}

bool DetectorConfig::apply(const nlohmann::json& table, std::string* err) {
  if (!table.is_object()) {
    *err = "detectors: expected a table of settings";
    return false;
  }
  for (const auto& [key, value] : table.items())
    if (!set(key, value, err)) return false;
  return true;
}

std::vector<std::unique_ptr<Detector>> make_detectors(const DetectorConfig& config) {
  std::vector<std::unique_ptr<Detector>> all;
  all.push_back(make_degenerate_repetition(config));
  all.push_back(make_repeated_failure(config));
  all.push_back(make_cwd_amnesia(config));
  all.push_back(make_no_commit_after_green_build(config));
  all.push_back(make_text_tool_calls_detector(config));
  all.push_back(make_no_exploration(config));
  all.push_back(make_ignored_stop(config));
  all.push_back(make_stalled(config));
  std::vector<std::unique_ptr<Detector>> enabled;
  for (auto& d : all)
    if (!config.disabled.count(d->kind())) enabled.push_back(std::move(d));
  return enabled;
}

std::vector<Pathology> detect_all(const std::vector<Record>& records,
                                  const DetectorConfig& config) {
  LiveDetectors live(config);
  for (const auto& r : records) live.feed(r);
  return live.current();
}

LiveDetectors::LiveDetectors(const DetectorConfig& config)
    : detectors_(make_detectors(config)), reported_(detectors_.size(), 0) {}

std::vector<Pathology> LiveDetectors::feed(const Record& record) {
  run_.observe(record);
  std::vector<Pathology> fired;
  for (size_t i = 0; i < detectors_.size(); ++i) {
    detectors_[i]->feed(record, run_);
    auto p = detectors_[i]->current();
    if (!p) continue;
    int shown = std::max(p->count, 1);
    if (reported_[i] == 0 || shown >= 2 * reported_[i]) {
      reported_[i] = shown;
      fired.push_back(std::move(*p));
    }
  }
  return fired;
}

std::vector<Pathology> LiveDetectors::current() const {
  std::vector<Pathology> all;
  for (const auto& d : detectors_)
    if (auto p = d->current()) all.push_back(std::move(*p));
  return all;
}

}  // namespace showdown
