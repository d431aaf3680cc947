// Tool calls written as text in the assistant's content instead of structured
// calls. Exact parses (a known model format) are counted; looser look-alikes
// (`execute("ls")` at a line start) are counted apart, and fire on their own only
// when no exact call was found and there are enough of them.
#include <map>

#include "detect/detector.h"
#include "detect/text_tool_calls.h"

namespace showdown {

namespace {

class TextToolCallsDetector : public Detector {
 public:
  explicit TextToolCallsDetector(const DetectorConfig& c) : config_(c) {}

  const char* kind() const override { return "text_tool_calls"; }

  void feed(const Record& r, const RunContext& run) override {
    if (text_field(r, "type") != "response") return;
    std::string content = text_field(r, "content");
    if (content.empty()) return;
    int message = int_field(r, "message");
    auto exact = parse_text_tool_calls(content, run.tool_names());
    auto suspected = find_suspected_tool_calls(content, run.tool_names(), exact);
    if (!exact.empty()) {
      if (exact_ == 0) {
        first_exact_message_ = message;
        first_exact_ = exact.front();
        first_exact_text_ = content.substr(exact.front().begin,
                                           exact.front().end - exact.front().begin);
      }
      exact_ += static_cast<int>(exact.size());
      ++messages_;
      for (const auto& c : exact) ++formats_[c.format];
    }
    if (!suspected.empty()) {
      if (suspected_ == 0) {
        first_suspected_message_ = message;
        first_suspected_line_ = suspected.front().line;
      }
      suspected_ += static_cast<int>(suspected.size());
    }
  }

  std::optional<Pathology> current() const override {
    bool exact = exact_ >= config_.text_tool_calls_min;
    bool loose = exact_ == 0 && suspected_ >= config_.text_tool_calls_min_suspected;
    if (!exact && !loose) return std::nullopt;
    Pathology p;
    p.kind = kind();
    size_t max = static_cast<size_t>(config_.evidence_max_chars);
    nlohmann::json formats = nlohmann::json::object();
    for (const auto& [f, n] : formats_) formats[f] = n;
    if (exact) {
      p.count = exact_;
      p.first_message = first_exact_message_;
      p.evidence = std::to_string(exact_) + " tool call(s) written as text (" +
                   first_exact_.format + "), first: " + excerpt(first_exact_text_, max);
    } else {
      p.count = suspected_;
      p.first_message = first_suspected_message_;
      p.evidence = std::to_string(suspected_) +
                   " suspected tool call(s) written as text, first: " +
                   excerpt(first_suspected_line_, max);
    }
    p.detail = {{"exact", exact_},
                {"suspected", suspected_},
                {"format", exact ? first_exact_.format : "suspected"},
                {"formats", formats},
                {"messages", messages_}};
    if (exact) p.detail["first_call"] = {{"name", first_exact_.name},
                                         {"arguments", first_exact_.arguments}};
    return p;
  }

 private:
  DetectorConfig config_;
  int exact_ = 0;
  int suspected_ = 0;
  int messages_ = 0;
  int first_exact_message_ = 0;
  int first_suspected_message_ = 0;
  TextToolCall first_exact_;
  std::string first_exact_text_;
  std::string first_suspected_line_;
  std::map<std::string, int> formats_;
};

}  // namespace

std::unique_ptr<Detector> make_text_tool_calls_detector(const DetectorConfig& config) {
  return std::make_unique<TextToolCallsDetector>(config);
}

}  // namespace showdown
