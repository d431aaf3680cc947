// links: showdown_task
#include "task/task.h"

#include <gtest/gtest.h>

#include "task/models.h"
#include "task/sha256.h"
#include "test_util.h"

namespace showdown {
namespace {

using test::TempDir;
using test::write_file;

const char* kMinimalTask = R"(name = "tag-manager"
repo = "repo"
prompt = "prompt.md"
)";

// A task folder with prompt.md and repo/, and task.toml holding `toml`.
std::filesystem::path make_task(const TempDir& dir, const std::string& toml) {
  std::filesystem::path folder = dir / "tasks" / "x";
  write_file(folder / "prompt.md", "Clone {{origin}} into {{repo_dir}}, work on {{branch}}.\n");
  write_file(folder / "repo" / "README.md", "hello\n");
  write_file(folder / "task.toml", toml);
  return folder;
}

std::string load_error(const TempDir& dir, const std::string& toml) {
  Task task;
  std::string err;
  EXPECT_FALSE(load_task(make_task(dir, toml) / "task.toml", &task, &err));
  return err;
}

TEST(Task, LoadsMinimalTaskWithDefaults) {
  TempDir dir;
  Task task;
  std::string err;
  ASSERT_TRUE(load_task(make_task(dir, kMinimalTask), &task, &err)) << err;
  EXPECT_EQ(task.name, "tag-manager");
  EXPECT_EQ(task.repo_dir, dir / "tasks" / "x" / "repo");
  EXPECT_EQ(task.base, "HEAD");
  EXPECT_EQ(task.workspace, "clone");
  EXPECT_EQ(task.cwd, "home");
  EXPECT_FALSE(task.network);
  EXPECT_EQ(task.toolset, (std::vector<std::string>{"execute", "read_file", "write_file"}));
  EXPECT_EQ(task.limits.tool_calls, 150);
  EXPECT_EQ(task.limits.tokens, 5000000);
  EXPECT_EQ(task.limits.minutes, 60);
  EXPECT_EQ(task.limits.command_seconds, 300);
  EXPECT_TRUE(task.requirements.empty());
  EXPECT_TRUE(task.detectors.is_object());
}

TEST(Task, LoadsEveryField) {
  TempDir dir;
  std::filesystem::path folder = make_task(dir, R"(name = "tag-manager"
repo = "repo"
base = "main"
prompt = "prompt.md"
setup = "npm ci"
build = "npm run build"
workspace = "agent"
cwd = "repo"
screenshot = "shots/*.png"
network = true
toolset = ["execute", "edit_file"]

[limits]
tool_calls = 20
minutes = 0.5

[[requirement]]
id = "lib"
text = "Create src/lib/tags.ts"
check = "test -f src/lib/tags.ts"

[[requirement]]
id = "commits"
check = "builtin:commits>=2"

[[requirement]]
id = "pushed"
check = "builtin:pushed"

[detectors]
repeated_failure = { min_count = 5 }

[protocol]
nudge_after_idle_turns = 2

[[mcp_server]]
name = "browser"
command = ["npx", "playwright-mcp"]
env = { DISPLAY = ":0" }
cwd = "repo"
)");
  Task task;
  std::string err;
  ASSERT_TRUE(load_task(folder / "task.toml", &task, &err)) << err;
  EXPECT_EQ(task.base, "main");
  EXPECT_EQ(task.setup, "npm ci");
  EXPECT_EQ(task.build, "npm run build");
  EXPECT_EQ(task.workspace, "agent");
  EXPECT_EQ(task.cwd, "repo");
  EXPECT_EQ(task.screenshot, "shots/*.png");
  EXPECT_TRUE(task.network);
  EXPECT_EQ(task.toolset, (std::vector<std::string>{"execute", "edit_file"}));
  EXPECT_EQ(task.limits.tool_calls, 20);
  EXPECT_EQ(task.limits.tokens, 5000000);
  EXPECT_EQ(task.limits.minutes, 0.5);
  ASSERT_EQ(task.requirements.size(), 3u);
  EXPECT_EQ(task.requirements[0].kind, CheckKind::shell);
  EXPECT_EQ(task.requirements[0].text, "Create src/lib/tags.ts");
  EXPECT_EQ(task.requirements[1].kind, CheckKind::commits);
  EXPECT_EQ(task.requirements[1].min_commits, 2);
  EXPECT_EQ(task.requirements[2].kind, CheckKind::pushed);
  EXPECT_EQ(task.detectors["repeated_failure"]["min_count"], 5);
  EXPECT_EQ(task.protocol["nudge_after_idle_turns"], 2);
  ASSERT_EQ(task.mcp_servers.size(), 1u);
  EXPECT_EQ(task.mcp_servers[0].command, (std::vector<std::string>{"npx", "playwright-mcp"}));
  EXPECT_EQ(task.mcp_servers[0].env.at("DISPLAY"), ":0");
  EXPECT_EQ(task.mcp_servers[0].cwd, "repo");
  EXPECT_EQ(task_error(task, "base", "no such branch"),
            (folder / "task.toml").string() + ":3: base: no such branch");
}

TEST(Task, RendersPromptPlaceholders) {
  TempDir dir;
  Task task;
  std::string err;
  ASSERT_TRUE(load_task(make_task(dir, kMinimalTask), &task, &err)) << err;
  task.prompt += "Keep {{ tag }} and {{unknown}} as written.";
  EXPECT_EQ(render_prompt(task, {{"origin", "/srv/origin.git"},
                                 {"repo_dir", "~/tag-manager"},
                                 {"branch", "run-3"}}),
            "Clone /srv/origin.git into ~/tag-manager, work on run-3.\n"
            "Keep {{ tag }} and {{unknown}} as written.");
}

TEST(Task, BadTypeNamesFileLineAndField) {
  TempDir dir;
  std::string err = load_error(dir, std::string(kMinimalTask) + R"(
[limits]
minutes = 10
tool_calls = "many"
)");
  EXPECT_EQ(err, (dir / "tasks/x/task.toml").string() +
                     ":7: limits.tool_calls: expected a positive integer");
}

TEST(Task, NegativeLimitIsRejected) {
  TempDir dir;
  std::string err = load_error(dir, std::string(kMinimalTask) + "[limits]\ncommand_seconds = -1\n");
  EXPECT_NE(err.find("task.toml:5: limits.command_seconds: expected a positive number"),
            std::string::npos)
      << err;
}

TEST(Task, UnknownKeyIsAnError) {
  TempDir dir;
  std::string err = load_error(dir, std::string(kMinimalTask) + "buld = \"make\"\n");
  EXPECT_NE(err.find("task.toml:4: buld: unknown field"), std::string::npos) << err;
  err = load_error(dir, std::string(kMinimalTask) + "[limits]\ntool_call = 3\n");
  EXPECT_NE(err.find("task.toml:5: limits.tool_call: unknown field"), std::string::npos) << err;
}

TEST(Task, MissingPromptFileIsAnError) {
  TempDir dir;
  std::string err = load_error(dir, "name = \"t\"\nrepo = \"repo\"\nprompt = \"missing.md\"\n");
  EXPECT_NE(err.find("task.toml:3: prompt: cannot read prompt file"), std::string::npos) << err;
  EXPECT_NE(err.find("missing.md"), std::string::npos) << err;
}

TEST(Task, MissingRepoFolderIsAnError) {
  TempDir dir;
  std::string err = load_error(dir, "name = \"t\"\nrepo = \"nowhere\"\nprompt = \"prompt.md\"\n");
  EXPECT_NE(err.find("task.toml:2: repo: folder not found"), std::string::npos) << err;
}

TEST(Task, MissingRequiredFieldIsNamed) {
  TempDir dir;
  std::string err = load_error(dir, "repo = \"repo\"\nprompt = \"prompt.md\"\n");
  EXPECT_NE(err.find("task.toml"), std::string::npos) << err;
  EXPECT_NE(err.find("name: required field is missing"), std::string::npos) << err;
}

TEST(Task, BadBuiltinCheckIsAnError) {
  TempDir dir;
  std::string err =
      load_error(dir, std::string(kMinimalTask) +
                          "\n[[requirement]]\nid = \"c\"\ncheck = \"builtin:commits>two\"\n");
  EXPECT_NE(err.find("task.toml:7: requirement[0].check: unknown built-in"), std::string::npos)
      << err;
  err = load_error(dir, std::string(kMinimalTask) +
                            "\n[[requirement]]\nid = \"c\"\ncheck = \"builtin:screenshots\"\n");
  EXPECT_NE(err.find("requirement[0].check: unknown built-in"), std::string::npos) << err;
}

TEST(Task, DuplicateRequirementIdIsAnError) {
  TempDir dir;
  std::string err = load_error(dir, std::string(kMinimalTask) + R"(
[[requirement]]
id = "lib"
check = "true"

[[requirement]]
id = "lib"
check = "builtin:pushed"
)");
  EXPECT_NE(err.find("task.toml:10: requirement[1].id: duplicate requirement id \"lib\""),
            std::string::npos)
      << err;
}

TEST(Task, BadChoiceAndToolAreErrors) {
  TempDir dir;
  std::string err = load_error(dir, std::string(kMinimalTask) + "workspace = \"copy\"\n");
  EXPECT_NE(err.find("task.toml:4: workspace: expected \"clone\" or \"agent\""), std::string::npos)
      << err;
  err = load_error(dir, std::string(kMinimalTask) + "toolset = [\"execute\", \"browse\"]\n");
  EXPECT_NE(err.find("task.toml:4: toolset: unknown tool \"browse\""), std::string::npos) << err;
}

TEST(Task, ParseErrorNamesLine) {
  TempDir dir;
  std::string err = load_error(dir, std::string(kMinimalTask) + "setup = \n");
  EXPECT_NE(err.find("task.toml:4: parse error"), std::string::npos) << err;
}

std::string models_error(const TempDir& dir, const std::string& toml) {
  write_file(dir / "models.toml", toml);
  std::vector<ModelConfig> models;
  std::string err;
  EXPECT_FALSE(load_models(dir / "models.toml", &models, &err));
  EXPECT_TRUE(models.empty());
  return err;
}

TEST(Models, LoadsModelsWithDefaults) {
  TempDir dir;
  write_file(dir / "models.toml", R"([[model]]
name = "qwen3-coder"
provider = "openai"
base_url = "http://127.0.0.1:8080/v1"
rescue_text_tool_calls = true

[model.server]
command = ["llama-server", "--port", "8080"]
ready = "http://127.0.0.1:8080/health"
env = { CUDA_VISIBLE_DEVICES = "0" }

[[model]]
name = "claude"
provider = "anthropic"
model = "claude-sonnet-4-20250514"
api_key_env = "ANTHROPIC_API_KEY"
stream = false
price = { input = 3, output = 15.0 }
)");
  std::vector<ModelConfig> models;
  std::string err;
  ASSERT_TRUE(load_models(dir / "models.toml", &models, &err)) << err;
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].max_output_tokens, 32768);
  EXPECT_TRUE(models[0].stream);
  EXPECT_TRUE(models[0].rescue_text_tool_calls);
  EXPECT_FALSE(models[0].scripted);
  ASSERT_TRUE(models[0].server.has_value());
  EXPECT_EQ(models[0].server->command.size(), 3u);
  EXPECT_EQ(models[0].server->ready_timeout_s, 600);
  EXPECT_EQ(models[0].server->env.at("CUDA_VISIBLE_DEVICES"), "0");
  EXPECT_FALSE(models[0].price.has_value());
  EXPECT_EQ(models[1].base_url, "https://api.anthropic.com");
  EXPECT_EQ(models[1].max_output_tokens, 8192);
  EXPECT_FALSE(models[1].stream);
  ASSERT_TRUE(models[1].price.has_value());
  EXPECT_EQ(models[1].price->input, 3);
  EXPECT_EQ(models[1].price->output, 15);
  EXPECT_EQ(models[1].line, 12);
}

TEST(Models, ErrorsNameFileLineAndField) {
  TempDir dir;
  std::string file = (dir / "models.toml").string();
  EXPECT_EQ(models_error(dir, "[[model]]\nname = \"a\"\nprovider = \"gemini\"\n"),
            file +
                ":3: model[0].provider: unknown provider \"gemini\" (expected \"openai\" or "
                "\"anthropic\")");
  EXPECT_EQ(models_error(dir, "[[model]]\nname = \"a\"\nprovider = \"openai\"\n"),
            file + ":1: model[0].base_url: required for provider \"openai\"");
  EXPECT_EQ(models_error(dir,
                         "[[model]]\nname = \"a\"\nprovider = \"anthropic\"\nmodel = \"m\"\n"
                         "\n[[model]]\nname = \"a\"\nprovider = \"anthropic\"\nmodel = \"m\"\n"),
            file + ":7: model[1].name: duplicate model name \"a\"");
  EXPECT_EQ(models_error(dir,
                         "[[model]]\nname = \"a\"\nprovider = \"anthropic\"\nmodel = \"m\"\n"
                         "max_output_tokens = 0\n"),
            file + ":5: model[0].max_output_tokens: expected a positive integer");
  EXPECT_EQ(models_error(dir,
                         "[[model]]\nname = \"a\"\nprovider = \"anthropic\"\nmodel = \"m\"\n"
                         "apikey = \"X\"\n"),
            file + ":5: model[0].apikey: unknown field");
  EXPECT_EQ(models_error(dir,
                         "[[model]]\nname = \"a\"\nprovider = \"openai\"\n"
                         "base_url = \"http://x/v1\"\n[model.server]\nready = \"http://x\"\n"),
            file + ":5: model[0].server.command: required field is missing");
}

TEST(Sha256, HashesBytesAndFiles) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  TempDir dir;
  write_file(dir / "f", "abc");
  std::string hex, err;
  ASSERT_TRUE(sha256_file(dir / "f", &hex, &err)) << err;
  EXPECT_EQ(hex, sha256_hex("abc"));
  EXPECT_FALSE(sha256_file(dir / "missing", &hex, &err));
}

}  // namespace
}  // namespace showdown
