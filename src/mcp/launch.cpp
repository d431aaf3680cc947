#include "mcp/launch.h"

#include <cctype>

namespace showdown {

McpLaunch task_mcp_launch(const McpServerConfig& config, const McpRunPlace& place) {
  McpLaunch launch;
  launch.name = config.name;
  launch.command = config.command;
  if (!launch.command.empty()) {
    std::filesystem::path program = launch.command[0];
    if (launch.command[0].find('/') != std::string::npos && program.is_relative()) {
      // Absolute, because the server starts in the run's home, not here.
      launch.command[0] =
          std::filesystem::absolute(place.task_dir / program).lexically_normal().string();
    }
  }
  launch.env = config.env;
  launch.cwd = config.cwd == "repo" ? place.repo : place.home;
  if (!place.log_dir.empty()) {
    std::string file = "mcp-";
    for (char c : config.name) file += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    launch.stderr_log = place.log_dir / (file + ".log");
  }
  if (place.sandbox_pid > 0) launch.netns_of = place.sandbox_pid;
  return launch;
}

}  // namespace showdown
