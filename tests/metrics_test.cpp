// links: showdown_result
// A run's numbers from its transcript, and the outcome from PRODUCT.md's definitions.
#include <gtest/gtest.h>

#include "result/metrics.h"

namespace showdown {
namespace {

using nlohmann::json;

std::vector<Record> transcript() {
  auto call = [](int step, const std::string& id, const std::string& command) {
    return json{{"type", "tool_call"}, {"step", step}, {"id", id}, {"name", "execute"},
                {"arguments", {{"command", command}}}};
  };
  auto result = [](int message, const std::string& id, int exit_code, const std::string& output) {
    return json{{"type", "tool_result"}, {"message", message}, {"id", id}, {"name", "execute"},
                {"exit_code", exit_code}, {"output", output}, {"timed_out", false}};
  };
  auto response = [](int message, int prompt, int completion, json timings = nullptr) {
    json r = {{"type", "response"}, {"message", message}, {"attempts", 1},
              {"usage", {{"prompt_tokens", prompt}, {"completion_tokens", completion}}},
              {"tool_calls", json::array()}};
    if (!timings.is_null()) r["timings"] = timings;
    return r;
  };
  return {
      {{"type", "run_start"}, {"build", "npm run build"}},
      {{"type", "message"}, {"message", 1}, {"source", "prompt"}},
      response(2, 1000, 50, {{"predicted_n", 50}, {"predicted_ms", 1000.0}}),
      call(1, "a", "cd app && npm run build 2>&1 | tail -5"),
      // The pipe hid the build's failure: exit 0, but the output shows it.
      result(3, "a", 0, "src/x.ts(1,1): error TS2307: Cannot find module\n"),
      response(4, 1200, 70, {{"predicted_n", 150}, {"predicted_ms", 2000.0}}),
      call(2, "b", "cd app && npm run build"),
      result(5, "b", 0, "built in 2s\n"),
      {{"type", "event"}, {"event", "nudge"}},
      {{"type", "message"}, {"message", 6}, {"source", "nudge"}},
      {{"type", "event"}, {"event", "stop"}},
      {{"type", "message"}, {"message", 7}, {"source", "interactive"}},
      response(8, 1500, 10),
      {{"type", "run_end"}, {"reason", "end_turn"}, {"wall_seconds", 12.5}},
  };
}

TEST(Metrics, CountsTokensCallsMessagesAndInterventions) {
  RunResult run;
  apply_transcript_metrics(transcript(), "npm run build", &run);
  EXPECT_EQ(run.prompt_tokens, 3700);
  EXPECT_EQ(run.completion_tokens, 130);
  EXPECT_EQ(run.total_tokens, 3830);
  EXPECT_EQ(run.tool_calls, 2);
  EXPECT_EQ(run.messages, 8);
  EXPECT_EQ(run.nudges, 1);
  EXPECT_EQ(run.stops, 1);
  EXPECT_EQ(run.interactive_nudges, 1);
  EXPECT_EQ(run.end_reason, "end_turn");
  EXPECT_DOUBLE_EQ(run.wall_seconds, 12.5);
}

TEST(Metrics, ABuildWhosePipeHidesItsFailureDoesNotPass) {
  RunResult run;
  apply_transcript_metrics(transcript(), "npm run build", &run);
  EXPECT_EQ(run.build.attempts, 2);
  EXPECT_TRUE(run.build.passed);
  EXPECT_EQ(run.build.first_pass_attempt, 2);
}

TEST(Metrics, TokensPerSecondComesFromServerTimings) {
  RunResult run;
  apply_transcript_metrics(transcript(), "npm run build", &run);
  ASSERT_TRUE(run.tokens_per_second.has_value());
  EXPECT_DOUBLE_EQ(*run.tokens_per_second, 200.0 / 3.0);
  RunResult without;
  apply_transcript_metrics({{{"type", "response"}, {"usage", json::object()}}}, "", &without);
  EXPECT_FALSE(without.tokens_per_second.has_value());
}

TEST(Metrics, OutcomesFollowTheDefinitions) {
  RunResult run;
  run.tool_calls = 10;
  run.requirements = {{"a", "", true, ""}, {"b", "", true, ""}};
  run.pushed = true;
  run.commits = 2;
  run.pushed_build_passed = true;
  EXPECT_EQ(decide_outcome(run), "complete");
  run.requirements[1].passed = false;
  EXPECT_EQ(decide_outcome(run), "partial");
  run.pushed_build_passed = false;
  EXPECT_EQ(decide_outcome(run), "failed") << "a commit that does not build did not ship";
  run.pushed_build_passed = true;
  run.pushed = false;
  run.commits = 0;
  EXPECT_EQ(decide_outcome(run), "failed");
  run.tool_calls = 0;
  EXPECT_EQ(decide_outcome(run), "total_failure");
  run.end_reason = "infra_error";
  EXPECT_EQ(decide_outcome(run), "infra_error");
}

}  // namespace
}  // namespace showdown
