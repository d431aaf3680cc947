// The host side of the sandbox: starts one bubblewrap container per run with the
// init (sandbox_init.cpp) inside, and talks to it one JSON line per command.
//
// bubblewrap's --die-with-parent ties the sandbox to the thread that created it:
// create and shut down a sandbox on a thread that outlives its use.
#include "sandbox/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "sandbox/path_map.h"
#include "sandbox/process_limit.h"

extern char** environ;

namespace showdown {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr const char* kInitInside = "/run/showdown/showdown";
constexpr double kStartSeconds = 10;
// Time the init gets beyond a command's own limit to kill it and answer.
constexpr double kAnswerGraceSeconds = 30;

// Host files that a root user inside could otherwise read through /etc.
const char* const kMaskedFiles[] = {"/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-"};

void add_system_folders(std::vector<std::string>* args) {
  for (const char* folder :
       {"/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
    std::error_code ec;
    fs::file_status status = fs::symlink_status(folder, ec);
    if (ec || !fs::exists(status)) continue;
    if (fs::is_symlink(status)) {
      fs::path target = fs::read_symlink(folder, ec);
      if (ec) continue;
      args->insert(args->end(), {"--symlink", target.string(), folder});
    } else if (fs::is_directory(status)) {
      args->insert(args->end(), {"--ro-bind", folder, folder});
    }
  }
  for (const char* file : kMaskedFiles) {
    std::error_code ec;
    if (fs::exists(file, ec)) args->insert(args->end(), {"--ro-bind", "/dev/null", file});
  }
  if (fs::is_directory("/etc/ssl/private"))
    args->insert(args->end(), {"--tmpfs", "/etc/ssl/private"});
}

std::vector<std::string> bwrap_arguments(const SandboxSpec& spec) {
  std::vector<std::string> args = {"bwrap", "--die-with-parent", "--new-session", "--cap-drop",
                                   "ALL"};
  args.insert(args.end(), {"--unshare-pid", "--as-pid-1", "--unshare-ipc", "--unshare-cgroup-try"});
  args.insert(args.end(), {"--unshare-uts", "--hostname", "sandbox"});
  if (!spec.network) args.push_back("--unshare-net");
  std::map<std::string, std::string> env = {
      {"HOME", spec.home_inside}, {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"LANG", "C.UTF-8"},        {"USER", "agent"},
      {"LOGNAME", "agent"},       {"TERM", "dumb"},
      {"TMPDIR", "/tmp"},         {"SHELL", "/bin/bash"}};
  for (const auto& [name, value] : spec.env) env[name] = value;
  args.push_back("--clearenv");
  for (const auto& [name, value] : env) args.insert(args.end(), {"--setenv", name, value});
  add_system_folders(&args);
  args.insert(args.end(), {"--proc", "/proc", "--dev", "/dev"});
  args.insert(args.end(), {"--bind", spec.tmp.string(), "/tmp"});
  args.insert(args.end(), {"--bind", spec.home.string(), spec.home_inside});
  for (const auto& [host, inside] : spec.binds)
    args.insert(args.end(), {"--bind", host.string(), inside});
  args.insert(args.end(), {"--ro-bind", spec.init_binary.string(), kInitInside});
  // bubblewrap builds the root on a tmpfs; left writable it would be a scratch
  // space outside the workspace.
  args.insert(args.end(), {"--remount-ro", "/"});
  args.insert(args.end(), {"--chdir", spec.home_inside, kInitInside, "__sandbox-init",
                           std::to_string(spec.max_processes)});
  return args;
}

// The process whose parent is `parent`: bubblewrap's only child is the init.
pid_t find_child(pid_t parent) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream status(entry.path() / "status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("PPid:", 0) == 0) {
        if (std::stol(line.substr(5)) == parent) return std::stoi(name);
        break;
      }
    }
  }
  return -1;
}

class BwrapSandbox : public Sandbox {
 public:
  explicit BwrapSandbox(const SandboxSpec& spec) : spec_(spec), paths_(spec.home_inside) {
    paths_.add(spec.home_inside, spec.home);
    paths_.add("/tmp", spec.tmp);
    for (const auto& [host, inside] : spec.binds) paths_.add(inside, host);
  }
  ~BwrapSandbox() override { shutdown(); }

  bool start(std::string* err);
  bool run(const CommandSpec& spec, CommandResult* result, std::string* err) override;
  bool to_host(const std::string& inside, fs::path* host, std::string* err) const override {
    return paths_.to_host(inside, host, err);
  }
  pid_t pid() const override { return init_pid_; }
  void shutdown() override;

 private:
  bool read_line(std::string* line, double timeout_seconds, std::string* err);
  bool write_all(const std::string& text, std::string* err);
  std::string bwrap_errors() const;

  SandboxSpec spec_;
  PathMap paths_;
  int socket_ = -1;
  int stderr_fd_ = -1;
  pid_t bwrap_pid_ = -1;
  pid_t init_pid_ = -1;
  ProcessLimit process_limit_;
  std::string pending_;  // bytes received after the last full line
};

bool BwrapSandbox::start(std::string* err) {
  for (const fs::path& folder : {spec_.home, spec_.tmp}) {
    if (!fs::is_directory(folder)) {
      *err = "sandbox folder " + folder.string() + " does not exist";
      return false;
    }
  }
  if (!fs::is_regular_file(spec_.init_binary)) {
    *err = "sandbox init binary " + spec_.init_binary.string() + " does not exist";
    return false;
  }
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    *err = std::string("socketpair for the sandbox failed: ") + std::strerror(errno);
    return false;
  }
  stderr_fd_ = memfd_create("showdown-bwrap-stderr", MFD_CLOEXEC);
  if (stderr_fd_ < 0) {
    *err = std::string("memfd for the sandbox failed: ") + std::strerror(errno);
    close(pair[0]);
    close(pair[1]);
    return false;
  }
  std::vector<std::string> args = bwrap_arguments(spec_);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pair[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pair[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, stderr_fd_, STDERR_FILENO);
  // The harness may ignore SIGPIPE or block signals; the agent's commands must not inherit that.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  int spawned = posix_spawnp(&bwrap_pid_, "bwrap", &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(pair[1]);
  socket_ = pair[0];
  if (spawned != 0) {
    bwrap_pid_ = -1;
    *err = std::string("cannot start bubblewrap (bwrap): ") + std::strerror(spawned);
    return false;
  }
  std::string line;
  std::string read_err;
  bool ready = read_line(&line, kStartSeconds, &read_err);
  json hello = ready ? json::parse(line, nullptr, false) : json();
  if (!hello.is_object() || !hello.value("ready", false)) {
    std::string errors = bwrap_errors();
    *err = "the sandbox did not start: " + (errors.empty() ? read_err : errors);
    return false;
  }
  init_pid_ = find_child(bwrap_pid_);
  if (init_pid_ < 0) {
    *err = "the sandbox started but its init process was not found under /proc";
    return false;
  }
  // No command has run yet, so everything the sandbox will ever start descends
  // from these two and lands in the cgroup. Without one, RLIMIT_NPROC (set by
  // the init) is the only bound, and it does not bind root.
  std::string limit_err;
  process_limit_.apply(spec_.max_processes, {bwrap_pid_, init_pid_}, &limit_err);
  return true;
}

std::string BwrapSandbox::bwrap_errors() const {
  if (stderr_fd_ < 0) return "";
  char buffer[2048];
  ssize_t n = pread(stderr_fd_, buffer, sizeof buffer, 0);
  if (n <= 0) return "";
  std::string text(buffer, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text)
    if (c == '\n') c = ' ';
  return text;
}

bool BwrapSandbox::write_all(const std::string& text, std::string* err) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = send(socket_, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = std::string("cannot reach the sandbox: ") + std::strerror(errno);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

bool BwrapSandbox::read_line(std::string* line, double timeout_seconds, std::string* err) {
  Clock::time_point deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(timeout_seconds));
  char buffer[64 * 1024];
  size_t newline;
  while ((newline = pending_.find('\n')) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      *err = "the sandbox did not answer within " + std::to_string(int(timeout_seconds)) + " s";
      return false;
    }
    pollfd fd{socket_, POLLIN, 0};
    int ready = poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) {
      *err = std::string("waiting for the sandbox failed: ") + std::strerror(errno);
      return false;
    }
    if (ready <= 0) continue;
    ssize_t n = recv(socket_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *err = "the sandbox's init exited";
      return false;
    }
    pending_.append(buffer, static_cast<size_t>(n));
  }
  *line = pending_.substr(0, newline);
  pending_.erase(0, newline + 1);
  return true;
}

bool BwrapSandbox::run(const CommandSpec& spec, CommandResult* result, std::string* err) {
  if (socket_ < 0) {
    *err = "the sandbox is shut down";
    return false;
  }
  json request = {{"command", spec.command},
                  {"cwd", spec.cwd},
                  {"timeout_seconds", spec.timeout_seconds},
                  {"output_cap", spec.output_cap}};
  std::string line;
  if (!write_all(request.dump(-1, ' ', false, json::error_handler_t::replace) + "\n", err) ||
      !read_line(&line, spec.timeout_seconds + kAnswerGraceSeconds, err)) {
    std::string errors = bwrap_errors();
    if (!errors.empty()) *err += " (" + errors + ")";
    // The conversation with the init is out of step or over: nothing more can run.
    shutdown();
    return false;
  }
  json answer = json::parse(line, nullptr, false);
  if (!answer.is_object() || answer.contains("error") || !answer["output"].is_string()) {
    *err = "the sandbox answered badly: " +
           (answer.is_object() && answer.contains("error") ? answer["error"].dump() : line);
    return false;
  }
  result->exit_code = answer.value("exit_code", -1);
  result->timed_out = answer.value("timed_out", false);
  result->output = answer["output"].get<std::string>();
  result->output_bytes = answer.value("output_bytes", int64_t{0});
  result->seconds = answer.value("seconds", 0.0);
  return true;
}

void BwrapSandbox::shutdown() {
  if (socket_ >= 0) {
    close(socket_);  // the init reads end-of-file and exits; its PID namespace goes with it
    socket_ = -1;
  }
  if (bwrap_pid_ > 0) {
    Clock::time_point deadline = Clock::now() + std::chrono::seconds(2);
    bool gone = false;
    while (!gone && Clock::now() < deadline) {
      pid_t waited = waitpid(bwrap_pid_, nullptr, WNOHANG);
      gone = waited == bwrap_pid_ || (waited < 0 && errno == ECHILD);
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!gone) {
      if (init_pid_ > 0) kill(init_pid_, SIGKILL);
      kill(bwrap_pid_, SIGKILL);
      waitpid(bwrap_pid_, nullptr, 0);
    }
    bwrap_pid_ = -1;
    init_pid_ = -1;
  }
  if (stderr_fd_ >= 0) {
    close(stderr_fd_);
    stderr_fd_ = -1;
  }
  process_limit_.release();
}

}  // namespace

std::unique_ptr<Sandbox> make_sandbox(const SandboxSpec& spec, std::string* err) {
  auto sandbox = std::make_unique<BwrapSandbox>(spec);
  if (!sandbox->start(err)) return nullptr;
  return sandbox;
}

}  // namespace showdown
