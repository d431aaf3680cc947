#pragma once
// What the agent offers the model. A tool validates its own arguments and never
// throws: a bad call becomes an error result the model reads.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/message.h"

namespace showdown {

class Sandbox;

struct ToolOutcome {
  std::string output;       // what the model reads
  bool is_error = false;
  int exit_code = -1;       // execute only
  bool timed_out = false;   // execute only
  int64_t output_bytes = 0; // execute only: before capping
  double seconds = 0;       // wall time of the call
  double process_seconds = 0;  // execute only: the command's lifetime inside the sandbox
  nlohmann::json extra;     // tool-specific facts for the transcript (e.g. MCP images saved)
  bool infrastructure_failure = false;  // the sandbox or an MCP server died
};

class Tool {
 public:
  virtual ~Tool() = default;
  virtual const ToolSpec& spec() const = 0;
  virtual ToolOutcome call(const nlohmann::json& arguments) = 0;
};

struct ToolConfig {
  Sandbox* sandbox = nullptr;
  std::string home = "/home/agent";  // the agent's HOME inside: relative tool paths start here
  std::string cwd;                 // inside path where execute starts
  double command_seconds = 300;
  size_t output_cap = 32 * 1024;   // bytes of command output the model sees
  size_t read_cap = 256 * 1024;    // bytes read_file returns
};

std::unique_ptr<Tool> make_execute_tool(const ToolConfig& config);
std::unique_ptr<Tool> make_read_file_tool(const ToolConfig& config);
std::unique_ptr<Tool> make_write_file_tool(const ToolConfig& config);
std::unique_ptr<Tool> make_edit_file_tool(const ToolConfig& config);

/// The tools of one run, looked up by name.
class Toolbox {
 public:
  void add(std::unique_ptr<Tool> tool);
  std::vector<ToolSpec> specs() const;
  bool has(const std::string& name) const;
  /// Unknown tools and unparseable arguments come back as error outcomes.
  ToolOutcome call(const ToolCall& call);

 private:
  std::vector<std::unique_ptr<Tool>> tools_;
};

}  // namespace showdown
