// links: showdown_agent showdown_scripted showdown_sandbox
// The agent's own cost per step: from a response received to the next request
// sent, minus the lifetime of the tool's sandboxed process (budget: 1 ms median
// over 200 scripted steps), and a whole execute of `true` (budget: 10 ms median).
// Real HTTP to serve-script, real bubblewrap, real transcript writes.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "agent/agent.h"
#include "sandbox/sandbox.h"
#include "scripted/script.h"
#include "scripted/server.h"
#include "test_util.h"
#include "tools/tool.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

/// Notes when each request leaves and each response returns.
class TimedProvider : public Provider {
 public:
  explicit TimedProvider(std::unique_ptr<Provider> inner) : inner_(std::move(inner)) {}
  bool complete(const Request& request, Response* response, ProviderFailure* failure) override {
    sent.push_back(Clock::now());
    bool ok = inner_->complete(request, response, failure);
    returned.push_back(Clock::now());
    return ok;
  }
  std::vector<Clock::time_point> sent, returned;

 private:
  std::unique_ptr<Provider> inner_;
};

/// Sums the sandboxed process lifetimes of the calls made in each step.
class TimedTool : public Tool {
 public:
  explicit TimedTool(std::unique_ptr<Tool> inner) : inner_(std::move(inner)) {}
  const ToolSpec& spec() const override { return inner_->spec(); }
  ToolOutcome call(const nlohmann::json& arguments) override {
    ToolOutcome out = inner_->call(arguments);
    process_seconds.push_back(out.process_seconds);
    call_seconds.push_back(out.seconds);
    return out;
  }
  std::vector<double> process_seconds, call_seconds;

 private:
  std::unique_ptr<Tool> inner_;
};

void BM_AgentStepOverhead(benchmark::State& state) {
  const int steps = 200;
  nlohmann::json turns = nlohmann::json::array();
  for (int i = 0; i < steps; ++i)
    turns.push_back({{"tool_calls", {{{"name", "execute"}, {"arguments", {{"command", "true"}}}}}},
                     {"usage", {{"prompt_tokens", 1000 + i}, {"completion_tokens", 20}}}});
  Script script;
  std::string err;
  parse_script({{"model", "bench"}, {"turns", turns}}, "bench.json", &script, &err);
  ScriptServer server({script});
  if (!server.start("127.0.0.1", 0, &err)) return state.SkipWithError(err.c_str());

  for (auto _ : state) {
    test::TempDir root;
    fs::create_directories(root / "home");
    fs::create_directories(root / "tmp");
    SandboxSpec spec;
    spec.home = root / "home";
    spec.tmp = root / "tmp";
    spec.init_binary = fs::read_symlink("/proc/self/exe");
    auto sandbox = make_sandbox(spec, &err);
    if (!sandbox) return state.SkipWithError(err.c_str());
    ToolConfig config;
    config.sandbox = sandbox.get();
    config.cwd = "/home/agent";
    auto timed = std::make_unique<TimedTool>(make_execute_tool(config));
    TimedTool* execute = timed.get();
    Toolbox tools;
    tools.add(std::move(timed));

    ProviderOptions options;
    options.base_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1";
    options.model = "bench";
    TimedProvider provider(make_provider(options, &err));
    TranscriptWriter transcript;
    transcript.open(root / "transcript.jsonl", 0, &err);
    AgentConfig agent_config;
    agent_config.system = "bench";
    agent_config.prompt = "run true 200 times";
    agent_config.limits.tool_calls = steps;
    Agent agent(agent_config, &provider, &tools, nullptr, &transcript);
    agent.run();

    // The first figure leaves out the provider's call (building and sending the
    // body, the server's answer); the second counts it all, scripted server
    // included, as an upper bound.
    std::vector<double> overhead_ms, upper_ms;
    for (size_t i = 0; i + 1 < provider.sent.size() && i < execute->process_seconds.size(); ++i) {
      double between = std::chrono::duration<double>(provider.sent[i + 1] - provider.returned[i]).count();
      double whole = std::chrono::duration<double>(provider.returned[i + 1] - provider.returned[i]).count();
      overhead_ms.push_back((between - execute->process_seconds[i]) * 1000);
      upper_ms.push_back((whole - execute->process_seconds[i]) * 1000);
    }
    state.counters["step_with_http_round_trip_median_ms"] = median(upper_ms);
    std::vector<double> execute_ms;
    for (double s : execute->call_seconds) execute_ms.push_back(s * 1000);
    state.counters["agent_step_overhead_median_ms"] = median(overhead_ms);
    state.counters["execute_true_median_ms"] = median(execute_ms);
    state.counters["steps"] = static_cast<double>(overhead_ms.size());
  }
}
BENCHMARK(BM_AgentStepOverhead)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace showdown

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "__sandbox-init") return showdown::sandbox_init_main(argc, argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
