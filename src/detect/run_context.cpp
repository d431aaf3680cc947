#include "detect/run_context.h"

#include "detect/command.h"

namespace showdown {

std::string text_field(const Record& r, const char* key) {
  if (!r.is_object()) return "";
  auto it = r.find(key);
  return it != r.end() && it->is_string() ? it->get<std::string>() : "";
}

int int_field(const Record& r, const char* key, int fallback) {
  if (!r.is_object()) return fallback;
  auto it = r.find(key);
  if (it == r.end() || !it->is_number()) return fallback;
  return static_cast<int>(it->get<double>());
}

bool bool_field(const Record& r, const char* key, bool fallback) {
  if (!r.is_object()) return fallback;
  auto it = r.find(key);
  return it != r.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::string excerpt(const std::string& text, size_t max_chars) {
  std::string flat;
  for (char c : text) {
    if (c == '\n') flat += " ⏎ ";
    else if (c != '\r') flat += c;
  }
  size_t b = flat.find_first_not_of(" \t");
  flat = b == std::string::npos ? "" : flat.substr(b);
  while (!flat.empty() && (flat.back() == ' ' || flat.back() == '\t')) flat.pop_back();
  if (flat.size() <= max_chars) return flat;
  size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;
  return flat.substr(0, cut) + "…";
}

bool CallInfo::failed() const {
  if (!is_execute()) return is_error;
  if (exit_code != 0 || timed_out || is_error) return true;
  // `npm run build 2>&1 | tail -20` exits with tail's status: trust the output.
  return command.find('|') != std::string::npos && !reads_files(command) &&
         output_shows_failure(output);
}

namespace {

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    std::string part = path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    if (!part.empty() && part != ".") parts.push_back(part);
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return parts;
}

}  // namespace

void RunContext::observe(const Record& r) {
  const std::string type = text_field(r, "type");
  if (type == "run_start") {
    build_ = text_field(r, "build");
    repo_name_ = text_field(r, "task");
    std::string cwd = text_field(r, "cwd");
    auto parts = components(cwd);
    starts_in_repo_ = cwd == "repo" || (!repo_name_.empty() && !parts.empty() && parts.back() == repo_name_);
    auto tools = r.find("tools");
    if (tools != r.end() && tools->is_array() && !tools->empty()) {
      tool_names_.clear();
      for (const auto& t : *tools) {
        std::string name = text_field(t, "name");
        if (!name.empty()) tool_names_.push_back(name);
      }
    }
  } else if (type == "response") {
    last_assistant_message_ = int_field(r, "message", last_assistant_message_ + 1);
  } else if (type == "tool_call") {
    CallInfo c;
    c.id = text_field(r, "id");
    c.name = text_field(r, "name");
    c.index = int_field(r, "index", calls_ + 1);
    c.message = last_assistant_message_;
    auto args = r.find("arguments");
    if (args != r.end() && args->is_object()) c.arguments = *args;
    c.command = text_field(c.arguments, "command");
    c.path = text_field(c.arguments, "path");
    if (c.path.empty()) c.path = text_field(c.arguments, "file_path");
    ++calls_;
    by_id_[c.id] = std::move(c);
  } else if (type == "tool_result") {
    auto it = by_id_.find(text_field(r, "id"));
    if (it == by_id_.end()) {
      // A result without its call (a transcript cut at the front): keep what it says.
      CallInfo c;
      c.id = text_field(r, "id");
      c.name = text_field(r, "name");
      c.message = last_assistant_message_;
      it = by_id_.emplace(c.id, std::move(c)).first;
    }
    CallInfo& c = it->second;
    c.returned = true;
    c.output = text_field(r, "output");
    c.is_error = bool_field(r, "is_error");
    c.exit_code = int_field(r, "exit_code", c.is_error ? 1 : 0);
    c.timed_out = bool_field(r, "timed_out");
  }
}

const CallInfo* RunContext::call(const Record& record) const {
  auto it = by_id_.find(text_field(record, "id"));
  return it == by_id_.end() ? nullptr : &it->second;
}

std::string RunContext::repo_relative(const std::string& path, bool in_repo_cwd) const {
  auto parts = components(path);
  if (!repo_name_.empty()) {
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i] != repo_name_) continue;
      std::string rest;
      for (size_t k = i + 1; k < parts.size(); ++k) rest += (rest.empty() ? "" : "/") + parts[k];
      return rest.empty() ? "." : rest;
    }
  }
  bool relative = !path.empty() && path[0] != '/' && path[0] != '~' && path[0] != '$';
  if (!relative || !in_repo_cwd) return "";
  std::string rest;
  for (const auto& p : parts) rest += (rest.empty() ? "" : "/") + p;
  return rest.empty() ? "." : rest;
}

bool RunContext::command_in_repo(const std::string& command) const {
  auto targets = directory_targets(command);
  if (targets.empty()) return starts_in_repo_;
  const std::string& last = targets.back();
  if (repo_name_.empty()) return true;
  return !repo_relative(last, starts_in_repo_).empty();
}

}  // namespace showdown
