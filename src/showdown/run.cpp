#include "showdown/run.h"

#include <algorithm>
#include <fstream>

#include "agent/agent.h"
#include "detect/text_tool_calls.h"
#include "llm/provider.h"
#include "mcp/client.h"
#include "mcp/launch.h"
#include "mcp/mcp_tool.h"
#include "result/metrics.h"
#include "sandbox/sandbox.h"
#include "showdown/requirements.h"
#include "tools/tool.h"
#include "transcript/transcript.h"
#include "workspace/workspace.h"

namespace showdown {

namespace fs = std::filesystem;

namespace {

const char* kSystemPrompt =
    "You are a coding agent working on a Linux machine through tools. Use them to inspect the "
    "repository, change files, run commands, build and test, and use git. Work until the task is "
    "done, then reply with a short summary and no tool call.";

/// Keeps the model's name and id out of anything a provider reports while sealed.
class RedactingProvider : public Provider {
 public:
  RedactingProvider(std::unique_ptr<Provider> inner, std::vector<std::string> secrets)
      : inner_(std::move(inner)), secrets_(std::move(secrets)) {}

  bool complete(const Request& request, Response* response, ProviderFailure* failure) override {
    bool ok = inner_->complete(request, response, failure);
    response->server_model.clear();
    for (const auto& secret : secrets_) {
      if (secret.empty()) continue;
      for (size_t pos; (pos = failure->message.find(secret)) != std::string::npos;)
        failure->message.replace(pos, secret.size(), "[sealed]");
    }
    return ok;
  }

 private:
  std::unique_ptr<Provider> inner_;
  std::vector<std::string> secrets_;
};

RunWorkspace workspace_of(const ShowdownContext& ctx, const std::string& label) {
  RunWorkspace ws;
  fs::path dir = run_dir(ctx, label);
  ws.home = dir / "home";
  ws.origin = dir / "origin.git";
  ws.branch = label;
  ws.base_sha = ctx.base_sha;
  return ws;
}

RunResult infra_result(const RunPlan& plan, const std::string& message) {
  RunResult r;
  r.run = plan.label;
  r.trial = plan.trial;
  r.scripted = plan.model->scripted;
  r.outcome = "infra_error";
  r.end_reason = "infra_error";
  r.error = message;
  return r;
}

std::unique_ptr<Toolbox> make_toolbox(const Task& task, Sandbox* sandbox,
                                      const std::string& cwd) {
  ToolConfig config;
  config.sandbox = sandbox;
  config.cwd = cwd;
  config.command_seconds = task.limits.command_seconds;
  auto tools = std::make_unique<Toolbox>();
  for (const auto& name : task.toolset) {
    if (name == "execute") tools->add(make_execute_tool(config));
    if (name == "read_file") tools->add(make_read_file_tool(config));
    if (name == "write_file") tools->add(make_write_file_tool(config));
    if (name == "edit_file") tools->add(make_edit_file_tool(config));
  }
  return tools;
}

}  // namespace

fs::path run_dir(const ShowdownContext& ctx, const std::string& label) {
  return ctx.out / "runs" / label;
}

bool load_run_result(const ShowdownContext& ctx, const std::string& label, RunResult* result) {
  std::ifstream in(run_dir(ctx, label) / "result.json");
  if (!in) return false;
  auto j = nlohmann::json::parse(in, nullptr, false);
  std::string err;
  return !j.is_discarded() && run_result_from_json(j, result, &err);
}

RunResult execute_run(const ShowdownContext& ctx, const RunPlan& plan) {
  const Task& task = ctx.task;
  fs::path dir = run_dir(ctx, plan.label);
  fs::path transcript_path = dir / "transcript.jsonl";
  RunWorkspace ws = workspace_of(ctx, plan.label);
  std::string err;

  std::vector<Record> records;
  std::error_code ec;
  if (fs::exists(transcript_path, ec) &&
      !read_transcript(transcript_path, &records, &err))
    return infra_result(plan, err);
  bool resuming = !records.empty();

  if (!resuming) {
    fs::remove_all(dir, ec);
    fs::create_directories(dir / "tmp", ec);
    if (!create_origin(ctx.task_repo, ctx.base_sha, ws.origin, &err) ||
        !prepare_run_workspace(task, ws, &err))
      return infra_result(plan, err);
    if (task.workspace == "clone" &&
        !run_setup(task, ws.home / task.name, dir / "setup.log", 900, &err))
      return infra_result(plan, "setup failed: " + err);
  }

  SandboxSpec spec;
  spec.home = ws.home;
  spec.tmp = dir / "tmp";
  spec.home_inside = ws.home_inside;
  spec.binds.push_back({ws.origin, ws.origin_inside});
  spec.network = task.network;
  spec.init_binary = ctx.init_binary;
  auto sandbox = make_sandbox(spec, &err);
  if (!sandbox) return infra_result(plan, "sandbox: " + err);

  const std::string repo_inside = repo_dir_inside(task, ws);
  auto tools = make_toolbox(task, sandbox.get(), task.cwd == "repo" ? repo_inside : ws.home_inside);
  std::vector<std::shared_ptr<McpClient>> mcp_clients;
  for (const auto& server : task.mcp_servers) {
    McpRunPlace place{task.dir, ws.home, ws.home / task.name, sandbox->pid(), dir};
    auto client = McpClient::start(task_mcp_launch(server, place), &err);
    if (!client) return infra_result(plan, "MCP server " + server.name + ": " + err);
    mcp_clients.push_back(client);
    for (auto& tool : make_mcp_tools(client, dir / "mcp", &err)) {
      const auto& hidden = server.hide;
      if (std::find(hidden.begin(), hidden.end(), tool->spec().name) == hidden.end())
        tools->add(std::move(tool));
    }
  }

  const ModelConfig& model = *plan.model;
  ProviderOptions options;
  options.provider = model.provider;
  options.base_url = model.base_url;
  options.model = model.model;
  options.stream = model.stream;
  if (!model.api_key_env.empty())
    if (const char* key = getenv(model.api_key_env.c_str())) options.api_key = key;
  auto inner = make_provider(options, &err);
  if (!inner) return infra_result(plan, err);
  RedactingProvider provider(std::move(inner), {model.name, model.model});

  ProtocolRules protocol(ctx.protocol, ctx.detectors, [&task, &ws] { return cheap_check(task, ws); });
  if (ctx.on_protocol) ctx.on_protocol(plan.label, &protocol);

  TranscriptWriter transcript;
  int64_t next_seq = resuming ? records.back().value("seq", int64_t{0}) + 1 : 0;
  if (!transcript.open(transcript_path, next_seq, &err)) return infra_result(plan, err);
  if (resuming) transcript.set_elapsed_offset(records.back().value("time", 0.0));

  AgentConfig config;
  config.system = kSystemPrompt;
  config.prompt = render_prompt(task, {{"repo_dir", "~/" + task.name},
                                       {"branch", ws.branch},
                                       {"origin", ws.origin_inside}});
  config.run_start = {{"run", plan.label},   {"task", task.name}, {"base", ctx.base_sha},
                      {"branch", ws.branch}, {"build", task.build}, {"cwd", task.cwd},
                      {"model", "[sealed]"}, {"trial", plan.trial}};
  config.limits.tool_calls = static_cast<int>(task.limits.tool_calls);
  config.limits.tokens = task.limits.tokens;
  config.limits.minutes = task.limits.minutes;
  config.max_output_tokens = static_cast<int>(model.max_output_tokens);
  if (model.rescue_text_tool_calls) {
    config.rescue = [specs = tools->specs()](const std::string& text) {
      std::vector<ToolCall> calls;
      for (const auto& t : parse_text_tool_calls(text, specs)) {
        ToolCall call;
        call.name = t.name;
        call.arguments = t.arguments;
        calls.push_back(std::move(call));
      }
      return calls;
    };
  }
  if (ctx.on_record)
    config.on_record = [&ctx, &plan](const Record& r) { ctx.on_record(plan.label, r); };

  Agent agent(std::move(config), &provider, tools.get(), &protocol, &transcript);
  AgentExit exit = resuming ? agent.resume(records) : agent.run();
  transcript.close();
  for (auto& client : mcp_clients) client->shutdown();
  sandbox->shutdown();
  if (ctx.on_protocol) ctx.on_protocol(plan.label, nullptr);
  if (exit.reason == "infra_error") return infra_result(plan, exit.error);
  return evaluate_run(ctx, plan);
}

RunResult evaluate_run(const ShowdownContext& ctx, const RunPlan& plan) {
  fs::path dir = run_dir(ctx, plan.label);
  std::vector<Record> records;
  std::string err;
  if (!read_transcript(dir / "transcript.jsonl", &records, &err)) return infra_result(plan, err);

  RunResult result;
  result.run = plan.label;
  result.trial = plan.trial;
  result.scripted = plan.model->scripted;
  apply_transcript_metrics(records, ctx.task.build, &result);
  result.pathologies = detect_all(records, ctx.detectors);
  if (plan.model->price)
    result.cost_usd = (result.prompt_tokens * plan.model->price->input +
                       result.completion_tokens * plan.model->price->output) / 1e6;

  CheckPlan check;
  check.task = &ctx.task;
  check.run = workspace_of(ctx, plan.label);
  check.work = dir / "check";
  check.init_binary = ctx.init_binary;
  if (!check_shipped(check, &result, &err)) return infra_result(plan, "checking the pushed branch: " + err);
  result.outcome = decide_outcome(result);

  std::ofstream out(dir / "result.json");
  out << to_json(result).dump(2) << "\n";
  return result;
}

}  // namespace showdown
