// Tries to break the sandbox from inside: every escape the agent could attempt
// (writing or reading outside, secrets in the environment, outliving a limit,
// flooding output, reaching the network) is attempted for real.
#include "sandbox/sandbox.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "sandbox/output_capture.h"
#include "test_util.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;
using test::read_file;
using test::TempDir;
using test::write_file;

fs::path self_binary() { return fs::read_symlink("/proc/self/exe"); }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(root_ / "home");
    fs::create_directories(root_ / "tmp");
    spec_.home = root_ / "home";
    spec_.tmp = root_ / "tmp";
    spec_.init_binary = self_binary();
  }

  void start() {
    std::string err;
    sandbox_ = make_sandbox(spec_, &err);
    ASSERT_TRUE(sandbox_) << err;
  }

  CommandResult run(const std::string& command, double timeout = 10,
                    const std::string& cwd = "/home/agent") {
    CommandSpec command_spec;
    command_spec.command = command;
    command_spec.cwd = cwd;
    command_spec.timeout_seconds = timeout;
    CommandResult result;
    std::string err;
    EXPECT_TRUE(sandbox_->run(command_spec, &result, &err)) << err;
    return result;
  }

  // Whether a file a background loop keeps rewriting is still changing.
  bool still_changing(const fs::path& tick) {
    std::string before = read_file(tick);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    return read_file(tick) != before;
  }

  TempDir root_;
  SandboxSpec spec_;
  std::unique_ptr<Sandbox> sandbox_;
};

TEST_F(SandboxTest, RunsACommandAndReportsItsOutputAndExitCode) {
  start();
  CommandResult result = run("echo hello; echo oops >&2; exit 3");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.output, "hello\noops\n");
  EXPECT_EQ(result.output_bytes, 11);
}

TEST_F(SandboxTest, ReportsDeathBySignalAs128PlusTheSignal) {
  start();
  EXPECT_EQ(run("kill -TERM $$").exit_code, 128 + SIGTERM);
}

TEST_F(SandboxTest, StartsEveryCommandInAFreshShellInItsFolder) {
  start();
  run("cd /tmp && export LEFT_BEHIND=1");
  CommandResult result = run("pwd; echo \"left=$LEFT_BEHIND\"; echo $HOME");
  EXPECT_EQ(result.output, "/home/agent\nleft=\n/home/agent\n");
}

TEST_F(SandboxTest, RunsInTheRequestedFolderAndSaysWhenItIsMissing) {
  start();
  fs::create_directories(root_ / "home" / "repo");
  EXPECT_EQ(run("pwd", 10, "/home/agent/repo").output, "/home/agent/repo\n");
  CommandResult missing = run("pwd", 10, "/home/agent/nowhere");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("/home/agent/nowhere"), std::string::npos) << missing.output;
}

TEST_F(SandboxTest, WritesInsideTheWorkspaceReachTheHost) {
  start();
  EXPECT_EQ(run("mkdir -p src && echo made > src/a.txt && echo t > /tmp/t.txt").exit_code, 0);
  EXPECT_EQ(read_file(root_ / "home" / "src" / "a.txt"), "made\n");
  EXPECT_EQ(read_file(root_ / "tmp" / "t.txt"), "t\n");
}

TEST_F(SandboxTest, CannotWriteOutsideTheWorkspace) {
  start();
  std::string name = "showdown-escape-" + std::to_string(getpid());
  for (const std::string folder : {"/usr", "/etc", "/root", "/", "/bin", "/run/showdown"}) {
    std::string target = (fs::path(folder) / name).string();
    CommandResult result = run("echo pwned > " + target);
    EXPECT_NE(result.exit_code, 0) << target << ": " << result.output;
    EXPECT_FALSE(fs::exists(target)) << target;
  }
  EXPECT_NE(run("echo pwned >> /etc/passwd").exit_code, 0);
  EXPECT_EQ(read_file("/etc/passwd").find("pwned"), std::string::npos);
  EXPECT_NE(run("mount -o remount,rw /usr").exit_code, 0);
}

TEST_F(SandboxTest, CannotReadTheHarnessUsersFiles) {
  TempDir user_home;
  write_file(user_home / ".ssh" / "id_rsa", "-----BEGIN PRIVATE KEY----- secret");
  start();
  CommandResult ssh = run("cat " + (user_home / ".ssh" / "id_rsa").string());
  EXPECT_NE(ssh.exit_code, 0);
  EXPECT_EQ(ssh.output.find("secret"), std::string::npos);
  CommandResult root_home = run("ls -A /root ~root 2>&1; ls " + user_home.path().string());
  EXPECT_NE(root_home.exit_code, 0);
  EXPECT_EQ(root_home.output.find(".ssh"), std::string::npos) << root_home.output;
  CommandResult shadow = run("cat /etc/shadow");
  EXPECT_EQ(shadow.output.find("root:"), std::string::npos);
}

TEST_F(SandboxTest, HasAPrivateTmp) {
  std::string name = "showdown-host-only-" + std::to_string(getpid());
  write_file(fs::path("/tmp") / name, "host");
  start();
  CommandResult result = run("ls /tmp; cat /tmp/" + name);
  fs::remove(fs::path("/tmp") / name);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(result.output.find("host\n"), std::string::npos) << result.output;
}

TEST_F(SandboxTest, EnvironmentHoldsNoKeysNorHarnessVariables) {
  setenv("OPENAI_API_KEY", "sk-test-do-not-leak", 1);
  setenv("SHOWDOWN_HARNESS_ONLY", "harness", 1);
  spec_.env["TASK_VARIABLE"] = "given";
  start();
  unsetenv("OPENAI_API_KEY");
  unsetenv("SHOWDOWN_HARNESS_ONLY");
  CommandResult keys = run("env | grep -i key");
  EXPECT_EQ(keys.output, "");
  EXPECT_EQ(keys.exit_code, 1);
  CommandResult env = run("env");
  EXPECT_EQ(env.output.find("sk-test"), std::string::npos) << env.output;
  EXPECT_EQ(env.output.find("SHOWDOWN_HARNESS_ONLY"), std::string::npos) << env.output;
  EXPECT_NE(env.output.find("HOME=/home/agent\n"), std::string::npos) << env.output;
  EXPECT_NE(env.output.find("TASK_VARIABLE=given\n"), std::string::npos) << env.output;
}

TEST_F(SandboxTest, CommandsCannotForgeAnswersOrKillTheInit) {
  start();
  CommandResult forge = run("echo '{\"exit_code\":0,\"output\":\"forged\"}' > /proc/1/fd/1");
  EXPECT_NE(forge.exit_code, 0) << forge.output;
  run("kill -KILL 1; kill -TERM 1");
  EXPECT_EQ(run("echo alive").output, "alive\n");
}

TEST_F(SandboxTest, SetsTheProcessLimit) {
  spec_.max_processes = 321;
  start();
  EXPECT_EQ(run("ulimit -u").output, "321\n");
}

TEST_F(SandboxTest, StopsAForkBombAtTheProcessLimitEvenAsRoot) {
  bool cgroups = fs::exists("/sys/fs/cgroup/pids/cgroup.procs") ||
                 read_file("/sys/fs/cgroup/cgroup.subtree_control").find("pids") != std::string::npos;
  if (!cgroups) GTEST_SKIP() << "no pids cgroup on this machine: only RLIMIT_NPROC applies";
  spec_.max_processes = 40;
  start();
  CommandResult r = run("for i in $(seq 100); do sleep 5 & done; echo spawned", 3);
  EXPECT_NE(r.output.find("Resource temporarily unavailable"), std::string::npos) << r.output;
  // The sandbox still answers once the bomb is gone.
  EXPECT_EQ(run("echo alive", 10).output, "alive\n");
}

TEST_F(SandboxTest, KillsACommandAtItsTimeLimit) {
  start();
  auto start_time = std::chrono::steady_clock::now();
  CommandResult result = run("sleep 30", 1);
  EXPECT_LT(seconds_since(start_time), 3);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.exit_code, 128 + SIGKILL);
  EXPECT_GE(result.seconds, 1);
}

TEST_F(SandboxTest, KillsTheWholeProcessGroupAtTheTimeLimit) {
  start();
  CommandResult result =
      run("(while true; do date +%s%N > /tmp/tick; sleep 0.05; done) & sleep 30", 1);
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(still_changing(root_ / "tmp" / "tick"));
}

TEST_F(SandboxTest, BackgroundProcessesOutliveTheirCommandUntilShutdown) {
  start();
  auto start_time = std::chrono::steady_clock::now();
  CommandResult result =
      run("(while true; do date +%s%N > /tmp/tick; echo tick; sleep 0.05; done) & echo started");
  EXPECT_LT(seconds_since(start_time), 2);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.output.find("started\n"), std::string::npos) << result.output;
  EXPECT_TRUE(still_changing(root_ / "tmp" / "tick"));
  EXPECT_EQ(run("echo next").output, "next\n");
  sandbox_->shutdown();
  EXPECT_FALSE(still_changing(root_ / "tmp" / "tick"));
  sandbox_->shutdown();
}

TEST_F(SandboxTest, EverythingInsideDiesWithTheHarness) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t harness = fork();
  if (harness == 0) {
    std::string err;
    auto sandbox = make_sandbox(spec_, &err);
    CommandSpec command{"(while true; do date +%s%N > /tmp/tick; sleep 0.05; done) &",
                        "/home/agent", 10, 1024};
    CommandResult result;
    if (sandbox && sandbox->run(command, &result, &err)) (void)!write(ready[1], "r", 1);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char byte;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  close(ready[0]);
  EXPECT_TRUE(still_changing(root_ / "tmp" / "tick"));
  kill(harness, SIGKILL);
  waitpid(harness, nullptr, 0);
  // The kill travels harness -> bubblewrap -> init as parent-death signals, so
  // the namespace may take a moment to empty.
  auto killed = std::chrono::steady_clock::now();
  while (still_changing(root_ / "tmp" / "tick") && seconds_since(killed) < 5) {
  }
  EXPECT_FALSE(still_changing(root_ / "tmp" / "tick"));
  EXPECT_LT(seconds_since(killed), 3);
}

TEST_F(SandboxTest, CapsAHundredMegabytesOfOutputQuickly) {
  start();
  CommandSpec command;
  command.command = "head -c 100000000 /dev/zero | tr '\\0' x";
  command.cwd = "/home/agent";
  command.timeout_seconds = 60;
  command.output_cap = 1000;
  CommandResult result;
  std::string err;
  auto start_time = std::chrono::steady_clock::now();
  ASSERT_TRUE(sandbox_->run(command, &result, &err)) << err;
  EXPECT_LT(seconds_since(start_time), 10);
  EXPECT_EQ(result.output_bytes, 100000000);
  EXPECT_EQ(result.output,
            std::string(500, 'x') + "\n[... 99999000 bytes cut ...]\n" + std::string(500, 'x'));
}

TEST_F(SandboxTest, HasNoNetworkBeyondItsOwnLoopback) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::string port = std::to_string(ntohs(address.sin_port));
  start();
  CommandResult host = run("exec 3<>/dev/tcp/127.0.0.1/" + port + " && echo connected");
  EXPECT_NE(host.exit_code, 0);
  EXPECT_EQ(host.output.find("connected"), std::string::npos);
  CommandResult outside = run("timeout 5 bash -c 'exec 3<>/dev/tcp/1.1.1.1/80' && echo connected");
  EXPECT_NE(outside.exit_code, 0);
  EXPECT_EQ(outside.output.find("connected"), std::string::npos);
  close(listener);
}

TEST_F(SandboxTest, ReachesTheHostWhenTheTaskAllowsNetwork) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  spec_.network = true;
  start();
  CommandResult result = run("exec 3<>/dev/tcp/127.0.0.1/" +
                             std::to_string(ntohs(address.sin_port)) + " && echo connected");
  EXPECT_EQ(result.output, "connected\n");
  close(listener);
}

TEST_F(SandboxTest, LaterCommandsReachAServerStartedInTheBackground) {
  write_file(root_ / "home" / "index.html", "served from the sandbox\n");
  start();
  CommandResult server =
      run("python3 -m http.server 8000 --bind 127.0.0.1 >/tmp/server.log 2>&1 &");
  EXPECT_EQ(server.exit_code, 0);
  CommandResult client = run(
      "for i in $(seq 100); do curl -sf http://127.0.0.1:8000/index.html && exit 0; sleep 0.05; "
      "done; exit 1");
  EXPECT_EQ(client.exit_code, 0) << client.output;
  EXPECT_EQ(client.output, "served from the sandbox\n");
}

TEST_F(SandboxTest, BindsFurtherFoldersReadWrite) {
  fs::create_directories(root_ / "origin");
  spec_.binds.push_back({root_ / "origin", "/srv/origin"});
  start();
  EXPECT_EQ(run("echo pushed > /srv/origin/ref").exit_code, 0);
  EXPECT_EQ(read_file(root_ / "origin" / "ref"), "pushed\n");
  fs::path host;
  std::string err;
  ASSERT_TRUE(sandbox_->to_host("/srv/origin/ref", &host, &err)) << err;
  EXPECT_EQ(host, root_ / "origin" / "ref");
}

TEST_F(SandboxTest, InitRunsInItsOwnNamespaces) {
  start();
  ASSERT_GT(sandbox_->pid(), 0);
  fs::path ns = fs::path("/proc") / std::to_string(sandbox_->pid()) / "ns";
  EXPECT_NE(fs::read_symlink(ns / "pid"), fs::read_symlink("/proc/self/ns/pid"));
  EXPECT_NE(fs::read_symlink(ns / "net"), fs::read_symlink("/proc/self/ns/net"));
  EXPECT_NE(fs::read_symlink(ns / "mnt"), fs::read_symlink("/proc/self/ns/mnt"));
}

TEST_F(SandboxTest, ADeadSandboxIsAnInfrastructureError) {
  start();
  kill(sandbox_->pid(), SIGKILL);
  CommandSpec command;
  command.command = "true";
  command.cwd = "/home/agent";
  CommandResult result;
  std::string err;
  EXPECT_FALSE(sandbox_->run(command, &result, &err));
  EXPECT_FALSE(err.empty());
  EXPECT_FALSE(sandbox_->run(command, &result, &err));
  EXPECT_EQ(err, "the sandbox is shut down");
}

TEST_F(SandboxTest, FailsToStartWithAClearMessage) {
  spec_.home = root_ / "missing";
  std::string err;
  EXPECT_FALSE(make_sandbox(spec_, &err));
  EXPECT_NE(err.find("missing"), std::string::npos) << err;
}

TEST_F(SandboxTest, MapsAgentPathsToHostPaths) {
  start();
  fs::path host;
  std::string err;
  ASSERT_TRUE(sandbox_->to_host("src/a.ts", &host, &err)) << err;
  EXPECT_EQ(host, root_ / "home" / "src" / "a.ts");
  ASSERT_TRUE(sandbox_->to_host("~/b", &host, &err)) << err;
  EXPECT_EQ(host, root_ / "home" / "b");
  ASSERT_TRUE(sandbox_->to_host("/home/agent/x/../c", &host, &err)) << err;
  EXPECT_EQ(host, root_ / "home" / "c");
  ASSERT_TRUE(sandbox_->to_host("/tmp/d", &host, &err)) << err;
  EXPECT_EQ(host, root_ / "tmp" / "d");
  ASSERT_TRUE(sandbox_->to_host(".", &host, &err)) << err;
  EXPECT_EQ(host, root_ / "home");
}

TEST_F(SandboxTest, RejectsPathsOutsideTheWorkspace) {
  start();
  fs::path host;
  std::string err;
  for (const std::string path :
       {"../../etc/passwd", "/etc/passwd", "..", "/home", "/", "/tmp/../root/.ssh/id_rsa", ""}) {
    EXPECT_FALSE(sandbox_->to_host(path, &host, &err)) << path << " -> " << host;
    EXPECT_FALSE(err.empty());
  }
  EXPECT_FALSE(sandbox_->to_host("/etc/passwd", &host, &err));
  EXPECT_NE(err.find("/home/agent"), std::string::npos) << err;
}

TEST_F(SandboxTest, FollowsSymlinksAsTheSandboxSeesThem) {
  fs::path home = root_ / "home";
  write_file(home / "real" / "file.txt", "real");
  fs::create_symlink("/etc/passwd", home / "passwd");
  fs::create_symlink("../..", home / "up");
  fs::create_symlink("/", home / "slash");
  fs::create_symlink("/home/agent/real", home / "inside_absolute");
  fs::create_symlink("real", home / "inside_relative");
  fs::create_symlink("loop_b", home / "loop_a");
  fs::create_symlink("loop_a", home / "loop_b");
  start();
  fs::path host;
  std::string err;
  for (const std::string path : {"passwd", "up/etc/passwd", "slash/etc", "loop_a"}) {
    EXPECT_FALSE(sandbox_->to_host(path, &host, &err)) << path << " -> " << host;
    EXPECT_FALSE(err.empty());
  }
  EXPECT_FALSE(sandbox_->to_host("passwd", &host, &err));
  EXPECT_NE(err.find("symbolic link"), std::string::npos) << err;
  ASSERT_TRUE(sandbox_->to_host("inside_absolute/file.txt", &host, &err)) << err;
  EXPECT_EQ(host, home / "real" / "file.txt");
  ASSERT_TRUE(sandbox_->to_host("inside_relative/file.txt", &host, &err)) << err;
  EXPECT_EQ(host, home / "real" / "file.txt");
}

TEST_F(SandboxTest, SandboxesRunInParallel) {
  TempDir other_root;
  fs::create_directories(other_root / "home");
  fs::create_directories(other_root / "tmp");
  SandboxSpec other_spec = spec_;
  other_spec.home = other_root / "home";
  other_spec.tmp = other_root / "tmp";
  start();
  std::string err;
  auto other = make_sandbox(other_spec, &err);
  ASSERT_TRUE(other) << err;
  CommandResult other_result;
  std::thread thread([&] {
    CommandSpec command{"sleep 0.3; echo other > mine", "/home/agent", 10, 1024};
    std::string thread_err;
    EXPECT_TRUE(other->run(command, &other_result, &thread_err)) << thread_err;
  });
  EXPECT_EQ(run("sleep 0.3; echo this > mine").exit_code, 0);
  thread.join();
  EXPECT_EQ(read_file(root_ / "home" / "mine"), "this\n");
  EXPECT_EQ(read_file(other_root / "home" / "mine"), "other\n");
}

TEST(OutputCaptureTest, KeepsEverythingUpToTheCap) {
  OutputCapture capture(10);
  capture.append("0123456789", 10);
  EXPECT_EQ(capture.text(), "0123456789");
  EXPECT_EQ(capture.total(), 10);
}

TEST(OutputCaptureTest, KeepsHeadAndTailAcrossManySmallWrites) {
  OutputCapture capture(6);
  std::string all;
  for (char c = 'a'; c <= 'z'; ++c) {
    capture.append(&c, 1);
    all += c;
  }
  EXPECT_EQ(capture.total(), 26);
  EXPECT_EQ(capture.text(), "abc\n[... 20 bytes cut ...]\nxyz");
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
