#include "showdown/server.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace showdown {

namespace {

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

int http_get_status(const std::string& url, double timeout_seconds) {
  CURL* curl = curl_easy_init();
  if (!curl) return 0;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_seconds * 1000));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  return static_cast<int>(status);
}

ManagedServer::~ManagedServer() { stop(); }

bool ManagedServer::start(const ServerSpec& spec, const std::filesystem::path& log,
                          std::string* err) {
  if (spec.command.empty()) {
    *err = "server.command is empty";
    return false;
  }
  std::error_code ec;
  std::filesystem::create_directories(log.parent_path(), ec);
  int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    *err = log.string() + ": cannot open server log";
    return false;
  }
  std::vector<char*> argv;
  for (const auto& a : spec.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    *err = "fork failed";
    return false;
  }
  if (pid == 0) {
    setpgid(0, 0);
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    for (const auto& [k, v] : spec.env) setenv(k.c_str(), v.c_str(), 1);
    execvp(argv[0], argv.data());
    dprintf(2, "cannot execute %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(log_fd);
  pid_ = pid;
  setpgid(pid, pid);

  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<long>(spec.ready_timeout_seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (!alive()) {
      *err = "model server exited before it was ready (see its log)";
      stop();
      return false;
    }
    if (spec.ready_url.empty() || http_get_status(spec.ready_url, 2) == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  *err = "model server not ready at " + spec.ready_url + " after " +
         std::to_string(static_cast<int>(spec.ready_timeout_seconds)) + " s";
  stop();
  return false;
}

bool ManagedServer::alive() {
  if (pid_ <= 0) return false;
  int status;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void ManagedServer::stop() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      kill(-pid_, SIGKILL);  // leftovers of its group
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(-pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace showdown
