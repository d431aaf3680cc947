// links: showdown_llm PkgConfig::HTTPLIB
// The provider clients against real HTTP servers started in the test, answering
// canned bytes: dialects, streaming, retries and failure classification.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>

#include "llm/provider.h"
#include "llm/retry.h"
#include "test_util.h"

namespace showdown {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// One canned answer. `chunk` > 0 sends the body in pieces of that many bytes;
// `hang` sends nothing until the test ends.
struct Reply {
  int status = 200;
  std::string body = {};
  std::string content_type = "text/event-stream";
  std::vector<std::pair<std::string, std::string>> headers = {};
  size_t chunk = 0;
  bool hang = false;
};

// An HTTP server answering POSTs to `path` with `replies` in turn (the last one
// repeats), recording what each request carried and when it arrived.
class CannedServer {
 public:
  CannedServer(const std::string& path, std::vector<Reply> replies) : replies_(std::move(replies)) {
    server_.Post(path,
                 [this](const httplib::Request& req, httplib::Response& res) { answer(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~CannedServer() {
    stopping_ = true;
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() {
    std::lock_guard lock(mutex_);
    return static_cast<int>(bodies_.size());
  }
  json body(int i) {
    std::lock_guard lock(mutex_);
    return json::parse(bodies_.at(i));
  }
  httplib::Headers headers(int i) {
    std::lock_guard lock(mutex_);
    return headers_.at(i);
  }
  std::vector<Clock::time_point> arrivals() {
    std::lock_guard lock(mutex_);
    return arrivals_;
  }

 private:
  void answer(const httplib::Request& req, httplib::Response& res) {
    Reply reply;
    {
      std::lock_guard lock(mutex_);
      bodies_.push_back(req.body);
      headers_.push_back(req.headers);
      arrivals_.push_back(Clock::now());
      reply = replies_.at(std::min(bodies_.size(), replies_.size()) - 1);
    }
    if (reply.hang) {
      for (int i = 0; i < 100 && !stopping_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return;
    }
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) res.set_header(name, value);
    if (reply.chunk == 0) {
      res.set_content(reply.body, reply.content_type.c_str());
      return;
    }
    res.set_chunked_content_provider(
        reply.content_type.c_str(),
        [body = reply.body, chunk = reply.chunk](size_t, httplib::DataSink& sink) {
          for (size_t at = 0; at < body.size(); at += chunk) {
            sink.write(body.data() + at, std::min(chunk, body.size() - at));
          }
          sink.done();
          return true;
        });
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<Reply> replies_;
  std::vector<std::string> bodies_;
  std::vector<httplib::Headers> headers_;
  std::vector<Clock::time_point> arrivals_;
};

// A bare TCP server: the first `resets` connections are reset (RST) once their
// request has arrived; later ones get `response` verbatim and are closed.
class ResettingServer {
 public:
  ResettingServer(int resets, std::string response)
      : resets_(resets), response_(std::move(response)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 8);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ResettingServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }

 private:
  void serve() {
    for (;;) {
      int client = accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = read(client, buffer, sizeof buffer);
        if (n <= 0) break;
        request.append(buffer, n);
      }
      if (connections_++ < resets_) {
        linger hard{1, 0};
        setsockopt(client, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      } else {
        // Read the rest of the body so closing does not reset the connection.
        size_t header_end = request.find("\r\n\r\n") + 4;
        size_t length_at = request.find("Content-Length: ");
        size_t length =
            length_at == std::string::npos ? 0 : std::stoul(request.substr(length_at + 16));
        while (request.size() < header_end + length) {
          ssize_t n = read(client, buffer, sizeof buffer);
          if (n <= 0) break;
          request.append(buffer, n);
        }
        ssize_t ignored = write(client, response_.data(), response_.size());
        (void)ignored;
      }
      close(client);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  int resets_;
  std::string response_;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

std::string sse(const std::vector<json>& chunks, bool done = true) {
  std::string out;
  for (const auto& c : chunks) out += "data: " + c.dump() + "\n\n";
  if (done) out += "data: [DONE]\n\n";
  return out;
}

json delta_chunk(const json& delta, const json& finish = nullptr) {
  return {{"id", "c1"},
          {"object", "chat.completion.chunk"},
          {"model", "qwen3-coder"},
          {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}};
}

json tool_delta(int index, const std::string& args, const std::string& id = "",
                const std::string& name = "") {
  json call = {{"index", index}, {"function", {{"arguments", args}}}};
  if (!id.empty()) {
    call["id"] = id;
    call["type"] = "function";
    call["function"]["name"] = name;
  }
  return delta_chunk({{"tool_calls", {call}}});
}

json usage_chunk(int prompt, int completion) {
  return {{"id", "c1"},
          {"object", "chat.completion.chunk"},
          {"choices", json::array()},
          {"usage",
           {{"prompt_tokens", prompt},
            {"completion_tokens", completion},
            {"total_tokens", prompt + completion}}}};
}

std::string openai_final_stream(const std::string& text = "Done.") {
  return sse({delta_chunk({{"role", "assistant"}, {"content", text}}),
              delta_chunk(json::object(), "stop"), usage_chunk(10, 2)});
}

ProviderOptions fast_options(const std::string& base_url, const std::string& provider = "openai") {
  ProviderOptions o;
  o.provider = provider;
  o.base_url = base_url;
  o.model = "qwen3-coder";
  o.max_retries = 3;
  o.backoff_initial_seconds = 0.01;
  o.backoff_max_seconds = 0.02;
  o.connect_timeout_seconds = 2;
  o.idle_timeout_seconds = 5;
  return o;
}

Message message(Role role, const std::string& content) {
  Message m;
  m.role = role;
  m.content = content;
  return m;
}

Message tool_result(const std::string& call_id, const std::string& content, bool is_error = false) {
  Message m = message(Role::tool, content);
  m.tool_call_id = call_id;
  m.is_error = is_error;
  return m;
}

ToolCall tool_call(const std::string& id, const std::string& name, const json& arguments) {
  ToolCall call;
  call.id = id;
  call.name = name;
  call.arguments = arguments;
  return call;
}

Request simple_request() {
  Request r;
  r.system = "You are a coding agent.";
  r.messages.push_back(message(Role::user, "Goal: list the files."));
  return r;
}

struct Outcome {
  bool ok = false;
  Response response;
  ProviderFailure failure;
  std::vector<RetryNotice> notices;
  std::string streamed_text;
};

Outcome run(ProviderOptions options, const Request& request = simple_request()) {
  Outcome out;
  options.on_retry = [&out](const RetryNotice& n) { out.notices.push_back(n); };
  options.on_text = [&out](const std::string& t) { out.streamed_text += t; };
  std::string err;
  auto provider = make_provider(options, &err);
  EXPECT_TRUE(provider) << err;
  if (!provider) return out;
  out.ok = provider->complete(request, &out.response, &out.failure);
  return out;
}

// ---- OpenAI dialect ----

TEST(OpenAiProvider, StreamsToolCallArgumentsAcrossChunks) {
  std::string stream = sse({
      delta_chunk({{"role", "assistant"}, {"content", ""}}),
      delta_chunk({{"content", "Let me"}}),
      delta_chunk({{"content", " look."}}),
      tool_delta(0, "", "call_2", "read_file"),
      tool_delta(0, "{\"path\":"),
      tool_delta(0, "\"src/lib/posts.ts\"}"),
      delta_chunk(json::object(), "tool_calls"),
      usage_chunk(1532, 41),
  });
  CannedServer server("/v1/chat/completions", {{.body = stream, .chunk = 7}});
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  const Response& r = out.response;
  EXPECT_EQ(r.content, "Let me look.");
  EXPECT_EQ(out.streamed_text, "Let me look.");
  ASSERT_EQ(r.tool_calls.size(), 1u);
  EXPECT_EQ(r.tool_calls[0].id, "call_2");
  EXPECT_EQ(r.tool_calls[0].name, "read_file");
  EXPECT_EQ(r.tool_calls[0].arguments, json({{"path", "src/lib/posts.ts"}}));
  EXPECT_EQ(r.finish_reason, "tool_calls");
  EXPECT_TRUE(r.usage_reported);
  EXPECT_EQ(r.usage.prompt_tokens, 1532);
  EXPECT_EQ(r.usage.completion_tokens, 41);
  EXPECT_EQ(r.server_model, "qwen3-coder");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_GT(r.latency_seconds, 0);
  EXPECT_FALSE(r.timings.present);
}

TEST(OpenAiProvider, AssemblesInterleavedToolCallIndexes) {
  std::string stream = sse({
      tool_delta(0, "", "call_a", "read_file"), tool_delta(1, "", "call_b", "execute"),
      tool_delta(0, "{\"path\":"), tool_delta(1, "{\"command\":"), tool_delta(1, "\"ls\"}"),
      tool_delta(0, "\"a.txt\"}"),
      delta_chunk(json::object(), "stop"),  // some servers say stop: the calls count
  });
  CannedServer server("/v1/chat/completions", {{.body = stream}});
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  ASSERT_EQ(out.response.tool_calls.size(), 2u);
  EXPECT_EQ(out.response.tool_calls[0].name, "read_file");
  EXPECT_EQ(out.response.tool_calls[0].arguments, json({{"path", "a.txt"}}));
  EXPECT_EQ(out.response.tool_calls[1].id, "call_b");
  EXPECT_EQ(out.response.tool_calls[1].arguments, json({{"command", "ls"}}));
  EXPECT_EQ(out.response.finish_reason, "tool_calls");
  EXPECT_FALSE(out.response.usage_reported);
}

TEST(OpenAiProvider, AcceptsWholeToolCallsAsOllamaSendsThem) {
  auto whole = [](const std::string& id, const std::string& args) {
    return delta_chunk({{"tool_calls",
                         {{{"index", 0},
                           {"id", id},
                           {"type", "function"},
                           {"function", {{"name", "execute"}, {"arguments", args}}}}}}});
  };
  std::string stream =
      sse({whole("call_1", "{\"command\":\"ls\"}"), whole("call_2", "{\"command\":\"pwd\"}"),
           delta_chunk(json::object(), "tool_calls"), usage_chunk(5, 5)});
  CannedServer server("/v1/chat/completions", {{.body = stream}});
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  ASSERT_EQ(out.response.tool_calls.size(), 2u);
  EXPECT_EQ(out.response.tool_calls[0].arguments, json({{"command", "ls"}}));
  EXPECT_EQ(out.response.tool_calls[1].id, "call_2");
  EXPECT_EQ(out.response.tool_calls[1].arguments, json({{"command", "pwd"}}));
}

TEST(OpenAiProvider, RecordsBadToolArgumentsOnTheCall) {
  std::string stream = sse({tool_delta(0, "{\"path\": oops", "call_1", "read_file"),
                            delta_chunk(json::object(), "tool_calls")});
  CannedServer server("/v1/chat/completions", {{.body = stream}});
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  ASSERT_EQ(out.response.tool_calls.size(), 1u);
  EXPECT_TRUE(out.response.tool_calls[0].arguments.is_null());
  EXPECT_EQ(out.response.tool_calls[0].raw_arguments, "{\"path\": oops");
  EXPECT_FALSE(out.response.tool_calls[0].arguments_error.empty());
}

TEST(OpenAiProvider, TakesReasoningUsageAndTimingsFromTheStream) {
  json last = usage_chunk(1532, 41);
  last["timings"] = {{"prompt_n", 1532},  {"prompt_ms", 800.5},    {"prompt_per_second", 1913.8},
                     {"predicted_n", 41}, {"predicted_ms", 410.0}, {"predicted_per_second", 100.0},
                     {"cache_n", 12}};
  std::string stream =
      sse({delta_chunk({{"reasoning_content", "Think "}}),
           delta_chunk({{"reasoning_content", "first."}}), delta_chunk({{"content", "Hi"}}),
           delta_chunk(json::object(), "length"), last});
  CannedServer server("/v1/chat/completions", {{.body = stream, .chunk = 3}});
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  const Response& r = out.response;
  EXPECT_EQ(r.reasoning, "Think first.");
  EXPECT_EQ(r.content, "Hi");
  EXPECT_EQ(r.finish_reason, "length");
  EXPECT_EQ(r.usage.prompt_tokens, 1532);
  ASSERT_TRUE(r.timings.present);
  EXPECT_EQ(r.timings.prompt_n, 1532);
  EXPECT_EQ(r.timings.cache_n, 12);
  EXPECT_DOUBLE_EQ(r.timings.predicted_per_second, 100.0);
}

TEST(OpenAiProvider, ParsesANonStreamedResponse) {
  json body = {
      {"id", "chatcmpl-1"},
      {"object", "chat.completion"},
      {"model", "qwen3-coder"},
      {"choices",
       {{{"index", 0},
         {"finish_reason", "tool_calls"},
         {"message",
          {{"role", "assistant"},
           {"content", "Let me look."},
           {"reasoning", "hmm"},
           {"tool_calls",
            {{{"id", "call_2"},
              {"type", "function"},
              {"function",
               {{"name", "read_file"}, {"arguments", "{\"path\":\"src/lib/posts.ts\"}"}}}}}}}}}}},
      {"usage", {{"prompt_tokens", 1532}, {"completion_tokens", 41}, {"total_tokens", 1573}}},
      {"timings", {{"prompt_n", 1532}, {"predicted_n", 41}, {"predicted_per_second", 55.5}}}};
  CannedServer server("/v1/chat/completions",
                      {{.body = body.dump(), .content_type = "application/json"}});
  ProviderOptions options = fast_options(server.url() + "/v1");
  options.stream = false;
  Outcome out = run(options);
  ASSERT_TRUE(out.ok) << out.failure.message;
  const Response& r = out.response;
  EXPECT_EQ(r.content, "Let me look.");
  EXPECT_EQ(out.streamed_text, "Let me look.");
  EXPECT_EQ(r.reasoning, "hmm");
  ASSERT_EQ(r.tool_calls.size(), 1u);
  EXPECT_EQ(r.tool_calls[0].arguments, json({{"path", "src/lib/posts.ts"}}));
  EXPECT_EQ(r.finish_reason, "tool_calls");
  EXPECT_EQ(r.usage.completion_tokens, 41);
  EXPECT_TRUE(r.timings.present);
  EXPECT_DOUBLE_EQ(r.timings.predicted_per_second, 55.5);
  EXPECT_EQ(r.server_model, "qwen3-coder");
  json sent = server.body(0);
  EXPECT_EQ(sent["stream"], false);
  EXPECT_FALSE(sent.contains("stream_options"));
}

TEST(OpenAiProvider, SendsTheConversationInChatCompletionsForm) {
  CannedServer server("/v1/chat/completions", {{.body = openai_final_stream()}});
  ProviderOptions options = fast_options(server.url() + "/v1/");
  options.model = "";
  options.api_key = "sk-test";
  Request request = simple_request();
  request.max_output_tokens = 32768;
  request.tools.push_back(
      {"execute",
       "Run a shell command",
       {{"type", "object"}, {"properties", {{"command", {{"type", "string"}}}}}}});
  Message assistant = message(Role::assistant, "");
  assistant.tool_calls.push_back(tool_call("call_1", "execute", {{"command", "ls"}}));
  ToolCall broken = tool_call("call_2", "execute", nullptr);
  broken.raw_arguments = "{not json";
  broken.arguments_error = "arguments are not valid JSON";
  assistant.tool_calls.push_back(broken);
  request.messages.push_back(assistant);
  request.messages.push_back(tool_result("call_1", "README.md\n"));
  ASSERT_TRUE(run(options, request).ok);

  json sent = server.body(0);
  EXPECT_FALSE(sent.contains("model"));
  EXPECT_EQ(sent["messages"][0],
            json({{"role", "system"}, {"content", "You are a coding agent."}}));
  EXPECT_EQ(sent["messages"][1], json({{"role", "user"}, {"content", "Goal: list the files."}}));
  const json& a = sent["messages"][2];
  EXPECT_TRUE(a["content"].is_null());
  EXPECT_EQ(a["tool_calls"][0]["type"], "function");
  EXPECT_EQ(a["tool_calls"][0]["function"]["arguments"], "{\"command\":\"ls\"}");
  EXPECT_EQ(a["tool_calls"][1]["function"]["arguments"], "{not json");
  EXPECT_EQ(sent["messages"][3],
            json({{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "README.md\n"}}));
  EXPECT_EQ(sent["tools"][0]["type"], "function");
  EXPECT_EQ(sent["tools"][0]["function"]["name"], "execute");
  EXPECT_EQ(sent["tools"][0]["function"]["parameters"]["type"], "object");
  EXPECT_EQ(sent["tool_choice"], "auto");
  EXPECT_EQ(sent["max_tokens"], 32768);
  EXPECT_EQ(sent["stream"], true);
  EXPECT_EQ(sent["stream_options"]["include_usage"], true);
  EXPECT_EQ(server.headers(0).find("Authorization")->second, "Bearer sk-test");
}

TEST(OpenAiProvider, SendsNoAuthorizationWithoutAKey) {
  CannedServer server("/v1/chat/completions", {{.body = openai_final_stream()}});
  ASSERT_TRUE(run(fast_options(server.url() + "/v1")).ok);
  EXPECT_EQ(server.headers(0).count("Authorization"), 0u);
  EXPECT_EQ(server.body(0)["model"], "qwen3-coder");
}

TEST(OpenAiProvider, ReadsAJsonAnswerToAStreamedRequest) {
  CannedServer server(
      "/v1/chat/completions",
      {{.body = R"({"choices":[{"index":0,"finish_reason":"stop","message":{"content":"plain"}}]})",
        .content_type = "application/json"}});
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  EXPECT_EQ(out.response.content, "plain");
  EXPECT_EQ(out.streamed_text, "plain");
}

TEST(OpenAiProvider, RetriesAnErrorSentInsideTheStream) {
  std::string broken =
      sse({delta_chunk({{"content", "Part"}}), {{"error", {{"message", "upstream\ncrashed"}}}}});
  CannedServer server("/v1/chat/completions",
                      {{.body = broken}, {.body = openai_final_stream("Fine.")}});
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  EXPECT_EQ(out.response.content, "Fine.");
  ASSERT_EQ(out.notices.size(), 1u);
  EXPECT_EQ(out.notices[0].http_status, 200);
  EXPECT_EQ(out.notices[0].reason, "server error in stream");
}

// ---- Anthropic dialect ----

std::string anthropic_stream() {
  return "event: message_start\n"
         "data: "
         "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":"
         "\"assistant\","
         "\"content\":[],\"model\":\"claude-sonnet-4-20250514\",\"stop_reason\":null,\"usage\":{"
         "\"input_tokens\":1000,"
         "\"cache_creation_input_tokens\":32,\"cache_read_input_tokens\":500,\"output_tokens\":1}}}"
         "\n\n"
         "event: content_block_start\n"
         "data: "
         "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
         "\"text\":\"\"}}\n\n"
         "event: ping\ndata: {\"type\":\"ping\"}\n\n"
         "event: content_block_delta\n"
         "data: "
         "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
         "\"text\":\"Let me look.\"}}\n\n"
         "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
         "event: content_block_start\n"
         "data: "
         "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
         "\"id\":\"toolu_02\","
         "\"name\":\"read_file\",\"input\":{}}}\n\n"
         "event: content_block_delta\n"
         "data: "
         "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
         "\"partial_json\":\"{\\\"path\\\": \\\"src/li\"}}\n\n"
         "event: content_block_delta\n"
         "data: "
         "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
         "\"partial_json\":\"b/posts.ts\\\"}\"}}\n\n"
         "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
         "event: content_block_start\n"
         "data: "
         "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\","
         "\"id\":\"toolu_03\","
         "\"name\":\"list_files\",\"input\":{}}}\n\n"
         "event: content_block_delta\n"
         "data: "
         "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\","
         "\"partial_json\":\"\"}}\n\n"
         "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":2}\n\n"
         "event: message_delta\n"
         "data: "
         "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":"
         "null},\"usage\":{\"output_tokens\":41}}\n\n"
         "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
}

TEST(AnthropicProvider, StreamsTextAndToolUseWithInputJsonDeltas) {
  CannedServer server("/v1/messages", {{.body = anthropic_stream(), .chunk = 5}});
  Outcome out = run(fast_options(server.url(), "anthropic"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  const Response& r = out.response;
  EXPECT_EQ(r.content, "Let me look.");
  EXPECT_EQ(out.streamed_text, "Let me look.");
  ASSERT_EQ(r.tool_calls.size(), 2u);
  EXPECT_EQ(r.tool_calls[0].id, "toolu_02");
  EXPECT_EQ(r.tool_calls[0].arguments, json({{"path", "src/lib/posts.ts"}}));
  EXPECT_EQ(r.tool_calls[1].name, "list_files");
  EXPECT_EQ(r.tool_calls[1].arguments, json::object());
  EXPECT_EQ(r.finish_reason, "tool_calls");
  EXPECT_TRUE(r.usage_reported);
  EXPECT_EQ(r.usage.prompt_tokens, 1532);
  EXPECT_EQ(r.usage.completion_tokens, 41);
  EXPECT_EQ(r.server_model, "claude-sonnet-4-20250514");
}

TEST(AnthropicProvider, ParsesANonStreamedResponse) {
  json body = {{"id", "msg_01"},
               {"type", "message"},
               {"role", "assistant"},
               {"model", "claude-sonnet-4-20250514"},
               {"content", {{{"type", "text"}, {"text", "All done."}}}},
               {"stop_reason", "end_turn"},
               {"stop_sequence", nullptr},
               {"usage",
                {{"input_tokens", 100},
                 {"output_tokens", 7},
                 {"cache_creation_input_tokens", 0},
                 {"cache_read_input_tokens", 20}}}};
  CannedServer server("/v1/messages", {{.body = body.dump(), .content_type = "application/json"}});
  ProviderOptions options = fast_options(server.url(), "anthropic");
  options.stream = false;
  Outcome out = run(options);
  ASSERT_TRUE(out.ok) << out.failure.message;
  EXPECT_EQ(out.response.content, "All done.");
  EXPECT_EQ(out.response.finish_reason, "stop");
  EXPECT_EQ(out.response.usage.prompt_tokens, 120);
  EXPECT_EQ(out.response.usage.completion_tokens, 7);
}

TEST(AnthropicProvider, GroupsToolResultsIntoOneUserMessage) {
  CannedServer server("/v1/messages", {{.body = anthropic_stream()}});
  ProviderOptions options = fast_options(server.url() + "/", "anthropic");
  options.api_key = "sk-ant-test";
  Request request = simple_request();
  request.tools.push_back({"execute", "Run a shell command", {{"type", "object"}}});
  Message assistant = message(Role::assistant, "Let me look.");
  assistant.tool_calls.push_back(tool_call("toolu_01", "execute", {{"command", "ls"}}));
  assistant.tool_calls.push_back(tool_call("toolu_02", "execute", {{"command", "pwd"}}));
  request.messages.push_back(assistant);
  request.messages.push_back(tool_result("toolu_01", "README.md\n"));
  request.messages.push_back(tool_result("toolu_02", "command not found", /*is_error=*/true));
  request.messages.push_back(message(Role::user, "Please hurry."));
  ASSERT_TRUE(run(options, request).ok);

  json sent = server.body(0);
  EXPECT_EQ(sent["system"], "You are a coding agent.");
  EXPECT_EQ(sent["model"], "qwen3-coder");
  EXPECT_EQ(sent["max_tokens"], 4096);
  EXPECT_EQ(sent["stream"], true);
  EXPECT_EQ(sent["tools"][0]["input_schema"], json({{"type", "object"}}));
  const json& messages = sent["messages"];
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0], json({{"role", "user"}, {"content", "Goal: list the files."}}));
  EXPECT_EQ(messages[1]["role"], "assistant");
  EXPECT_EQ(messages[1]["content"][0], json({{"type", "text"}, {"text", "Let me look."}}));
  EXPECT_EQ(messages[1]["content"][1], json({{"type", "tool_use"},
                                             {"id", "toolu_01"},
                                             {"name", "execute"},
                                             {"input", {{"command", "ls"}}}}));
  EXPECT_EQ(messages[2]["role"], "user");
  const json& blocks = messages[2]["content"];
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0], json({{"type", "tool_result"},
                             {"tool_use_id", "toolu_01"},
                             {"content", "README.md\n"},
                             {"is_error", false}}));
  EXPECT_EQ(blocks[1]["tool_use_id"], "toolu_02");
  EXPECT_EQ(blocks[1]["is_error"], true);
  EXPECT_EQ(blocks[2], json({{"type", "text"}, {"text", "Please hurry."}}));
  httplib::Headers headers = server.headers(0);
  EXPECT_EQ(headers.find("x-api-key")->second, "sk-ant-test");
  EXPECT_EQ(headers.find("anthropic-version")->second, "2023-06-01");
  EXPECT_EQ(headers.count("Authorization"), 0u);
}

TEST(AnthropicProvider, RetriesAMidStreamErrorEvent) {
  std::string overloaded =
      "event: message_start\ndata: "
      "{\"type\":\"message_start\",\"message\":{\"model\":\"m\",\"usage\":{\"input_tokens\":1}}}"
      "\n\n"
      "event: error\ndata: "
      "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"
      "\n\n";
  CannedServer server("/v1/messages", {{.body = overloaded}, {.body = anthropic_stream()}});
  Outcome out = run(fast_options(server.url(), "anthropic"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  EXPECT_EQ(out.response.attempts, 2);
  ASSERT_EQ(out.notices.size(), 1u);
  EXPECT_EQ(out.notices[0].reason, "server error in stream");
  EXPECT_EQ(out.response.usage.prompt_tokens, 1532);
}

// ---- retries ----

TEST(ProviderRetries, RetriesAfter429HonouringRetryAfter) {
  CannedServer server(
      "/v1/chat/completions",
      {{.status = 429,
        .body = R"({"error":{"message":"Rate limit reached","type":"rate_limit_error"}})",
        .content_type = "application/json",
        .headers = {{"Retry-After", "1"}}},
       {.body = openai_final_stream()}});
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  EXPECT_EQ(out.response.attempts, 2);
  ASSERT_EQ(out.notices.size(), 1u);
  EXPECT_EQ(out.notices[0].attempt, 1);
  EXPECT_EQ(out.notices[0].http_status, 429);
  EXPECT_EQ(out.notices[0].reason, "HTTP 429");
  EXPECT_DOUBLE_EQ(out.notices[0].wait_seconds, 1.0);
  auto arrivals = server.arrivals();
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_GE(std::chrono::duration<double>(arrivals[1] - arrivals[0]).count(), 1.0);
}

TEST(ProviderRetries, Retries500ThenSucceeds) {
  CannedServer server(
      "/v1/chat/completions",
      {{.status = 500,
        .body = R"({"error":{"message":"boom"}})",
        .content_type = "application/json"},
       {.status = 503, .body = "<html>Service Unavailable</html>", .content_type = "text/html"},
       {.body = openai_final_stream("Recovered.")}});
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  EXPECT_EQ(out.response.content, "Recovered.");
  EXPECT_EQ(out.response.attempts, 3);
  ASSERT_EQ(out.notices.size(), 2u);
  EXPECT_EQ(out.notices[0].reason, "HTTP 500");
  EXPECT_EQ(out.notices[1].http_status, 503);
  EXPECT_EQ(out.notices[1].attempt, 2);
}

TEST(ProviderRetries, RetriesAResetConnection) {
  std::string body = openai_final_stream("After reset.");
  ResettingServer server(
      1, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + body);
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  EXPECT_EQ(out.response.content, "After reset.");
  EXPECT_EQ(server.connections(), 2);
  ASSERT_EQ(out.notices.size(), 1u);
  EXPECT_EQ(out.notices[0].http_status, 0);
  EXPECT_EQ(out.notices[0].reason, "connection reset");
}

TEST(ProviderRetries, RetriesAHangingServerAfterTheIdleTimeout) {
  CannedServer server("/v1/chat/completions", {{.hang = true}, {.body = openai_final_stream()}});
  ProviderOptions options = fast_options(server.url() + "/v1");
  options.idle_timeout_seconds = 0.3;
  auto start = Clock::now();
  Outcome out = run(options);
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_TRUE(out.ok) << out.failure.message;
  EXPECT_EQ(out.response.attempts, 2);
  ASSERT_EQ(out.notices.size(), 1u);
  EXPECT_EQ(out.notices[0].reason, "idle timeout");
  EXPECT_GE(elapsed, 0.3);
  EXPECT_LT(elapsed, 1.5);
}

TEST(ProviderRetries, RetriesATruncatedStream) {
  std::string cut = sse({delta_chunk({{"content", "Half an ans"}})}, /*done=*/false);
  CannedServer server("/v1/chat/completions",
                      {{.body = cut}, {.body = openai_final_stream("Whole answer.")}});
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_TRUE(out.ok) << out.failure.message;
  EXPECT_EQ(out.response.content, "Whole answer.");
  ASSERT_EQ(out.notices.size(), 1u);
  EXPECT_EQ(out.notices[0].reason, "stream truncated");
}

TEST(ProviderRetries, GivesUpOnMalformedJsonAsInfrastructureFailure) {
  CannedServer server("/v1/chat/completions",
                      {{.body = "data: {\"choices\": [\n\ndata: [DONE]\n\n"}});
  ProviderOptions options = fast_options(server.url() + "/v1");
  options.max_retries = 2;
  Outcome out = run(options);
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.failure.kind, FailureKind::infrastructure);
  EXPECT_NE(out.failure.message.find("gave up after 3 attempts"), std::string::npos)
      << out.failure.message;
  EXPECT_NE(out.failure.message.find("malformed JSON"), std::string::npos) << out.failure.message;
  EXPECT_EQ(server.requests(), 3);
  ASSERT_EQ(out.notices.size(), 2u);
  EXPECT_EQ(out.notices[1].attempt, 2);
  EXPECT_EQ(out.notices[1].reason, "malformed JSON");
}

TEST(ProviderRetries, RetriesAMalformedNonStreamedBody) {
  CannedServer server(
      "/v1/chat/completions",
      {{.body = "{\"choices\": [", .content_type = "application/json"},
       {.body = R"({"choices":[{"index":0,"finish_reason":"stop","message":{"content":"ok"}}]})",
        .content_type = "application/json"}});
  ProviderOptions options = fast_options(server.url() + "/v1");
  options.stream = false;
  Outcome out = run(options);
  ASSERT_TRUE(out.ok) << out.failure.message;
  EXPECT_EQ(out.response.content, "ok");
  EXPECT_EQ(out.response.attempts, 2);
  EXPECT_FALSE(out.response.usage_reported);
}

TEST(ProviderRetries, ReportsARefusedConnectionAsInfrastructure) {
  ProviderOptions options =
      fast_options("http://127.0.0.1:" + std::to_string(test::free_port()) + "/v1");
  options.max_retries = 1;
  Outcome out = run(options);
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.failure.kind, FailureKind::infrastructure);
  EXPECT_EQ(out.failure.http_status, 0);
  EXPECT_NE(out.failure.message.find("connection refused"), std::string::npos)
      << out.failure.message;
  ASSERT_EQ(out.notices.size(), 1u);
  EXPECT_EQ(out.notices[0].reason, "connection refused");
}

TEST(ProviderRetries, StopsWhenTheServerSaysNotToRetry) {
  CannedServer server("/v1/chat/completions", {{.status = 503,
                                                .body = R"({"error":{"message":"Loading model"}})",
                                                .content_type = "application/json",
                                                .headers = {{"x-should-retry", "false"}}}});
  Outcome out = run(fast_options(server.url() + "/v1"));
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.failure.kind, FailureKind::infrastructure);
  EXPECT_EQ(out.failure.http_status, 503);
  EXPECT_EQ(server.requests(), 1);
  EXPECT_TRUE(out.notices.empty());
}

// ---- failure classification ----

struct StatusCase {
  const char* name;
  const char* path;
  const char* provider;
  int status;
  std::string body;
  FailureKind kind;
  std::string quoted;
};

TEST(ProviderFailures, ClassifiesErrorAnswersWithoutRetrying) {
  std::vector<StatusCase> cases = {
      {"llama_server_overflow", "/v1/chat/completions", "openai", 400,
       R"({"error":{"code":400,"message":"request (70211 tokens) exceeds the available context size (65536 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":70211,"n_ctx":65536}})",
       FailureKind::context_overflow,
       "\"request (70211 tokens) exceeds the available context size (65536 tokens), try increasing "
       "it\""},
      {"old_llama_server_overflow_as_500", "/v1/chat/completions", "openai", 500,
       R"({"error":{"code":500,"message":"the request exceeds the available context size, try increasing it"}})",
       FailureKind::context_overflow, "exceeds the available context size"},
      {"openai_overflow", "/v1/chat/completions", "openai", 400,
       R"({"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}})",
       FailureKind::context_overflow, "maximum context length"},
      {"anthropic_overflow", "/v1/messages", "anthropic", 400,
       R"({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}})",
       FailureKind::context_overflow, "prompt is too long"},
      {"unauthorized", "/v1/chat/completions", "openai", 401,
       R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}})",
       FailureKind::auth, "HTTP 401 from http"},
      {"forbidden", "/v1/messages", "anthropic", 403,
       R"({"type":"error","error":{"type":"permission_error","message":"no access"}})",
       FailureKind::auth, "\"no access\""},
      {"unknown_model", "/v1/chat/completions", "openai", 404,
       R"({"error":{"message":"model 'nope' not found"}})", FailureKind::not_found,
       "\"model 'nope' not found\""},
      {"bad_request_not_json", "/v1/chat/completions", "openai", 400, "Bad\nRequest\n",
       FailureKind::bad_request, "\"Bad Request\""},
      {"bad_request_empty", "/v1/chat/completions", "openai", 422, "", FailureKind::bad_request,
       "(empty body)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    CannedServer server(c.path,
                        {{.status = c.status, .body = c.body, .content_type = "application/json"}});
    std::string base = std::string(c.provider) == "openai" ? server.url() + "/v1" : server.url();
    Outcome out = run(fast_options(base, c.provider));
    ASSERT_FALSE(out.ok);
    EXPECT_EQ(out.failure.kind, c.kind) << failure_kind_name(out.failure.kind);
    EXPECT_EQ(out.failure.http_status, c.status);
    EXPECT_NE(out.failure.message.find(c.quoted), std::string::npos) << out.failure.message;
    EXPECT_EQ(out.failure.message.find('\n'), std::string::npos);
    EXPECT_EQ(server.requests(), 1);
    EXPECT_TRUE(out.notices.empty());
  }
}

TEST(ProviderFailures, ReportsAnUnknownProvider) {
  ProviderOptions options;
  options.provider = "gemini";
  std::string err;
  EXPECT_EQ(make_provider(options, &err), nullptr);
  EXPECT_NE(err.find("gemini"), std::string::npos);
}

TEST(ProviderFailures, NamesEveryFailureKind) {
  EXPECT_STREQ(failure_kind_name(FailureKind::context_overflow), "context_overflow");
  EXPECT_STREQ(failure_kind_name(FailureKind::infrastructure), "infrastructure");
  EXPECT_STREQ(failure_kind_name(FailureKind::auth), "auth");
}

// ---- retry waits ----

TEST(RetryPolicy, WaitsAsTheServerAsksWithinTheCap) {
  ProviderOptions options;
  options.max_retry_after_seconds = 60;
  EXPECT_DOUBLE_EQ(
      retry_wait_seconds(options, 1, {{"retry-after-ms", "250"}, {"retry-after", "9"}}), 0.25);
  EXPECT_DOUBLE_EQ(retry_wait_seconds(options, 1, {{"retry-after", "2.5"}}), 2.5);
  EXPECT_DOUBLE_EQ(retry_wait_seconds(options, 1, {{"retry-after", "3600"}}), 60);
  time_t soon = std::time(nullptr) + 30;
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&soon));
  double dated = retry_wait_seconds(options, 1, {{"retry-after", date}});
  EXPECT_GE(dated, 28);
  EXPECT_LE(dated, 30);
}

TEST(RetryPolicy, BacksOffExponentiallyUpToTheMaximum) {
  ProviderOptions options;
  options.backoff_initial_seconds = 0.5;
  options.backoff_max_seconds = 8;
  for (int retry = 1; retry <= 8; ++retry) {
    double expected = std::min(0.5 * (1 << (retry - 1)), 8.0);
    double wait = retry_wait_seconds(options, retry, {});
    EXPECT_LE(wait, expected);
    EXPECT_GE(wait, expected * 0.75);
  }
}

}  // namespace
}  // namespace showdown
