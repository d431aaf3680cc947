// links: showdown_mcp
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcp/client.h"
#include "mcp/launch.h"
#include "mcp/mcp_tool.h"
#include "test_util.h"

namespace showdown {
namespace {

using test::TempDir;
using ::testing::HasSubstr;

const std::string kFixtures = std::string(SHOWDOWN_SOURCE_DIR) + "/tests/fixtures/mcp";
const std::string kPngSignature = "\x89PNG\r\n\x1a\n";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

McpLaunch fixture(std::vector<std::string> flags = {}) {
  McpLaunch launch;
  launch.name = "fixture";
  launch.command = {"node", kFixtures + "/server.js"};
  launch.command.insert(launch.command.end(), flags.begin(), flags.end());
  launch.start_seconds = 10;
  launch.call_seconds = 10;
  launch.shutdown_grace_seconds = 0.5;
  return launch;
}

std::shared_ptr<McpClient> start(const McpLaunch& launch) {
  std::string err;
  auto client = McpClient::start(launch, &err);
  EXPECT_TRUE(client) << err;
  return client;
}

std::map<std::string, std::unique_ptr<Tool>> tools_of(std::shared_ptr<McpClient> client,
                                                      const std::filesystem::path& save_dir) {
  std::string err;
  std::map<std::string, std::unique_ptr<Tool>> by_name;
  for (auto& tool : make_mcp_tools(client, save_dir, &err))
    by_name[tool->spec().name] = std::move(tool);
  EXPECT_EQ(err, "");
  return by_name;
}

// A process of the test's own (an HTTP server, a namespace holder), killed with its group.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  ~Child() {
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

bool wait_for_file(const std::filesystem::path& path, double seconds) {
  auto start = std::chrono::steady_clock::now();
  while (seconds_since(start) < seconds) {
    if (std::filesystem::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST(McpClient, InitializesAndListsToolsAcrossPages) {
  auto client = start(fixture({"--page-size", "3"}));
  ASSERT_TRUE(client);
  EXPECT_EQ(client->protocol_version(), "2025-06-18");
  EXPECT_EQ(client->server_info().value("name", ""), "fixture");
  std::vector<McpToolInfo> tools;
  std::string err;
  ASSERT_TRUE(client->list_tools(&tools, &err)) << err;
  std::vector<std::string> names;
  for (const auto& tool : tools) names.push_back(tool.name);
  EXPECT_THAT(names, ::testing::ElementsAre("echo", "image", "fail", "hang", "crash", "big",
                                            "context", "fetch"));
  EXPECT_EQ(tools[0].input_schema["required"], nlohmann::json::array({"text"}));
}

TEST(McpTool, OffersServerToolsWithTheirSchemaAndReturnsText) {
  TempDir dir;
  auto tools = tools_of(start(fixture()), dir / "images");
  ASSERT_TRUE(tools.count("echo"));
  const ToolSpec& spec = tools["echo"]->spec();
  EXPECT_EQ(spec.description, "Echoes text back.");
  EXPECT_EQ(spec.parameters["properties"]["text"]["type"], "string");
  ToolOutcome outcome = tools["echo"]->call({{"text", "hello\nworld"}});
  EXPECT_FALSE(outcome.is_error);
  EXPECT_EQ(outcome.output, "hello\nworld");
  EXPECT_EQ(outcome.extra["mcp_server"], "fixture");
}

TEST(McpTool, SavesImagesAsFilesAndRecordsTheirPaths) {
  TempDir dir;
  auto tools = tools_of(start(fixture()), dir / "images");
  ToolOutcome first = tools["image"]->call(nlohmann::json::object());
  ToolOutcome second = tools["image"]->call(nlohmann::json::object());
  ASSERT_FALSE(first.is_error) << first.output;
  EXPECT_THAT(first.output, HasSubstr("here it is\n[image image/png, 70 bytes"));
  ASSERT_EQ(first.extra["images"].size(), 1u);
  ASSERT_EQ(second.extra["images"].size(), 1u);
  std::string path = first.extra["images"][0];
  EXPECT_NE(path, second.extra["images"][0].get<std::string>());
  EXPECT_EQ(std::filesystem::path(path).parent_path(), dir / "images");
  EXPECT_EQ(std::filesystem::path(path).extension(), ".png");
  std::string bytes = test::read_file(path);
  EXPECT_EQ(bytes.size(), 70u);
  EXPECT_EQ(bytes.substr(0, 8), kPngSignature);
}

TEST(McpTool, ReportsIsErrorResultsAsToolErrors) {
  TempDir dir;
  auto tools = tools_of(start(fixture()), dir.path());
  ToolOutcome outcome = tools["fail"]->call(nlohmann::json::object());
  EXPECT_TRUE(outcome.is_error);
  EXPECT_FALSE(outcome.infrastructure_failure);
  EXPECT_EQ(outcome.output, "it went wrong");
}

TEST(McpTool, ReportsJsonRpcErrorsWithTheirMessage) {
  TempDir dir;
  auto tools = tools_of(start(fixture()), dir.path());
  ToolOutcome outcome = tools["echo"]->call({{"words", "no text field"}});
  EXPECT_TRUE(outcome.is_error);
  EXPECT_FALSE(outcome.infrastructure_failure);
  EXPECT_EQ(outcome.output, "MCP error -32602: echo needs a text string");
}

TEST(McpClient, AnswersServerPingAndRefusesOtherServerRequests) {
  auto client = start(fixture({"--chatty"}));
  ASSERT_TRUE(client);
  McpReply reply = client->call_tool("echo", {{"text", "hi"}});
  ASSERT_EQ(reply.status, McpReply::Status::result) << reply.message;
  EXPECT_EQ(reply.result["content"][0]["text"],
            "hi\nping answered {}\nroots/list answered error -32601");
}

TEST(McpClient, IgnoresGarbageLinesHugeNotificationsAndStrayAnswers) {
  auto client = start(fixture({"--garbage"}));
  ASSERT_TRUE(client);
  for (const char* text : {"one", "two"}) {
    McpReply reply = client->call_tool("echo", {{"text", text}});
    ASSERT_EQ(reply.status, McpReply::Status::result) << reply.message;
    EXPECT_EQ(reply.result["content"][0]["text"], text);
  }
}

TEST(McpClient, CarriesAnswersOfSeveralMegabytesWhole) {
  auto client = start(fixture());
  ASSERT_TRUE(client);
  McpReply reply = client->call_tool("big", {{"bytes", 5 * 1024 * 1024}});
  ASSERT_EQ(reply.status, McpReply::Status::result) << reply.message;
  EXPECT_EQ(reply.result["content"][0]["text"].get<std::string>().size(), 5u * 1024 * 1024);
}

TEST(McpClient, FailsACallWhoseAnswerIsOverTheLineLimitWithoutWaitingForTheTimeout) {
  McpLaunch launch = fixture();
  launch.max_line_bytes = 1024 * 1024;
  launch.call_seconds = 30;
  auto client = start(launch);
  ASSERT_TRUE(client);
  auto begin = std::chrono::steady_clock::now();
  McpReply reply = client->call_tool("big", {{"bytes", 2 * 1024 * 1024}});
  EXPECT_LT(seconds_since(begin), 5);
  EXPECT_EQ(reply.status, McpReply::Status::error);
  EXPECT_THAT(reply.message, HasSubstr("sent a line over 1048576 bytes"));
  McpReply after = client->call_tool("echo", {{"text", "still here"}});
  ASSERT_EQ(after.status, McpReply::Status::result) << after.message;
  EXPECT_EQ(after.result["content"][0]["text"], "still here");
}

TEST(McpTool, TimesOutACallThatIsNeverAnsweredAndKeepsTheServer) {
  McpLaunch launch = fixture();
  launch.call_seconds = 0.5;
  TempDir dir;
  auto tools = tools_of(start(launch), dir.path());
  auto begin = std::chrono::steady_clock::now();
  ToolOutcome outcome = tools["hang"]->call(nlohmann::json::object());
  EXPECT_LT(seconds_since(begin), 3);
  EXPECT_TRUE(outcome.is_error);
  EXPECT_FALSE(outcome.infrastructure_failure);
  EXPECT_EQ(outcome.output, "MCP server 'fixture' did not answer tools/call within 0.5 s");
  EXPECT_EQ(tools["echo"]->call({{"text", "next"}}).output, "next");
}

TEST(McpTool, ReportsADeadServerAsAnInfrastructureFailureOnEveryLaterCall) {
  TempDir dir;
  auto client = start(fixture());
  auto tools = tools_of(client, dir.path());
  ToolOutcome crash = tools["crash"]->call(nlohmann::json::object());
  EXPECT_TRUE(crash.is_error);
  EXPECT_TRUE(crash.infrastructure_failure);
  EXPECT_EQ(crash.output, "MCP server 'fixture' exited with status 3");
  EXPECT_FALSE(client->alive());
  auto begin = std::chrono::steady_clock::now();
  ToolOutcome later = tools["echo"]->call({{"text", "anyone?"}});
  EXPECT_LT(seconds_since(begin), 1);
  EXPECT_TRUE(later.infrastructure_failure);
  EXPECT_EQ(later.output, "MCP server 'fixture' exited with status 3");
}

TEST(McpClient, GivesUpOnAServerThatStopsReadingItsInput) {
  McpLaunch launch = fixture({"--deaf"});
  launch.call_seconds = 0.5;
  auto client = start(launch);
  ASSERT_TRUE(client);
  auto begin = std::chrono::steady_clock::now();
  McpReply reply = client->call_tool("echo", {{"text", std::string(4 * 1024 * 1024, 'a')}});
  EXPECT_LT(seconds_since(begin), 3);
  EXPECT_EQ(reply.status, McpReply::Status::server_gone);
  EXPECT_EQ(reply.message, "MCP server 'fixture' stopped reading its input");
}

TEST(McpClient, GivesTheServerItsEnvironmentAndFolderButNotTheHarnessSecrets) {
  TempDir dir;
  setenv("FIXTURE_SECRET", "sk-harness-key", 1);
  McpLaunch launch = fixture();
  launch.env = {{"FIXTURE_GREETING", "hello"}};
  launch.cwd = dir.path();
  launch.stderr_log = dir / "server.log";
  auto client = start(launch);
  unsetenv("FIXTURE_SECRET");
  ASSERT_TRUE(client);
  McpReply reply = client->call_tool("context", nlohmann::json::object());
  ASSERT_EQ(reply.status, McpReply::Status::result) << reply.message;
  EXPECT_EQ(reply.result["content"][0]["text"],
            "cwd=" + std::filesystem::canonical(dir.path()).string() + "\ngreeting=hello\nsecret=");
  client->shutdown();
  EXPECT_EQ(test::read_file(dir / "server.log"), "fixture server started\n");
}

TEST(McpClient, ExplainsAServerThatCannotStart) {
  McpLaunch launch = fixture();
  launch.command = {"/nonexistent/mcp-server"};
  std::string err;
  EXPECT_FALSE(McpClient::start(launch, &err));
  EXPECT_EQ(err,
            "MCP server 'fixture': cannot run /nonexistent/mcp-server: No such file or directory");
  launch = fixture();
  launch.cwd = "/nonexistent/home";
  EXPECT_FALSE(McpClient::start(launch, &err));
  EXPECT_EQ(err, "MCP server 'fixture': cannot enter /nonexistent/home: No such file or directory");
}

TEST(McpClient, ExplainsAServerThatExitsBeforeAnsweringWithTheEndOfItsLog) {
  TempDir dir;
  McpLaunch launch = fixture();
  launch.command = {"sh", "-c", "echo 'cannot find chromium' >&2; exit 4"};
  launch.stderr_log = dir / "server.log";
  std::string err;
  EXPECT_FALSE(McpClient::start(launch, &err));
  EXPECT_EQ(err,
            "MCP server 'fixture' exited with status 4; its stderr ends: cannot find chromium");
}

TEST(McpClient, GivesUpOnAServerThatNeverAnswersInitializeAndQuotesItsLog) {
  TempDir dir;
  McpLaunch launch = fixture({"--no-init"});
  launch.start_seconds = 0.5;
  launch.stderr_log = dir / "server.log";
  std::string err;
  auto begin = std::chrono::steady_clock::now();
  EXPECT_FALSE(McpClient::start(launch, &err));
  EXPECT_LT(seconds_since(begin), 4);
  EXPECT_EQ(err,
            "MCP server 'fixture' did not answer initialize within 0.5 s; "
            "its stderr ends: fixture server started");
}

TEST(McpClient, ShutdownKillsAServerThatIgnoresStdinAndSigterm) {
  McpLaunch launch = fixture({"--stubborn"});
  launch.shutdown_grace_seconds = 0.3;
  auto client = start(launch);
  ASSERT_TRUE(client);
  pid_t pid = client->pid();
  auto begin = std::chrono::steady_clock::now();
  client->shutdown();
  EXPECT_LT(seconds_since(begin), 3);
  EXPECT_NE(kill(pid, 0), 0);
  McpReply reply = client->call_tool("echo", {{"text", "late"}});
  EXPECT_EQ(reply.status, McpReply::Status::server_gone);
  client->shutdown();
}

TEST(McpClient, ShutdownOfAWellBehavedServerIsQuick) {
  McpLaunch launch = fixture();
  launch.shutdown_grace_seconds = 5;
  auto client = start(launch);
  ASSERT_TRUE(client);
  auto begin = std::chrono::steady_clock::now();
  client->shutdown();
  EXPECT_LT(seconds_since(begin), 2);
}

TEST(McpClient, JoinsTheNetworkNamespaceOfAnotherProcess) {
  std::string out;
  if (test::run_shell("unshare --net true", &out) != 0)
    GTEST_SKIP() << "cannot create network namespaces here (needs root): " << out;
  TempDir dir;
  test::write_file(dir / "page.html", "inside the namespace");
  int port = test::free_port();
  // The HTTP server listens on the loopback of a fresh network namespace, as a
  // run's dev server listens inside its sandbox.
  Child holder({"unshare", "--net", "sh", "-c",
                "ip link set lo up && exec node " + kFixtures + "/http_server.js " +
                    std::to_string(port) + " " + (dir / "page.html").string() + " " +
                    (dir / "ready").string()});
  ASSERT_TRUE(wait_for_file(dir / "ready", 10));
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";

  McpLaunch inside = fixture();
  inside.netns_of = holder.pid();
  auto joined = tools_of(start(inside), dir / "images");
  ToolOutcome fetched = joined["fetch"]->call({{"url", url}});
  EXPECT_FALSE(fetched.is_error) << fetched.output;
  EXPECT_EQ(fetched.output, "inside the namespace");

  auto host = tools_of(start(fixture()), dir / "images");
  ToolOutcome refused = host["fetch"]->call({{"url", url}});
  EXPECT_TRUE(refused.is_error);
  EXPECT_THAT(refused.output, HasSubstr("fetch failed: connect ECONNREFUSED"));
}

TEST(McpLaunch, StartsATasksServerFromTheTaskFolderInTheRunsRepository) {
  TempDir dir;
  test::write_file(dir / "task/mcp/run-server",
                   "#!/bin/sh\nexec node " + kFixtures + "/server.js \"$@\"\n");
  std::filesystem::permissions(dir / "task/mcp/run-server", std::filesystem::perms::owner_all);
  std::filesystem::create_directories(dir / "home/project");
  McpServerConfig config;
  config.name = "fix ture";
  config.command = {"mcp/run-server", "--page-size", "2"};
  config.env = {{"FIXTURE_GREETING", "from the task"}};
  config.cwd = "repo";
  McpRunPlace place;
  place.task_dir = dir / "task";
  place.home = dir / "home";
  place.repo = dir / "home/project";
  place.log_dir = dir / "logs";
  std::filesystem::create_directories(place.log_dir);

  auto client = start(task_mcp_launch(config, place));
  ASSERT_TRUE(client);
  McpReply reply = client->call_tool("context", nlohmann::json::object());
  ASSERT_EQ(reply.status, McpReply::Status::result) << reply.message;
  EXPECT_THAT(reply.result["content"][0]["text"].get<std::string>(),
              HasSubstr("/home/project\ngreeting=from the task\n"));
  client->shutdown();
  EXPECT_EQ(test::read_file(dir / "logs/mcp-fix_ture.log"), "fixture server started\n");
}

const std::filesystem::path kPlaywrightMcp =
    std::filesystem::path(SHOWDOWN_SOURCE_DIR) /
    "tasks/tag-manager/mcp/node_modules/.bin/playwright-mcp";
const char* kPlaywrightHowTo =
    "needs Playwright MCP and Chromium: apt-get install -y chromium && "
    "(cd tasks/tag-manager/mcp && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci)";

bool have_playwright() {
  return std::filesystem::exists(kPlaywrightMcp) && std::filesystem::exists("/usr/bin/chromium");
}

// The page a run's dev server would serve, and the argv that serves it on `port`.
std::vector<std::string> serve_tags_page(const TempDir& dir, int port) {
  test::write_file(dir / "page.html",
                   "<!doctype html><title>Tags</title><h1>Tag manager</h1>"
                   "<table><tr><td>react</td><td>3</td></tr></table>");
  return {"node", kFixtures + "/http_server.js", std::to_string(port), (dir / "page.html").string(),
          (dir / "ready").string()};
}

// Playwright MCP as docs/mcp.md lists it, working in DIR/work.
McpLaunch playwright(const TempDir& dir) {
  std::filesystem::create_directories(dir / "work");
  McpLaunch launch;
  launch.name = "playwright";
  launch.command = {kPlaywrightMcp.string(), "--headless",          "--browser",  "chromium",
                    "--executable-path",     "/usr/bin/chromium",   "--isolated", "--no-sandbox",
                    "--output-dir",          (dir / "out").string()};
  launch.cwd = dir / "work";
  launch.stderr_log = dir / "playwright.log";
  launch.start_seconds = 60;
  launch.call_seconds = 60;
  return launch;
}

TEST(McpClient, TakesARealScreenshotThroughPlaywrightMcp) {
  if (!have_playwright()) GTEST_SKIP() << kPlaywrightHowTo;
  TempDir dir;
  int port = test::free_port();
  Child page(serve_tags_page(dir, port));
  ASSERT_TRUE(wait_for_file(dir / "ready", 10));

  auto begin = std::chrono::steady_clock::now();
  auto client = start(playwright(dir));
  ASSERT_TRUE(client);
  EXPECT_EQ(client->server_info().value("name", ""), "Playwright");
  auto tools = tools_of(client, dir / "images");
  ASSERT_TRUE(tools.count("browser_navigate"));
  ASSERT_TRUE(tools.count("browser_take_screenshot"));

  ToolOutcome navigated =
      tools["browser_navigate"]->call({{"url", "http://127.0.0.1:" + std::to_string(port) + "/"}});
  ASSERT_FALSE(navigated.is_error) << navigated.output << test::read_file(dir / "playwright.log");
  EXPECT_THAT(navigated.output, HasSubstr("Page Title: Tags"));
  ToolOutcome shot = tools["browser_take_screenshot"]->call({{"filename", "shot.png"}});
  ASSERT_FALSE(shot.is_error) << shot.output;
  double first_screenshot = seconds_since(begin);
  std::cout << "start to first screenshot: " << first_screenshot << " s\n";
  RecordProperty("first_screenshot_seconds", std::to_string(first_screenshot));

  // A named screenshot lands relative to the server's working folder.
  std::string png = test::read_file(dir / "work/shot.png");
  ASSERT_GT(png.size(), 100u) << shot.output;
  EXPECT_EQ(png.substr(0, 8), kPngSignature);

  // Without a file name it also comes back inline, and the harness saves it.
  ToolOutcome inline_shot = tools["browser_take_screenshot"]->call(nlohmann::json::object());
  ASSERT_FALSE(inline_shot.is_error) << inline_shot.output;
  ASSERT_EQ(inline_shot.extra.value("images", nlohmann::json::array()).size(), 1u)
      << inline_shot.output;
  std::string saved = test::read_file(inline_shot.extra["images"][0].get<std::string>());
  EXPECT_EQ(saved.substr(0, 8), kPngSignature);
  EXPECT_THAT(inline_shot.output, HasSubstr("[image image/png, "));
  client->shutdown();
}

TEST(McpClient, PlaywrightInARunsNetworkNamespaceScreenshotsItsDevServer) {
  if (!have_playwright()) GTEST_SKIP() << kPlaywrightHowTo;
  std::string out;
  if (test::run_shell("unshare --net true", &out) != 0)
    GTEST_SKIP() << "cannot create network namespaces here (needs root): " << out;
  TempDir dir;
  int port = test::free_port();
  std::string serve;
  for (const auto& arg : serve_tags_page(dir, port)) serve += " '" + arg + "'";
  Child holder({"unshare", "--net", "sh", "-c", "ip link set lo up && exec" + serve});
  ASSERT_TRUE(wait_for_file(dir / "ready", 10));

  McpLaunch launch = playwright(dir);
  launch.netns_of = holder.pid();
  auto client = start(launch);
  ASSERT_TRUE(client);
  auto tools = tools_of(client, dir / "images");
  ToolOutcome navigated =
      tools["browser_navigate"]->call({{"url", "http://127.0.0.1:" + std::to_string(port) + "/"}});
  ASSERT_FALSE(navigated.is_error) << navigated.output << test::read_file(dir / "playwright.log");
  EXPECT_THAT(navigated.output, HasSubstr("Page Title: Tags"));
  ToolOutcome shot = tools["browser_take_screenshot"]->call({{"filename", "shot.png"}});
  ASSERT_FALSE(shot.is_error) << shot.output;
  EXPECT_EQ(test::read_file(dir / "work/shot.png").substr(0, 8), kPngSignature);
}

}  // namespace
}  // namespace showdown
