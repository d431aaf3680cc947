// Calls lost to running in the wrong directory: commands that fail because they
// ran outside the repository (not a git repository, no package.json here, a cd
// into a folder that is not there, a relative path that exists only under the
// repository), counted from each such failure until the next call that worked
// inside the repository.
#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include "detect/command.h"
#include "detect/detector.h"
#include "detect/error_signature.h"

namespace showdown {

namespace {

enum class StepKind { other, wrong_dir, missing_path, ok_in_repo };

struct Step {
  StepKind kind = StepKind::other;
  std::vector<std::string> paths;  // missing_path: relative paths the call used
  int message = 0;
  std::string evidence;
  std::string action;  // the normalised command, for failed executes
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool says_missing(const std::string& output) {
  std::string o = lower(output);
  for (const char* m : {"no such file", "cannot access", "does not exist", "enoent",
                        "can't open", "cannot open", "can't read", "not found",
                        "cannot find module", "file or directory not found"})
    if (o.find(m) != std::string::npos) return true;
  return false;
}

std::string clean_path(std::string p) {
  while (p.rfind("./", 0) == 0) p.erase(0, 2);
  while (p.size() > 1 && (p.back() == '/' || p.back() == '*' || p.back() == '@')) p.pop_back();
  return p;
}

// Relative paths a prompt names ("`src/lib/posts.ts` has getAllTags()").
std::vector<std::string> prompt_paths(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t e = pos;
    while (e < text.size() && (std::isalnum(static_cast<unsigned char>(text[e])) ||
                               text[e] == '/' || text[e] == '.' || text[e] == '_' ||
                               text[e] == '-' || text[e] == '[' || text[e] == ']'))
      ++e;
    if (e == pos) {
      ++pos;
      continue;
    }
    std::string word = text.substr(pos, e - pos);
    while (!word.empty() && word.back() == '.') word.pop_back();
    size_t slash = word.find('/');
    if (slash != std::string::npos && slash > 0 && word[0] != '/' && word.find("//") == std::string::npos)
      out.push_back(word);
    pos = e;
  }
  return out;
}

// The line a person should read: the one saying where it went wrong.
std::string telling_line(const std::string& output, int exit_code) {
  size_t pos = 0;
  while (pos < output.size()) {
    size_t nl = output.find('\n', pos);
    std::string line = output.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (wrong_directory_error(line)) return line;
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return error_signature(output, exit_code).line;
}

class CwdAmnesia : public Detector {
 public:
  explicit CwdAmnesia(const DetectorConfig& c) : config_(c) {}

  const char* kind() const override { return "cwd_amnesia"; }

  void feed(const Record& r, const RunContext& run) override {
    std::string type = text_field(r, "type");
    // The task prompt describes the repository: the paths it names are in it.
    if (type == "message" && text_field(r, "source") == "prompt") {
      std::string content = text_field(r, "content");
      for (auto& word : prompt_paths(content)) learn(word);
    }
    if (type != "tool_result") return;
    const CallInfo* call = run.call(r);
    if (!call) return;
    Step step;
    step.message = call->message;
    if (call->is_execute()) {
      bool in_repo = run.command_in_repo(call->command);
      // `git log | head` exits 0 even when git said it is not in a repository.
      bool piped_wrong_dir = call->command.find('|') != std::string::npos &&
                             wrong_directory_error(call->output);
      if (call->failed() || piped_wrong_dir) {
        if (wrong_directory_error(call->output)) {
          step.kind = StepKind::wrong_dir;
        } else if (!in_repo && says_missing(call->output)) {
          step.kind = StepKind::missing_path;
          step.paths = relative_path_words(call->command);
        }
        step.evidence = "\"" + excerpt(call->command, 80) + "\" → " +
                        telling_line(call->output, call->exit_code);
        step.action = normalize_command(call->command);
      } else {
        // The failed command now working from a directory it moved to is the fix,
        // whatever that directory is called.
        bool fixed = !directory_targets(call->command).empty() &&
                     failed_actions_.count(normalize_command(call->command)) > 0;
        if (in_repo || fixed) step.kind = StepKind::ok_in_repo;
        learn_paths(*call, run, in_repo);
      }
    } else if (!call->path.empty()) {
      std::string rel = run.repo_relative(call->path, run.starts_in_repo());
      bool relative = call->path[0] != '/' && call->path[0] != '~';
      if (call->failed() && relative && !run.starts_in_repo() && says_missing(call->output)) {
        step.kind = StepKind::missing_path;
        step.paths = {call->path};
        step.evidence = call->name + " " + call->path + " → " + excerpt(call->output, 120);
      } else if (!call->failed() && !rel.empty()) {
        step.kind = StepKind::ok_in_repo;
        learn(rel);
      }
    }
    if (step.kind == StepKind::wrong_dir) failed_actions_.insert(step.action);
    steps_.push_back(std::move(step));
  }

  std::optional<Pathology> current() const override {
    int spent = 0, failures = 0, episodes = 0;
    const Step* first = nullptr;
    bool in_episode = false;
    for (const auto& s : steps_) {
      if (wrong(s)) {
        ++failures;
        if (!in_episode) ++episodes;
        in_episode = true;
        if (!first) first = &s;
      } else if (s.kind == StepKind::ok_in_repo) {
        in_episode = false;
      }
      if (in_episode) ++spent;
    }
    if (!first || spent < config_.cwd_amnesia_min_calls) return std::nullopt;
    Pathology p;
    p.kind = kind();
    p.count = spent;
    p.first_message = first->message;
    p.evidence = excerpt(first->evidence, static_cast<size_t>(config_.evidence_max_chars)) + " (" +
                 std::to_string(failures) + " wrong-directory failures, " + std::to_string(spent) +
                 " calls spent)";
    p.detail = {{"failures", failures}, {"episodes", episodes}, {"calls_spent", spent}};
    return p;
  }

 private:
  bool wrong(const Step& s) const {
    if (s.kind == StepKind::wrong_dir) return true;
    if (s.kind != StepKind::missing_path) return false;
    for (const auto& p : s.paths)
      if (known_.count(clean_path(p))) return true;
    return false;
  }

  void learn(const std::string& rel) {
    std::string p = clean_path(rel);
    if (p.empty() || p == "." || known_.size() > 50000) return;
    while (true) {
      known_.insert(p);
      size_t slash = p.rfind('/');
      if (slash == std::string::npos || slash == 0) break;
      p.resize(slash);
    }
  }

  // Paths a successful command shows exist under the repository: the relative
  // paths it used from inside it, and what a listing of a repository folder printed.
  void learn_paths(const CallInfo& call, const RunContext& run, bool in_repo) {
    if (in_repo)
      for (const auto& p : relative_path_words(call.command)) learn(p);
    static const std::set<std::string> listers = {"ls", "find", "tree", "fd", "fdfind", "git"};
    for (const auto& seg : shell_segments(call.command)) {
      auto w = core_words(seg);
      if (w.empty() || !listers.count(w[0]) || seg.joined_by == "|") continue;
      if (w[0] == "git" && (w.size() < 2 || w[1] != "ls-files")) continue;
      std::string dir;
      for (size_t i = 1; i < w.size(); ++i)
        if (w[i][0] != '-' && w[i] != "ls-files") {
          dir = w[i];
          break;
        }
      std::string base = dir.empty() ? (in_repo ? "." : "") : run.repo_relative(dir, in_repo);
      if (base.empty()) continue;
      bool rooted = w[0] != "ls" && w[0] != "tree";  // find prints paths from its start
      size_t pos = 0;
      const std::string& out = call.output;
      while (pos < out.size()) {
        size_t e = pos;
        while (e < out.size() && !std::isspace(static_cast<unsigned char>(out[e]))) ++e;
        std::string token = out.substr(pos, e - pos);
        pos = e + 1;
        if (token.empty() || token.size() > 200) continue;
        bool clean = std::all_of(token.begin(), token.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' ||
                 c == '-' || c == '@' || c == '+' || c == '*';
        });
        if (!clean || token.find_first_not_of("./-") == std::string::npos) continue;
        std::string rel = run.repo_relative(token, false);
        if (!rel.empty()) {
          learn(rel);
          continue;
        }
        if (token[0] == '/' || token[0] == '~') continue;
        token = clean_path(token);
        learn(rooted || base == "." ? token : base + "/" + token);
      }
    }
  }

  DetectorConfig config_;
  std::vector<Step> steps_;
  std::set<std::string> known_;
  std::set<std::string> failed_actions_;
};

}  // namespace

std::unique_ptr<Detector> make_cwd_amnesia(const DetectorConfig& config) {
  return std::make_unique<CwdAmnesia>(config);
}

}  // namespace showdown
