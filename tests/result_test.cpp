// links: showdown_result
#include "result/result.h"

#include <gtest/gtest.h>

namespace showdown {
namespace {

using nlohmann::json;

RunResult full_run() {
  RunResult r;
  r.run = "run-10";
  r.model = "claude-sonnet-4";
  r.trial = 2;
  r.scripted = true;
  r.tool_calls = 88;
  r.messages = 183;
  r.prompt_tokens = 15000;
  r.completion_tokens = 4237;
  r.total_tokens = 19237;
  r.wall_seconds = 612.4;
  r.tokens_per_second = 41.5;
  r.commits = 4;
  r.pushed = true;
  r.pushed_build_passed = true;
  r.build = {1, true, 1};
  r.screenshot = true;
  r.nudges = 1;
  r.interactive_nudges = 2;
  r.stops = 1;
  r.requirements = {{"lib", "Create src/lib/tags.ts", true, ""},
                    {"build", "", false, "npm run build exited 1"}};
  r.pathologies = {
      {"repeated_failure", 13, 34, "Module not found: '../../../lib/tags'", {{"attempts", 13}}}};
  r.end_reason = "end_turn";
  r.outcome = "complete";
  r.error = "server reset the connection";
  r.retries = 3;
  return r;
}

TEST(RunResult, RoundTripsThroughJsonUnchanged) {
  RunResult r = full_run();
  RunResult back;
  std::string err;
  ASSERT_TRUE(run_result_from_json(to_json(r), &back, &err)) << err;
  EXPECT_EQ(to_json(back), to_json(r));
  EXPECT_EQ(back.model, r.model);
  EXPECT_EQ(back.tokens_per_second, r.tokens_per_second);
  EXPECT_EQ(back.build.first_pass_attempt, 1);
  ASSERT_EQ(back.requirements.size(), 2u);
  EXPECT_EQ(back.requirements[1].detail, "npm run build exited 1");
  EXPECT_EQ(back.pathologies, r.pathologies);
  EXPECT_EQ(back.error, r.error);
  EXPECT_EQ(back.retries, 3);
  EXPECT_TRUE(back.pushed_build_passed);
}

TEST(RunResult, WritesTheProductShape) {
  json j = to_json(full_run());
  EXPECT_EQ(j["build"], json({{"attempts", 1}, {"passed", true}, {"first_pass_attempt", 1}}));
  EXPECT_EQ(j["requirements"][0],
            json({{"id", "lib"}, {"passed", true}, {"text", "Create src/lib/tags.ts"}}));
  EXPECT_FALSE(j["requirements"][1].contains("text"));
  EXPECT_EQ(j["requirements_met"], 1);
  EXPECT_EQ(j["pathologies"][0]["first_message"], 34);
  EXPECT_EQ(j["total_tokens"], 19237);
}

TEST(RunResult, SealedRunHasNullModelAndNullSpeedWhenAbsent) {
  RunResult r;
  r.run = "run-3";
  json j = to_json(r);
  ASSERT_TRUE(j.contains("model"));
  EXPECT_TRUE(j["model"].is_null());
  EXPECT_TRUE(j["tokens_per_second"].is_null());
  RunResult back;
  std::string err;
  ASSERT_TRUE(run_result_from_json(j, &back, &err)) << err;
  EXPECT_FALSE(back.model.has_value());
  EXPECT_FALSE(back.tokens_per_second.has_value());
}

TEST(ShowdownResult, ReadsTheProductExample) {
  json j = json::parse(R"({"showdown": {"task": "tag-manager", "base_sha": "abc", "sealed": true},
    "runs": [{"run": "run-10", "model": null, "trial": 1,
     "tool_calls": 88, "messages": 183,
     "prompt_tokens": 15000, "completion_tokens": 4237, "total_tokens": 19237,
     "wall_seconds": 612.4,
     "commits": 4, "pushed": true,
     "build": {"attempts": 1, "passed": true, "first_pass_attempt": 1},
     "screenshot": true, "nudges": 0, "stops": 0,
     "requirements": [{"id": "lib", "passed": true}],
     "pathologies": [{"kind": "repeated_failure", "count": 13, "first_message": 34, "evidence": "..."}],
     "outcome": "complete"}]})");
  ShowdownResult result;
  std::string err;
  ASSERT_TRUE(showdown_result_from_json(j, &result, &err)) << err;
  EXPECT_EQ(result.showdown.task, "tag-manager");
  ASSERT_EQ(result.runs.size(), 1u);
  EXPECT_EQ(result.runs[0].total_tokens, 19237);
  EXPECT_EQ(result.runs[0].requirements_met(), 1);
  EXPECT_EQ(result.runs[0].pathologies[0].count, 13);
  ShowdownResult again;
  ASSERT_TRUE(showdown_result_from_json(to_json(result), &again, &err)) << err;
  EXPECT_EQ(to_json(again), to_json(result));
}

TEST(ShowdownResult, BadFieldIsNamedByItsPath) {
  ShowdownResult result;
  std::string err;
  json j = {{"showdown", json::object()},
            {"runs", {{{"run", "run-1"}}, {{"run", "run-2"}, {"build", {{"attempts", "three"}}}}}}};
  EXPECT_FALSE(showdown_result_from_json(j, &result, &err));
  EXPECT_EQ(err, "runs[1].build.attempts: expected an integer");

  EXPECT_FALSE(showdown_result_from_json(json{{"showdown", json::object()}}, &result, &err));
  EXPECT_EQ(err, "runs: missing");

  EXPECT_FALSE(showdown_result_from_json(json{{"runs", {{{"trial", 1}}}}}, &result, &err));
  EXPECT_EQ(err, "runs[0].run: missing");

  EXPECT_FALSE(showdown_result_from_json(json::array(), &result, &err));
  EXPECT_FALSE(err.empty());
}

TEST(WilsonInterval, MatchesKnownValues) {
  Interval none = wilson_interval(0, 10);
  EXPECT_NEAR(none.low, 0.0, 1e-4);
  EXPECT_NEAR(none.high, 0.2775, 1e-4);
  Interval half = wilson_interval(5, 10);
  EXPECT_NEAR(half.low, 0.2366, 1e-4);
  EXPECT_NEAR(half.high, 0.7634, 1e-4);
  Interval all = wilson_interval(10, 10);
  EXPECT_NEAR(all.low, 0.7225, 1e-4);
  EXPECT_NEAR(all.high, 1.0, 1e-4);
  Interval one_of_three = wilson_interval(1, 3);
  EXPECT_NEAR(one_of_three.low, 0.0615, 1e-4);
  EXPECT_NEAR(one_of_three.high, 0.7923, 1e-4);
}

TEST(WilsonInterval, NoTrialsMeansNoInformation) {
  Interval i = wilson_interval(0, 0);
  EXPECT_EQ(i.low, 0.0);
  EXPECT_EQ(i.high, 1.0);
}

}  // namespace
}  // namespace showdown
