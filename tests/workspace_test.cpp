// links: showdown_workspace
#include "workspace/workspace.h"

#include <gtest/gtest.h>

#include <chrono>

#include "test_util.h"
#include "workspace/git.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;
using test::read_file;
using test::run_shell;
using test::TempDir;
using test::write_file;

std::string sh(const std::string& command) {
  std::string out;
  EXPECT_EQ(run_shell(command, &out), 0) << command << "\n" << out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

Task make_task(const TempDir& dir, const std::string& workspace = "clone") {
  write_file(dir / "task" / "repo" / "README.md", "hello\n");
  write_file(dir / "task" / "repo" / "src" / "app.js", "console.log(1)\n");
  Task task;
  task.file = dir / "task" / "task.toml";
  task.dir = dir / "task";
  task.name = "blog";
  task.repo = "repo";
  task.repo_dir = dir / "task" / "repo";
  task.base = "main";
  task.workspace = workspace;
  task.lines["base"] = 3;
  return task;
}

// The task repository, its base commit, and run `label`'s origin and home.
struct Fixture {
  TempDir dir;
  Task task;
  fs::path repo;
  std::string base;

  explicit Fixture(const std::string& workspace = "clone") : task(make_task(dir, workspace)) {
    std::string err;
    EXPECT_TRUE(ensure_task_repo(task, dir / "cache", &repo, &err)) << err;
    EXPECT_TRUE(resolve_base(task, repo, &base, &err)) << err;
  }

  RunWorkspace run(const std::string& label) {
    RunWorkspace run;
    run.home = dir / "runs" / label / "home";
    run.origin = dir / "runs" / label / "origin.git";
    run.branch = label;
    run.base_sha = base;
    std::string err;
    EXPECT_TRUE(create_origin(repo, base, run.origin, &err)) << err;
    EXPECT_TRUE(prepare_run_workspace(task, run, &err)) << err;
    return run;
  }
};

// Commits a file in the run's clone, as the agent would.
void agent_commit(const RunWorkspace& run, const std::string& file) {
  fs::path repo = run.home / "blog";
  write_file(repo / file, file + "\n");
  sh("cd " + repo.string() + " && git add -A && git commit -q -m 'add " + file + "'");
}

// Pushes the run's branch to its origin through the origin's host path (inside
// the sandbox the same remote is /srv/origin.git).
void agent_push(const RunWorkspace& run) {
  sh("cd " + (run.home / "blog").string() + " && git push -q " + run.origin.string() + " " +
     run.branch);
}

TEST(Workspace, PlainFolderBecomesRepositoryWithReproducibleBase) {
  Fixture a;
  EXPECT_EQ(a.repo, a.dir / "cache" / "repo.git");
  EXPECT_FALSE(fs::exists(a.task.repo_dir / ".git"));  // the task folder is left as it was
  EXPECT_EQ(a.base.size(), 40u);
  EXPECT_EQ(sh("git -C " + a.repo.string() + " log --format=%s main"), "base");
  EXPECT_EQ(sh("git -C " + a.repo.string() + " ls-tree -r --name-only main"),
            "README.md\nsrc/app.js");

  Fixture b;  // the same files elsewhere give the same base commit
  EXPECT_EQ(a.base, b.base);

  std::string again, err;
  fs::path repo;
  ASSERT_TRUE(ensure_task_repo(a.task, a.dir / "cache", &repo, &err)) << err;
  ASSERT_TRUE(resolve_base(a.task, repo, &again, &err)) << err;
  EXPECT_EQ(again, a.base);
}

TEST(Workspace, FolderInsideAnotherRepositoryStaysPlain) {
  TempDir dir, out;
  sh("git init -q " + dir.path().string());
  Task task = make_task(dir);
  write_file(task.repo_dir / ".gitignore", "node_modules/\n");
  write_file(task.repo_dir / "node_modules" / "dep.js", "x\n");
  fs::path repo;
  std::string base, err;
  ASSERT_TRUE(ensure_task_repo(task, out / "cache", &repo, &err)) << err;
  ASSERT_TRUE(resolve_base(task, repo, &base, &err)) << err;
  EXPECT_FALSE(fs::exists(task.repo_dir / ".git"));
  EXPECT_EQ(sh("git -C " + repo.string() + " ls-tree -r --name-only main"),
            ".gitignore\nREADME.md\nsrc/app.js");
  EXPECT_EQ(sh("git -C " + dir.path().string() + " status --porcelain"), "?? task/");
}

TEST(Workspace, ExistingRepositoryIsUsedAsItIs) {
  TempDir dir;
  Task task = make_task(dir);
  std::string r = task.repo_dir.string();
  sh("cd " + r +
     " && git init -q -b trunk && git add -A && git -c user.name=u -c user.email=u@x "
     "commit -q -m first && git tag v1 && echo 2 > two && git add two && git -c user.name=u "
     "-c user.email=u@x commit -q -m second");
  fs::path repo;
  std::string sha, err;
  ASSERT_TRUE(ensure_task_repo(task, dir / "cache", &repo, &err)) << err;
  EXPECT_EQ(sh("git -C " + r + " log --format=%s trunk"), "second\nfirst");

  task.base = "v1";
  ASSERT_TRUE(resolve_base(task, repo, &sha, &err)) << err;
  EXPECT_EQ(sha, sh("git -C " + r + " rev-parse v1"));
  task.base = sha.substr(0, 10);
  ASSERT_TRUE(resolve_base(task, repo, &sha, &err)) << err;
  EXPECT_EQ(sha, sh("git -C " + r + " rev-parse v1"));

  task.base = "main";
  EXPECT_FALSE(resolve_base(task, repo, &sha, &err));
  EXPECT_EQ(err, task.file.string() + ":3: base: \"main\" is not a branch, tag or commit in " +
                     repo.string());
}

TEST(Workspace, UrlRepositoryIsMirroredIntoTheCache) {
  TempDir dir;
  Task task = make_task(dir);
  std::string r = task.repo_dir.string();
  sh("cd " + r +
     " && git init -q -b main && git add -A && git -c user.name=u -c user.email=u@x "
     "commit -q -m first");
  task.repo = "file://" + r;
  task.repo_dir.clear();
  fs::path repo;
  std::string base, err;
  ASSERT_TRUE(ensure_task_repo(task, dir / "cache", &repo, &err)) << err;
  EXPECT_EQ(repo, dir / "cache" / "repo.git");
  ASSERT_TRUE(resolve_base(task, repo, &base, &err)) << err;
  EXPECT_EQ(base, sh("git -C " + r + " rev-parse main"));

  sh("cd " + r +
     " && echo 2 > two && git add two && git -c user.name=u -c user.email=u@x "
     "commit -q -m second");
  ASSERT_TRUE(ensure_task_repo(task, dir / "cache", &repo, &err)) << err;  // fetches
  ASSERT_TRUE(resolve_base(task, repo, &base, &err)) << err;
  EXPECT_EQ(base, sh("git -C " + r + " rev-parse main"));
}

TEST(Workspace, OriginHoldsOnlyTheBaseCommit) {
  TempDir dir;
  Task task = make_task(dir);
  std::string r = task.repo_dir.string();
  sh("cd " + r +
     " && git init -q -b main && git add -A && git -c user.name=u -c user.email=u@x "
     "commit -q -m first && git checkout -q -b solution && echo answer > answer && "
     "git add answer && git -c user.name=u -c user.email=u@x commit -q -m answer && "
     "git tag solved");
  fs::path repo;
  std::string base, err;
  ASSERT_TRUE(ensure_task_repo(task, dir / "cache", &repo, &err)) << err;
  ASSERT_TRUE(resolve_base(task, repo, &base, &err)) << err;

  fs::path origin = dir / "origin.git";
  ASSERT_TRUE(create_origin(repo, base, origin, &err)) << err;
  EXPECT_EQ(sh("git -C " + origin.string() + " for-each-ref --format='%(refname)'"),
            "refs/heads/main");
  EXPECT_EQ(sh("git -C " + origin.string() + " rev-parse main"), base);
  EXPECT_NE(run_shell("git -C " + origin.string() + " cat-file -e " +
                      sh("git -C " + r + " rev-parse solved")),
            0);
  EXPECT_FALSE(create_origin(repo, base, origin, &err));  // never reused
}

TEST(Workspace, CloneWorkspaceIsOnRunBranchAtBase) {
  Fixture f;
  RunWorkspace run = f.run("run-4");
  fs::path clone = run.home / "blog";
  EXPECT_EQ(sh("git -C " + clone.string() + " rev-parse --abbrev-ref HEAD"), "run-4");
  EXPECT_EQ(sh("git -C " + clone.string() + " rev-parse HEAD"), f.base);
  EXPECT_EQ(sh("git -C " + clone.string() + " remote get-url origin"), "/srv/origin.git");
  EXPECT_EQ(sh("git -C " + clone.string() + " config user.name"), "agent");
  EXPECT_EQ(read_file(clone / "README.md"), "hello\n");
  EXPECT_NE(read_file(run.home / ".gitconfig").find("name = agent"), std::string::npos);
  EXPECT_EQ(repo_dir_inside(f.task, run), "/home/agent/blog");
  EXPECT_FALSE(branch_exists(run.origin, "run-4"));
}

TEST(Workspace, AgentWorkspaceLeavesCloningToTheAgent) {
  Fixture f("agent");
  RunWorkspace run = f.run("run-1");
  EXPECT_TRUE(fs::is_directory(run.home));
  EXPECT_FALSE(fs::exists(run.home / "blog"));
  EXPECT_TRUE(fs::exists(run.home / ".gitconfig"));
  // As the agent would: clone the origin, branch, commit, push.
  sh("cd " + run.home.string() + " && HOME=" + run.home.string() + " git clone -q " +
     run.origin.string() +
     " blog && cd blog && git checkout -q -b run-1 && echo x > x && "
     "git add x && HOME=" +
     run.home.string() + " git commit -q -m x && git push -q origin run-1");
  PushedBranch pushed;
  std::string err;
  ASSERT_TRUE(pushed_branch(run.origin, "run-1", f.base, &pushed, &err)) << err;
  EXPECT_TRUE(pushed.pushed);
  EXPECT_EQ(pushed.commits, 1);
}

TEST(Workspace, CountsOnlyPushedCommits) {
  Fixture f;
  RunWorkspace run = f.run("run-1");
  PushedBranch pushed;
  std::string err;
  ASSERT_TRUE(pushed_branch(run.origin, "run-1", f.base, &pushed, &err)) << err;
  EXPECT_FALSE(pushed.pushed);
  EXPECT_EQ(pushed.commits, 0);

  agent_commit(run, "one.txt");
  agent_commit(run, "two.txt");
  agent_push(run);
  agent_commit(run, "three.txt");  // never pushed: it did not ship

  ASSERT_TRUE(pushed_branch(run.origin, "run-1", f.base, &pushed, &err)) << err;
  EXPECT_TRUE(pushed.pushed);
  EXPECT_EQ(pushed.commits, 2);
  EXPECT_EQ(pushed.head, sh("git -C " + (run.home / "blog").string() + " rev-parse HEAD~1"));
}

TEST(Workspace, RunsDoNotSeeEachOthersCommits) {
  Fixture f;
  RunWorkspace first = f.run("run-1");
  RunWorkspace second = f.run("run-2");
  agent_commit(first, "first.txt");
  agent_push(first);

  EXPECT_TRUE(branch_exists(first.origin, "run-1"));
  EXPECT_FALSE(branch_exists(second.origin, "run-1"));
  std::string refs;
  run_shell("cd " + (second.home / "blog").string() + " && git fetch -q " + second.origin.string() +
                " && git ls-remote " + second.origin.string(),
            &refs);
  EXPECT_EQ(refs.find("run-1"), std::string::npos) << refs;
  EXPECT_FALSE(fs::exists(second.home / "blog" / "first.txt"));
  EXPECT_EQ(sh("git -C " + (second.home / "blog").string() + " rev-parse HEAD"), f.base);
}

TEST(Workspace, CheckoutPushedGivesThePushedTree) {
  Fixture f;
  RunWorkspace run = f.run("run-1");
  agent_commit(run, "shipped.txt");
  agent_push(run);
  agent_commit(run, "local-only.txt");

  std::string err;
  fs::path dest = f.dir / "check" / "run-1";
  ASSERT_TRUE(checkout_pushed(run.origin, "run-1", dest, &err)) << err;
  EXPECT_EQ(read_file(dest / "shipped.txt"), "shipped.txt\n");
  EXPECT_EQ(read_file(dest / "README.md"), "hello\n");
  EXPECT_FALSE(fs::exists(dest / "local-only.txt"));

  EXPECT_FALSE(checkout_pushed(run.origin, "run-9", f.dir / "check" / "run-9", &err));
  EXPECT_NE(err.find("run-9 was not pushed"), std::string::npos) << err;
}

TEST(Workspace, SetupRunsInTheWorkspaceWithItsOutputLogged) {
  Fixture f;
  RunWorkspace run = f.run("run-1");
  fs::path clone = run.home / "blog";
  std::string err;
  f.task.setup = "echo installing; cat README.md > copied.txt; echo oops >&2";
  ASSERT_TRUE(run_setup(f.task, clone, f.dir / "setup.log", 30, &err)) << err;
  EXPECT_EQ(read_file(clone / "copied.txt"), "hello\n");
  EXPECT_EQ(read_file(f.dir / "setup.log"), "installing\noops\n");

  f.task.setup = "echo broken; exit 3";
  EXPECT_FALSE(run_setup(f.task, clone, f.dir / "setup.log", 30, &err));
  EXPECT_NE(err.find("exited with status 3"), std::string::npos) << err;

  f.task.setup = "sleep 30";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(run_setup(f.task, clone, f.dir / "setup.log", 0.3, &err));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_NE(err.find("timed out"), std::string::npos) << err;
}

TEST(Workspace, GitErrorsNameTheCommand) {
  TempDir dir;
  std::string out, err;
  EXPECT_FALSE(git(dir.path(), {"rev-parse", "--verify", "nothing"}, &out, &err));
  EXPECT_EQ(err.rfind("git rev-parse --verify nothing: ", 0), 0u) << err;
  EXPECT_FALSE(git(dir / "missing", {"status"}, &out, &err));
  EXPECT_NE(err.find("missing"), std::string::npos) << err;
}

}  // namespace
}  // namespace showdown
