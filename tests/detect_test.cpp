// links: showdown_detect
#include <chrono>

#include <gtest/gtest.h>

#include "detect/command.h"
#include "detect/detector.h"
#include "detect/error_signature.h"
#include "test_util.h"
#include "transcript/transcript.h"

namespace showdown {
namespace {

using nlohmann::json;

// Builds a transcript exactly as docs/transcript.md describes it: each tool call
// is a request, a response (an assistant message), a tool_call and a tool_result
// (a tool message).
class Trace {
 public:
  explicit Trace(const std::string& cwd = "home", const std::string& build = "npm run build") {
    add({{"type", "run_start"},
         {"run", "run-1"},
         {"task", "blog"},
         {"base", "3f2a"},
         {"branch", "run-1"},
         {"system", "You are a coding agent."},
         {"tools", json::array({{{"name", "execute"}}, {{"name", "read_file"}},
                                {{"name", "write_file"}}, {{"name", "edit_file"}}})},
         {"limits", {{"tool_calls", 150}}},
         {"build", build},
         {"cwd", cwd},
         {"model", "[sealed]"}});
    user("Add a tag manager to the admin panel.", "prompt");
  }

  Trace& user(const std::string& content, const std::string& source) {
    add({{"type", "message"}, {"message", ++message_}, {"role", "user"}, {"content", content},
         {"source", source}});
    return *this;
  }

  // An assistant message without tool calls.
  Trace& say(const std::string& content) {
    add({{"type", "request"}, {"step", ++step_}, {"messages", message_}});
    add({{"type", "response"}, {"step", step_}, {"message", ++message_}, {"content", content},
         {"tool_calls", json::array()}, {"finish_reason", "stop"}, {"usage", usage()},
         {"usage_reported", true}, {"latency_seconds", 0.1}, {"attempts", 1}});
    return *this;
  }

  Trace& exec(const std::string& command, int exit_code, const std::string& output,
            const std::string& content = "") {
    return call("execute", {{"command", command}}, exit_code != 0, output, content, exit_code);
  }

  Trace& tool(const std::string& name, json args, bool is_error, const std::string& output,
            const std::string& content = "") {
    return call(name, std::move(args), is_error, output, content, -1);
  }

  Trace& event(const std::string& name, json detail) {
    add({{"type", "event"}, {"event", name}, {"detail", detail}});
    return *this;
  }

  Trace& end(const std::string& reason) {
    add({{"type", "run_end"}, {"reason", reason}, {"wall_seconds", 12.5}});
    return *this;
  }

  int message() const { return message_; }
  // The message number the next call's assistant message will get.
  int next_call_message() const { return message_ + 1; }
  const std::vector<Record>& records() const { return records_; }

 private:
  static json usage() {
    return {{"prompt_tokens", 100}, {"completion_tokens", 10}, {"total_tokens", 110}};
  }

  Trace& call(const std::string& name, json args, bool is_error, const std::string& output,
            const std::string& content, int exit_code) {
    std::string id = "call_" + std::to_string(++index_);
    add({{"type", "request"}, {"step", ++step_}, {"messages", message_}});
    add({{"type", "response"}, {"step", step_}, {"message", ++message_}, {"content", content},
         {"tool_calls", json::array({{{"id", id}, {"name", name}, {"arguments", args}}})},
         {"finish_reason", "tool_calls"}, {"usage", usage()}, {"usage_reported", true},
         {"latency_seconds", 0.1}, {"attempts", 1}});
    add({{"type", "tool_call"}, {"step", step_}, {"index", index_}, {"id", id}, {"name", name},
         {"arguments", args}});
    Record result = {{"type", "tool_result"}, {"step", step_}, {"message", ++message_},
                     {"id", id}, {"name", name}, {"output", output}, {"is_error", is_error}};
    if (name == "execute") {
      result["exit_code"] = exit_code;
      result["timed_out"] = false;
      result["output_bytes"] = output.size();
      result["seconds"] = 0.5;
    }
    add(result);
    return *this;
  }

  void add(Record r) {
    r["seq"] = seq_++;
    r["time"] = seq_ * 0.01;
    records_.push_back(std::move(r));
  }

  std::vector<Record> records_;
  int message_ = 0;
  int step_ = 0;
  int index_ = 0;
  int seq_ = 0;
};

std::optional<Pathology> find(const std::vector<Pathology>& all, const std::string& kind) {
  for (const auto& p : all)
    if (p.kind == kind) return p;
  return std::nullopt;
}

std::string kinds(const std::vector<Pathology>& all) {
  std::string s;
  for (const auto& p : all) s += p.kind + "(" + std::to_string(p.count) + ": " + p.evidence + ") ";
  return s;
}

const std::string kNextOk =
    "> blog@0.1.0 build\n> next build\n\n   ▲ Next.js 15.3.2\n ✓ Compiled successfully in 4.0s\n"
    " ✓ Generating static pages (12/12)\n";

// A run that does everything right: explores, writes, fixes one build error,
// builds, commits and pushes.
Trace clean_run() {
  Trace run;
  run.exec("cd ~/blog && ls", 0, "README.md\nnext.config.ts\npackage.json\nsrc\n",
           "Let me look at the project first.")
      .exec("cd ~/blog && find src -name '*.ts' | head -20", 0,
            "src/lib/posts.ts\nsrc/app/admin/page.tsx\n")
      .tool("read_file", {{"path", "~/blog/src/lib/posts.ts"}}, false,
            "export function getAllTags() {}\n")
      .exec("cd ~/blog && cat package.json", 0, "{\"name\": \"blog\"}")
      .tool("write_file", {{"path", "~/blog/src/lib/tags.ts"}, {"content", "export {}\n"}}, false,
            "wrote 10 bytes", "Now I'll write the tags library.")
      .tool("write_file", {{"path", "~/blog/src/app/admin/tags/page.tsx"}, {"content", "x"}},
            false, "wrote 1 bytes")
      .exec("cd ~/blog && npm run build", 1,
            "Failed to compile.\n\n./src/lib/tags.ts:4:10\nType error: Cannot find name 'matter'.\n",
            "Let me build it.")
      .tool("edit_file", {{"path", "~/blog/src/lib/tags.ts"}, {"old", "a"}, {"new", "b"}}, false,
            "edited")
      .exec("cd ~/blog && npm run build", 0, kNextOk)
      .exec("cd ~/blog && git add -A && git commit -m 'feat: tag manager'", 0,
            "[run-1 1a2b3c4] feat: tag manager\n 2 files changed\n")
      .exec("cd ~/blog && git push origin run-1", 0, "To /srv/origin.git\n * [new branch] run-1\n")
      .event("check", {{"met", {"lib", "page", "build", "commits", "pushed"}},
                       {"unmet", json::array()}})
      .say("Done: the tag manager is committed and pushed.")
      .end("end_turn");
  return run;
}

TEST(Detectors, CleanRunFiresNothing) {
  auto found = detect_all(clean_run().records());
  EXPECT_TRUE(found.empty()) << kinds(found);
}

TEST(Detectors, CleanRunStartingInTheRepositoryFiresNothing) {
  Trace run("repo");
  run.exec("ls -la && git log --oneline -3", 0, "package.json\nsrc\n1a2b3c4 init\n")
      .tool("read_file", {{"path", "src/lib/posts.ts"}}, false, "export {}")
      .tool("write_file", {{"path", "src/lib/tags.ts"}, {"content", "export {}"}}, false, "ok")
      .exec("npm run build 2>&1 | tail -5", 0, kNextOk)
      .exec("git add src && git commit -m 'feat: tags' && git push -u origin HEAD", 0,
            "[run-1 9f8e7d6] feat: tags\n")
      .exec("npm run build", 0, kNextOk)  // checking again after the commit is fine
      .say("All done.")
      .end("end_turn");
  auto found = detect_all(run.records());
  EXPECT_TRUE(found.empty()) << kinds(found);
}

// --- degenerate_repetition ---

TEST(DegenerateRepetition, SameSentenceManyTimesInOneMessage) {
  Trace run;
  run.exec("cd ~/blog && ls", 0, "src\n");
  std::string text;
  for (int i = 0; i < 26; ++i) text += "I'll also make sure `src/lib/tags.ts` is correct.\n";
  int message = run.next_call_message();
  run.say(text);
  auto p = find(detect_all(run.records()), "degenerate_repetition");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 26);
  EXPECT_EQ(p->first_message, message);
  EXPECT_NE(p->evidence.find("src/lib/tags.ts"), std::string::npos);
}

TEST(DegenerateRepetition, NumberingSpacingCaseAndPunctuationDoNotHideARepeat) {
  Trace run;
  run.say(
      "1. Let me verify the build output now.\n"
      "2.   let me verify the build output now\n"
      "3) Let me verify  the build output now!\n"
      "- Let me verify the build output now.\n"
      "  * **Let me verify the build output now.**\n"
      "(6) Let me verify the build output now...\n");
  auto p = find(detect_all(run.records()), "degenerate_repetition");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 6);
}

TEST(DegenerateRepetition, CountsAcrossConsecutiveAssistantTurns) {
  Trace run;
  int first = run.next_call_message();
  for (int i = 0; i < 5; ++i)
    run.exec("cd ~/blog && cat src/lib/tags.ts", 0, "export {}",
             "Let me double-check the tags file once more.");
  auto p = find(detect_all(run.records()), "degenerate_repetition");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 5);
  EXPECT_EQ(p->first_message, first);
}

TEST(DegenerateRepetition, SentencesOnOneLineAndRepeatedBlocks) {
  Trace run;
  std::string line;
  for (int i = 0; i < 7; ++i) line += "I will fix the import now. ";
  run.say(line);
  auto p = find(detect_all(run.records()), "degenerate_repetition");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 7);

  Trace blocks;
  std::string text;
  for (int i = 0; i < 5; ++i) text += "Checking the route handler.\nRunning the build again.\n";
  blocks.say(text);
  p = find(detect_all(blocks.records()), "degenerate_repetition");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 5);
  EXPECT_EQ(p->detail["period"], 2);
}

TEST(DegenerateRepetition, FewRepeatsAndShortLinesDoNotFire) {
  Trace run;
  run.say("Checking the build output.\nChecking the build output.\nChecking the build output.\n"
          "Checking the build output.\n}\n}\n}\n}\n}\n}\n}\n");
  EXPECT_FALSE(find(detect_all(run.records()), "degenerate_repetition"));
}

TEST(DegenerateRepetition, AWholeLongMessageSaidAgainAndLoopsInReasoning) {
  Trace run;
  std::string paragraph =
      "The route imports the library. The library exports the helpers. The page calls the "
      "route. The build compiles the page. The nav links the page. The tests cover the "
      "helpers. The docs describe the page. The commit holds all of it. The push sends it.";
  int first = run.next_call_message();
  for (int i = 0; i < 5; ++i) run.exec("cd ~/blog && npm run build", 0, kNextOk, paragraph);
  auto p = find(detect_all(run.records()), "degenerate_repetition");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 5);
  EXPECT_EQ(p->first_message, first);

  std::vector<Record> records = Trace().records();
  std::string reasoning;
  for (int i = 0; i < 9; ++i) reasoning += "Wait, maybe the import path is wrong.\n";
  records.push_back({{"type", "response"}, {"step", 1}, {"message", 2}, {"content", "Fixing."},
                     {"reasoning", reasoning}, {"tool_calls", json::array()}});
  p = find(detect_all(records), "degenerate_repetition");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 9);
}

// --- repeated_failure ---

TEST(RepeatedFailure, SameWrongImportRebuiltAgainAndAgain) {
  Trace run;
  run.exec("cd ~/blog && ls", 0, "src\n");
  int first = 0;
  for (int i = 0; i < 13; ++i) {
    run.tool("write_file",
             {{"path", "~/blog/src/app/api/admin/tags/route.ts"},
              {"content", "import { x } from '../../../lib/tags'"}},
             false, "ok", "I'll fix the import and rebuild.");
    if (i == 0) first = run.next_call_message();
    // The same build, written a little differently each time.
    std::string command = i % 3 == 0   ? "cd ~/blog && npm run build"
                          : i % 3 == 1 ? "cd /home/coder/blog &&  npm run build 2>&1"
                                       : "cd \"$HOME/blog\"; npm run build 2>&1 | tail -40";
    run.exec(command, 1,
             "> blog@0.1.0 build\n> next build\n\nFailed to compile.\n\n"
             "./src/app/api/admin/tags/route.ts:" + std::to_string(2 + i % 2) +
                 ":1\nModule not found: Can't resolve '../../../lib/tags'\n\n"
                 "> Build failed because of webpack errors\n");
  }
  auto p = find(detect_all(run.records()), "repeated_failure");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 13);
  EXPECT_EQ(p->first_message, first);
  EXPECT_NE(p->evidence.find("Module not found"), std::string::npos);
  EXPECT_EQ(p->detail["writes_between"], 12);
}

TEST(RepeatedFailure, SameTypeErrorThroughBuildsWithVariedCalls) {
  Trace run;
  const char* types[] = {"{ title: string; }", "Record<string, any>", "string[]",
                         "{ data: { tags: string[]; }; }", "GrayMatterFile<string>", "object",
                         "unknown"};
  for (int i = 0; i < 7; ++i) {
    run.tool("edit_file", {{"path", "~/blog/src/lib/tags.ts"}, {"old", "a"}, {"new", "b"}}, false,
             "edited");
    run.exec("cd ~/blog && npm run build", 1,
             "Failed to compile.\n\n./src/lib/tags.ts:" + std::to_string(40 + i) + ":" +
                 std::to_string(10 + 3 * i) + "\nType error: Argument of type '" + types[i] +
                 "' is not assignable to parameter of type 'string'.\n");
  }
  auto p = find(detect_all(run.records()), "repeated_failure");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 7);
}

TEST(RepeatedFailure, ErrorCodesGroupDifferentCommands) {
  Trace run;
  const char* commands[] = {"npx tsc --noEmit", "cd ~/blog && npx tsc -p .",
                            "cd ~/blog && npm run typecheck", "npx tsc --noEmit --pretty false"};
  for (int i = 0; i < 4; ++i)
    run.exec(commands[i], 2,
             "src/lib/tags.ts(" + std::to_string(12 + i) +
                 ",5): error TS2345: Argument of type 'number' is not assignable.\n");
  auto p = find(detect_all(run.records()), "repeated_failure");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 4);
  EXPECT_EQ(p->detail["distinct_actions"], 4);
}

TEST(RepeatedFailure, AFixedFailureDoesNotCountWithALaterOne) {
  Trace run;
  std::string error = "Failed to compile.\nType error: Cannot find name 'matter'.\n";
  run.exec("cd ~/blog && npm run build", 1, error)
      .exec("cd ~/blog && npm run build", 1, error)
      .exec("cd ~/blog && npm run build", 0, kNextOk)
      .exec("cd ~/blog && npm run build", 1, error)
      .exec("cd ~/blog && npm run build", 1, error);
  EXPECT_FALSE(find(detect_all(run.records()), "repeated_failure"));
}

// --- cwd_amnesia ---

TEST(CwdAmnesia, CommandsRunInHomeInsteadOfTheRepository) {
  Trace run;
  int first = run.next_call_message();
  run.exec("git status", 128, "fatal: not a git repository (or any of the parent directories): .git\n")
      .exec("npm run build", 254,
            "npm error code ENOENT\nnpm error syscall open\nnpm error path "
            "/home/coder/package.json\nnpm error errno -2\nnpm error enoent Could not read "
            "package.json: Error: ENOENT: no such file or directory, open "
            "'/home/coder/package.json'\n")
      .exec("pwd && ls", 0, "/home/coder\nblog\n")
      .exec("cd blog && git status", 0, "On branch run-1\n")
      .exec("git log --oneline", 128, "fatal: not a git repository (or any of the parent directories): .git\n")
      .exec("cd ~/blog && git log --oneline", 0, "1a2b3c4 init\n");
  auto p = find(detect_all(run.records()), "cwd_amnesia");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 4);
  EXPECT_EQ(p->first_message, first);
  EXPECT_EQ(p->detail["failures"], 3);
  EXPECT_EQ(p->detail["episodes"], 2);
  EXPECT_NE(p->evidence.find("not a git repository"), std::string::npos);
}

TEST(CwdAmnesia, OtherWrongDirectoryErrors) {
  std::vector<std::pair<std::string, std::string>> failures = {
      {"cd src && npm test", "bash: line 1: cd: src: No such file or directory\n"},
      {"make build", "make: *** No targets specified and no makefile found.  Stop.\n"},
      {"cargo build", "error: could not find `Cargo.toml` in `/home/coder` or any parent directory\n"},
      {"yarn build", "error Couldn't find a package.json file in \"/home/coder\"\n"},
      {"go test ./...", "go: go.mod file not found in current directory or any parent directory\n"},
      {"pip install -r requirements.txt",
       "ERROR: Could not open requirements file: [Errno 2] No such file or directory: "
       "'requirements.txt'\n"},
      {"sh -c 'cd blog/app'", "sh: 1: cd: can't cd to blog/app\n"},
      {"git -C blog2 status", "fatal: cannot change to 'blog2': No such file or directory\n"},
  };
  for (const auto& [command, output] : failures) {
    Trace run;
    run.exec(command, 1, output).exec(command, 1, output).exec("cd ~/blog && ls", 0, "src\n");
    auto p = find(detect_all(run.records()), "cwd_amnesia");
    ASSERT_TRUE(p) << command;
    EXPECT_EQ(p->count, 2) << command;
  }
}

TEST(CwdAmnesia, RelativePathsThatExistOnlyUnderTheRepository) {
  Trace run;
  run.exec("cd ~/blog && ls src/lib", 0, "posts.ts\nutils.ts\n");
  int first = run.next_call_message();
  run.exec("cat src/lib/posts.ts", 1, "cat: src/lib/posts.ts: No such file or directory\n")
      .exec("sed -n '1,40p' ./src/lib/posts.ts", 2,
            "sed: can't read ./src/lib/posts.ts: No such file or directory\n")
      .tool("read_file", {{"path", "src/lib/utils.ts"}}, true,
            "error: src/lib/utils.ts: no such file or directory")
      .exec("cd ~/blog && cat src/lib/posts.ts", 0, "export {}\n");
  auto p = find(detect_all(run.records()), "cwd_amnesia");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 3);
  EXPECT_EQ(p->first_message, first);
}

TEST(CwdAmnesia, MissingFilesOutsideTheRepositoryAndQuickRecoveriesDoNotFire) {
  Trace run;
  run.exec("cd ~/blog && ls", 0, "package.json\nsrc\n")
      .exec("cat notes.txt", 1, "cat: notes.txt: No such file or directory\n")
      .exec("cat todo.md", 1, "cat: todo.md: No such file or directory\n")
      .exec("git status", 128, "fatal: not a git repository (or any of the parent directories): .git\n")
      .exec("cd ~/blog && git status", 0, "On branch run-1\n");
  EXPECT_FALSE(find(detect_all(run.records()), "cwd_amnesia"));
}

TEST(CwdAmnesia, TheFailedCommandWorkingAfterACdEndsTheEpisodeWhateverTheFolder) {
  Trace run;
  run.exec("npm run build", 254, "npm ERR! enoent Could not read package.json\n")
      .exec("npm run build", 254, "npm ERR! enoent Could not read package.json\n")
      .exec("cd ~/website && npm run build", 0, kNextOk);
  for (int i = 0; i < 5; ++i) run.exec("cd ~/website && ls", 0, "src\n");
  auto p = find(detect_all(run.records()), "cwd_amnesia");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 2);
}

TEST(CwdAmnesia, PathsTheTaskPromptNamesAreUnderTheRepository) {
  std::vector<Record> records = {
      {{"type", "run_start"}, {"task", "blog"}, {"cwd", "home"}, {"build", "npm run build"}},
      {{"type", "message"}, {"message", 1}, {"role", "user"}, {"source", "prompt"},
       {"content", "The blog has `src/lib/posts.ts` with getAllTags(). Add a tag manager."}}};
  int message = 1, index = 0;
  for (const char* command : {"head -20 src/lib/posts.ts", "grep -n getAllTags src/lib/posts.ts"}) {
    std::string id = "c" + std::to_string(++index);
    records.push_back({{"type", "response"}, {"message", ++message}, {"content", ""},
                       {"tool_calls", {{{"id", id}, {"name", "execute"}, {"arguments", {{"command", command}}}}}}});
    records.push_back({{"type", "tool_call"}, {"index", index}, {"id", id}, {"name", "execute"},
                       {"arguments", {{"command", command}}}});
    records.push_back({{"type", "tool_result"}, {"message", ++message}, {"id", id},
                       {"name", "execute"}, {"output", "src/lib/posts.ts: No such file or directory"},
                       {"is_error", true}, {"exit_code", 2}});
  }
  auto p = find(detect_all(records), "cwd_amnesia");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 2);
  EXPECT_EQ(p->first_message, 2);
}

// --- no_commit_after_green_build ---

TEST(NoCommitAfterGreenBuild, PassingBuildThenAScreenshotRabbitHoleAndNoCommit) {
  Trace run;
  run.exec("cd ~/blog && ls", 0, "src\n")
      .tool("write_file", {{"path", "~/blog/src/lib/tags.ts"}, {"content", "x"}}, false, "ok");
  int green = run.next_call_message();
  run.exec("cd ~/blog && npm run build 2>&1 | tail -20", 0, kNextOk);
  for (int i = 0; i < 30; ++i)
    run.exec("cd ~/blog && npx playwright install chromium", 1,
             "Host system is missing dependencies to run browsers.\n");
  run.user("can you finish?", "nudge").exec("cd ~/blog && node shot.js", 1, "Error: browser").end(
      "limit_tool_calls");
  auto p = find(detect_all(run.records()), "no_commit_after_green_build");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 32);
  EXPECT_EQ(p->first_message, green);
  EXPECT_EQ(p->detail["ended_uncommitted"], true);
}

TEST(NoCommitAfterGreenBuild, FiresWhileTheRunGoesOnPastTheThreshold) {
  Trace run;
  run.tool("write_file", {{"path", "~/blog/a.ts"}, {"content", "x"}}, false, "ok")
      .exec("cd ~/blog && npm run build", 0, kNextOk);
  for (int i = 0; i < 13; ++i) run.exec("cd ~/blog && ls public", 0, "shot.png\n");
  EXPECT_FALSE(find(detect_all(run.records()), "no_commit_after_green_build"));
  run.exec("cd ~/blog && ls", 0, "src\n");
  auto p = find(detect_all(run.records()), "no_commit_after_green_build");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 15);
  EXPECT_EQ(p->detail["ended_uncommitted"], false);
}

TEST(NoCommitAfterGreenBuild, RunEndingRightAfterAPassingBuildFires) {
  Trace run;
  run.tool("write_file", {{"path", "~/blog/a.ts"}, {"content", "x"}}, false, "ok")
      .exec("cd ~/blog && CI=1 npm run build", 0, kNextOk)
      .say("The build passes.")
      .end("end_turn");
  auto p = find(detect_all(run.records()), "no_commit_after_green_build");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 1);
}

TEST(NoCommitAfterGreenBuild, FailedBuildsHiddenByAPipeAreNotGreen) {
  Trace run;
  run.tool("write_file", {{"path", "~/blog/a.ts"}, {"content", "x"}}, false, "ok")
      .exec("cd ~/blog && npm run build 2>&1 | tail -5", 0,
            "Failed to compile.\nType error: Cannot find name 'x'.\n")
      .end("end_turn");
  EXPECT_FALSE(find(detect_all(run.records()), "no_commit_after_green_build"));
}

TEST(NoCommitAfterGreenBuild, ACommitWhosePushFailedStillCounts) {
  Trace run;
  run.tool("write_file", {{"path", "~/blog/a.ts"}, {"content", "x"}}, false, "ok")
      .exec("cd ~/blog && npm run build", 0, kNextOk)
      .exec("cd ~/blog && git add . && git commit -m 'feat: tags' && git push", 1,
            "[run-1 4e5f6a7] feat: tags\n 1 file changed\nfatal: The current branch run-1 has no "
            "upstream branch.\n")
      .exec("cd ~/blog && git push -u origin run-1", 0, "branch 'run-1' set up\n")
      .end("end_turn");
  EXPECT_FALSE(find(detect_all(run.records()), "no_commit_after_green_build"));
}

// --- text_tool_calls ---

TEST(TextToolCallsDetector, CallsWrittenAsTextInAKnownFormat) {
  Trace run;
  int first = run.next_call_message();
  run.say("I'll start.\n[TOOL_CALLS]execute[ARGS]{\"command\": \"ls -la\"}")
      .user("keep going", "nudge")
      .say("<tool_call>\n<function=read_file>\n<parameter=path>\nREADME.md\n</parameter>\n"
           "</function>\n</tool_call>\n<tool_call>\n<function=execute>\n<parameter=command>\n"
           "ls\n</parameter>\n</function>\n</tool_call>")
      .end("end_turn");
  auto p = find(detect_all(run.records()), "text_tool_calls");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 3);
  EXPECT_EQ(p->first_message, first);
  EXPECT_EQ(p->detail["format"], "mistral_v11");
  EXPECT_EQ(p->detail["formats"]["qwen3_coder_xml"], 2);
}

TEST(TextToolCallsDetector, PseudoCallsInAFakeConversationAreSuspected) {
  Trace run;
  run.say("Sure! Let's look at the Python project.\n\nAssistant: execute(\"ls -la\")\n"
          "Tool: main.py requirements.txt\nAssistant: read_file(\"main.py\")\n"
          "Tool: def main(): ...\nwrite_file(\"main.py\", \"print('hi')\")\nAll done!")
      .end("end_turn");
  auto p = find(detect_all(run.records()), "text_tool_calls");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 3);
  EXPECT_EQ(p->detail["exact"], 0);
  EXPECT_EQ(p->detail["format"], "suspected");
}

TEST(TextToolCallsDetector, ProseAboutToolsDoesNotFire) {
  Trace run;
  run.say("I used execute to run the build and read_file to check the route; everything "
          "passes.\n```json\n{\"name\": \"blog\", \"private\": true}\n```")
      .end("end_turn");
  EXPECT_FALSE(find(detect_all(run.records()), "text_tool_calls"));
}

// --- no_exploration ---

TEST(NoExploration, WritesBeforeAnyReadOrListing) {
  Trace run;
  int first = run.next_call_message();
  run.tool("write_file", {{"path", "~/blog/src/lib/tags.ts"}, {"content", "x"}}, false, "ok")
      .tool("write_file", {{"path", "~/blog/src/app/api/admin/tags/route.ts"}, {"content", "y"}},
            false, "ok")
      .exec("cd ~/blog && npm run build", 1, "Module not found: Can't resolve '../../../lib/tags'")
      .exec("cd ~/blog && ls src/lib", 0, "tags.ts\n");
  auto p = find(detect_all(run.records()), "no_exploration");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 2);
  EXPECT_EQ(p->first_message, first);
}

TEST(NoExploration, HeredocAndRedirectWritesCount) {
  Trace run;
  run.exec("cd ~/blog && mkdir -p src/lib && cat > src/lib/tags.ts <<'EOF'\nexport const ls = 1;\n"
           "cat x\nEOF",
           0, "")
      .exec("cd ~/blog && echo 'export {}' | tee src/lib/b.ts > /dev/null", 0, "");
  auto p = find(detect_all(run.records()), "no_exploration");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 2);
}

TEST(NoExploration, ReadingFirstOrWritingScratchFilesDoesNotFire) {
  Trace run;
  run.exec("echo hi > /tmp/probe.txt", 0, "")
      .exec("cd ~/blog && tree -L 2", 0, "src\n")
      .tool("write_file", {{"path", "~/blog/src/lib/tags.ts"}, {"content", "x"}}, false, "ok");
  EXPECT_FALSE(find(detect_all(run.records()), "no_exploration"));
}

// --- ignored_stop ---

TEST(IgnoredStop, ToolCallsAfterTheProtocolSaidStop) {
  Trace run;
  run.exec("cd ~/blog && npm run build", 1, "Module not found");
  run.event("stop", {{"rule", "repeated_failure"}, {"count", 13}})
      .user("Stop. You are repeating the same failing action.", "stop");
  int first = run.next_call_message();
  for (int i = 0; i < 5; ++i) run.exec("cd ~/blog && npm run build", 1, "Module not found");
  run.say("Understood, stopping.").end("stopped");
  auto p = find(detect_all(run.records()), "ignored_stop");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 5);
  EXPECT_EQ(p->first_message, first);
}

TEST(IgnoredStop, APersonTypingStopCountsAndObeyingDoesNot) {
  Trace typed;
  typed.user("stop!", "interactive").exec("ls", 0, "blog\n");
  auto p = find(detect_all(typed.records()), "ignored_stop");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 1);

  Trace obeyed;
  obeyed.user("Stop now.", "stop").say("Stopping here.").end("stopped");
  EXPECT_FALSE(find(detect_all(obeyed.records()), "ignored_stop"));
}

// --- stalled ---

TEST(Stalled, TurnEndedWithRequirementsUnmet) {
  Trace run;
  run.exec("cd ~/blog && ls", 0, "src\n");
  int end_of_turn = run.next_call_message();
  run.say("I have implemented the tag manager.")
      .event("check", {{"met", {"lib"}}, {"unmet", {"commits", "pushed", "screenshot"}}})
      .end("end_turn");
  auto p = find(detect_all(run.records()), "stalled");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 1);
  EXPECT_EQ(p->first_message, end_of_turn);
  EXPECT_NE(p->evidence.find("commits, pushed, screenshot"), std::string::npos);
}

TEST(Stalled, NudgedAfterAnEarlyEndCountsEachStall) {
  Trace run;
  run.say("Done, I think.")
      .event("check", {{"met", json::array()}, {"unmet", {"build"}}})
      .event("nudge", {{"rule", "end_turn_unmet"}, {"count", 1}})
      .user("Requirements are not met yet: build. Keep going.", "nudge")
      .say("Finished.")
      .event("check", {{"met", json::array()}, {"unmet", {"build"}}})
      .end("end_turn");
  auto p = find(detect_all(run.records()), "stalled");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 2);
}

TEST(Stalled, ANudgeAfterAnEndedTurnWithoutACheckCounts) {
  Trace run;
  int end_of_turn = run.next_call_message();
  run.say("I think that's everything.").user("You there? Keep going.", "nudge").say("Yes.");
  auto p = find(detect_all(run.records()), "stalled");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->count, 1);
  EXPECT_EQ(p->first_message, end_of_turn);
}

// --- configuration, live use, robustness ---

TEST(DetectorConfig, SetsThresholdsByNameAndRejectsBadOnes) {
  DetectorConfig config;
  std::string err;
  EXPECT_TRUE(config.set("repetition_min_repeats", 8, &err));
  EXPECT_EQ(config.repetition_min_repeats, 8);
  EXPECT_TRUE(config.apply({{"cwd_amnesia_min_calls", 4}, {"stalled", false}}, &err)) << err;
  EXPECT_EQ(config.cwd_amnesia_min_calls, 4);
  EXPECT_TRUE(config.disabled.count("stalled"));
  EXPECT_FALSE(config.set("repetition_min_repeat", 3, &err));
  EXPECT_NE(err.find("repetition_min_repeat"), std::string::npos);
  EXPECT_FALSE(config.set("no_commit_min_calls", "ten", &err));
  EXPECT_FALSE(config.set("no_commit_min_calls", 0, &err));
  EXPECT_FALSE(config.set("stalled", 1, &err));
}

TEST(DetectorConfig, ThresholdsAndSwitchesChangeWhatFires) {
  Trace run;
  for (int i = 0; i < 6; ++i) run.say("I'll also make sure the route is correct.");
  run.event("check", {{"unmet", {"commits"}}}).end("end_turn");
  EXPECT_TRUE(find(detect_all(run.records()), "degenerate_repetition"));
  DetectorConfig config;
  std::string err;
  ASSERT_TRUE(config.apply({{"repetition_min_repeats", 7}, {"stalled", false}}, &err));
  auto found = detect_all(run.records(), config);
  EXPECT_FALSE(find(found, "degenerate_repetition"));
  EXPECT_FALSE(find(found, "stalled"));
}

TEST(LiveDetectors, FireOnceWhenReachedAgainWhenDoubledAndEndLikeDetectAll) {
  Trace run;
  for (int i = 0; i < 12; ++i)
    run.exec("cd ~/blog && npm run build", 1, "Module not found: Can't resolve './x'");
  run.end("limit_tool_calls");
  LiveDetectors live;
  std::vector<int> reported_counts;
  for (const auto& r : run.records())
    for (const auto& p : live.feed(r))
      if (p.kind == "repeated_failure") reported_counts.push_back(p.count);
  EXPECT_EQ(reported_counts, (std::vector<int>{3, 6, 12}));
  EXPECT_EQ(live.current(), detect_all(run.records()));
}

TEST(LiveDetectors, CostsWellUnderAMillisecondPerRecord) {
  Trace run;
  std::string output(20000, 'x');
  for (int i = 0; i < 100; ++i) output[static_cast<size_t>(i) * 150] = '\n';
  for (int i = 0; i < 150; ++i) {
    run.exec("cd ~/blog && npm run build 2>&1 | tail -50", i % 2, output + "\nerror TS2322: x\n",
             "Let me try a different approach to the build problem number " + std::to_string(i));
    run.tool("write_file", {{"path", "~/blog/src/f" + std::to_string(i) + ".ts"},
                            {"content", std::string(4000, 'y')}},
             false, "ok", "<tool_call>\n{\"name\": \"execute\", \"arguments\": {}}\n</tool_call>");
  }
  LiveDetectors live;
  auto start = std::chrono::steady_clock::now();
  for (const auto& r : run.records()) live.feed(r);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
  EXPECT_LT(ms / static_cast<double>(run.records().size()), 1.0);
}

TEST(Detectors, OddlyTypedFieldsDoNotCrash) {
  std::vector<Record> records = {
      {{"type", "run_start"}, {"task", 7}, {"tools", "execute"}, {"build", nullptr}},
      {{"type", "message"}, {"message", "one"}, {"content", json::array()}, {"source", "stop"}},
      {{"type", "response"}, {"message", 2}, {"content", nullptr}, {"tool_calls", "none"}},
      {{"type", "tool_call"}, {"id", 5}, {"name", "execute"}, {"arguments", nullptr}},
      {{"type", "tool_result"}, {"id", 5}, {"output", 12}, {"exit_code", "1"}},
      {{"type", "tool_result"}, {"id", "ghost"}, {"name", "execute"}, {"output", "fatal: not a git repository"}},
      {{"type", "event"}, {"event", "check"}, {"detail", {{"unmet", "all"}}}},
      {{"type", "run_end"}, {"reason", 3}},
  };
  EXPECT_NO_FATAL_FAILURE(detect_all(records));
}

TEST(Detectors, ReadsARealTranscriptFile) {
  test::TempDir dir;
  Trace run;
  run.exec("git status", 128, "fatal: not a git repository\n")
      .exec("git status", 128, "fatal: not a git repository\n")
      .exec("cd ~/blog && git status", 0, "On branch run-1\n");
  std::string text;
  for (const auto& r : run.records()) text += r.dump() + "\n";
  test::write_file(dir / "transcript.jsonl", text + "{\"type\": \"tool_re");  // cut short
  std::vector<Record> records;
  std::string err, warning;
  ASSERT_TRUE(read_transcript(dir / "transcript.jsonl", &records, &err, &warning)) << err;
  auto found = detect_all(records);
  ASSERT_EQ(found.size(), 1u) << kinds(found);
  EXPECT_EQ(found[0].kind, "cwd_amnesia");
}

TEST(Pathology, RoundTripsThroughJson) {
  Pathology p{"repeated_failure", 13, 34, "\"npm run build\" failed 13 times", {{"streaks", 1}}};
  json j = to_json(p);
  EXPECT_EQ(j["kind"], "repeated_failure");
  EXPECT_EQ(j["first_message"], 34);
  EXPECT_EQ(pathology_from_json(j), p);
  EXPECT_EQ(pathology_from_json(json::parse(R"({"kind": 3, "count": "x"})")).count, 0);
}

// --- the helpers the detectors stand on ---

TEST(Command, NormalisingKeepsOnlyWhatChangesTheAction) {
  std::string want = "npm run build";
  for (const char* c : {"npm run build", "cd ~/blog && npm run build", "cd /x; npm  run build",
                        "cd \"$HOME/blog\" && npm run build 2>&1 | tail -30",
                        "CI=1 timeout 300 npm run build > /dev/null 2>&1",
                        "cd blog && \\\n  npm run 'build' | grep -v warn"})
    EXPECT_EQ(normalize_command(c), want) << c;
  EXPECT_NE(normalize_command("npm run build:prod"), want);
}

TEST(Command, RecognisesBuildsCommitsReadsAndWrites) {
  EXPECT_TRUE(command_runs_build("cd ~/blog && npm run build -- --no-lint", "npm run build"));
  EXPECT_FALSE(command_runs_build("npm run build:prod", "npm run build"));
  EXPECT_TRUE(command_runs_build("cd x && npm ci && npm run build", "npm ci && npm run build"));
  EXPECT_TRUE(runs_git_commit("cd ~/blog && git add -A && git -C . commit -m 'x; y'"));
  EXPECT_FALSE(runs_git_commit("echo 'git commit' && git status"));
  EXPECT_TRUE(reads_files("cd ~/blog && sed -n '1,20p' src/a.ts"));
  EXPECT_FALSE(reads_files("sed -i 's/a/b/' src/a.ts"));
  EXPECT_FALSE(reads_files("cat > a.txt <<EOF\nls\nEOF"));
  EXPECT_FALSE(reads_files("npm run build | tail -5"));
  EXPECT_EQ(written_paths("cat > a.txt <<'EOF'\nx > y.txt\nEOF\necho 1 >> b.txt 2> err.log"),
            (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ(directory_targets("cd ~/blog && npm --prefix web run build && git -C ../x log"),
            (std::vector<std::string>{"~/blog", "web", "../x"}));
}

TEST(ErrorSignature, StaysTheSameAcrossNumbersPathsAndQuotedNames) {
  auto a = error_signature("Failed to compile.\n\n./src/a/route.ts:2:1\nModule not found: Can't "
                           "resolve '../../../lib/tags'\n", 1);
  auto b = error_signature("\x1b[31mFailed to compile.\x1b[0m\n./src/b/route.ts:14:7\nModule not "
                           "found: Can't resolve '../../lib/other'\n", 1);
  EXPECT_EQ(a.key, b.key);
  EXPECT_TRUE(a.specific);
  EXPECT_EQ(a.line, "Module not found: Can't resolve '../../../lib/tags'");
  EXPECT_EQ(error_signature("x.ts(3,4): error TS2345: Argument", 2).key, "TS2345");
  EXPECT_EQ(error_signature("Traceback...\nModuleNotFoundError: No module named 'flask'", 1).key,
            error_signature("ModuleNotFoundError: No module named 'django'", 1).key);
  EXPECT_NE(error_signature("Type error: Cannot find name 'x'.", 1).key,
            error_signature("Module not found: Can't resolve 'x'", 1).key);
  EXPECT_FALSE(error_signature("", 3).specific);
}

TEST(ErrorSignature, KnowsWrongDirectoryErrors) {
  EXPECT_TRUE(wrong_directory_error("fatal: not a git repository (or any of the parent directories): .git"));
  EXPECT_TRUE(wrong_directory_error("npm ERR! enoent ENOENT: no such file or directory, open '/home/u/package.json'"));
  EXPECT_TRUE(wrong_directory_error("/bin/sh: 1: cd: can't cd to app"));
  EXPECT_FALSE(wrong_directory_error("Module not found: Can't resolve '../lib/tags'"));
  EXPECT_FALSE(wrong_directory_error("cat: notes.txt: No such file or directory"));
}

}  // namespace
}  // namespace showdown
