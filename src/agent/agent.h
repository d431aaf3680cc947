#pragma once
// The built-in agent: sends the conversation and the tool schemas, runs the tool
// calls it gets back, appends the results, until the model ends its turn or a
// limit is hit. It knows nothing of HTTP or of any API dialect (Provider), of
// sandboxes (Toolbox) or of when to intervene (Protocol); it writes every step to
// the transcript before the next request goes out.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "agent/protocol.h"
#include "llm/provider.h"
#include "tools/tool.h"
#include "transcript/transcript.h"

namespace showdown {

struct AgentLimits {
  int tool_calls = 150;
  int64_t tokens = 5000000;
  double minutes = 60;
};

struct AgentConfig {
  std::string system;
  std::string prompt;
  Record run_start;  // fields for the run_start record (run, task, base, …)
  AgentLimits limits;
  int max_output_tokens = 4096;
  /// Turns tool calls written as text into calls (models.toml rescue_text_tool_calls).
  std::function<std::vector<ToolCall>(const std::string& text)> rescue;
  /// Every record after it is written: live views.
  std::function<void(const Record&)> on_record;
};

/// How the run ended: run_end's reason, and the message of an error if any.
struct AgentExit {
  std::string reason;
  std::string error;
};

class Agent {
 public:
  Agent(AgentConfig config, Provider* provider, Toolbox* tools, Protocol* protocol,
        TranscriptWriter* transcript);

  /// Starts a run from its prompt.
  AgentExit run();
  /// Continues a run from its transcript's records: the conversation is rebuilt,
  /// tool calls that were requested but not answered are executed, and the loop
  /// goes on. A run that had ended returns its recorded end.
  AgentExit resume(const std::vector<Record>& records);

 private:
  AgentExit loop();
  void record(Record r);
  void add_user_message(const std::string& text, const std::string& source);
  /// Runs calls in order; those in *already_recorded were written as tool_call
  /// records before a resume and are not recorded or counted again.
  bool execute_calls(const std::vector<ToolCall>& calls, bool rescued, AgentExit* exit,
                     const std::set<std::string>* already_recorded = nullptr);
  AgentExit finish(const std::string& reason, const std::string& error = "");
  std::string limit_reached() const;

  AgentConfig config_;
  Provider* provider_;
  Toolbox* tools_;
  Protocol* protocol_;
  TranscriptWriter* transcript_;
  std::vector<Message> messages_;
  std::vector<ToolSpec> specs_;  // the toolbox's, fixed for the run
  int step_ = 0;
  int tool_calls_ = 0;
  int64_t tokens_ = 0;
};

}  // namespace showdown
