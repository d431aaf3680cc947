// links: showdown_probe showdown_scripted
// The probe battery against the real scripted server over HTTP: a capable model
// passes in both dialects, streamed and not; tool calls written as text, mangled
// arguments and a single call where two were asked for each fail the right check
// with a reason a person can act on; `showdown probe` prints the table and exits 1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "probe/probe.h"
#include "scripted/script.h"
#include "scripted/server.h"
#include "test_util.h"

namespace showdown {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kFixtures =
    std::filesystem::path(SHOWDOWN_SOURCE_DIR) / "tests/fixtures/probe";

class ProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<Script> scripts;
    std::string err;
    ASSERT_TRUE(load_scripts(kFixtures, &scripts, &err)) << err;
    server_ = std::make_unique<ScriptServer>(std::move(scripts));
    ASSERT_TRUE(server_->start("127.0.0.1", 0, &err)) << err;
  }

  ModelConfig model(const std::string& name, const std::string& provider = "openai",
                    bool stream = true) const {
    ModelConfig m;
    m.name = name;
    m.provider = provider;
    m.model = name;
    m.stream = stream;
    std::string root = "http://127.0.0.1:" + std::to_string(server_->port());
    m.base_url = provider == "openai" ? root + "/v1" : root;
    return m;
  }

  ProbeReport probe(const std::string& name, const std::string& provider = "openai",
                    bool stream = true) const {
    return probe_config(model(name, provider, stream), ProbeOptions{});
  }

  std::unique_ptr<ScriptServer> server_;
};

const ProbeCheck& check(const ProbeReport& report, const std::string& name) {
  for (const auto& c : report.checks)
    if (c.name == name) return c;
  static const ProbeCheck missing{"missing", false, "no such check", 0, 0};
  return missing;
}

TEST_F(ProbeTest, CapableModelPassesEveryCheckInEachDialectStreamedOrNot) {
  for (std::string provider : {"openai", "anthropic"}) {
    for (bool stream : {true, false}) {
      SCOPED_TRACE(provider + (stream ? " stream" : " non-stream"));
      ProbeReport report = probe("capable", provider, stream);
      EXPECT_EQ(report.model, "capable");
      ASSERT_EQ(report.checks.size(), probe_check_names().size());
      for (const auto& c : report.checks) {
        EXPECT_TRUE(c.passed) << c.name << ": " << c.detail;
        EXPECT_GT(c.tokens, 0) << c.name;
        EXPECT_GT(c.latency_seconds, 0) << c.name;
      }
      EXPECT_TRUE(report.passed());
    }
  }
}

TEST_F(ProbeTest, RunsTheFiveDocumentedChecksInOrder) {
  EXPECT_THAT(probe_check_names(),
              ::testing::ElementsAre("simple_call", "tricky_arguments", "two_calls", "tool_result",
                                     "multi_turn"));
}

TEST_F(ProbeTest, ToolCallsWrittenAsTextFailWithTheJinjaDiagnosis) {
  for (std::string provider : {"openai", "anthropic"}) {
    SCOPED_TRACE(provider);
    ProbeReport report = probe("text-calls", provider);
    EXPECT_FALSE(report.passed());
    for (std::string name : {"simple_call", "tricky_arguments", "two_calls", "multi_turn"}) {
      const ProbeCheck& c = check(report, name);
      EXPECT_FALSE(c.passed) << name;
      EXPECT_EQ(c.detail,
                "tool call written as text (hermes format): the server did not parse it — is "
                "llama-server running with --jinja?")
          << name;
    }
    EXPECT_TRUE(check(report, "tool_result").passed) << check(report, "tool_result").detail;
  }
}

TEST_F(ProbeTest, MangledArgumentsFailOnlyTheTrickyArgumentsCheckNamingTheByte) {
  ProbeReport report = probe("mangled");
  const ProbeCheck& tricky = check(report, "tricky_arguments");
  EXPECT_FALSE(tricky.passed);
  EXPECT_THAT(tricky.detail, HasSubstr("argument \"content\" differs at byte 8"));
  EXPECT_THAT(tricky.detail, HasSubstr(R"(got "He said hello and left.\nSecond line: na)"));
  for (std::string name : {"simple_call", "two_calls", "tool_result", "multi_turn"})
    EXPECT_TRUE(check(report, name).passed) << name << ": " << check(report, name).detail;
}

TEST_F(ProbeTest, OneCallWhereTwoWereAskedFailsTwoCalls) {
  ProbeReport report = probe("one-call", "anthropic", false);
  const ProbeCheck& two = check(report, "two_calls");
  EXPECT_FALSE(two.passed);
  EXPECT_EQ(two.detail, "made 1 call in the turn, expected 2");
  EXPECT_TRUE(check(report, "multi_turn").passed) << check(report, "multi_turn").detail;
  EXPECT_EQ(report.first_failure(), "two_calls: made 1 call in the turn, expected 2");
}

TEST_F(ProbeTest, ProbePassesSaysWhyTheFirstFailingCheckFailed) {
  std::string why;
  EXPECT_TRUE(probe_passes(model("capable"), &why));
  EXPECT_FALSE(probe_passes(model("one-call"), &why));
  EXPECT_EQ(why, "probe failed: two_calls: made 1 call in the turn, expected 2");
}

TEST(ProbeUnreachable, UnreachableServerFailsFastAndSkipsTheRest) {
  ModelConfig m;
  m.name = "gone";
  m.provider = "openai";
  m.base_url = "http://127.0.0.1:" + std::to_string(test::free_port()) + "/v1";
  auto start = std::chrono::steady_clock::now();
  ProbeReport report = probe_config(m, ProbeOptions{});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 10);
  ASSERT_EQ(report.checks.size(), 5u);
  EXPECT_THAT(report.checks[0].detail, HasSubstr("no answer (infrastructure)"));
  for (size_t i = 1; i < report.checks.size(); ++i) {
    EXPECT_FALSE(report.checks[i].passed);
    EXPECT_EQ(report.checks[i].detail, "skipped: no answer to simple_call");
  }
}

TEST(ProbeSetup, UnsetKeyVariableFailsSetupWithoutSendingAnything) {
  ModelConfig m;
  m.name = "keyless";
  m.provider = "anthropic";
  m.model = "claude";
  m.base_url = "http://127.0.0.1:1";
  m.api_key_env = "SHOWDOWN_PROBE_TEST_UNSET_KEY";
  std::string why;
  EXPECT_FALSE(probe_passes(m, &why));
  EXPECT_EQ(why,
            "probe failed: setup: api_key_env: environment variable "
            "SHOWDOWN_PROBE_TEST_UNSET_KEY is not set");
}

TEST(ProbeTable, OneRowPerCheckWithPipesEscapedAndASummaryPerModel) {
  ProbeReport report;
  report.model = "m1";
  report.checks = {{"simple_call", true, "", 0.5, 120},
                   {"two_calls", false, "got a|b\nc", 1.25, 300},
                   {"multi_turn", false, "skipped: no answer to two_calls", 0, 0}};
  std::string table = format_probe_table({report});
  EXPECT_THAT(table, HasSubstr("| model | check | result | latency | tokens | detail |"));
  EXPECT_THAT(table, HasSubstr("| m1 | simple_call | pass | 0.50 s | 120 |  |"));
  EXPECT_THAT(table, HasSubstr("| m1 | two_calls | FAIL | 1.25 s | 300 | got a\\|b c |"));
  EXPECT_THAT(table, HasSubstr("| m1 | multi_turn | FAIL | - | - | skipped"));
  EXPECT_THAT(table, HasSubstr("m1: FAILED (1/3 checks)"));
}

TEST_F(ProbeTest, CommandPrintsTheTableAndExitsOneWhenAModelFails) {
  test::TempDir dir;
  std::string root = "http://127.0.0.1:" + std::to_string(server_->port());
  test::write_file(dir / "models.toml",
                   "[[model]]\nname = \"capable\"\nprovider = \"openai\"\nbase_url = \"" + root +
                       "/v1\"\nmodel = \"capable\"\n\n"
                       "[[model]]\nname = \"text-calls\"\nprovider = \"anthropic\"\nbase_url = \"" +
                       root + "\"\nmodel = \"text-calls\"\n");
  std::string models = (dir / "models.toml").string();
  std::string out;
  EXPECT_EQ(test::run_shell(std::string(SHOWDOWN_BINARY) + " probe --models " + models +
                                " --model capable 2>/dev/null",
                            &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("| capable | multi_turn | pass |"));
  EXPECT_THAT(out, HasSubstr("capable: passed (5/5 checks)"));

  EXPECT_EQ(test::run_shell(std::string(SHOWDOWN_BINARY) + " probe --models " + models +
                                " 2>/dev/null",
                            &out),
            1)
      << out;
  EXPECT_THAT(out, HasSubstr("| text-calls | simple_call | FAIL |"));
  EXPECT_THAT(out, HasSubstr("is llama-server running with --jinja?"));

  EXPECT_EQ(test::run_shell(std::string(SHOWDOWN_BINARY) + " probe --models " + models +
                                " --model capable --json 2>/dev/null",
                            &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("\"passed\": true"));

  EXPECT_EQ(test::run_shell(std::string(SHOWDOWN_BINARY) + " probe --models " + models +
                                " --model nobody",
                            &out),
            2)
      << out;
  EXPECT_THAT(out, HasSubstr("--model nobody: no such model"));
}

TEST(ProbeCommand, StartsAModelsServerBeforeProbingItAndStopsItAfter) {
  test::TempDir dir;
  int port = test::free_port();
  std::string root = "http://127.0.0.1:" + std::to_string(port);
  test::write_file(dir / "models.toml",
                   "[[model]]\nname = \"managed\"\nprovider = \"openai\"\nbase_url = \"" + root +
                       "/v1\"\n[model.server]\ncommand = [\"" + SHOWDOWN_BINARY +
                       "\", \"serve-script\", \"--port\", \"" + std::to_string(port) +
                       "\", \"--script\", \"" + (kFixtures / "capable.json").string() +
                       "\"]\nready = \"" + root + "/health\"\nready_timeout_s = 20\n");
  std::string out;
  EXPECT_EQ(test::run_shell(std::string(SHOWDOWN_BINARY) + " probe --models " +
                                (dir / "models.toml").string() + " 2>/dev/null",
                            &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("managed: passed (5/5 checks)"));
  EXPECT_NE(test::run_shell("curl -s -o /dev/null " + root + "/health"), 0);
}

}  // namespace
}  // namespace showdown
