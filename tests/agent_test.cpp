// links: showdown_agent showdown_scripted showdown_sandbox
// The agent loop against the real scripted server over HTTP, with real sandboxed
// tools: every step recorded, usage summed, faults retried, resume exact.
#include <gtest/gtest.h>

#include <fstream>

#include "agent/agent.h"
#include "sandbox/sandbox.h"
#include "scripted/script.h"
#include "scripted/server.h"
#include "test_util.h"
#include "tools/tool.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// 50 tool calls with known usage; faults of every kind on some turns.
json fifty_call_script() {
  json turns = json::array();
  const std::map<int, std::string> faults = {{3, "http_500"},         {7, "http_429"},
                                             {11, "reset"},           {15, "truncated_stream"},
                                             {19, "malformed_json"},  {23, "hang"}};
  for (int i = 0; i < 50; ++i) {
    json turn = {{"tool_calls", {{{"name", "execute"},
                                  {"arguments", {{"command", "echo step " + std::to_string(i)}}}}}},
                 {"usage", {{"prompt_tokens", 100 + i}, {"completion_tokens", 10}}}};
    if (faults.count(i)) turn["fault"] = faults.at(i);
    if (i == 7) turn["retry_after"] = 0;
    turns.push_back(turn);
  }
  turns.push_back({{"content", "All done."}, {"usage", {{"prompt_tokens", 200}, {"completion_tokens", 5}}}});
  return {{"model", "fifty"}, {"turns", turns}};
}

constexpr int64_t kScriptedTokens = 50 * 100 + (49 * 50) / 2 + 50 * 10 + 205;

struct Setup {
  std::string provider;
  bool stream;
};

class AgentTest : public ::testing::TestWithParam<Setup> {
 protected:
  void SetUp() override {
    Script script;
    std::string err;
    ASSERT_TRUE(parse_script(fifty_call_script(), "fifty.json", &script, &err)) << err;
    server = std::make_unique<ScriptServer>(std::vector<Script>{script});
    ASSERT_TRUE(server->start("127.0.0.1", 0, &err)) << err;

    fs::create_directories(dir / "home");
    fs::create_directories(dir / "tmp");
    SandboxSpec spec;
    spec.home = dir / "home";
    spec.tmp = dir / "tmp";
    spec.init_binary = fs::read_symlink("/proc/self/exe");
    sandbox = make_sandbox(spec, &err);
    ASSERT_TRUE(sandbox) << err;
    ToolConfig config;
    config.sandbox = sandbox.get();
    config.cwd = "/home/agent";
    config.command_seconds = 10;
    tools.add(make_execute_tool(config));
    tools.add(make_write_file_tool(config));

    ProviderOptions options;
    options.provider = GetParam().provider;
    options.stream = GetParam().stream;
    options.base_url = "http://127.0.0.1:" + std::to_string(server->port()) +
                       (options.provider == "openai" ? "/v1" : "");
    options.model = "fifty";
    options.backoff_initial_seconds = 0.01;
    options.backoff_max_seconds = 0.05;
    options.idle_timeout_seconds = 0.5;
    provider = make_provider(options, &err);
    ASSERT_TRUE(provider) << err;
  }

  AgentConfig config() {
    AgentConfig c;
    c.system = "You are a test.";
    c.prompt = "Run fifty commands.";
    c.run_start = {{"run", "run-1"}};
    return c;
  }

  std::vector<Record> records() {
    std::vector<Record> r;
    std::string err;
    EXPECT_TRUE(read_transcript(dir / "transcript.jsonl", &r, &err)) << err;
    return r;
  }

  static int count(const std::vector<Record>& records, const std::string& type,
                   const std::string& event = "") {
    int n = 0;
    for (const auto& r : records)
      n += r["type"] == type && (event.empty() || r.value("event", "") == event);
    return n;
  }

  test::TempDir dir;
  std::unique_ptr<ScriptServer> server;
  std::unique_ptr<Sandbox> sandbox;
  Toolbox tools;
  std::unique_ptr<Provider> provider;
};

TEST_P(AgentTest, RecordsEveryToolCallAndSumsScriptedUsageThroughFaults) {
  TranscriptWriter transcript;
  std::string err;
  ASSERT_TRUE(transcript.open(dir / "transcript.jsonl", 0, &err)) << err;
  Agent agent(config(), provider.get(), &tools, nullptr, &transcript);
  AgentExit exit = agent.run();
  transcript.close();
  EXPECT_EQ(exit.reason, "end_turn") << exit.error;

  auto r = records();
  EXPECT_EQ(count(r, "tool_call"), 50);
  EXPECT_EQ(count(r, "tool_result"), 50);
  EXPECT_EQ(count(r, "event", "retry"), 6);
  int64_t tokens = 0, retries = 0;
  for (const auto& rec : r)
    if (rec["type"] == "response") {
      tokens += rec["usage"]["total_tokens"].get<int64_t>();
      retries += rec["attempts"].get<int>() - 1;
    }
  EXPECT_EQ(tokens, kScriptedTokens);
  EXPECT_EQ(retries, 6);
  // The tool really ran in the sandbox, and its output went back to the model.
  bool saw = false;
  for (const auto& rec : r)
    if (rec["type"] == "tool_result" && rec["output"].get<std::string>().find("step 42") == 0) saw = true;
  EXPECT_TRUE(saw);
  EXPECT_EQ(r.back()["type"], "run_end");
  // Message numbers run 1..N without gaps.
  int expected = 1;
  for (const auto& rec : r) {
    if (rec.contains("message")) {
      EXPECT_EQ(rec["message"], expected++);
    }
  }
}

TEST_P(AgentTest, ResumeContinuesWithoutLosingOrRepeatingAStep) {
  {
    TranscriptWriter transcript;
    std::string err;
    ASSERT_TRUE(transcript.open(dir / "transcript.jsonl", 0, &err)) << err;
    AgentConfig c = config();
    c.limits.tool_calls = 1000;
    Agent agent(c, provider.get(), &tools, nullptr, &transcript);
    agent.run();
  }
  // Cut the transcript right after the 20th tool_call record, as a kill would.
  auto all = records();
  std::vector<Record> cut;
  int calls = 0;
  for (const auto& rec : all) {
    cut.push_back(rec);
    if (rec["type"] == "tool_call" && ++calls == 20) break;
  }
  {
    std::ofstream out(dir / "transcript.jsonl", std::ios::trunc);
    for (const auto& rec : cut) out << rec.dump() << "\n";
    out << "{\"type\":\"tool_res";  // a line cut short by the kill
  }
  std::vector<Record> before;
  std::string err, warning;
  ASSERT_TRUE(read_transcript(dir / "transcript.jsonl", &before, &err, &warning)) << err;
  EXPECT_FALSE(warning.empty());
  {
    std::ofstream out(dir / "transcript.jsonl", std::ios::trunc);
    for (const auto& rec : before) out << rec.dump() << "\n";
  }
  TranscriptWriter transcript;
  ASSERT_TRUE(transcript.open(dir / "transcript.jsonl", before.back()["seq"].get<int64_t>() + 1, &err));
  Agent agent(config(), provider.get(), &tools, nullptr, &transcript);
  AgentExit exit = agent.resume(before);
  transcript.close();
  EXPECT_EQ(exit.reason, "end_turn") << exit.error;

  auto r = records();
  EXPECT_EQ(count(r, "tool_call"), 50);
  EXPECT_EQ(count(r, "tool_result"), 50);
  std::set<int> indexes;
  for (const auto& rec : r) {
    if (rec["type"] == "tool_call") {
      EXPECT_TRUE(indexes.insert(rec["index"].get<int>()).second);
    }
  }
  EXPECT_EQ(conversation_from(r).size(), 1u + 51u + 50u);
}

TEST_P(AgentTest, ToolCallLimitEndsTheRunWithItsReason) {
  TranscriptWriter transcript;
  std::string err;
  ASSERT_TRUE(transcript.open(dir / "transcript.jsonl", 0, &err)) << err;
  AgentConfig c = config();
  c.limits.tool_calls = 5;
  Agent agent(c, provider.get(), &tools, nullptr, &transcript);
  EXPECT_EQ(agent.run().reason, "limit_tool_calls");
  transcript.close();
  EXPECT_EQ(count(records(), "tool_call"), 5);
}

INSTANTIATE_TEST_SUITE_P(Providers, AgentTest,
                         ::testing::Values(Setup{"openai", true}, Setup{"openai", false},
                                           Setup{"anthropic", true}, Setup{"anthropic", false}),
                         [](const auto& info) {
                           return info.param.provider + (info.param.stream ? "Stream" : "Plain");
                         });

}  // namespace
}  // namespace showdown

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "__sandbox-init") return showdown::sandbox_init_main(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
