#pragma once
// From a task's [[mcp_server]] to the launch of that server for one run.
#include <sys/types.h>

#include <filesystem>

#include "mcp/client.h"
#include "task/task.h"

namespace showdown {

/// Where one run's MCP servers start: host paths of the run's home and its
/// repository, the sandbox whose network they join, and where their logs go.
struct McpRunPlace {
  std::filesystem::path task_dir;  // relative commands are found here
  std::filesystem::path home;      // cwd = "home"
  std::filesystem::path repo;      // cwd = "repo"
  pid_t sandbox_pid = 0;           // Sandbox::pid(); 0: stay in the harness's network
  /// Stderr goes to LOG_DIR/mcp-NAME.log, odd characters of NAME written as _.
  std::filesystem::path log_dir;
};

/// The launch of `config` for a run: a command[0] holding a '/' but not
/// absolute (`mcp/node_modules/.bin/playwright-mcp`) is resolved against the
/// task's folder; the rest of the command and its env are passed as written.
McpLaunch task_mcp_launch(const McpServerConfig& config, const McpRunPlace& place);

}  // namespace showdown
