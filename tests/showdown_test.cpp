// links: showdown_showdown
// End to end: the real binary, serve-script, real git and the tiny task.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "showdown/server.h"
#include "test_util.h"

namespace showdown::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kBinary = SHOWDOWN_BINARY;

std::string models_toml(const std::string& base_url, const std::vector<std::string>& names,
                        const std::string& extra = "") {
  std::string toml;
  for (const auto& name : names)
    toml += "[[model]]\nname = \"" + name + "\"\nprovider = \"openai\"\nbase_url = \"" +
            base_url + "/v1\"\nmodel = \"" + name + "\"\nscripted = true\n\n";
  return toml + extra;
}

json read_json(const fs::path& p) { return json::parse(read_file(p)); }

/// run label -> model name, from an unsealed seal.json.
std::map<std::string, std::string> mapping(const fs::path& out) {
  std::map<std::string, std::string> m;
  json all = read_json(out / "seal.json")["mapping"];
  for (auto it = all.begin(); it != all.end(); ++it) m[it.key()] = it.value();
  return m;
}

class ShowdownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    copy_fixture("tiny", dir / "task");
    server = std::make_unique<ScriptServerProcess>(
        kBinary, fs::path(SHOWDOWN_SOURCE_DIR) / "tests/fixtures/tiny/scripts");
  }
  /// `run` on the copied tiny task with dir/models.toml, plus `flags`.
  std::string run_args(const std::string& flags = "") const {
    return "run " + (flags.empty() ? "" : flags + " ") + "--task " + (dir / "task").string() +
           " --models " + (dir / "models.toml").string();
  }
  int showdown(const std::string& args, std::string* output = nullptr) {
    return run_shell(kBinary + " " + args, output);
  }
  TempDir dir;
  std::unique_ptr<ScriptServerProcess> server;
};

TEST_F(ShowdownTest, ScoresEachScriptedModelByWhatReachedTheRemote) {
  write_file(dir / "models.toml",
             models_toml(server->base_url(),
                         {"tiny-complete", "tiny-partial", "tiny-failed", "tiny-text"}));
  fs::path out = dir / "out";
  std::string output;
  ASSERT_EQ(showdown(run_args() + " --out " + out.string() + " --seed 7",
                     &output),
            0)
      << output;

  // Sealed: no model name anywhere under the output directory, nor on the terminal.
  for (const char* name : {"tiny-complete", "tiny-partial", "tiny-failed", "tiny-text"}) {
    std::string found;
    EXPECT_NE(run_shell("grep -rl " + std::string(name) + " " + out.string(), &found), 0) << found;
    EXPECT_EQ(output.find(name), std::string::npos) << output;
  }
  json sealed = read_json(out / "results.json");
  ASSERT_EQ(sealed["runs"].size(), 4u);
  for (const auto& run : sealed["runs"]) EXPECT_TRUE(run["model"].is_null());

  ASSERT_EQ(showdown("unseal " + out.string(), &output), 0) << output;
  auto labels = mapping(out);
  json results = read_json(out / "results.json");
  std::map<std::string, json> by_model;
  for (const auto& run : results["runs"]) {
    EXPECT_EQ(run["model"], labels[run["run"]]);
    by_model[run["model"]] = run;
  }
  EXPECT_EQ(by_model["tiny-complete"]["outcome"], "complete");
  EXPECT_EQ(by_model["tiny-complete"]["commits"], 2);
  EXPECT_EQ(by_model["tiny-complete"]["tool_calls"], 6);
  EXPECT_EQ(by_model["tiny-complete"]["total_tokens"], 8400 + 147);
  EXPECT_EQ(by_model["tiny-complete"]["build"]["first_pass_attempt"], 1);
  EXPECT_EQ(by_model["tiny-partial"]["outcome"], "partial");
  EXPECT_EQ(by_model["tiny-partial"]["commits"], 1);
  EXPECT_EQ(by_model["tiny-partial"]["build"]["attempts"], 2);
  EXPECT_EQ(by_model["tiny-failed"]["outcome"], "failed");
  EXPECT_EQ(by_model["tiny-failed"]["pushed"], false);
  EXPECT_EQ(by_model["tiny-text"]["outcome"], "total_failure");
  EXPECT_EQ(by_model["tiny-text"]["tool_calls"], 0);

  // Each run pushed to its own origin, on its own branch, from the same base.
  for (const auto& [label, name] : labels) {
    std::string branches;
    run_shell("git -C " + (out / "runs" / label / "origin.git").string() + " branch", &branches);
    EXPECT_EQ(branches.find("run-") == std::string::npos ||
                  branches.find(label) != std::string::npos,
              true)
        << branches;
  }
  std::string report = read_file(out / "report.md");
  EXPECT_NE(report.find("tiny-complete"), std::string::npos);
}

TEST_F(ShowdownTest, CostComesFromThePriceWhereOneIsGiven) {
  write_file(dir / "models.toml",
             models_toml(server->base_url(), {"tiny-complete"}) +
                 "[model.price]\ninput = 3.0\noutput = 15.0\n" +
                 models_toml(server->base_url(), {"tiny-partial"}));
  fs::path out = dir / "out";
  std::string output;
  ASSERT_EQ(showdown(run_args() + " --out " + out.string() + " --seed 1", &output), 0) << output;
  ASSERT_EQ(showdown("unseal " + out.string(), &output), 0) << output;
  json results = read_json(out / "results.json");
  for (const auto& run : results["runs"]) {
    if (run["model"] == "tiny-complete")
      EXPECT_DOUBLE_EQ(run["cost_usd"].get<double>(), (8400 * 3.0 + 147 * 15.0) / 1e6);
    else
      EXPECT_TRUE(run["cost_usd"].is_null());
  }
  EXPECT_NE(read_file(out / "report.md").find("| Cost |"), std::string::npos);
}

TEST_F(ShowdownTest, UnsealRefusesATamperedSeal) {
  write_file(dir / "models.toml", models_toml(server->base_url(), {"tiny-complete", "tiny-text"}));
  fs::path out = dir / "out";
  std::string output;
  ASSERT_EQ(showdown(run_args() + " --out " + out.string(),
                     &output),
            0)
      << output;
  json seal = read_json(out / "seal.json");
  std::string sha = seal["sha256"];
  sha[0] = sha[0] == 'a' ? 'b' : 'a';
  seal["sha256"] = sha;
  write_file(out / "seal.json", seal.dump());
  EXPECT_EQ(showdown("unseal " + out.string(), &output), 2) << output;
  EXPECT_TRUE(read_json(out / "results.json")["runs"][0]["model"].is_null());
}

TEST_F(ShowdownTest, ManagedServerThatExitsAtStartIsAnInfrastructureError) {
  write_file(dir / "models.toml",
             models_toml(server->base_url(), {"tiny-complete"},
                         "[[model]]\nname = \"crashes\"\nprovider = \"openai\"\n"
                         "base_url = \"http://127.0.0.1:9/v1\"\n"
                         "[model.server]\ncommand = [\"sh\", \"-c\", \"exit 3\"]\n"
                         "ready = \"http://127.0.0.1:9/health\"\nready_timeout_s = 5\n"));
  fs::path out = dir / "out";
  std::string output;
  EXPECT_EQ(showdown(run_args() + " --out " + out.string(),
                     &output),
            1)
      << output;
  EXPECT_NE(output.find("infrastructure"), std::string::npos) << output;
  json results = read_json(out / "results.json");
  int infra = 0, complete = 0;
  for (const auto& run : results["runs"]) {
    infra += run["outcome"] == "infra_error";
    complete += run["outcome"] == "complete";
  }
  EXPECT_EQ(infra, 1);
  EXPECT_EQ(complete, 1);
}

TEST_F(ShowdownTest, ManagedServerLogsStaySealedUntilUnseal) {
  int port = free_port();
  std::string script = (fs::path(SHOWDOWN_SOURCE_DIR) / "tests/fixtures/tiny/scripts").string();
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  write_file(dir / "models.toml",
             "[[model]]\nname = \"tiny-complete\"\nprovider = \"openai\"\nbase_url = \"" + url +
                 "/v1\"\nmodel = \"tiny-complete\"\n[model.server]\ncommand = [\"sh\", \"-c\", "
                 "\"echo loading tiny-complete; exec " + kBinary + " serve-script --port " +
                 std::to_string(port) + " --script " + script + "\"]\nready = \"" + url +
                 "/health\"\nready_timeout_s = 20\n");
  fs::path out = dir / "out";
  std::string output;
  ASSERT_EQ(showdown(run_args() + " --out " + out.string(),
                     &output),
            0)
      << output;
  std::string found;
  EXPECT_NE(run_shell("grep -rl tiny-complete " + out.string(), &found), 0) << found;
  EXPECT_EQ(read_json(out / "results.json")["runs"][0]["outcome"], "complete");
  // The server was stopped after its runs.
  EXPECT_EQ(http_get_status(url + "/health", 2), 0);
  ASSERT_EQ(showdown("unseal " + out.string(), &output), 0) << output;
  EXPECT_NE(read_file(out / "runs/run-1/server.log").find("loading tiny-complete"), std::string::npos);
}

TEST_F(ShowdownTest, ServerDyingMidRunIsRetriedByResume) {
  json script = json::parse(read_file(fs::path(SHOWDOWN_SOURCE_DIR) /
                                      "tests/fixtures/tiny/scripts/complete.json"));
  for (auto& turn : script["turns"]) turn["delay_ms"] = 300;
  write_file(dir / "slow.json", script.dump());
  int port = free_port();
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  std::string serve = kBinary + " serve-script --port " + std::to_string(port) + " --script " +
                      (dir / "slow.json").string();
  // The first start dies a second in; later starts live.
  std::string flag = (dir / "started-once").string();
  write_file(dir / "models.toml",
             "[[model]]\nname = \"tiny-complete\"\nprovider = \"openai\"\nbase_url = \"" + url +
                 "/v1\"\nmodel = \"tiny-complete\"\n[model.server]\ncommand = [\"sh\", \"-c\", "
                 "\"if [ -e " + flag + " ]; then exec " + serve + "; else touch " + flag +
                 "; exec timeout 1 " + serve + "; fi\"]\nready = \"" + url +
                 "/health\"\nready_timeout_s = 20\n");
  fs::path out = dir / "out";
  std::string output;
  EXPECT_EQ(showdown(run_args() + " --out " + out.string(),
                     &output),
            1)
      << output;
  json first = read_json(out / "results.json")["runs"][0];
  EXPECT_EQ(first["outcome"], "infra_error") << first;
  EXPECT_NE(first["error"].get<std::string>().find("server"), std::string::npos) << first;

  ASSERT_EQ(showdown("run --resume " + out.string(), &output), 0) << output;
  json second = read_json(out / "results.json")["runs"][0];
  EXPECT_EQ(second["outcome"], "complete") << second;
  EXPECT_EQ(second["tool_calls"], 6);
}

TEST_F(ShowdownTest, InteractiveNudgesAreRecordedAndCountedApart) {
  write_file(dir / "models.toml", models_toml(server->base_url(), {"tiny-complete"}));
  fs::path out = dir / "out";
  std::string output;
  ASSERT_EQ(run_shell("printf 'run-1: remember to push\\n' | " + kBinary + " " +
                          run_args("--interactive") + " --out " + out.string(),
                      &output),
            0)
      << output;
  std::string transcript = read_file(out / "runs/run-1/transcript.jsonl");
  EXPECT_NE(transcript.find("\"content\":\"remember to push\""), std::string::npos);
  EXPECT_NE(transcript.find("\"source\":\"interactive\""), std::string::npos);
  json run = read_json(out / "results.json")["runs"][0];
  EXPECT_EQ(run["interactive_nudges"], 1);
  EXPECT_EQ(run["nudges"], 0);
}

TEST_F(ShowdownTest, RescuedTextToolCallsRunWhenTheModelAllowsIt) {
  write_file(dir / "models.toml",
             models_toml(server->base_url(), {"tiny-text"}) + "rescue_text_tool_calls = true\n");
  fs::path out = dir / "out";
  std::string output;
  ASSERT_EQ(showdown(run_args() + " --out " + out.string(),
                     &output),
            0)
      << output;
  std::string transcript = read_file(out / "runs/run-1/transcript.jsonl");
  EXPECT_NE(transcript.find("\"rescued\":true"), std::string::npos);
  EXPECT_NE(transcript.find("rescued_tool_calls"), std::string::npos);
  // The Mistral-format write_file really ran.
  EXPECT_EQ(read_file(out / "runs/run-1/home/tiny/greeting.txt"), "hello");
  json run = read_json(out / "results.json")["runs"][0];
  EXPECT_EQ(run["tool_calls"], 2);
  EXPECT_NE(run["outcome"], "total_failure");
  bool flagged = false;
  for (const auto& p : run["pathologies"]) flagged |= p["kind"] == "text_tool_calls";
  EXPECT_TRUE(flagged) << "rescued or not, the calls were written as text";
}

TEST_F(ShowdownTest, ResumeAfterKillGivesTheSameResults) {
  // A slow copy of the complete script, so the kill lands mid-run.
  json script = json::parse(read_file(fs::path(SHOWDOWN_SOURCE_DIR) /
                                      "tests/fixtures/tiny/scripts/complete.json"));
  script["model"] = "tiny-slow";
  for (auto& turn : script["turns"]) turn["delay_ms"] = 250;
  fs::create_directories(dir / "scripts");
  write_file(dir / "scripts/slow.json", script.dump());
  ScriptServerProcess slow(kBinary, dir / "scripts/slow.json");
  write_file(dir / "models.toml", models_toml(slow.base_url(), {"tiny-slow"}));

  auto args_for = [&](const fs::path& out) {
    return run_args() + " --out " + out.string() + " --seed 3";
  };
  std::string output;
  ASSERT_EQ(showdown(args_for(dir / "whole"), &output), 0) << output;

  pid_t pid = fork();
  if (pid == 0) {
    std::string args = args_for(dir / "killed");
    execl("/bin/sh", "sh", "-c", (kBinary + " " + args + " >/dev/null 2>&1").c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  fs::path transcript = dir / "killed/runs/run-1/transcript.jsonl";
  for (int i = 0; i < 200; ++i) {
    std::string text = fs::exists(transcript) ? read_file(transcript) : "";
    size_t calls = 0;
    for (size_t p = 0; (p = text.find("\"type\":\"tool_call\"", p)) != std::string::npos; ++p) ++calls;
    if (calls >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  run_shell("pkill -9 -f 'showdown run .*killed'");
  kill(pid, SIGKILL);
  int status;
  waitpid(pid, &status, 0);
  ASSERT_FALSE(fs::exists(dir / "killed/results.json"));

  ASSERT_EQ(showdown("run --resume " + (dir / "killed").string(), &output), 0) << output;
  json a = read_json(dir / "whole/results.json")["runs"][0];
  json b = read_json(dir / "killed/results.json")["runs"][0];
  for (auto* j : {&a, &b}) j->erase("wall_seconds");
  EXPECT_EQ(a, b);
  // No step lost or sent twice: each tool call index appears once.
  std::string text = read_file(transcript);
  for (int i = 1; i <= 6; ++i)
    EXPECT_NE(text.find("\"index\":" + std::to_string(i) + ","), std::string::npos);
  EXPECT_EQ(text.find("\"index\":7,"), std::string::npos);
}

TEST_F(ShowdownTest, ParallelRunsGiveTheSameResultsAsSequential) {
  write_file(dir / "models.toml",
             models_toml(server->base_url(),
                         {"tiny-complete", "tiny-partial", "tiny-failed", "tiny-text"}));
  auto args_for = [&](const fs::path& out, const std::string& extra) {
    return run_args() + " --out " + out.string() + " --seed 11 " + extra;
  };
  std::string output;
  ASSERT_EQ(showdown(args_for(dir / "one", ""), &output), 0) << output;
  ASSERT_EQ(showdown(args_for(dir / "four", "--parallel 4"), &output), 0) << output;
  json a = read_json(dir / "one/results.json")["runs"];
  json b = read_json(dir / "four/results.json")["runs"];
  ASSERT_EQ(a.size(), 4u);
  for (auto* runs : {&a, &b})
    for (auto& run : *runs) run.erase("wall_seconds");
  EXPECT_EQ(a, b);
}

TEST_F(ShowdownTest, TrialsGiveRatesWithIntervalsPerModel) {
  write_file(dir / "models.toml", models_toml(server->base_url(), {"tiny-complete", "tiny-text"}));
  fs::path out = dir / "out";
  std::string output;
  ASSERT_EQ(showdown(run_args() + " --out " + out.string() +
                         " --trials 3 --parallel 2",
                     &output),
            0)
      << output;
  json results = read_json(out / "results.json");
  ASSERT_EQ(results["runs"].size(), 6u);
  ASSERT_EQ(showdown("unseal " + out.string(), &output), 0) << output;
  std::map<std::string, int> complete, trials;
  json unsealed = read_json(out / "results.json");
  for (const auto& run : unsealed["runs"]) {
    const std::string model = run["model"].get<std::string>();
    trials[model] += 1;
    complete[model] += run["outcome"] == "complete";
  }
  EXPECT_EQ(trials["tiny-complete"], 3);
  EXPECT_EQ(complete["tiny-complete"], 3);
  EXPECT_EQ(complete["tiny-text"], 0);
  std::string report = read_file(out / "report.md");
  EXPECT_NE(report.find("3/3"), std::string::npos) << report;
  EXPECT_NE(report.find("0/3"), std::string::npos) << report;
}

TEST_F(ShowdownTest, ProbeFirstSkipsAModelThatCannotMakeToolCalls) {
  ScriptServerProcess probes(kBinary, fs::path(SHOWDOWN_SOURCE_DIR) / "tests/fixtures/probe");
  write_file(dir / "models.toml", models_toml(probes.base_url(), {"capable", "text-calls"}));
  fs::path out = dir / "out";
  std::string output;
  ASSERT_EQ(showdown(run_args("--probe-first") + " --out " + out.string(),
                     &output),
            0)
      << output;
  EXPECT_EQ(output.find("text-calls"), std::string::npos) << output;
  ASSERT_EQ(showdown("unseal " + out.string(), &output), 0) << output;
  json results = read_json(out / "results.json");
  for (const auto& run : results["runs"]) {
    if (run["model"] == "text-calls") {
      EXPECT_EQ(run["outcome"], "skipped");
      EXPECT_NE(run["error"].get<std::string>().find("written as text"), std::string::npos)
          << run["error"];
      EXPECT_FALSE(fs::exists(out / "runs" / run["run"].get<std::string>() / "transcript.jsonl"));
    } else {
      EXPECT_NE(run["outcome"], "skipped");
    }
  }
}

}  // namespace
}  // namespace showdown::test
