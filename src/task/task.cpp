#include "task/task.h"

#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "task/toml_fields.h"

namespace showdown {
namespace {

bool valid_name(const std::string& name) {
  static const std::regex pattern("[A-Za-z0-9_][A-Za-z0-9._-]*");
  return std::regex_match(name, pattern);
}

// Fills the kind of `req` from its check; false with a message for a bad built-in.
bool parse_check(Requirement* req, std::string* message) {
  const std::string prefix = "builtin:";
  if (req->check.rfind(prefix, 0) != 0) {
    req->kind = CheckKind::shell;
    return true;
  }
  std::string spec;
  for (char c : req->check.substr(prefix.size())) {
    if (!std::isspace(static_cast<unsigned char>(c))) spec += c;
  }
  static const std::regex commits("commits>=([0-9]{1,9})");
  std::smatch match;
  if (std::regex_match(spec, match, commits)) {
    req->kind = CheckKind::commits;
    req->min_commits = std::stoll(match[1]);
    if (req->min_commits < 1) {
      *message = "builtin:commits>=N needs N >= 1";
      return false;
    }
    return true;
  }
  if (spec == "pushed") {
    req->kind = CheckKind::pushed;
  } else if (spec == "screenshot") {
    req->kind = CheckKind::screenshot;
  } else if (spec == "no_pr") {
    req->kind = CheckKind::no_pr;
  } else {
    *message = "unknown built-in \"" + req->check +
               "\" (expected builtin:commits>=N, builtin:pushed, builtin:screenshot or "
               "builtin:no_pr)";
    return false;
  }
  return true;
}

void read_requirements(TomlFields* root, TomlErrors* errors, Task* task) {
  std::set<std::string> ids;
  std::vector<const toml::table*> tables = root->table_array("requirement");
  for (size_t i = 0; i < tables.size() && errors->ok(); ++i) {
    TomlFields fields(errors, *tables[i], "requirement[" + std::to_string(i) + "].", &task->lines);
    Requirement req;
    fields.string("id", &req.id, true);
    fields.string("text", &req.text);
    fields.string("check", &req.check, true);
    fields.finish();
    if (!errors->ok()) return;
    if (!ids.insert(req.id).second) {
      fields.fail("id", "duplicate requirement id \"" + req.id + "\"");
      return;
    }
    std::string message;
    if (!parse_check(&req, &message)) {
      fields.fail("check", message);
      return;
    }
    task->requirements.push_back(std::move(req));
  }
}

void read_mcp_servers(TomlFields* root, TomlErrors* errors, Task* task) {
  std::set<std::string> names;
  std::vector<const toml::table*> tables = root->table_array("mcp_server");
  for (size_t i = 0; i < tables.size() && errors->ok(); ++i) {
    TomlFields fields(errors, *tables[i], "mcp_server[" + std::to_string(i) + "].", &task->lines);
    McpServerConfig server;
    fields.string("name", &server.name, true);
    fields.string_array("command", &server.command, true);
    fields.string_table("env", &server.env);
    fields.choice("cwd", &server.cwd, {"home", "repo"});
    fields.string_array("hide", &server.hide);
    fields.finish();
    if (!errors->ok()) return;
    if (!names.insert(server.name).second) {
      fields.fail("name", "duplicate MCP server name \"" + server.name + "\"");
      return;
    }
    task->mcp_servers.push_back(std::move(server));
  }
}

void read_toolset(TomlFields* root, Task* task) {
  root->string_array("toolset", &task->toolset);
  if (!root->ok()) return;
  static const std::set<std::string> known = {"execute", "read_file", "write_file", "edit_file"};
  std::set<std::string> seen;
  if (task->toolset.empty()) root->fail("toolset", "must name at least one tool");
  for (const std::string& tool : task->toolset) {
    if (!known.count(tool)) {
      root->fail("toolset", "unknown tool \"" + tool +
                                "\" (expected execute, read_file, write_file or edit_file)");
    } else if (!seen.insert(tool).second) {
      root->fail("toolset", "tool \"" + tool + "\" listed twice");
    }
  }
}

void read_limits(TomlFields* root, TomlErrors* errors, Task* task) {
  const toml::table* table = root->table("limits");
  if (!table) return;
  TomlFields limits(errors, *table, "limits.", &task->lines);
  limits.positive_integer("tool_calls", &task->limits.tool_calls);
  limits.positive_integer("tokens", &task->limits.tokens);
  limits.positive_number("minutes", &task->limits.minutes);
  limits.positive_number("command_seconds", &task->limits.command_seconds);
  limits.finish();
}

void read_repo_and_prompt(TomlFields* root, Task* task) {
  if (!is_git_url(task->repo)) {
    task->repo_dir = (task->dir / task->repo).lexically_normal();
    std::error_code ec;
    if (!std::filesystem::is_directory(task->repo_dir, ec)) {
      root->fail("repo", "folder not found: " + task->repo_dir.string());
      return;
    }
  }
  std::filesystem::path prompt_path = task->dir / task->prompt_file;
  std::ifstream in(prompt_path, std::ios::binary);
  if (!in) {
    root->fail("prompt", "cannot read prompt file " + prompt_path.lexically_normal().string());
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  task->prompt = text.str();
  if (task->prompt.find_first_not_of(" \t\r\n") == std::string::npos) {
    root->fail("prompt", "prompt file " + prompt_path.lexically_normal().string() + " is empty");
  }
}

}  // namespace

bool is_git_url(const std::string& repo) {
  static const std::regex scp_like("[A-Za-z0-9._-]+@[A-Za-z0-9._-]+:.*");
  return repo.find("://") != std::string::npos || std::regex_match(repo, scp_like);
}

bool load_task(const std::filesystem::path& task_toml_or_folder, Task* task, std::string* err) {
  *task = Task();
  std::error_code ec;
  task->file = std::filesystem::is_directory(task_toml_or_folder, ec)
                   ? task_toml_or_folder / "task.toml"
                   : task_toml_or_folder;
  task->dir = task->file.has_parent_path() ? task->file.parent_path() : ".";

  toml::table root_table;
  if (!parse_toml_file(task->file, &root_table, err)) return false;

  TomlErrors errors{task->file.string(), ""};
  TomlFields root(&errors, root_table, "", &task->lines);
  root.string("name", &task->name, true);
  if (errors.ok() && !valid_name(task->name)) {
    root.fail("name",
              "\"" + task->name + "\" is not a folder name (letters, digits, '.', '_', '-')");
  }
  root.string("repo", &task->repo, true);
  root.string("base", &task->base);
  if (errors.ok() && task->base.empty()) root.fail("base", "must not be empty");
  root.string("prompt", &task->prompt_file, true);
  root.string("setup", &task->setup);
  root.string("build", &task->build);
  root.choice("workspace", &task->workspace, {"clone", "agent"});
  root.choice("cwd", &task->cwd, {"home", "repo"});
  root.string("screenshot", &task->screenshot);
  if (errors.ok() && task->screenshot.empty()) root.fail("screenshot", "must not be empty");
  root.boolean("network", &task->network);
  read_toolset(&root, task);
  read_limits(&root, &errors, task);
  read_requirements(&root, &errors, task);
  root.json_table("detectors", &task->detectors);
  root.json_table("protocol", &task->protocol);
  read_mcp_servers(&root, &errors, task);
  root.finish();
  if (errors.ok()) read_repo_and_prompt(&root, task);
  if (!errors.ok()) {
    *err = errors.first;
    return false;
  }
  return true;
}

std::string task_error(const Task& task, const std::string& field, const std::string& message) {
  auto it = task.lines.find(field);
  return field_error(task.file.string(), it == task.lines.end() ? 0 : it->second, field, message);
}

std::string render_prompt(const Task& task, const std::map<std::string, std::string>& vars) {
  std::string out = task.prompt;
  for (const auto& [key, value] : vars) {
    const std::string placeholder = "{{" + key + "}}";
    for (size_t pos = out.find(placeholder); pos != std::string::npos;
         pos = out.find(placeholder, pos + value.size())) {
      out.replace(pos, placeholder.size(), value);
    }
  }
  return out;
}

}  // namespace showdown
