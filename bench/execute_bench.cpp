// links: showdown_tools
// A whole `execute` of `true` through a live sandbox: what every agent command
// pays in harness overhead (budget: 10 ms median).
#include <benchmark/benchmark.h>

#include <cstring>
#include <filesystem>

#include "sandbox/sandbox.h"
#include "test_util.h"
#include "tools/tool.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;

void BM_ExecuteTrue(benchmark::State& state) {
  test::TempDir root;
  fs::create_directories(root / "home");
  fs::create_directories(root / "tmp");
  SandboxSpec spec;
  spec.home = root / "home";
  spec.tmp = root / "tmp";
  spec.init_binary = fs::read_symlink("/proc/self/exe");
  std::string err;
  std::unique_ptr<Sandbox> sandbox = make_sandbox(spec, &err);
  if (!sandbox) {
    state.SkipWithError(err.c_str());
    return;
  }
  ToolConfig config;
  config.sandbox = sandbox.get();
  config.cwd = "/home/agent";
  Toolbox toolbox;
  toolbox.add(make_execute_tool(config));
  ToolCall call;
  call.name = "execute";
  call.arguments = {{"command", "true"}};
  for (auto _ : state) {
    ToolOutcome outcome = toolbox.call(call);
    if (outcome.exit_code != 0) {
      state.SkipWithError(outcome.output.c_str());
      break;
    }
  }
}
BENCHMARK(BM_ExecuteTrue)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);

}  // namespace
}  // namespace showdown

// The bench binary doubles as the sandbox's init, as `showdown` does in production.
int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "__sandbox-init") == 0)
    return showdown::sandbox_init_main(argc, argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
