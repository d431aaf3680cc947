// A passing build of changed work that was not committed: the run went on for many
// calls, or ended, without a successful `git commit`. A build attempt is an execute
// running run_start.build (the usual build commands when it names none); it
// passes with exit status 0 (and no failure shown by output a pipe let through).
// Work counts as changed from a file written until a commit succeeds: a build of
// unchanged work has nothing to commit.
#include <algorithm>

#include "detect/command.h"
#include "detect/detector.h"

namespace showdown {

namespace {

struct Window {
  bool open = false;
  int calls = 0;  // from the passing build, itself included, to now or the commit
  int message = 0;
  std::string build_command;
};

bool writes_files(const CallInfo& call) {
  if (call.failed()) return false;
  if (call.name == "write_file" || call.name == "edit_file") return true;
  if (!call.is_execute()) return false;
  for (const auto& p : written_paths(call.command))
    if (p.rfind("/tmp/", 0) != 0) return true;
  for (const auto& seg : shell_segments(call.command)) {
    auto w = core_words(seg);
    if (w.empty()) continue;
    if (w[0] == "rm" || w[0] == "mv" || w[0] == "cp" || w[0] == "patch" || w[0] == "touch" ||
        (w[0] == "git" && w.size() > 1 && (w[1] == "apply" || w[1] == "mv" || w[1] == "rm")))
      return true;
    // Adding a dependency changes the manifest.
    bool adds = w.size() > 2 && ((w[0] == "npm" && (w[1] == "install" || w[1] == "i")) ||
                                 (w[1] == "add" && w[0] != "git") || (w[0] == "go" && w[1] == "get"));
    if (adds && std::any_of(w.begin() + 2, w.end(), [](const std::string& x) { return x[0] != '-'; }))
      return true;
  }
  return false;
}

// git commit prints "[branch 1a2b3c4] message" (or "[branch (root-commit) …]")
// when it made a commit, even if a later step of the same command failed.
bool output_shows_commit(const std::string& output) {
  size_t pos = 0;
  while (pos < output.size()) {
    size_t nl = output.find('\n', pos);
    std::string line = output.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? output.size() : nl + 1;
    size_t close = line.find(']');
    if (line.empty() || line[0] != '[' || close == std::string::npos) continue;
    std::string inside = line.substr(1, close - 1);
    size_t space = inside.rfind(' ');
    if (space == std::string::npos) continue;
    std::string hash = inside.substr(space + 1);
    if (hash.size() >= 7 && hash.find_first_not_of("0123456789abcdef") == std::string::npos)
      return true;
  }
  return false;
}

// When a transcript names no build command, the usual ones stand in.
bool runs_usual_build(const std::string& command) {
  for (const char* b : {"npm run build", "yarn build", "pnpm build", "pnpm run build", "make",
                        "cargo build", "go build", "mvn package", "gradle build", "./gradlew build",
                        "npx next build", "npx tsc"})
    if (command_runs_build(command, b)) return true;
  return false;
}

class NoCommitAfterGreenBuild : public Detector {
 public:
  explicit NoCommitAfterGreenBuild(const DetectorConfig& c) : config_(c) {}

  const char* kind() const override { return "no_commit_after_green_build"; }

  void feed(const Record& r, const RunContext& run) override {
    std::string type = text_field(r, "type");
    if (type == "run_end") {
      ended_ = true;
      end_reason_ = text_field(r, "reason");
      return;
    }
    if (type != "tool_result") return;
    const CallInfo* call = run.call(r);
    if (!call) return;
    if (window_.open) ++window_.calls;
    if (call->is_execute() && runs_git_commit(call->command)) {
      std::string out = call->output;
      bool nothing = out.find("nothing to commit") != std::string::npos ||
                     out.find("nothing added to commit") != std::string::npos;
      if (!call->failed() || nothing || output_shows_commit(out)) {
        if (window_.open) {
          --window_.calls;  // the commit itself is not a call spent without one
          if (window_.calls > closed_.calls) closed_ = window_;
        }
        window_ = Window{};
        dirty_ = false;
        return;
      }
    }
    if (writes_files(*call)) dirty_ = true;
    bool build = call->is_execute() && (run.build().empty() ? runs_usual_build(call->command)
                                                            : command_runs_build(call->command, run.build()));
    if (build && !call->failed() && dirty_ && !window_.open) {
      window_ = {true, 1, call->message, call->command};
    }
  }

  std::optional<Pathology> current() const override {
    const Window* w = nullptr;
    bool at_end = false;
    if (window_.open && (ended_ || window_.calls >= config_.no_commit_min_calls)) {
      w = &window_;
      at_end = ended_;
    } else if (closed_.calls >= config_.no_commit_min_calls) {
      w = &closed_;
    }
    if (!w) return std::nullopt;
    Pathology p;
    p.kind = kind();
    p.count = w->calls;
    p.first_message = w->message;
    p.evidence = "\"" + excerpt(w->build_command, 80) + "\" passed at message " +
                 std::to_string(w->message) + "; " + std::to_string(w->calls) +
                 " calls from there " +
                 (at_end ? "and the run ended (" + end_reason_ + ") without a commit"
                         : w == &window_ ? "without a commit so far" : "before the commit");
    p.detail = {{"calls_without_commit", w->calls},
                {"ended_uncommitted", at_end},
                {"committed_later", w == &closed_}};
    return p;
  }

 private:
  DetectorConfig config_;
  bool dirty_ = false;  // something was written since the last commit
  bool ended_ = false;
  std::string end_reason_;
  Window window_;
  Window closed_;  // the longest window that a commit closed
};

}  // namespace

std::unique_ptr<Detector> make_no_commit_after_green_build(const DetectorConfig& config) {
  return std::make_unique<NoCommitAfterGreenBuild>(config);
}

}  // namespace showdown
