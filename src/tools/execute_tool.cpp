#include <chrono>
#include <cmath>
#include <cstdio>

#include "sandbox/sandbox.h"
#include "tools/arguments.h"
#include "tools/tool.h"

namespace showdown {

namespace {

std::string format_seconds(double seconds) {
  char text[32];
  if (seconds == std::floor(seconds))
    std::snprintf(text, sizeof text, "%.0f", seconds);
  else
    std::snprintf(text, sizeof text, "%.1f", seconds);
  return text;
}

class ExecuteTool : public Tool {
 public:
  explicit ExecuteTool(const ToolConfig& config) : config_(config) {
    std::string where = config.cwd == config.home ? "your home folder " + config.home : config.cwd;
    spec_.name = "execute";
    spec_.description =
        "Run a shell command with bash and get back its output (stdout and stderr together) "
        "and its exit code. Every call starts a fresh shell in " +
        where +
        ": cd, variables and other shell state do not carry over to the next call, so chain "
        "steps with && or use absolute paths. Commands get no input (stdin is empty), so use "
        "non-interactive flags. A command still running after " +
        format_seconds(config.command_seconds) +
        " s is killed together with every process it started; processes started in the "
        "background with & by a command that finishes keep running for later calls. Output "
        "longer than " +
        std::to_string(config.output_cap) + " bytes is cut in the middle.";
    spec_.parameters = string_parameters({{"command", "the bash command line to run"}});
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutcome call(const nlohmann::json& arguments) override {
    auto start = std::chrono::steady_clock::now();
    ToolOutcome outcome = run(arguments);
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
  }

 private:
  ToolOutcome run(const nlohmann::json& arguments) {
    CommandSpec command;
    std::string err;
    if (!string_argument(arguments, "execute", "command", &command.command, &err))
      return tool_error(err);
    if (!config_.sandbox) {
      ToolOutcome outcome = tool_error("execute has no sandbox to run in");
      outcome.infrastructure_failure = true;
      return outcome;
    }
    command.cwd = config_.cwd;
    command.timeout_seconds = config_.command_seconds;
    command.output_cap = config_.output_cap;
    CommandResult result;
    if (!config_.sandbox->run(command, &result, &err)) {
      ToolOutcome outcome = tool_error("the sandbox failed: " + err);
      outcome.infrastructure_failure = true;
      return outcome;
    }
    ToolOutcome outcome;
    outcome.output = result.output;
    if (!outcome.output.empty() && outcome.output.back() != '\n') outcome.output += '\n';
    if (result.timed_out)
      outcome.output += "[timed out after " + format_seconds(config_.command_seconds) +
                        " s; the command's processes were killed]";
    else
      outcome.output += "[exit code: " + std::to_string(result.exit_code) + "]";
    outcome.exit_code = result.exit_code;
    outcome.timed_out = result.timed_out;
    outcome.output_bytes = result.output_bytes;
    outcome.process_seconds = result.seconds;
    return outcome;
  }

  ToolConfig config_;
  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_execute_tool(const ToolConfig& config) {
  return std::make_unique<ExecuteTool>(config);
}

}  // namespace showdown
