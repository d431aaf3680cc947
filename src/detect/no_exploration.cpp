// Files written before any existing file was read or listed: code written blind,
// without looking at the project it goes into.
#include "detect/command.h"
#include "detect/detector.h"

namespace showdown {

namespace {

bool scratch(const std::string& path) {
  return path.rfind("/tmp/", 0) == 0 || path.rfind("/dev/", 0) == 0 ||
         path.rfind("/proc/", 0) == 0;
}

bool name_has(const std::string& name, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (name.find(w) != std::string::npos) return true;
  return false;
}

class NoExploration : public Detector {
 public:
  explicit NoExploration(const DetectorConfig& c) : config_(c) {}

  const char* kind() const override { return "no_exploration"; }

  void feed(const Record& r, const RunContext& run) override {
    if (explored_ || text_field(r, "type") != "tool_result") return;
    const CallInfo* call = run.call(r);
    if (!call) return;
    const std::string& name = call->name;
    if (call->is_execute()) {
      for (const auto& seg : shell_segments(call->command)) {
        if (segment_reads_files(seg)) {
          explored_ = true;
          return;
        }
        if (call->failed()) continue;
        for (const auto& p : segment_written_paths(seg))
          if (!scratch(p)) wrote(*call, p);
      }
    } else if (name == "ls" || name_has(name, {"read", "list", "search", "grep", "glob", "find",
                                               "view"})) {
      explored_ = true;
    } else if (!call->failed() && (name == "write_file" || name == "edit_file" ||
                                   name_has(name, {"write", "edit", "create_file", "patch",
                                                   "str_replace"}))) {
      if (!scratch(call->path)) wrote(*call, call->path);
    }
  }

  std::optional<Pathology> current() const override {
    if (writes_ < config_.no_exploration_min_writes) return std::nullopt;
    Pathology p;
    p.kind = kind();
    p.count = writes_;
    p.first_message = first_message_;
    p.evidence = first_write_ + " at message " + std::to_string(first_message_) + ", " +
                 std::to_string(writes_) + " write(s) before any file was read or listed";
    p.detail = {{"writes_before_reading", writes_}, {"explored_later", explored_}};
    return p;
  }

 private:
  void wrote(const CallInfo& call, const std::string& path) {
    if (writes_++ == 0) {
      first_message_ = call.message;
      first_write_ = call.name + " " + excerpt(path.empty() ? call.command : path, 100);
    }
  }

  DetectorConfig config_;
  bool explored_ = false;
  int writes_ = 0;
  int first_message_ = 0;
  std::string first_write_;
};

}  // namespace

std::unique_ptr<Detector> make_no_exploration(const DetectorConfig& config) {
  return std::make_unique<NoExploration>(config);
}

}  // namespace showdown
