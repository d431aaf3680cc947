#include "mcp/client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

extern char** environ;

namespace showdown {

struct McpClient::Pending {
  bool done = false;
  McpReply reply;
};

namespace {

using Clock = std::chrono::steady_clock;

// For what is not a request of the caller's: notifications, answers to the server.
constexpr double kQuickWriteSeconds = 5;

std::string seconds_text(double seconds) {
  std::ostringstream out;
  out << seconds << " s";
  return out.str();
}

std::string log_tail(const std::filesystem::path& log) {
  if (log.empty()) return "";
  std::ifstream in(log, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.empty()) return "";
  const size_t keep = 400;
  if (text.size() > keep) text = "..." + text.substr(text.size() - keep);
  for (char& c : text)
    if (c == '\n') c = ' ';
  return "; its stderr ends: " + text;
}

std::vector<std::string> environment_for(const McpLaunch& launch) {
  std::map<std::string, std::string> env;
  for (const char* key : {"PATH", "HOME", "LANG", "LC_ALL", "TERM", "TMPDIR", "USER"}) {
    if (const char* value = getenv(key)) env[key] = value;
  }
  if (!env.count("PATH")) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& [key, value] : launch.env) env[key] = value;
  std::vector<std::string> entries;
  for (const auto& [key, value] : env) entries.push_back(key + "=" + value);
  return entries;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

enum class WriteResult { ok, closed, stalled };

// Writes everything to a non-blocking fd within `seconds`, without letting a
// closed pipe raise SIGPIPE in the process: a server that stops reading its
// input must not hang the harness.
WriteResult write_all(int fd, const std::string& data, double seconds) {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(seconds));
  size_t written = 0;
  WriteResult result = WriteResult::ok;
  while (written < data.size()) {
    ssize_t n = write(fd, data.data() + written, data.size() - written);
    if (n > 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        result = WriteResult::stalled;
        break;
      }
      pollfd out = {fd, POLLOUT, 0};
      poll(&out, 1, static_cast<int>(left.count()));
      continue;
    }
    if (errno == EPIPE) {
      timespec zero{};
      sigtimedwait(&pipe_set, nullptr, &zero);
    }
    result = WriteResult::closed;
    break;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return result;
}

}  // namespace

McpClient::McpClient(const McpLaunch& launch) : launch_(launch) {}

McpClient::~McpClient() { shutdown(); }

std::shared_ptr<McpClient> McpClient::start(const McpLaunch& launch, std::string* err) {
  std::shared_ptr<McpClient> client(new McpClient(launch));
  std::string what = "MCP server '" + launch.name + "'";
  if (launch.command.empty()) {
    *err = what + ": no command given";
    return nullptr;
  }
  if (!client->spawn(err)) {
    *err = what + ": " + *err;
    return nullptr;
  }
  client->reader_ = std::thread([c = client.get()] { c->read_loop(); });

  nlohmann::json params = {{"protocolVersion", "2025-06-18"},
                           {"capabilities", nlohmann::json::object()},
                           {"clientInfo", {{"name", "showdown"}, {"version", "0.1"}}}};
  McpReply reply = client->request("initialize", params, launch.start_seconds);
  std::string failure;
  if (reply.status == McpReply::Status::error) {
    failure = what + ": initialize failed: " + reply.message;
  } else if (reply.status != McpReply::Status::result) {
    failure = reply.message;  // names the server already
  } else if (!reply.result.is_object()) {
    failure = what + ": initialize answered without a result object";
  }
  if (!failure.empty()) {
    client->shutdown();
    *err = failure + log_tail(launch.stderr_log);
    return nullptr;
  }
  if (reply.result.contains("protocolVersion") && reply.result["protocolVersion"].is_string())
    client->protocol_version_ = reply.result["protocolVersion"].get<std::string>();
  if (reply.result.contains("serverInfo") && reply.result["serverInfo"].is_object())
    client->server_info_ = reply.result["serverInfo"];
  client->notify("notifications/initialized", nullptr);
  return client;
}

bool McpClient::spawn(std::string* err) {
  std::vector<std::string> argv;
  if (launch_.netns_of) {
    argv = {"nsenter", "--target", std::to_string(*launch_.netns_of), "--net", "--"};
  }
  argv.insert(argv.end(), launch_.command.begin(), launch_.command.end());
  std::vector<std::string> env = environment_for(launch_);
  std::vector<char*> argv_ptrs = pointers(argv);
  std::vector<char*> env_ptrs = pointers(env);
  std::string cwd = launch_.cwd.string();

  int log_fd = -1;
  if (launch_.stderr_log.empty()) {
    log_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  } else {
    log_fd = open(launch_.stderr_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  if (log_fd < 0) {
    *err = "cannot open its stderr log " + launch_.stderr_log.string() + ": " + strerror(errno);
    return false;
  }
  int in[2] = {-1, -1}, out[2] = {-1, -1}, status[2] = {-1, -1};
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(status, O_CLOEXEC) != 0 ||
      pipe2(wake_fd_, O_CLOEXEC) != 0) {
    *err = std::string("cannot create pipes: ") + strerror(errno);
    for (int fd : {in[0], in[1], out[0], out[1], status[0], status[1], log_fd})
      if (fd >= 0) close(fd);
    return false;
  }
  struct sigaction default_action = {};
  default_action.sa_handler = SIG_DFL;
  pid_t pid = fork();
  if (pid < 0) {
    *err = std::string("cannot fork: ") + strerror(errno);
    for (int fd : {in[0], in[1], out[0], out[1], status[0], status[1], log_fd}) close(fd);
    return false;
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    setpgid(0, 0);
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(log_fd, 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    sigaction(SIGPIPE, &default_action, nullptr);
    // What failed: {0, errno} entering cwd, {1, errno} running the program.
    int failure[2] = {0, 0};
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
      failure[1] = errno;
    } else {
      environ = env_ptrs.data();
      execvp(argv_ptrs[0], argv_ptrs.data());
      failure[0] = 1;
      failure[1] = errno;
    }
    ssize_t ignored = write(status[1], failure, sizeof failure);
    (void)ignored;
    _exit(127);
  }
  setpgid(pid, pid);
  pid_ = pid;
  for (int fd : {in[0], out[1], status[1], log_fd}) close(fd);
  stdin_fd_ = in[1];
  fcntl(stdin_fd_, F_SETFL, fcntl(stdin_fd_, F_GETFL) | O_NONBLOCK);
  stdout_fd_ = out[0];

  int failure[2] = {0, 0};
  ssize_t n;
  do {
    n = read(status[0], failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  close(status[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    *err = (failure[0] == 0 ? "cannot enter " + cwd : "cannot run " + argv[0]) + ": " +
           strerror(failure[1]);
    shut_down_ = true;
    waitpid(pid_, nullptr, 0);
    reaped_ = true;
    for (int fd : {stdin_fd_, stdout_fd_, wake_fd_[0], wake_fd_[1]}) close(fd);
    stdin_fd_ = stdout_fd_ = wake_fd_[0] = wake_fd_[1] = -1;
    return false;
  }
  return true;
}

bool McpClient::send(const nlohmann::json& message, double seconds) {
  std::string line = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  WriteResult result;
  {
    std::lock_guard<std::mutex> lock(write_mutex_);
    if (stdin_fd_ < 0) return false;
    result = write_all(stdin_fd_, line, seconds);
  }
  // Half a line may have gone out, so nothing later could be understood.
  if (result == WriteResult::stalled)
    mark_gone("MCP server '" + launch_.name + "' stopped reading its input");
  return result == WriteResult::ok;
}

void McpClient::notify(const std::string& method, const nlohmann::json& params) {
  nlohmann::json message = {{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) message["params"] = params;
  send(message, kQuickWriteSeconds);
}

McpReply McpClient::request(const std::string& method, const nlohmann::json& params,
                            double timeout_seconds) {
  if (timeout_seconds <= 0) timeout_seconds = launch_.call_seconds;
  auto pending = std::make_shared<Pending>();
  int64_t id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (gone_ || shut_down_) {
      McpReply reply;
      reply.message = gone_ ? gone_reason_ : "MCP server '" + launch_.name + "' was shut down";
      return reply;
    }
    id = next_id_++;
    pending_[id] = pending;
  }
  nlohmann::json message = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) message["params"] = params;
  bool sent = send(message, timeout_seconds);

  std::unique_lock<std::mutex> lock(mutex_);
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(sent ? timeout_seconds : 1.0));
  changed_.wait_until(lock, deadline, [&] { return pending->done || gone_; });
  pending_.erase(id);
  if (pending->done) return pending->reply;
  McpReply reply;
  if (gone_) {
    reply.message = gone_reason_;
  } else if (!sent) {
    reply.message = "cannot write to MCP server '" + launch_.name + "'";
  } else {
    reply.status = McpReply::Status::timed_out;
    reply.message = "MCP server '" + launch_.name + "' did not answer " + method + " within " +
                    seconds_text(timeout_seconds);
    lock.unlock();
    notify("notifications/cancelled", {{"requestId", id}, {"reason", "timed out"}});
  }
  return reply;
}

McpReply McpClient::call_tool(const std::string& name, const nlohmann::json& arguments,
                              double timeout_seconds) {
  nlohmann::json params = {
      {"name", name}, {"arguments", arguments.is_object() ? arguments : nlohmann::json::object()}};
  return request("tools/call", params, timeout_seconds);
}

bool McpClient::list_tools(std::vector<McpToolInfo>* tools, std::string* err) {
  tools->clear();
  std::set<std::string> seen_cursors;
  std::string cursor;
  for (;;) {
    nlohmann::json params = nlohmann::json::object();
    if (!cursor.empty()) params["cursor"] = cursor;
    McpReply reply = request("tools/list", params);
    if (reply.status != McpReply::Status::result) {
      *err = "MCP server '" + launch_.name + "': tools/list: " + reply.message;
      return false;
    }
    const nlohmann::json& result = reply.result;
    if (!result.is_object() || !result.contains("tools") || !result["tools"].is_array()) {
      *err = "MCP server '" + launch_.name + "': tools/list answered without a tools array";
      return false;
    }
    for (const auto& item : result["tools"]) {
      if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) continue;
      McpToolInfo info;
      info.name = item["name"].get<std::string>();
      if (item.contains("description") && item["description"].is_string())
        info.description = item["description"].get<std::string>();
      if (item.contains("inputSchema") && item["inputSchema"].is_object())
        info.input_schema = item["inputSchema"];
      else
        info.input_schema = {{"type", "object"}, {"properties", nlohmann::json::object()}};
      tools->push_back(std::move(info));
    }
    if (!result.contains("nextCursor") || !result["nextCursor"].is_string()) return true;
    cursor = result["nextCursor"].get<std::string>();
    if (cursor.empty()) return true;
    if (!seen_cursors.insert(cursor).second) {
      *err = "MCP server '" + launch_.name + "': tools/list repeated the cursor \"" + cursor + "\"";
      return false;
    }
  }
}

void McpClient::read_loop() {
  std::string buffer;
  bool dropping = false;  // inside a line over max_line_bytes
  char chunk[65536];
  for (;;) {
    pollfd fds[2] = {{stdout_fd_, POLLIN, 0}, {wake_fd_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      mark_gone("MCP server '" + launch_.name + "': cannot poll its output");
      return;
    }
    if (fds[1].revents) return;
    ssize_t n = read(stdout_fd_, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      mark_gone(exit_description());
      return;
    }
    size_t start = 0;
    for (ssize_t i = 0; i < n; ++i) {
      if (chunk[i] != '\n') continue;
      if (dropping) {
        dropping = false;
      } else {
        buffer.append(chunk + start, static_cast<size_t>(i) - start);
        handle_line(buffer);
      }
      buffer.clear();
      start = static_cast<size_t>(i) + 1;
    }
    if (!dropping) buffer.append(chunk + start, static_cast<size_t>(n) - start);
    if (!dropping && buffer.size() > launch_.max_line_bytes) {
      // The answer cannot be read, so whatever waits for it learns so now
      // rather than at its timeout.
      buffer.clear();
      buffer.shrink_to_fit();
      dropping = true;
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& [id, pending] : pending_) {
        pending->done = true;
        pending->reply.status = McpReply::Status::error;
        pending->reply.message = "MCP server '" + launch_.name + "' sent a line over " +
                                 std::to_string(launch_.max_line_bytes) +
                                 " bytes, which was dropped";
      }
      changed_.notify_all();
    }
  }
}

void McpClient::handle_line(const std::string& line) {
  nlohmann::json message = nlohmann::json::parse(line, nullptr, false);
  if (!message.is_object()) return;  // garbage or a blank line: servers log to stdout by mistake
  if (message.contains("method") && message["method"].is_string()) {
    if (!message.contains("id") || message["id"].is_null()) return;  // a notification
    const std::string method = message["method"].get<std::string>();
    nlohmann::json answer = {{"jsonrpc", "2.0"}, {"id", message["id"]}};
    if (method == "ping") {
      answer["result"] = nlohmann::json::object();
    } else {
      answer["error"] = {{"code", -32601}, {"message", "Method not found: " + method}};
    }
    send(answer, kQuickWriteSeconds);
    return;
  }
  if (!message.contains("id") || !message["id"].is_number_integer()) return;
  int64_t id = message["id"].get<int64_t>();
  McpReply reply;
  if (message.contains("error") && message["error"].is_object()) {
    const nlohmann::json& error = message["error"];
    reply.status = McpReply::Status::error;
    if (error.contains("code") && error["code"].is_number_integer())
      reply.error_code = error["code"].get<int64_t>();
    reply.message = error.contains("message") && error["message"].is_string()
                        ? error["message"].get<std::string>()
                        : error.dump();
  } else if (message.contains("result")) {
    reply.status = McpReply::Status::result;
    reply.result = std::move(message["result"]);
  } else {
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = pending_.find(id);
  if (it == pending_.end()) return;  // answered after its timeout
  it->second->done = true;
  it->second->reply = std::move(reply);
  changed_.notify_all();
}

void McpClient::mark_gone(const std::string& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!gone_) {
    gone_ = true;
    gone_reason_ = why;
  }
  changed_.notify_all();
}

// Waits for the server process to exit, without reaping it, so that its
// process group can still be killed safely afterwards.
bool McpClient::wait_exit(double seconds) {
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(seconds));
  for (;;) {
    siginfo_t info{};
    if (waitid(P_PID, pid_, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return true;
    if (info.si_pid == pid_) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string McpClient::exit_description() {
  std::string what = "MCP server '" + launch_.name + "'";
  wait_exit(0.5);
  siginfo_t info{};
  if (waitid(P_PID, pid_, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_) {
    if (info.si_code == CLD_EXITED)
      return what + " exited with status " + std::to_string(info.si_status);
    return what + " was killed by signal " + std::to_string(info.si_status);
  }
  return what + " closed its output";
}

bool McpClient::alive() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !gone_ && !shut_down_;
}

void McpClient::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    changed_.notify_all();
  }
  {
    std::lock_guard<std::mutex> lock(write_mutex_);
    if (stdin_fd_ >= 0) close(stdin_fd_);
    stdin_fd_ = -1;
  }
  if (pid_ > 0 && !reaped_) {
    if (!wait_exit(launch_.shutdown_grace_seconds)) {
      kill(-pid_, SIGTERM);
      if (!wait_exit(launch_.shutdown_grace_seconds)) kill(-pid_, SIGKILL);
    }
    // The leader is gone but still unreaped, so its group id cannot have been
    // reused: whatever it left behind (a browser) is killed with it.
    kill(-pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  if (reader_.joinable()) {
    write_all(wake_fd_[1], "x", kQuickWriteSeconds);
    reader_.join();
  }
  for (int* fd : {&stdout_fd_, &wake_fd_[0], &wake_fd_[1]}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
  mark_gone("MCP server '" + launch_.name + "' was shut down");
}

}  // namespace showdown
