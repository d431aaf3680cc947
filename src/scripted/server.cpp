#include "scripted/server.h"

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "scripted/anthropic_format.h"
#include "scripted/connection.h"
#include "scripted/openai_format.h"
#include "scripted/reply.h"

namespace showdown {

namespace {

enum class Api { openai, anthropic };

constexpr auto kHangLimit = std::chrono::minutes(10);
constexpr size_t kThreads = 64;

// Each API's own error body for a status.
std::string error_body(Api api, int status, const std::string& message) {
  if (api == Api::anthropic) {
    const char* type = status == 400   ? "invalid_request_error"
                       : status == 404 ? "not_found_error"
                       : status == 429 ? "rate_limit_error"
                                       : "api_error";
    return anthropic_error(type, message).dump();
  }
  if (status == 400) return openai_error(message, "invalid_request_error", nullptr).dump();
  if (status == 404)
    return openai_error(message, "invalid_request_error", "model_not_found").dump();
  if (status == 429) return openai_error(message, "rate_limit_error", "rate_limit_exceeded").dump();
  return openai_error(message, "server_error", status).dump();
}

void send_error(httplib::Response& res, Api api, int status, const std::string& message) {
  res.status = status;
  res.set_content(error_body(api, status, message), "application/json");
}

size_t count_assistant_messages(const nlohmann::json& messages) {
  size_t n = 0;
  for (const auto& m : messages)
    if (m.is_object() && m.value("role", "") == "assistant") ++n;
  return n;
}

size_t dumped_size(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
}

}  // namespace

struct ScriptServer::Impl {
  std::vector<Script> scripts;
  httplib::Server http;
  std::thread thread;
  std::atomic<bool> listen_returned{false};
  int port = 0;

  std::mutex mu;
  std::condition_variable stopped;
  bool stopping = false;
  std::set<std::pair<std::string, size_t>> fired;

  bool is_stopping() {
    std::lock_guard<std::mutex> lock(mu);
    return stopping;
  }

  // Sleeps for `ms`, ending early when the server stops.
  void pause(int64_t ms) {
    std::unique_lock<std::mutex> lock(mu);
    stopped.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping; });
  }

  // True the first time a fault turn is asked for; later requests get the turn.
  bool fire(const Script& script, size_t turn_index) {
    std::lock_guard<std::mutex> lock(mu);
    return fired.insert({script.model, turn_index}).second;
  }

  void routes();
  void complete(const httplib::Request& req, httplib::Response& res, Api api);
  void answer(const httplib::Request& req, httplib::Response& res, Api api,
              const ScriptedReply& reply, ScriptFault fault, const ScriptTurn& turn, bool stream,
              bool include_usage);
};

void ScriptServer::Impl::routes() {
  http.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  auto models = [this](const httplib::Request&, httplib::Response& res) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& s : scripts)
      data.push_back({{"id", s.model},
                      {"object", "model"},
                      {"created", 0},
                      {"owned_by", "showdown-scripted"}});
    res.set_content(nlohmann::json{{"object", "list"}, {"data", data}}.dump(), "application/json");
  };
  http.Get("/v1/models", models);
  http.Get("/models", models);
  auto openai = [this](const httplib::Request& req, httplib::Response& res) {
    complete(req, res, Api::openai);
  };
  http.Post("/v1/chat/completions", openai);
  http.Post("/chat/completions", openai);
  http.Post("/v1/messages", [this](const httplib::Request& req, httplib::Response& res) {
    complete(req, res, Api::anthropic);
  });

  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        Api api = req.path.rfind("/v1/messages", 0) == 0 ? Api::anthropic : Api::openai;
        send_error(res, api, res.status, "no route for " + req.method + " " + req.path);
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        Api api = req.path.rfind("/v1/messages", 0) == 0 ? Api::anthropic : Api::openai;
        send_error(res, api, 500, what);
      });
}

void ScriptServer::Impl::complete(const httplib::Request& req, httplib::Response& res, Api api) {
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return send_error(res, api, 400, "the request body is not a JSON object");
  if (!body.contains("messages") || !body["messages"].is_array())
    return send_error(res, api, 400, "the request has no \"messages\" array");
  std::string model =
      body.contains("model") && body["model"].is_string() ? body["model"].get<std::string>() : "";
  const Script* script = select_script(scripts, model);
  if (!script) {
    std::string loaded;
    for (const auto& s : scripts) loaded += (loaded.empty() ? "" : ", ") + s.model;
    return send_error(res, api, 404,
                      "model \"" + model + "\" has no script (loaded: " + loaded + ")");
  }

  size_t turn_index = count_assistant_messages(body["messages"]);
  ScriptTurn turn = turn_at(*script, turn_index);
  size_t prompt_bytes = dumped_size(body["messages"]);
  for (const char* key : {"tools", "system"})
    if (body.contains(key)) prompt_bytes += dumped_size(body[key]);
  ScriptedReply reply = make_reply(*script, turn, turn_index, prompt_bytes);

  bool stream = body.value("stream", false) == true;
  bool include_usage = body.contains("stream_options") && body["stream_options"].is_object() &&
                       body["stream_options"].value("include_usage", false) == true;

  if (turn.delay_ms > 0) pause(turn.delay_ms);
  ScriptFault fault =
      turn.fault != ScriptFault::none && fire(*script, turn_index) ? turn.fault : ScriptFault::none;
  answer(req, res, api, reply, fault, turn, stream, include_usage);
}

void ScriptServer::Impl::answer(const httplib::Request& req, httplib::Response& res, Api api,
                                const ScriptedReply& reply, ScriptFault fault,
                                const ScriptTurn& turn, bool stream, bool include_usage) {
  std::string what = std::string("scripted fault ") + fault_name(fault) + " at turn " +
                     std::to_string(reply.turn_index);
  switch (fault) {
    case ScriptFault::http_500:
      return send_error(res, api, 500, what);
    case ScriptFault::http_429:
      res.set_header("Retry-After", std::to_string(turn.retry_after_s));
      return send_error(res, api, 429, what);
    case ScriptFault::reset: {
      int fd = find_connection(req.local_port, req.remote_port);
      if (fd >= 0) return reset_connection(fd);
      return send_error(res, api, 500, what + ": the connection was not found to reset");
    }
    case ScriptFault::hang: {
      int fd = find_connection(req.local_port, req.remote_port);
      if (wait_for_hangup(
              fd, [this] { return is_stopping(); }, kHangLimit))
        return;
      return send_error(res, api, 504, what + ": gave up waiting for the client");
    }
    case ScriptFault::none:
    case ScriptFault::truncated_stream:
    case ScriptFault::malformed_json:
      break;
  }

  if (!stream) {
    auto text = std::make_shared<std::string>(
        api == Api::openai ? openai_response(reply).dump() : anthropic_response(reply).dump());
    if (fault == ScriptFault::malformed_json) {
      res.set_content(text->substr(0, text->size() / 2), "application/json");
    } else if (fault == ScriptFault::truncated_stream) {
      // Promise the whole body, send half, hang up: a body cut short.
      res.set_content_provider(text->size(), "application/json",
                               [text](size_t, size_t, httplib::DataSink& sink) {
                                 sink.write(text->data(), text->size() / 2);
                                 return false;
                               });
    } else {
      res.set_content(*text, "application/json");
    }
    return;
  }

  auto events = std::make_shared<std::vector<ScriptedEvent>>(
      api == Api::openai ? openai_stream(reply, include_usage) : anthropic_stream(reply));
  if (fault == ScriptFault::malformed_json) {
    std::string& data = (*events)[1].data;
    data = data.substr(0, data.size() / 2);
  }
  size_t count = fault == ScriptFault::truncated_stream ? events->size() / 2 : events->size();
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider("text/event-stream",
                                   [events, count, fault](size_t, httplib::DataSink& sink) {
                                     for (size_t i = 0; i < count; ++i) {
                                       std::string text = format_sse((*events)[i]);
                                       if (!sink.write(text.data(), text.size())) return false;
                                     }
                                     if (fault == ScriptFault::truncated_stream) return false;
                                     sink.done();
                                     return true;
                                   });
}

ScriptServer::ScriptServer(std::vector<Script> scripts) : impl_(std::make_unique<Impl>()) {
  impl_->scripts = std::move(scripts);
  impl_->routes();
  impl_->http.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  // Idle keep-alive connections hold stop() up to this long.
  impl_->http.set_keep_alive_timeout(2);
}

ScriptServer::~ScriptServer() { stop(); }

bool ScriptServer::start(const std::string& host, int port, std::string* err) {
  std::signal(SIGPIPE, SIG_IGN);
  int bound = port == 0 ? impl_->http.bind_to_any_port(host)
                        : (impl_->http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    if (err) *err = "cannot listen on " + host + ":" + std::to_string(port);
    return false;
  }
  impl_->port = bound;
  impl_->thread = std::thread([this] {
    impl_->http.listen_after_bind();
    impl_->listen_returned = true;
  });
  // stop() only reaches a server that is already listening.
  while (!impl_->http.is_running() && !impl_->listen_returned)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return true;
}

int ScriptServer::port() const { return impl_->port; }

void ScriptServer::stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->stopped.notify_all();
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace showdown
