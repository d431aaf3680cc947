#pragma once
// The detectors: small rules over a transcript's records (and nothing else), each
// finding one pathology with a count, the message where it starts and evidence.
// The same objects run over a finished transcript (detect_all) and live, one
// record at a time, beside the agent (LiveDetectors). docs/detectors.md describes
// each rule and its thresholds.
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "detect/pathology.h"
#include "detect/run_context.h"
#include "transcript/transcript.h"

namespace showdown {

/// Every threshold of every detector, with the defaults docs/detectors.md
/// explains. task.toml's [detectors] table sets them by field name
/// (`repetition_min_repeats = 8`); `KIND = false` turns a detector off.
struct DetectorConfig {
  int repetition_min_repeats = 5;       // the same line/sentence this many times in a row
  int repetition_min_chars = 12;        // shorter lines (braces, "Done.") are ignored
  int repetition_max_period = 8;        // blocks of up to this many sentences repeating
  bool repetition_include_reasoning = true;   // also scan the reasoning text (apart)
  int repeated_failure_min_repeats = 3; // the same failure this many times
  int cwd_amnesia_min_calls = 2;        // calls spent on wrong-directory failures
  int no_commit_min_calls = 15;         // calls from a passing build without a commit
  int text_tool_calls_min = 1;          // calls in a known text format
  int text_tool_calls_min_suspected = 2;  // look-alikes, when no exact call was found
  int no_exploration_min_writes = 1;    // writes before the first read or listing
  int ignored_stop_min_calls = 1;       // tool calls after the protocol said stop
  int stalled_min_turn_ends = 1;        // turn ends with requirements unmet
  int evidence_max_chars = 200;
  std::set<std::string> disabled;       // detector kinds turned off

  /// Sets one field by name. Fails (naming the key) on an unknown key, a value of
  /// the wrong type, or a count below 1.
  bool set(const std::string& key, const nlohmann::json& value, std::string* err);
  /// set() for each member of a JSON object (a [detectors] table).
  bool apply(const nlohmann::json& table, std::string* err);
};

/// One rule, fed every record in file order. `current()` is its finding so far
/// (nullopt while it has not fired). Feeding is cheap: the agent feeds after
/// every record with a budget of about a millisecond per step.
class Detector {
 public:
  virtual ~Detector() = default;
  virtual const char* kind() const = 0;
  virtual void feed(const Record& record, const RunContext& run) = 0;
  virtual std::optional<Pathology> current() const = 0;
};

std::unique_ptr<Detector> make_degenerate_repetition(const DetectorConfig& config);
std::unique_ptr<Detector> make_repeated_failure(const DetectorConfig& config);
std::unique_ptr<Detector> make_cwd_amnesia(const DetectorConfig& config);
std::unique_ptr<Detector> make_no_commit_after_green_build(const DetectorConfig& config);
std::unique_ptr<Detector> make_text_tool_calls_detector(const DetectorConfig& config);
std::unique_ptr<Detector> make_no_exploration(const DetectorConfig& config);
std::unique_ptr<Detector> make_ignored_stop(const DetectorConfig& config);
std::unique_ptr<Detector> make_stalled(const DetectorConfig& config);

/// The enabled detectors, in PRODUCT.md's order of kinds.
std::vector<std::unique_ptr<Detector>> make_detectors(const DetectorConfig& config);

/// Every pathology in a whole transcript, in PRODUCT.md's order of kinds.
std::vector<Pathology> detect_all(const std::vector<Record>& records,
                                  const DetectorConfig& config = {});

/// The detectors run live beside the agent (and over old records on --resume).
class LiveDetectors {
 public:
  explicit LiveDetectors(const DetectorConfig& config = {});

  /// Feeds one record. Returns the pathologies that fired for the first time with
  /// it, or whose count has at least doubled since they were last returned.
  std::vector<Pathology> feed(const Record& record);
  /// Everything found so far: at the end of a run, what detect_all returns.
  std::vector<Pathology> current() const;

 private:
  RunContext run_;
  std::vector<std::unique_ptr<Detector>> detectors_;
  std::vector<int> reported_;  // count last returned per detector; 0: never
};

}  // namespace showdown
