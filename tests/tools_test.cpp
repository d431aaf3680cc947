// links: showdown_tools
// The built-in tools as the agent calls them, through a live sandbox.
#include <gtest/gtest.h>

#include <cstring>

#include "sandbox/sandbox.h"
#include "test_util.h"
#include "tools/tool.h"
#include "tools/utf8.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::read_file;
using test::TempDir;
using test::write_file;

class ToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(home());
    fs::create_directories(root_ / "tmp");
    SandboxSpec spec;
    spec.home = home();
    spec.tmp = root_ / "tmp";
    spec.init_binary = fs::read_symlink("/proc/self/exe");
    std::string err;
    sandbox_ = make_sandbox(spec, &err);
    ASSERT_TRUE(sandbox_) << err;
    config_.sandbox = sandbox_.get();
    config_.cwd = "/home/agent";
    config_.command_seconds = 10;
  }

  fs::path home() const { return root_ / "home"; }

  Toolbox toolbox() {
    Toolbox box;
    box.add(make_execute_tool(config_));
    box.add(make_read_file_tool(config_));
    box.add(make_write_file_tool(config_));
    box.add(make_edit_file_tool(config_));
    return box;
  }

  ToolOutcome call(const std::string& name, const json& arguments) {
    ToolCall tool_call;
    tool_call.id = "call_1";
    tool_call.name = name;
    tool_call.arguments = arguments;
    return toolbox().call(tool_call);
  }

  TempDir root_;
  std::unique_ptr<Sandbox> sandbox_;
  ToolConfig config_;
};

TEST_F(ToolsTest, ExecuteReportsOutputAndExitCode) {
  ToolOutcome outcome = call("execute", {{"command", "echo hi; echo err >&2; exit 1"}});
  EXPECT_EQ(outcome.output, "hi\nerr\n[exit code: 1]");
  EXPECT_FALSE(outcome.is_error);
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.output_bytes, 7);
  EXPECT_FALSE(outcome.timed_out);
  EXPECT_GT(outcome.seconds, 0);
  EXPECT_EQ(call("execute", {{"command", "printf done"}}).output, "done\n[exit code: 0]");
}

TEST_F(ToolsTest, ExecuteStartsInAFreshShellInHomeEveryCall) {
  call("execute", {{"command", "mkdir -p repo && cd repo"}});
  EXPECT_EQ(call("execute", {{"command", "pwd"}}).output, "/home/agent\n[exit code: 0]");
  const std::string description = make_execute_tool(config_)->spec().description;
  EXPECT_NE(description.find("fresh shell in your home folder /home/agent"), std::string::npos)
      << description;
}

TEST_F(ToolsTest, ExecuteStartsInTheRepositoryWhenConfigured) {
  fs::create_directories(home() / "app");
  config_.cwd = "/home/agent/app";
  EXPECT_EQ(call("execute", {{"command", "cd .. && pwd"}}).output, "/home/agent\n[exit code: 0]");
  EXPECT_EQ(call("execute", {{"command", "pwd"}}).output, "/home/agent/app\n[exit code: 0]");
}

TEST_F(ToolsTest, ExecuteSaysWhenACommandWasKilledAtItsLimit) {
  config_.command_seconds = 1;
  ToolOutcome outcome = call("execute", {{"command", "echo started; sleep 30"}});
  EXPECT_TRUE(outcome.timed_out);
  EXPECT_EQ(outcome.output, "started\n[timed out after 1 s; the command's processes were killed]");
}

TEST_F(ToolsTest, ExecuteCapsLongOutputAndCountsAllOfIt) {
  config_.output_cap = 100;
  ToolOutcome outcome = call("execute", {{"command", "seq 1 100000"}});
  EXPECT_EQ(outcome.output_bytes, 588895);
  EXPECT_EQ(outcome.output.substr(0, 10), "1\n2\n3\n4\n5\n");
  EXPECT_NE(outcome.output.find(" bytes cut ...]\n"), std::string::npos);
  EXPECT_NE(outcome.output.find("100000\n[exit code: 0]"), std::string::npos) << outcome.output;
  EXPECT_LT(outcome.output.size(), 200u);
}

TEST_F(ToolsTest, ExecuteReportsADeadSandboxAsAnInfrastructureFailure) {
  sandbox_->shutdown();
  ToolOutcome outcome = call("execute", {{"command", "true"}});
  EXPECT_TRUE(outcome.is_error);
  EXPECT_TRUE(outcome.infrastructure_failure);
}

TEST_F(ToolsTest, WrittenFilesReadBackAndAreSeenByCommands) {
  ToolOutcome wrote = call("write_file", {{"path", "src/lib/a.txt"}, {"content", "hello\n"}});
  EXPECT_FALSE(wrote.is_error) << wrote.output;
  EXPECT_EQ(wrote.output, "wrote 6 bytes to /home/agent/src/lib/a.txt");
  EXPECT_EQ(read_file(home() / "src" / "lib" / "a.txt"), "hello\n");
  EXPECT_EQ(call("read_file", {{"path", "/home/agent/src/lib/a.txt"}}).output, "hello\n");
  EXPECT_EQ(call("read_file", {{"path", "~/src/lib/a.txt"}}).output, "hello\n");
  EXPECT_EQ(call("execute", {{"command", "cat src/lib/a.txt"}}).output, "hello\n[exit code: 0]");
  call("write_file", {{"path", "src/lib/a.txt"}, {"content", "replaced"}});
  EXPECT_EQ(call("read_file", {{"path", "src/lib/a.txt"}}).output, "replaced");
  call("write_file", {{"path", "/tmp/scratch"}, {"content", "t"}});
  EXPECT_EQ(read_file(root_ / "tmp" / "scratch"), "t");
}

TEST_F(ToolsTest, ReadFileExplainsMissingFilesAndFolders) {
  ToolOutcome missing = call("read_file", {{"path", "nope.txt"}});
  EXPECT_TRUE(missing.is_error);
  EXPECT_EQ(missing.output, "no such file: /home/agent/nope.txt");
  fs::create_directories(home() / "src");
  ToolOutcome folder = call("read_file", {{"path", "src"}});
  EXPECT_TRUE(folder.is_error);
  EXPECT_NE(folder.output.find("/home/agent/src is a directory"), std::string::npos);
  ToolOutcome write_folder = call("write_file", {{"path", "src"}, {"content", "x"}});
  EXPECT_TRUE(write_folder.is_error);
}

TEST_F(ToolsTest, ReadFileShowsOnlyTheStartOfALongFile) {
  config_.read_cap = 10;
  write_file(home() / "long.txt", std::string(100, 'a'));
  ToolOutcome outcome = call("read_file", {{"path", "long.txt"}});
  EXPECT_FALSE(outcome.is_error);
  EXPECT_EQ(outcome.output.substr(0, 11), std::string(10, 'a') + "\n");
  EXPECT_NE(outcome.output.find("is 100 bytes; only the first 10 are shown"), std::string::npos)
      << outcome.output;
}

TEST_F(ToolsTest, ReadFileGivesValidTextForBinaryAndBrokenUtf8) {
  write_file(home() / "image.png", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11));
  EXPECT_EQ(call("read_file", {{"path", "image.png"}}).output,
            "/home/agent/image.png is a binary file (11 bytes); it is not shown");
  write_file(home() / "latin1.txt", "caf\xe9\n");
  ToolOutcome outcome = call("read_file", {{"path", "latin1.txt"}});
  EXPECT_EQ(outcome.output, "caf\xEF\xBF\xBD\n");
  EXPECT_NO_THROW(json(outcome.output).dump());
}

TEST_F(ToolsTest, FileToolsRejectPathsOutsideTheWorkspace) {
  fs::create_symlink("/etc/passwd", home() / "passwd_link");
  fs::create_symlink("../..", home() / "up");
  for (const std::string path :
       {"../../etc/passwd", "/etc/passwd", "passwd_link", "up/etc/passwd", "/root/.ssh/id_rsa"}) {
    ToolOutcome read = call("read_file", {{"path", path}});
    EXPECT_TRUE(read.is_error) << path;
    EXPECT_EQ(read.output.find("root:"), std::string::npos) << path;
  }
  ToolOutcome outcome = call("read_file", {{"path", "/etc/passwd"}});
  EXPECT_NE(outcome.output.find("outside the workspace"), std::string::npos) << outcome.output;
  std::string name = "showdown-tools-escape-" + std::to_string(getpid());
  for (const std::string& path : {"../" + name, "/etc/" + name, "up/root/" + name}) {
    EXPECT_TRUE(call("write_file", {{"path", path}, {"content", "x"}}).is_error) << path;
  }
  EXPECT_FALSE(fs::exists(root_ / name));
  EXPECT_FALSE(fs::exists("/etc/" + name));
  EXPECT_FALSE(fs::exists("/root/" + name));
  EXPECT_TRUE(call("write_file", {{"path", "passwd_link"}, {"content", "x"}}).is_error);
  EXPECT_EQ(read_file("/etc/passwd").rfind("root:", 0), 0u);
}

TEST_F(ToolsTest, EditFileReplacesExactlyOneOccurrence) {
  write_file(home() / "a.ts", "const a = 1;\nconst b = 2;\n");
  ToolOutcome outcome =
      call("edit_file", {{"path", "a.ts"}, {"old", "const b = 2;"}, {"new", "const b = 3;"}});
  EXPECT_FALSE(outcome.is_error) << outcome.output;
  EXPECT_EQ(outcome.output, "replaced 1 occurrence in /home/agent/a.ts");
  EXPECT_EQ(read_file(home() / "a.ts"), "const a = 1;\nconst b = 3;\n");
}

TEST_F(ToolsTest, EditFileRefusesAmbiguousOrMissingText) {
  write_file(home() / "a.ts", "x = 1;\nx = 1;\nx = 1;\n");
  ToolOutcome ambiguous = call("edit_file", {{"path", "a.ts"}, {"old", "x = 1;"}, {"new", "y"}});
  EXPECT_TRUE(ambiguous.is_error);
  EXPECT_NE(ambiguous.output.find("occurs 3 times"), std::string::npos) << ambiguous.output;
  ToolOutcome missing = call("edit_file", {{"path", "a.ts"}, {"old", "x = 2;"}, {"new", "y"}});
  EXPECT_TRUE(missing.is_error);
  EXPECT_NE(missing.output.find("not found in /home/agent/a.ts"), std::string::npos);
  EXPECT_TRUE(call("edit_file", {{"path", "a.ts"}, {"old", ""}, {"new", "y"}}).is_error);
  EXPECT_TRUE(call("edit_file", {{"path", "b.ts"}, {"old", "x"}, {"new", "y"}}).is_error);
  EXPECT_EQ(read_file(home() / "a.ts"), "x = 1;\nx = 1;\nx = 1;\n");
}

TEST_F(ToolsTest, UnknownToolsAndBadArgumentsBecomeErrorsTheModelReads) {
  ToolOutcome unknown = call("run_shell", {{"command", "ls"}});
  EXPECT_TRUE(unknown.is_error);
  EXPECT_EQ(unknown.output,
            "there is no tool named \"run_shell\"; the tools are: execute, read_file, "
            "write_file, edit_file");

  ToolOutcome missing = call("execute", json::object());
  EXPECT_TRUE(missing.is_error);
  EXPECT_EQ(missing.output, "execute needs the string argument \"command\"");

  ToolOutcome wrong_type = call("write_file", {{"path", "a"}, {"content", 5}});
  EXPECT_TRUE(wrong_type.is_error);
  EXPECT_EQ(wrong_type.output,
            "the argument \"content\" of write_file must be a string, not a number");
  EXPECT_FALSE(fs::exists(home() / "a"));

  ToolCall broken;
  broken.name = "read_file";
  parse_tool_arguments("{\"path\": \"a.txt\"", &broken);
  ToolOutcome unparsed = toolbox().call(broken);
  EXPECT_TRUE(unparsed.is_error);
  EXPECT_NE(unparsed.output.find("not a JSON object"), std::string::npos) << unparsed.output;
  EXPECT_NE(unparsed.output.find("path"), std::string::npos) << unparsed.output;

  ToolCall null_arguments;
  null_arguments.name = "execute";
  null_arguments.arguments = nullptr;
  EXPECT_TRUE(toolbox().call(null_arguments).is_error);
}

TEST_F(ToolsTest, ToolboxListsItsTools) {
  Toolbox box = toolbox();
  EXPECT_TRUE(box.has("edit_file"));
  EXPECT_FALSE(box.has("browser"));
  std::vector<ToolSpec> specs = box.specs();
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[0].name, "execute");
  EXPECT_EQ(specs[0].parameters["required"], json::array({"command"}));
  EXPECT_EQ(specs[3].parameters["required"], json::array({"path", "old", "new"}));
}

TEST(Utf8Test, ReplacesInvalidBytesAndKeepsValidText) {
  EXPECT_EQ(valid_utf8("plain ✓ text"), "plain ✓ text");
  EXPECT_EQ(valid_utf8("a\xff"
                       "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(valid_utf8("cut \xE2\x9C"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace showdown

// The test binary doubles as the sandbox's init, as `showdown` does in production.
int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "__sandbox-init") == 0)
    return showdown::sandbox_init_main(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
