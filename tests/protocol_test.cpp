// links: showdown_protocol showdown_scripted showdown_sandbox
// The fixed intervention protocol, driving the real agent against serve-script:
// the same nudges and stops at the same steps, every time.
#include <gtest/gtest.h>

#include "agent/agent.h"
#include "protocol/rules.h"
#include "sandbox/sandbox.h"
#include "scripted/script.h"
#include "scripted/server.h"
#include "test_util.h"
#include "tools/tool.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// (event, step of the request that followed) for every nudge and stop.
using Interventions = std::vector<std::pair<std::string, int>>;

class ProtocolTest : public ::testing::Test {
 protected:
  void serve(const json& script_json) {
    Script script;
    std::string err;
    ASSERT_TRUE(parse_script(script_json, "t.json", &script, &err)) << err;
    server = std::make_unique<ScriptServer>(std::vector<Script>{script});
    ASSERT_TRUE(server->start("127.0.0.1", 0, &err)) << err;
  }

  /// One run in a fresh home; returns its records.
  std::vector<Record> run(CheckSummary checks, ProtocolConfig config = {}, int max_calls = 100) {
    test::TempDir dir;
    fs::create_directories(dir / "home");
    fs::create_directories(dir / "tmp");
    SandboxSpec spec;
    spec.home = dir / "home";
    spec.tmp = dir / "tmp";
    spec.init_binary = fs::read_symlink("/proc/self/exe");
    std::string err;
    auto sandbox = make_sandbox(spec, &err);
    EXPECT_TRUE(sandbox) << err;
    ToolConfig tool_config;
    tool_config.sandbox = sandbox.get();
    tool_config.cwd = "/home/agent";
    Toolbox tools;
    tools.add(make_execute_tool(tool_config));
    ProviderOptions options;
    options.base_url = "http://127.0.0.1:" + std::to_string(server->port()) + "/v1";
    auto provider = make_provider(options, &err);
    ProtocolRules protocol(config, DetectorConfig{}, [checks] { return checks; });
    TranscriptWriter transcript;
    EXPECT_TRUE(transcript.open(dir / "t.jsonl", 0, &err));
    AgentConfig agent_config;
    agent_config.system = "test";
    agent_config.prompt = "do it";
    agent_config.run_start = {{"run", "run-1"}, {"build", "sh build.sh"}};
    agent_config.limits.tool_calls = max_calls;
    Agent agent(agent_config, provider.get(), &tools, &protocol, &transcript);
    agent.run();
    transcript.close();
    std::vector<Record> records;
    EXPECT_TRUE(read_transcript(dir / "t.jsonl", &records, &err)) << err;
    return records;
  }

  static Interventions interventions(const std::vector<Record>& records) {
    Interventions out;
    std::string pending;
    for (const auto& r : records) {
      std::string event = r.value("event", "");
      if (r["type"] == "event" && (event == "nudge" || event == "stop")) pending = event;
      if (r["type"] == "request" && !pending.empty()) {
        out.push_back({pending, r["step"].get<int>()});
        pending.clear();
      }
    }
    return out;
  }

  static std::string end_reason(const std::vector<Record>& records) {
    return records.back().value("reason", "");
  }

  std::unique_ptr<ScriptServer> server;
};

TEST_F(ProtocolTest, NudgesAnUnfinishedTurnAtMostMaxNudgesTimes) {
  serve({{"model", "idle"}, {"turns", json::array({{{"content", "I think I am done."}}})}});
  auto records = run({{}, {"commits"}});
  EXPECT_EQ(interventions(records), (Interventions{{"nudge", 2}, {"nudge", 3}, {"nudge", 4}}));
  EXPECT_EQ(end_reason(records), "end_turn");
  int checks = 0;
  for (const auto& r : records) checks += r.value("event", "") == "check";
  EXPECT_EQ(checks, 4);
}

TEST_F(ProtocolTest, DoesNotNudgeWhenTheCheapChecksPass) {
  serve({{"model", "done"}, {"turns", json::array({{{"content", "Done."}}})}});
  auto records = run({{"commits", "pushed"}, {}});
  EXPECT_TRUE(interventions(records).empty());
  EXPECT_EQ(end_reason(records), "end_turn");
}

TEST_F(ProtocolTest, StopsADoomLoopThenEndsTheRunAfterTheGraceCalls) {
  json failing = {{"tool_calls", {{{"name", "execute"}, {"arguments", {{"command", "sh build.sh"}}}}}},
                  {"repeat", 30}};
  serve({{"model", "loop"}, {"turns", json::array({failing})}});
  ProtocolConfig config;
  config.stop_grace_calls = 2;
  auto first = run({{}, {"build"}}, config);
  auto second = run({{}, {"build"}}, config);
  Interventions once = interventions(first);
  ASSERT_EQ(once.size(), 1u);
  EXPECT_EQ(once[0].first, "stop");
  EXPECT_EQ(end_reason(first), "stopped");
  int calls_after_stop = 0;
  bool stopped = false;
  for (const auto& r : first) {
    if (r["type"] == "message" && r["source"] == "stop") stopped = true;
    if (stopped && r["type"] == "tool_call") ++calls_after_stop;
  }
  EXPECT_EQ(calls_after_stop, config.stop_grace_calls + 1);
  // The same session gives the same interventions at the same steps.
  EXPECT_EQ(interventions(second), once);
  EXPECT_EQ(first.size(), second.size());
}

TEST_F(ProtocolTest, DisabledProtocolNeverIntervenes) {
  serve({{"model", "idle"}, {"turns", json::array({{{"content", "Finished."}}})}});
  ProtocolConfig config;
  std::string err;
  ASSERT_TRUE(config.apply({{"enabled", false}}, &err)) << err;
  EXPECT_TRUE(interventions(run({{}, {"commits"}}, config)).empty());
  EXPECT_FALSE(config.apply({{"max_nudge", 2}}, &err));
  EXPECT_NE(err.find("max_nudge"), std::string::npos);
}

}  // namespace
}  // namespace showdown

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "__sandbox-init") return showdown::sandbox_init_main(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
