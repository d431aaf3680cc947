// links: showdown_demo
// The demo end to end: the real binary re-enacts the study with its six scripted
// stand-ins on the bundled task: real npm installs and builds, real git, the
// Playwright MCP screenshot, the task's real checks. The slowest test (about a
// minute on 2 cores, from a warm npm cache); it needs node and npm.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "demo/demo.h"
#include "test_util.h"

namespace showdown::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kBinary = SHOWDOWN_BINARY;

std::set<std::string> kinds(const json& run) {
  std::set<std::string> found;
  for (const auto& p : run["pathologies"]) found.insert(p["kind"].get<std::string>());
  return found;
}

TEST(DemoTest, ReenactsTheStudysOutcomesAndPathologies) {
  if (run_shell("command -v node && command -v npm") != 0) GTEST_SKIP() << "needs node and npm";
  TempDir dir;
  fs::path out = dir / "demo";
  std::string report;
  ASSERT_EQ(run_shell(kBinary + " demo --out " + out.string() + " 2>" + (dir / "progress.log").string(),
                      &report),
            0)
      << report << read_file(dir / "progress.log");

  json results = json::parse(read_file(out / "results.json"));
  ASSERT_FALSE(results["showdown"]["sealed"].get<bool>());
  std::map<std::string, json> by_model;
  for (const auto& run : results["runs"]) {
    ASSERT_TRUE(run["model"].is_string()) << run.dump();
    EXPECT_TRUE(run["scripted"].get<bool>());
    by_model[run["model"].get<std::string>()] = run;
  }
  ASSERT_EQ(by_model.size(), 6u);

  // name -> outcome, tool calls and total tokens of the study's table.
  struct Expected {
    const char* outcome;
    int tool_calls;
    int64_t tokens;
    std::set<std::string> pathologies;
  };
  const std::map<std::string, Expected> expected = {
      {"Sonnet 4 stand-in", {"complete", 88, 19237, {}}},
      {"Qwen3-Coder 30B-A3B stand-in", {"partial", 60, 2059519, {"cwd_amnesia"}}},
      {"Qwen 3.6 35B-A3B stand-in", {"failed", 76, 3890791, {"no_commit_after_green_build"}}},
      {"Gemma 4 12B stand-in",
       {"failed", 34, 1170967, {"repeated_failure", "degenerate_repetition"}}},
      {"Hermes 4 14B stand-in",
       {"failed", 40, 1138614, {"no_exploration", "repeated_failure", "ignored_stop"}}},
      {"Devstral 24B stand-in", {"total_failure", 0, 14447, {"text_tool_calls"}}},
  };
  for (const auto& [name, want] : expected) {
    ASSERT_TRUE(by_model.count(name)) << name;
    const json& run = by_model[name];
    EXPECT_EQ(run["outcome"], want.outcome) << name << ": " << run.dump();
    EXPECT_EQ(run["tool_calls"], want.tool_calls) << name;
    EXPECT_EQ(run["total_tokens"], want.tokens) << name;
    std::set<std::string> found = kinds(run);
    for (const auto& kind : want.pathologies) EXPECT_TRUE(found.count(kind)) << name << ": " << kind;
    // Where the study's author saw no loop, none is found.
    if (want.pathologies.empty()) {
      for (const char* kind : {"repeated_failure", "degenerate_repetition", "cwd_amnesia",
                               "no_commit_after_green_build", "no_exploration", "ignored_stop"})
        EXPECT_FALSE(found.count(kind)) << name << ": " << kind;
    }
    // Every report row names the stand-in and says it was scripted.
    EXPECT_NE(report.find("| " + name + " (" + run["run"].get<std::string>() + ", scripted) |"),
              std::string::npos)
        << name;
  }

  // The study's shape: builds, commits and interventions.
  const json& clean = by_model["Sonnet 4 stand-in"];
  EXPECT_EQ(clean["commits"], 4);
  EXPECT_EQ(clean["build"]["first_pass_attempt"], 1);
  EXPECT_TRUE(clean["screenshot"].get<bool>());
  EXPECT_EQ(clean["nudges"], 0);
  const json& coder = by_model["Qwen3-Coder 30B-A3B stand-in"];
  EXPECT_EQ(coder["commits"], 1);
  EXPECT_EQ(coder["build"]["first_pass_attempt"], 3);
  EXPECT_FALSE(coder["screenshot"].get<bool>());
  const json& qwen36 = by_model["Qwen 3.6 35B-A3B stand-in"];
  EXPECT_EQ(qwen36["build"]["first_pass_attempt"], 2);
  EXPECT_EQ(qwen36["commits"], 0);
  EXPECT_EQ(qwen36["nudges"], 3);
  const json& gemma = by_model["Gemma 4 12B stand-in"];
  EXPECT_EQ(gemma["build"]["attempts"], 7);
  EXPECT_FALSE(gemma["build"]["passed"].get<bool>());
  EXPECT_EQ(gemma["nudges"], 2);
  EXPECT_EQ(gemma["stops"], 1);
  for (const auto& p : gemma["pathologies"]) {
    if (p["kind"] == "degenerate_repetition") {
      EXPECT_EQ(p["count"], 26);
    }
  }
  const json& hermes = by_model["Hermes 4 14B stand-in"];
  EXPECT_EQ(hermes["build"]["attempts"], 13);
  EXPECT_EQ(hermes["stops"], 1);

  EXPECT_NE(report.find("HTML report: " + (out / "report.html").string()), std::string::npos);
  EXPECT_TRUE(fs::exists(out / "report.html"));
}

TEST(DemoTest, PicksAFreshFolderInsteadOfOverwritingAShowdown) {
  TempDir dir;
  fs::path base = dir / "showdown-demo";
  EXPECT_EQ(fresh_demo_dir(base), base);
  fs::create_directories(base);
  write_file(base / "seal.json", "{}");
  EXPECT_EQ(fresh_demo_dir(base), fs::path(base.string() + "-2"));
  fs::create_directories(base.string() + "-2");
  write_file(fs::path(base.string() + "-2") / "seal.json", "{}");
  EXPECT_EQ(fresh_demo_dir(base), fs::path(base.string() + "-3"));

  std::string output;
  EXPECT_EQ(run_shell(kBinary + " demo --out " + base.string(), &output), 2) << output;
  EXPECT_NE(output.find("already holds a showdown"), std::string::npos) << output;
}

}  // namespace
}  // namespace showdown::test
