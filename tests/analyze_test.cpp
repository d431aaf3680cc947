// `showdown analyze`: the real binary over transcript files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace showdown {
namespace {

using nlohmann::json;

std::string transcript_with_a_wrong_directory_loop() {
  std::string text =
      R"({"type":"run_start","run":"run-1","task":"blog","build":"npm run build","cwd":"home","tools":[{"name":"execute"}],"seq":0,"time":0})"
      "\n"
      R"({"type":"message","message":1,"role":"user","content":"Add tags.","source":"prompt","seq":1,"time":0})"
      "\n";
  int seq = 2, message = 1;
  for (int i = 1; i <= 3; ++i) {
    std::string id = "call_" + std::to_string(i);
    std::string command = i < 3 ? "git status" : "cd ~/blog && git status";
    std::string output = i < 3 ? "fatal: not a git repository (or any of the parent directories): .git"
                               : "On branch run-1";
    json response = {{"type", "response"}, {"step", i}, {"message", ++message}, {"content", ""},
                     {"tool_calls", {{{"id", id}, {"name", "execute"}, {"arguments", {{"command", command}}}}}},
                     {"seq", seq++}, {"time", 0.1}};
    json call = {{"type", "tool_call"}, {"step", i}, {"index", i}, {"id", id}, {"name", "execute"},
                 {"arguments", {{"command", command}}}, {"seq", seq++}, {"time", 0.1}};
    json result = {{"type", "tool_result"}, {"step", i}, {"message", ++message}, {"id", id},
                   {"name", "execute"}, {"output", output}, {"is_error", i < 3},
                   {"exit_code", i < 3 ? 128 : 0}, {"seq", seq++}, {"time", 0.2}};
    text += response.dump() + "\n" + call.dump() + "\n" + result.dump() + "\n";
  }
  return text;
}

TEST(Analyze, PrintsThePathologiesOfATranscriptAsJson) {
  test::TempDir dir;
  test::write_file(dir / "transcript.jsonl", transcript_with_a_wrong_directory_loop());
  std::string out;
  int rc = test::run_shell("(" + std::string(SHOWDOWN_BINARY) + " analyze " +
                               (dir / "transcript.jsonl").string() + " 2>/dev/null)",
                           &out);
  ASSERT_EQ(rc, 0) << out;
  json j = json::parse(out);
  EXPECT_EQ(j["transcript"], (dir / "transcript.jsonl").string());
  ASSERT_EQ(j["pathologies"].size(), 1u) << out;
  EXPECT_EQ(j["pathologies"][0]["kind"], "cwd_amnesia");
  EXPECT_EQ(j["pathologies"][0]["count"], 2);
  EXPECT_EQ(j["pathologies"][0]["first_message"], 2);
}

TEST(Analyze, ThresholdsComeFromADetectorsTable) {
  test::TempDir dir;
  test::write_file(dir / "transcript.jsonl", transcript_with_a_wrong_directory_loop());
  test::write_file(dir / "task.toml", "name = \"blog\"\n[detectors]\ncwd_amnesia_min_calls = 3\n");
  std::string out;
  int rc = test::run_shell(std::string(SHOWDOWN_BINARY) + " analyze " +
                               (dir / "transcript.jsonl").string() + " --detectors " +
                               (dir / "task.toml").string(),
                           &out);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_TRUE(json::parse(out)["pathologies"].empty()) << out;

  test::write_file(dir / "bad.toml", "[detectors]\ncwd_amnesia_min_call = 3\n");
  rc = test::run_shell(std::string(SHOWDOWN_BINARY) + " analyze " +
                           (dir / "transcript.jsonl").string() + " --detectors " +
                           (dir / "bad.toml").string(),
                       &out);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("cwd_amnesia_min_call"), std::string::npos) << out;
}

TEST(Analyze, ABadTranscriptIsExit2NamingFileAndLine) {
  test::TempDir dir;
  test::write_file(dir / "t.jsonl", "{\"type\":\"run_start\"}\n[1, 2]\n{\"type\":\"run_end\"}\n");
  std::string out;
  int rc = test::run_shell(std::string(SHOWDOWN_BINARY) + " analyze " + (dir / "t.jsonl").string(),
                           &out);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("t.jsonl:2"), std::string::npos) << out;
  rc = test::run_shell(std::string(SHOWDOWN_BINARY) + " analyze " + (dir / "missing.jsonl").string(),
                       &out);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("missing.jsonl"), std::string::npos) << out;
}

}  // namespace
}  // namespace showdown
