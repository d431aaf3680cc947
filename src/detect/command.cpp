#include "detect/command.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace showdown {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_assignment(const std::string& w) {
  size_t eq = w.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  if (!(std::isalpha(static_cast<unsigned char>(w[0])) || w[0] == '_')) return false;
  return std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool is_redirect(const std::string& w) {
  if (w.empty()) return false;
  size_t i = 0;
  while (i < w.size() && std::isdigit(static_cast<unsigned char>(w[i]))) ++i;
  if (i < w.size() && w[i] == '&') ++i;
  return i < w.size() && (w[i] == '>' || w[i] == '<');
}

// A redirection word that carries its own target ("2>&1", ">&2") needs no next word.
bool redirect_has_target(const std::string& w) {
  size_t amp = w.find_last_of('&');
  size_t gt = w.find_last_of("<>");
  return amp != std::string::npos && gt != std::string::npos && amp > gt;
}

const std::set<std::string>& wrappers() {
  static const std::set<std::string> w = {"time", "nohup", "env", "sudo", "command", "exec",
                                          "nice", "stdbuf"};
  return w;
}

}  // namespace

std::vector<ShellSegment> shell_segments(const std::string& cmd) {
  std::vector<ShellSegment> out;
  ShellSegment cur;
  std::string word;
  bool in_word = false;
  bool expect_heredoc = false;
  std::vector<std::pair<std::string, bool>> heredocs;  // delimiter, strip tabs

  auto end_word = [&] {
    if (!in_word) return;
    if (expect_heredoc) {
      heredocs.emplace_back(word, cur.words.empty() ? false : cur.words.back() == "<<-");
      expect_heredoc = false;
    }
    cur.words.push_back(word);
    word.clear();
    in_word = false;
  };
  auto end_segment = [&](const std::string& op) {
    end_word();
    if (!cur.words.empty()) out.push_back(std::move(cur));
    cur = ShellSegment{};
    cur.joined_by = op;
  };
  auto skip_heredoc_bodies = [&](size_t* i) {
    for (const auto& [delimiter, strip_tabs] : heredocs) {
      while (*i < cmd.size()) {
        size_t nl = cmd.find('\n', *i);
        size_t end = nl == std::string::npos ? cmd.size() : nl;
        std::string line = cmd.substr(*i, end - *i);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (strip_tabs) line.erase(0, line.find_first_not_of('\t'));
        *i = nl == std::string::npos ? cmd.size() : nl + 1;
        if (line == delimiter) break;
      }
    }
    heredocs.clear();
  };

  size_t i = 0;
  while (i < cmd.size()) {
    char c = cmd[i];
    if (c == '\'' || c == '"') {
      char quote = c;
      in_word = true;
      ++i;
      while (i < cmd.size() && cmd[i] != quote) {
        if (quote == '"' && cmd[i] == '\\' && i + 1 < cmd.size()) ++i;
        word += cmd[i++];
      }
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < cmd.size()) {
      if (cmd[i + 1] != '\n') {
        word += cmd[i + 1];
        in_word = true;
      }
      i += 2;
      continue;
    }
    if (c == '#' && !in_word) {
      while (i < cmd.size() && cmd[i] != '\n') ++i;
      continue;
    }
    if (is_blank(c)) {
      end_word();
      ++i;
      continue;
    }
    if (c == '\n') {
      end_segment(";");
      ++i;
      skip_heredoc_bodies(&i);
      continue;
    }
    if (c == '>' || c == '<' || (c == '&' && i + 1 < cmd.size() && cmd[i + 1] == '>')) {
      std::string op;
      if (in_word && std::all_of(word.begin(), word.end(),
                                 [](char d) { return std::isdigit(static_cast<unsigned char>(d)); })) {
        op = word;
        word.clear();
        in_word = false;
      } else {
        end_word();
      }
      while (i < cmd.size() && (cmd[i] == '>' || cmd[i] == '<' || cmd[i] == '&' ||
                                cmd[i] == '|' || cmd[i] == '-')) {
        if (cmd[i] == '&' && !op.empty() && op.back() != '>' && op.back() != '<') break;
        if (cmd[i] == '|' && (op.empty() || op.back() != '>')) break;
        if (cmd[i] == '-' && op != "<<") break;
        op += cmd[i++];
      }
      while (i < cmd.size() && !op.empty() && op.back() == '&' &&
             (std::isdigit(static_cast<unsigned char>(cmd[i])) || cmd[i] == '-'))
        op += cmd[i++];
      cur.words.push_back(op);
      if (op == "<<" || op == "<<-") expect_heredoc = true;
      continue;
    }
    if (c == '&' || c == '|' || c == ';' || c == '(' || c == ')') {
      std::string op(1, c);
      if ((c == '&' || c == '|') && i + 1 < cmd.size() && cmd[i + 1] == c) op += c;
      i += op.size();
      end_segment(op == "&" || op == "(" || op == ")" ? ";" : op);
      continue;
    }
    word += c;
    in_word = true;
    ++i;
  }
  end_segment(";");
  return out;
}

std::vector<std::string> core_words(const ShellSegment& segment) {
  const auto& w = segment.words;
  size_t i = 0;
  while (i < w.size()) {
    if (is_assignment(w[i]) || wrappers().count(w[i])) {
      ++i;
    } else if (w[i] == "timeout") {
      ++i;
      while (i < w.size() && w[i].rfind("-", 0) == 0) ++i;
      if (i < w.size()) ++i;  // the duration
    } else {
      break;
    }
  }
  return {w.begin() + static_cast<std::ptrdiff_t>(i), w.end()};
}

std::string normalize_command(const std::string& command) {
  static const std::set<std::string> skipped = {"cd", "pushd", "popd", "export", "set",
                                                "source", ".", "true", "clear"};
  static const std::set<std::string> filters = {"tail", "head", "grep", "egrep", "cat", "less",
                                                "more", "tee", "sort", "uniq", "wc", "cut"};
  std::string out;
  for (const auto& seg : shell_segments(command)) {
    auto words = core_words(seg);
    if (words.empty() || skipped.count(words[0])) continue;
    if (seg.joined_by == "|" && filters.count(words[0])) continue;
    std::string step;
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string& w = words[i];
      if (is_redirect(w)) {
        bool to_stderr_or_null = w.rfind("2", 0) == 0 || redirect_has_target(w) ||
                                 (i + 1 < words.size() && words[i + 1].rfind("/dev/", 0) == 0);
        if (to_stderr_or_null) {
          if (!redirect_has_target(w)) ++i;
          continue;
        }
      }
      if (!step.empty()) step += ' ';
      step += w;
    }
    if (step.empty()) continue;
    if (!out.empty()) out += seg.joined_by == "|" ? " | " : " && ";
    out += step;
  }
  return out;
}

bool command_runs_build(const std::string& command, const std::string& build) {
  std::vector<std::vector<std::string>> build_steps, steps;
  for (const auto& seg : shell_segments(build)) {
    auto w = core_words(seg);
    if (!w.empty() && w[0] != "cd") build_steps.push_back(std::move(w));
  }
  if (build_steps.empty()) return false;
  for (const auto& seg : shell_segments(command)) steps.push_back(core_words(seg));
  size_t next = 0;
  for (const auto& step : steps) {
    const auto& want = build_steps[next];
    if (step.size() >= want.size() && std::equal(want.begin(), want.end(), step.begin()) &&
        ++next == build_steps.size())
      return true;
  }
  return false;
}

bool output_shows_failure(const std::string& output) {
  static const char* kMarkers[] = {"failed to compile", "build failed",  "compilation failed",
                                   "npm err!",          "npm error",     "elifecycle",
                                   "type error:",       "module not found", "syntaxerror",
                                   "error ts",          "error[e",       "command not found",
                                   "make: ***",         "traceback (most recent call last)"};
  std::string text = lower(output);
  for (const char* m : kMarkers)
    if (text.find(m) != std::string::npos) return true;
  return false;
}

bool runs_git_commit(const std::string& command) {
  for (const auto& seg : shell_segments(command)) {
    auto w = core_words(seg);
    if (w.empty() || w[0] != "git") continue;
    size_t i = 1;
    while (i < w.size() && w[i].rfind("-", 0) == 0) {
      bool takes_value = w[i] == "-C" || w[i] == "-c" || w[i] == "--git-dir" ||
                         w[i] == "--work-tree";
      i += takes_value ? 2 : 1;
    }
    if (i < w.size() && w[i] == "commit") return true;
  }
  return false;
}

bool segment_reads_files(const ShellSegment& segment) {
  static const std::set<std::string> readers = {
      "ls",   "ll",  "la",    "dir",  "find", "fd",   "fdfind", "tree", "grep", "egrep",
      "fgrep", "rg", "ag",    "ack",  "head", "tail", "less",   "more", "wc",   "stat",
      "file", "du",  "nl",    "bat",  "jq",   "od",   "xxd",    "diff", "view", "strings"};
  static const std::set<std::string> git_readers = {"log",   "show",    "ls-files", "grep",
                                                    "diff",  "blame",   "ls-tree",  "cat-file",
                                                    "status"};
  if (segment.joined_by == "|") return false;
  auto w = core_words(segment);
  if (w.empty()) return false;
  const std::string& cmd = w[0];
  auto has_file_argument = [&] {
    for (size_t i = 1; i < w.size(); ++i) {
      if (is_redirect(w[i])) {
        if (!redirect_has_target(w[i])) ++i;
        continue;
      }
      if (w[i].rfind("-", 0) != 0) return true;
    }
    return false;
  };
  if (readers.count(cmd)) return true;
  if (cmd == "cat" || cmd == "awk") return has_file_argument();
  if (cmd == "sed")
    return std::none_of(w.begin(), w.end(), [](const std::string& x) {
             return x.rfind("-i", 0) == 0 || x == "--in-place";
           }) && has_file_argument();
  if (cmd == "git") {
    size_t i = 1;
    while (i < w.size() && w[i].rfind("-", 0) == 0) i += (w[i] == "-C" || w[i] == "-c") ? 2 : 1;
    return i < w.size() && git_readers.count(w[i]);
  }
  return false;
}

std::vector<std::string> segment_written_paths(const ShellSegment& segment) {
  std::vector<std::string> paths;
  auto keep = [&](const std::string& p) {
    if (!p.empty() && p.rfind("/dev/", 0) != 0 && p[0] != '&') paths.push_back(p);
  };
  const auto& w = segment.words;
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    const std::string& op = w[i];
    if (!is_redirect(op) || op.find('>') == std::string::npos || redirect_has_target(op)) continue;
    if (op[0] == '2') continue;  // stderr goes to a log, not a file the task needs
    keep(w[i + 1]);
  }
  auto core = core_words(segment);
  if (!core.empty() && core[0] == "tee")
    for (size_t i = 1; i < core.size() && !is_redirect(core[i]); ++i)
      if (core[i].rfind("-", 0) != 0) keep(core[i]);
  if (!core.empty() && core[0] == "sed" &&
      std::any_of(core.begin(), core.end(),
                  [](const std::string& x) { return x.rfind("-i", 0) == 0 || x == "--in-place"; }))
    keep(core.back());
  return paths;
}

bool reads_files(const std::string& command) {
  auto segs = shell_segments(command);
  return std::any_of(segs.begin(), segs.end(), segment_reads_files);
}

std::vector<std::string> written_paths(const std::string& command) {
  std::vector<std::string> all;
  for (const auto& seg : shell_segments(command)) {
    auto p = segment_written_paths(seg);
    all.insert(all.end(), p.begin(), p.end());
  }
  return all;
}

std::vector<std::string> directory_targets(const std::string& command) {
  static const std::set<std::string> flags = {"-C", "--prefix", "--cwd", "--dir",
                                              "--manifest-path", "--directory"};
  std::vector<std::string> targets;
  for (const auto& seg : shell_segments(command)) {
    auto w = core_words(seg);
    if (w.empty()) continue;
    if ((w[0] == "cd" || w[0] == "pushd") && w.size() > 1) targets.push_back(w[1]);
    for (size_t i = 1; i < w.size(); ++i) {
      size_t eq = w[i].find('=');
      if (flags.count(w[i]) && i + 1 < w.size()) targets.push_back(w[i + 1]);
      else if (eq != std::string::npos && flags.count(w[i].substr(0, eq)))
        targets.push_back(w[i].substr(eq + 1));
    }
  }
  return targets;
}

std::vector<std::string> relative_path_words(const std::string& command) {
  std::vector<std::string> out;
  for (const auto& seg : shell_segments(command)) {
    auto w = core_words(seg);
    for (size_t i = 1; i < w.size(); ++i) {
      const std::string& x = w[i];
      if (is_redirect(x)) continue;
      if (x.empty() || x[0] == '-' || x[0] == '/' || x[0] == '~' || x[0] == '$' ||
          x.find("://") != std::string::npos || x.find('=') != std::string::npos)
        continue;
      bool pathlike = x != "." && x != "..";
      bool clean = std::all_of(x.begin(), x.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' ||
               c == '-' || c == '@' || c == '[' || c == ']';
      });
      if (pathlike && clean) out.push_back(x.rfind("./", 0) == 0 ? x.substr(2) : x);
    }
  }
  return out;
}

}  // namespace showdown
