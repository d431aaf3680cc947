// The sandbox's PID 1: runs the host's commands one at a time, reaps orphans, and
// keeps reading the output pipes that background processes still hold.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sandbox/output_capture.h"
#include "sandbox/sandbox.h"

namespace showdown {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr size_t kChunk = 256 * 1024;
constexpr int kPipeSize = 1024 * 1024;

class Init {
 public:
  bool setup(int argc, char** argv);
  int serve();

 private:
  json run(const std::string& command, const std::string& cwd, double timeout_seconds,
           size_t output_cap);
  json handle(const std::string& line);
  void reap(pid_t leader, int* leader_status, bool* leader_done);
  void add_draining(std::vector<pollfd>* fds) const;
  void discard_ready(const std::vector<pollfd>& fds, size_t first);
  bool write_line(const json& message);

  int signal_fd_ = -1;
  sigset_t child_mask_;
  std::vector<int> draining_;  // pipes of finished commands still held by background processes
  std::vector<char> chunk_ = std::vector<char>(kChunk);
};

bool Init::setup(int argc, char** argv) {
  // Commands run as the same user: without this they could open /proc/1/fd and
  // forge results on the host's socket.
  prctl(PR_SET_DUMPABLE, 0);
  // bubblewrap passes on every descriptor the harness left open.
  close_range(3, ~0U, 0);
  // The process limit follows the word `__sandbox-init`, wherever the caller's
  // own arguments put it.
  for (int i = 0; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "__sandbox-init") != 0) continue;
    rlim_t limit = std::strtoull(argv[i + 1], nullptr, 10);
    if (limit > 0) {
      rlimit nproc{limit, limit};
      setrlimit(RLIMIT_NPROC, &nproc);
    }
  }
  sigemptyset(&child_mask_);
  sigaddset(&child_mask_, SIGCHLD);
  if (sigprocmask(SIG_SETMASK, &child_mask_, nullptr) != 0) return false;
  signal_fd_ = signalfd(-1, &child_mask_, SFD_NONBLOCK | SFD_CLOEXEC);
  return signal_fd_ >= 0;
}

bool Init::write_line(const json& message) {
  std::string text = message.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

void Init::reap(pid_t leader, int* leader_status, bool* leader_done) {
  signalfd_siginfo info;
  while (read(signal_fd_, &info, sizeof info) > 0) {
  }
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (pid == leader) {
      *leader_status = status;
      *leader_done = true;
    }
  }
}

void Init::add_draining(std::vector<pollfd>* fds) const {
  for (int fd : draining_) fds->push_back({fd, POLLIN, 0});
}

void Init::discard_ready(const std::vector<pollfd>& fds, size_t first) {
  std::vector<int> open;
  for (size_t i = first; i < fds.size(); ++i) {
    int fd = fds[i].fd;
    if (fds[i].revents != 0) {
      ssize_t n = read(fd, chunk_.data(), chunk_.size());
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        close(fd);
        continue;
      }
    }
    open.push_back(fd);
  }
  draining_ = std::move(open);
}

json Init::run(const std::string& command, const std::string& cwd, double timeout_seconds,
               size_t output_cap) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0)
    return {{"exit_code", 126},
            {"timed_out", false},
            {"output_bytes", 0},
            {"seconds", 0},
            {"output", std::string("cannot start the command: pipe: ") + std::strerror(errno)}};
  // Fewer, larger reads when a command prints a lot; a smaller pipe still works.
  fcntl(pipe_fds[0], F_SETPIPE_SZ, kPipeSize);

  Clock::time_point start = Clock::now();
  pid_t leader = fork();
  if (leader == 0) {
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, STDIN_FILENO);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    if (chdir(cwd.c_str()) != 0) {
      dprintf(STDERR_FILENO, "showdown: cannot start in %s: %s\n", cwd.c_str(),
              std::strerror(errno));
      _exit(1);
    }
    execl("/bin/bash", "bash", "-c", command.c_str(), static_cast<char*>(nullptr));
    dprintf(STDERR_FILENO, "showdown: cannot run bash: %s\n", std::strerror(errno));
    _exit(127);
  }
  close(pipe_fds[1]);
  if (leader < 0) {
    close(pipe_fds[0]);
    return {{"exit_code", 126},
            {"timed_out", false},
            {"output_bytes", 0},
            {"seconds", 0},
            {"output", std::string("cannot start the command: fork: ") + std::strerror(errno)}};
  }
  // Also here, so the group exists before any kill below, whichever side runs first.
  setpgid(leader, leader);
  int out = pipe_fds[0];
  fcntl(out, F_SETFL, fcntl(out, F_GETFL) | O_NONBLOCK);

  bool limited = timeout_seconds > 0;
  Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(limited ? timeout_seconds : 0));
  OutputCapture capture(output_cap);
  bool timed_out = false;
  bool leader_done = false;
  int status = 0;
  while (!leader_done) {
    std::vector<pollfd> fds = {{signal_fd_, POLLIN, 0}, {out, POLLIN, 0}};
    add_draining(&fds);
    int wait_ms = -1;
    if (limited && !timed_out) {
      auto left = std::chrono::duration<double, std::milli>(deadline - Clock::now()).count();
      wait_ms = left <= 0 ? 0 : static_cast<int>(std::ceil(left));
    }
    int ready = poll(fds.data(), fds.size(), wait_ms);
    if (ready < 0 && errno != EINTR) break;
    if (limited && !timed_out && Clock::now() >= deadline) {
      kill(-leader, SIGKILL);
      timed_out = true;
    }
    if (ready <= 0) continue;
    if (fds[1].revents != 0) {
      ssize_t n = read(out, chunk_.data(), chunk_.size());
      if (n > 0) {
        capture.append(chunk_.data(), static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        close(out);
        out = -1;
      }
    }
    if (fds[0].revents != 0) reap(leader, &status, &leader_done);
    discard_ready(fds, 2);
  }
  if (!leader_done) {  // poll itself failed: end the command rather than wait blind
    kill(-leader, SIGKILL);
    waitpid(leader, &status, 0);
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // Keep what the command printed before it exited; what its background
  // processes print later is read and dropped, so they never block on a full pipe.
  for (size_t read_after = 0; out >= 0 && read_after <= static_cast<size_t>(kPipeSize);) {
    ssize_t n = read(out, chunk_.data(), chunk_.size());
    if (n > 0) {
      capture.append(chunk_.data(), static_cast<size_t>(n));
      read_after += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      draining_.push_back(out);
      out = -1;
    } else {
      close(out);
      out = -1;
    }
  }
  if (out >= 0) draining_.push_back(out);

  int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return {{"exit_code", exit_code},
          {"timed_out", timed_out},
          {"output", capture.text()},
          {"output_bytes", capture.total()},
          {"seconds", seconds}};
}

json Init::handle(const std::string& line) {
  json request = json::parse(line, nullptr, false);
  if (!request.is_object() || !request.contains("command") || !request["command"].is_string() ||
      !request.contains("cwd") || !request["cwd"].is_string())
    return {{"error", "the sandbox init got a malformed request"}};
  double timeout = 0;
  if (request.contains("timeout_seconds") && request["timeout_seconds"].is_number())
    timeout = request["timeout_seconds"].get<double>();
  size_t cap = 64 * 1024;
  if (request.contains("output_cap") && request["output_cap"].is_number_unsigned())
    cap = request["output_cap"].get<size_t>();
  return run(request["command"].get<std::string>(), request["cwd"].get<std::string>(), timeout,
             cap);
}

int Init::serve() {
  if (!write_line({{"ready", true}})) return 1;
  std::string pending;
  while (true) {
    std::vector<pollfd> fds = {{signal_fd_, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    add_draining(&fds);
    int ready = poll(fds.data(), fds.size(), -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (fds[0].revents != 0) {
      int ignored_status;
      bool ignored_done;
      reap(-1, &ignored_status, &ignored_done);
    }
    discard_ready(fds, 2);
    if (fds[1].revents == 0) continue;
    ssize_t n = read(STDIN_FILENO, chunk_.data(), chunk_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;  // the host closed the socket: the run is over
    pending.append(chunk_.data(), static_cast<size_t>(n));
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      if (!write_line(handle(line))) return 1;
    }
  }
}

}  // namespace

int sandbox_init_main(int argc, char** argv) {
  Init init;
  if (!init.setup(argc, argv)) {
    std::fprintf(stderr, "showdown sandbox init: setup failed: %s\n", std::strerror(errno));
    return 1;
  }
  return init.serve();
}

}  // namespace showdown
