#include "workspace/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

extern char** environ;

namespace showdown {
namespace {

using Clock = std::chrono::steady_clock;

// Resolves argv[0] before fork, since the child may only make async-signal-safe calls.
std::string find_program(const std::string& name, const std::string& path_var) {
  if (name.find('/') != std::string::npos) return name;
  size_t start = 0;
  while (start <= path_var.size()) {
    size_t end = path_var.find(':', start);
    if (end == std::string::npos) end = path_var.size();
    std::string dir = path_var.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

void close_fd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

}  // namespace

std::map<std::string, std::string> current_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

bool run_process(const ProcessSpec& spec, ProcessResult* result, std::string* err) {
  *result = ProcessResult();
  if (spec.argv.empty()) {
    *err = "no program to run";
    return false;
  }
  std::map<std::string, std::string> env = spec.env ? *spec.env : current_environment();
  auto path_it = env.find("PATH");
  std::string program =
      find_program(spec.argv[0], path_it != env.end() ? path_it->second : "/usr/bin:/bin");
  if (program.empty()) {
    *err = "cannot run " + spec.argv[0] + ": not found in PATH";
    return false;
  }

  std::vector<std::string> env_strings;
  for (const auto& [key, value] : env) env_strings.push_back(key + "=" + value);
  std::vector<char*> argv, envp;
  for (const std::string& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  for (std::string& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string cwd = spec.cwd.string();
  std::string output_file = spec.output_file.string();

  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, exec_pipe[2] = {-1, -1};
  int file_fd = -1;
  if (!output_file.empty()) {
    file_fd = open(output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (file_fd < 0) {
      *err = "cannot write " + output_file + ": " + std::strerror(errno);
      return false;
    }
  } else if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    *err = std::string("pipe failed: ") + std::strerror(errno);
    for (int* fd : {&out_pipe[0], &out_pipe[1]}) close_fd(fd);
    return false;
  }
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) {
    *err = std::string("pipe failed: ") + std::strerror(errno);
    for (int* fd : {&out_pipe[0], &out_pipe[1], &err_pipe[0], &err_pipe[1], &file_fd}) close_fd(fd);
    return false;
  }

  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    dup2(file_fd >= 0 ? file_fd : out_pipe[1], 1);
    dup2(file_fd >= 0 ? file_fd : err_pipe[1], 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
      int e = errno;
      (void)!write(exec_pipe[1], &e, sizeof e);
      _exit(127);
    }
    execve(program.c_str(), argv.data(), envp.data());
    int e = errno;
    (void)!write(exec_pipe[1], &e, sizeof e);
    _exit(127);
  }
  for (int* fd : {&out_pipe[1], &err_pipe[1], &exec_pipe[1], &file_fd}) close_fd(fd);
  if (pid < 0) {
    *err = std::string("fork failed: ") + std::strerror(errno);
    for (int* fd : {&out_pipe[0], &err_pipe[0], &exec_pipe[0]}) close_fd(fd);
    return false;
  }
  setpgid(pid, pid);  // also here, so the group exists before any kill below

  int child_errno = 0;
  ssize_t got = read(exec_pipe[0], &child_errno, sizeof child_errno);
  close_fd(&exec_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof child_errno)) {
    waitpid(pid, nullptr, 0);
    for (int* fd : {&out_pipe[0], &err_pipe[0]}) close_fd(fd);
    *err = "cannot run " + spec.argv[0] + (cwd.empty() ? "" : " in " + cwd) + ": " +
           std::strerror(child_errno);
    return false;
  }

  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(spec.timeout_seconds * 1000));
  int status = 0;
  bool exited = false;
  std::optional<Clock::time_point> drain_until;
  while (true) {
    bool open_pipes = out_pipe[0] >= 0 || err_pipe[0] >= 0;
    // With nothing to read and no deadline, block until it exits.
    int wait_flags = WEXITED | WNOWAIT | (open_pipes || spec.timeout_seconds > 0 ? WNOHANG : 0);
    siginfo_t info{};
    if (!exited && waitid(P_PID, pid, &info, wait_flags) == 0 && info.si_pid == pid) {
      // Not yet reaped, so the group id cannot have been reused: leftovers in the
      // group die here and cannot hold our pipes open.
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      exited = true;
      drain_until = Clock::now() + std::chrono::seconds(1);
    }
    if (!exited && spec.timeout_seconds > 0 && Clock::now() >= deadline) {
      result->timed_out = true;
      kill(-pid, SIGKILL);
    }
    if (exited && (!open_pipes || Clock::now() >= *drain_until)) break;
    if (!open_pipes) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    struct Stream {
      int* fd;
      std::string* sink;
    };
    std::vector<Stream> streams;
    std::vector<pollfd> fds;
    for (Stream stream : {Stream{&out_pipe[0], &result->out}, Stream{&err_pipe[0], &result->err}}) {
      if (*stream.fd < 0) continue;
      streams.push_back(stream);
      fds.push_back({*stream.fd, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), 20) <= 0) continue;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[8192];
      ssize_t r = read(*streams[i].fd, buffer, sizeof buffer);
      if (r > 0) {
        streams[i].sink->append(buffer, static_cast<size_t>(r));
      } else if (r == 0 || errno != EINTR) {
        close_fd(streams[i].fd);
      }
    }
  }
  for (int* fd : {&out_pipe[0], &err_pipe[0]}) close_fd(fd);
  result->exit_code = decode_status(status);
  return true;
}

}  // namespace showdown
