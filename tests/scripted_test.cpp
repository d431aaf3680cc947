// links: showdown_scripted
// The scripted model server over real HTTP: each API, stream and not, turn
// selection, usage, repeat, faults, script folders and script validation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "scripted/script.h"
#include "scripted/server.h"
#include "test_util.h"

namespace showdown {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct HttpResult {
  bool ok = false;  // a complete HTTP response arrived
  int status = 0;
  std::string body;  // what arrived, even when the transfer broke off
  httplib::Headers headers;
};

HttpResult post(int port, const std::string& path, const json& body, int timeout_s = 10) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(timeout_s, 0);
  httplib::Request req;
  req.method = "POST";
  req.path = path;
  req.body = body.dump();
  req.set_header("Content-Type", "application/json");
  HttpResult out;
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    out.body.append(data, n);
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  out.ok = client.send(req, res, error);
  out.status = res.status;
  out.headers = res.headers;
  return out;
}

struct Sse {
  std::string event;
  std::string data;
};

std::vector<Sse> parse_sse(const std::string& text) {
  std::vector<Sse> events;
  Sse current;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) {
      if (!current.data.empty() || !current.event.empty()) events.push_back(current);
      current = {};
    } else if (line.rfind("event: ", 0) == 0) {
      current.event = line.substr(7);
    } else if (line.rfind("data: ", 0) == 0) {
      current.data = line.substr(6);
    }
  }
  return events;
}

json conversation(int assistant_messages) {
  json messages = json::array({{{"role", "system"}, {"content", "You are a coding agent."}},
                               {{"role", "user"}, {"content", "Add a tag manager."}}});
  for (int i = 0; i < assistant_messages; ++i) {
    messages.push_back({{"role", "assistant"}, {"content", "step " + std::to_string(i)}});
    messages.push_back({{"role", "user"}, {"content", "ok"}});
  }
  return messages;
}

json openai_request(const std::string& model, int assistant_messages, bool stream = false) {
  json r = {{"model", model}, {"messages", conversation(assistant_messages)}, {"stream", stream}};
  if (stream) r["stream_options"] = {{"include_usage", true}};
  return r;
}

json anthropic_request(const std::string& model, int assistant_messages, bool stream = false) {
  json messages = conversation(assistant_messages);
  messages.erase(messages.begin());
  return {{"model", model},
          {"max_tokens", 1024},
          {"system", "You are a coding agent."},
          {"messages", messages},
          {"stream", stream}};
}

// What a streaming OpenAI client reassembles from the chunks.
struct OpenAiStream {
  std::string content;
  std::string reasoning;
  std::vector<std::string> call_ids, call_names, call_arguments;
  std::vector<int> argument_chunks;
  std::string finish_reason;
  json usage;
  json timings;
  bool done = false;
  bool usage_chunk_has_no_choices = false;
};

OpenAiStream read_openai_stream(const std::string& text) {
  OpenAiStream s;
  for (const auto& e : parse_sse(text)) {
    if (e.data == "[DONE]") {
      s.done = true;
      continue;
    }
    json chunk = json::parse(e.data);
    if (chunk.contains("usage")) {
      s.usage = chunk["usage"];
      s.usage_chunk_has_no_choices = chunk["choices"].empty();
    }
    if (chunk.contains("timings")) s.timings = chunk["timings"];
    for (const auto& choice : chunk["choices"]) {
      if (!choice["finish_reason"].is_null()) s.finish_reason = choice["finish_reason"];
      const json& delta = choice["delta"];
      if (delta.contains("content") && delta["content"].is_string())
        s.content += delta["content"].get<std::string>();
      if (delta.contains("reasoning_content"))
        s.reasoning += delta["reasoning_content"].get<std::string>();
      for (const auto& call : delta.value("tool_calls", json::array())) {
        size_t i = call["index"];
        if (i >= s.call_names.size()) {
          s.call_ids.resize(i + 1);
          s.call_names.resize(i + 1);
          s.call_arguments.resize(i + 1);
          s.argument_chunks.resize(i + 1);
        }
        if (call.contains("id")) s.call_ids[i] = call["id"];
        if (call["function"].contains("name")) s.call_names[i] = call["function"]["name"];
        std::string piece = call["function"].value("arguments", "");
        if (!piece.empty()) ++s.argument_chunks[i];
        s.call_arguments[i] += piece;
      }
    }
  }
  return s;
}

const json kLoopScript = {
    {"model", "loop-demo"},
    {"turns",
     {{{"tool_calls", {{{"name", "execute"}, {"arguments", {{"command", "ls -la src"}}}}}}},
      {{"content", "Now I will write the file."},
       {"tool_calls",
        {{{"name", "write_file"},
          {"arguments", {{"path", "a.txt"}, {"content", "héllo wörld\n"}}}}}}},
      {{"content", "All done here."}, {"usage", {{"completion_tokens", 12}}}}}}};

class ScriptedServerTest : public ::testing::Test {
 protected:
  // Starts a server on the scripts at `path` (a file or a folder).
  void serve(const std::filesystem::path& path) {
    std::vector<Script> scripts;
    std::string err;
    ASSERT_TRUE(load_scripts(path, &scripts, &err)) << err;
    server_ = std::make_unique<ScriptServer>(std::move(scripts));
    ASSERT_TRUE(server_->start("127.0.0.1", test::free_port(), &err)) << err;
  }

  void serve_script(const json& script) {
    test::write_file(dir_ / "script.json", script.dump(2));
    serve(dir_ / "script.json");
  }

  int port() const { return server_->port(); }

  test::TempDir dir_;
  std::unique_ptr<ScriptServer> server_;
};

TEST_F(ScriptedServerTest, OpenAiPlaysTheTurnForTheConversationsAssistantCount) {
  serve_script(kLoopScript);

  HttpResult first = post(port(), "/v1/chat/completions", openai_request("loop-demo", 0));
  ASSERT_TRUE(first.ok);
  ASSERT_EQ(first.status, 200);
  json body = json::parse(first.body);
  EXPECT_EQ(body["object"], "chat.completion");
  const json& message = body["choices"][0]["message"];
  EXPECT_EQ(body["choices"][0]["finish_reason"], "tool_calls");
  EXPECT_TRUE(message["content"].is_null());
  ASSERT_EQ(message["tool_calls"].size(), 1u);
  EXPECT_EQ(message["tool_calls"][0]["id"], "call_0_0");
  EXPECT_EQ(message["tool_calls"][0]["type"], "function");
  EXPECT_EQ(message["tool_calls"][0]["function"]["name"], "execute");
  EXPECT_EQ(json::parse(message["tool_calls"][0]["function"]["arguments"].get<std::string>()),
            json({{"command", "ls -la src"}}));

  json second =
      json::parse(post(port(), "/v1/chat/completions", openai_request("loop-demo", 1)).body);
  EXPECT_EQ(second["choices"][0]["message"]["content"], "Now I will write the file.");
  EXPECT_EQ(second["choices"][0]["message"]["tool_calls"][0]["function"]["name"], "write_file");
  EXPECT_EQ(second["choices"][0]["message"]["tool_calls"][0]["id"], "call_1_0");

  json third = json::parse(post(port(), "/chat/completions", openai_request("loop-demo", 2)).body);
  EXPECT_EQ(third["choices"][0]["message"]["content"], "All done here.");
  EXPECT_EQ(third["choices"][0]["finish_reason"], "stop");

  json after =
      json::parse(post(port(), "/v1/chat/completions", openai_request("loop-demo", 7)).body);
  EXPECT_EQ(after["choices"][0]["message"]["content"], "Done.");
  EXPECT_EQ(after["choices"][0]["finish_reason"], "stop");
  EXPECT_FALSE(after["choices"][0]["message"].contains("tool_calls"));
}

TEST_F(ScriptedServerTest, OpenAiStreamsToolCallArgumentsAcrossChunks) {
  serve_script(kLoopScript);
  HttpResult r = post(port(), "/v1/chat/completions", openai_request("loop-demo", 1, true));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.headers.find("Content-Type")->second.find("text/event-stream"), std::string::npos);

  OpenAiStream s = read_openai_stream(r.body);
  EXPECT_TRUE(s.done);
  EXPECT_EQ(s.content, "Now I will write the file.");
  ASSERT_EQ(s.call_names.size(), 1u);
  EXPECT_EQ(s.call_ids[0], "call_1_0");
  EXPECT_EQ(s.call_names[0], "write_file");
  EXPECT_GE(s.argument_chunks[0], 2);
  EXPECT_EQ(json::parse(s.call_arguments[0]),
            json({{"path", "a.txt"}, {"content", "héllo wörld\n"}}));
  EXPECT_EQ(s.finish_reason, "tool_calls");
  EXPECT_TRUE(s.usage_chunk_has_no_choices);
  EXPECT_GE(s.usage["completion_tokens"].get<int>(), 1);
  EXPECT_EQ(s.usage["total_tokens"].get<int>(),
            s.usage["prompt_tokens"].get<int>() + s.usage["completion_tokens"].get<int>());
}

TEST_F(ScriptedServerTest, OpenAiStreamOmitsUsageUnlessAsked) {
  serve_script(kLoopScript);
  json request = openai_request("loop-demo", 0, true);
  request.erase("stream_options");
  OpenAiStream s = read_openai_stream(post(port(), "/v1/chat/completions", request).body);
  EXPECT_TRUE(s.done);
  EXPECT_TRUE(s.usage.is_null());
  EXPECT_EQ(s.call_names, std::vector<std::string>{"execute"});
}

TEST_F(ScriptedServerTest, AnthropicAnswersWithToolUseBlocks) {
  serve_script(kLoopScript);
  HttpResult r = post(port(), "/v1/messages", anthropic_request("loop-demo", 1));
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.status, 200);
  json body = json::parse(r.body);
  EXPECT_EQ(body["type"], "message");
  EXPECT_EQ(body["role"], "assistant");
  EXPECT_EQ(body["stop_reason"], "tool_use");
  ASSERT_EQ(body["content"].size(), 2u);
  EXPECT_EQ(body["content"][0], json({{"type", "text"}, {"text", "Now I will write the file."}}));
  EXPECT_EQ(body["content"][1]["type"], "tool_use");
  EXPECT_EQ(body["content"][1]["id"], "toolu_1_0");
  EXPECT_EQ(body["content"][1]["name"], "write_file");
  EXPECT_EQ(body["content"][1]["input"], json({{"path", "a.txt"}, {"content", "héllo wörld\n"}}));
  EXPECT_GE(body["usage"]["input_tokens"].get<int>(), 1);
  EXPECT_GE(body["usage"]["output_tokens"].get<int>(), 1);

  json last = json::parse(post(port(), "/v1/messages", anthropic_request("loop-demo", 3)).body);
  EXPECT_EQ(last["stop_reason"], "end_turn");
  EXPECT_EQ(last["content"], json::array({{{"type", "text"}, {"text", "Done."}}}));
}

TEST_F(ScriptedServerTest, AnthropicStreamsInputJsonAcrossDeltas) {
  serve_script(kLoopScript);
  HttpResult r = post(port(), "/v1/messages", anthropic_request("loop-demo", 1, true));
  ASSERT_TRUE(r.ok);
  std::vector<Sse> events = parse_sse(r.body);
  ASSERT_GE(events.size(), 4u);
  EXPECT_EQ(events.front().event, "message_start");
  EXPECT_EQ(events.back().event, "message_stop");

  std::string text, input_json, tool_name, stop_reason;
  int input_chunks = 0;
  json usage;
  for (const auto& e : events) {
    json data = json::parse(e.data);
    EXPECT_EQ(data["type"], e.event);
    if (e.event == "content_block_start" && data["content_block"]["type"] == "tool_use")
      tool_name = data["content_block"]["name"];
    if (e.event == "content_block_delta") {
      const json& delta = data["delta"];
      if (delta["type"] == "text_delta") text += delta["text"].get<std::string>();
      if (delta["type"] == "input_json_delta") {
        input_json += delta["partial_json"].get<std::string>();
        ++input_chunks;
      }
    }
    if (e.event == "message_delta") {
      stop_reason = data["delta"]["stop_reason"];
      usage = data["usage"];
    }
  }
  EXPECT_EQ(text, "Now I will write the file.");
  EXPECT_EQ(tool_name, "write_file");
  EXPECT_GE(input_chunks, 2);
  EXPECT_EQ(json::parse(input_json), json({{"path", "a.txt"}, {"content", "héllo wörld\n"}}));
  EXPECT_EQ(stop_reason, "tool_use");
  EXPECT_GE(usage["output_tokens"].get<int>(), 1);
}

TEST_F(ScriptedServerTest, UsageOverridesTheEstimateFieldByField) {
  serve_script(kLoopScript);
  json request = openai_request("loop-demo", 2);
  request["tools"] =
      json::array({{{"type", "function"},
                    {"function", {{"name", "execute"}, {"parameters", json::object()}}}}});
  json body = json::parse(post(port(), "/v1/chat/completions", request).body);
  EXPECT_EQ(body["usage"]["completion_tokens"], 12);
  int64_t estimate = static_cast<int64_t>(
      (request["messages"].dump().size() + request["tools"].dump().size()) / 4);
  EXPECT_EQ(body["usage"]["prompt_tokens"], estimate);

  // Without a scripted count, completion tokens are estimated from the turn.
  json first =
      json::parse(post(port(), "/v1/chat/completions", openai_request("loop-demo", 0)).body);
  std::string call_text = std::string("execute") + json({{"command", "ls -la src"}}).dump();
  EXPECT_EQ(first["usage"]["completion_tokens"], static_cast<int64_t>(call_text.size() / 4));
}

TEST_F(ScriptedServerTest, RepeatStandsForCopiesOfTheTurn) {
  serve_script(
      {{"model", "m"},
       {"turns",
        {{{"tool_calls", {{{"name", "execute"}, {"arguments", {{"command", "npm test"}}}}}},
          {"repeat", 3}},
         {{"content", "stopped repeating"}}}}});
  for (int i = 0; i < 3; ++i) {
    json body = json::parse(post(port(), "/v1/chat/completions", openai_request("m", i)).body);
    EXPECT_EQ(body["choices"][0]["message"]["tool_calls"][0]["function"]["name"], "execute")
        << "turn " << i;
  }
  json body = json::parse(post(port(), "/v1/chat/completions", openai_request("m", 3)).body);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "stopped repeating");
}

TEST_F(ScriptedServerTest, HttpFaultsFireOnceAndTheRetryGetsTheTurn) {
  serve_script({{"model", "m"},
                {"turns",
                 {{{"fault", "http_500"}, {"content", "after 500"}},
                  {{"fault", "http_429"}, {"content", "after 429"}},
                  {{"fault", "http_429"}, {"retry_after", 7}, {"content", "after 429 again"}}}}});

  HttpResult failed = post(port(), "/v1/chat/completions", openai_request("m", 0));
  ASSERT_TRUE(failed.ok);
  EXPECT_EQ(failed.status, 500);
  EXPECT_TRUE(json::parse(failed.body)["error"]["message"].is_string());
  json retried = json::parse(post(port(), "/v1/chat/completions", openai_request("m", 0)).body);
  EXPECT_EQ(retried["choices"][0]["message"]["content"], "after 500");

  HttpResult limited = post(port(), "/v1/messages", anthropic_request("m", 1));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(httplib::detail::get_header_value(limited.headers, "Retry-After", 0, ""),
            std::string("1"));
  json error = json::parse(limited.body);
  EXPECT_EQ(error["type"], "error");
  EXPECT_EQ(error["error"]["type"], "rate_limit_error");
  EXPECT_EQ(json::parse(
                post(port(), "/v1/messages", anthropic_request("m", 1)).body)["content"][0]["text"],
            "after 429");

  HttpResult again = post(port(), "/v1/chat/completions", openai_request("m", 2));
  EXPECT_EQ(again.status, 429);
  EXPECT_EQ(httplib::detail::get_header_value(again.headers, "Retry-After", 0, ""),
            std::string("7"));
  EXPECT_EQ(post(port(), "/v1/chat/completions", openai_request("m", 2)).status, 200);
}

TEST_F(ScriptedServerTest, ResetClosesTheConnectionWithoutAResponse) {
  serve_script({{"model", "m"}, {"turns", {{{"fault", "reset"}, {"content", "after reset"}}}}});
  HttpResult dropped = post(port(), "/v1/chat/completions", openai_request("m", 0));
  EXPECT_FALSE(dropped.ok);
  EXPECT_TRUE(dropped.body.empty());
  HttpResult retried = post(port(), "/v1/chat/completions", openai_request("m", 0));
  ASSERT_TRUE(retried.ok);
  EXPECT_EQ(json::parse(retried.body)["choices"][0]["message"]["content"], "after reset");
}

TEST_F(ScriptedServerTest, TruncatedStreamStopsBeforeTheEnd) {
  serve_script({{"model", "m"},
                {"turns",
                 {{{"fault", "truncated_stream"}, {"content", "a fairly long answer to cut"}},
                  {{"fault", "truncated_stream"}, {"content", "whole body please"}}}}});

  HttpResult cut = post(port(), "/v1/chat/completions", openai_request("m", 0, true));
  EXPECT_FALSE(cut.ok);
  EXPECT_FALSE(cut.body.empty());
  EXPECT_FALSE(read_openai_stream(cut.body).done);
  OpenAiStream whole =
      read_openai_stream(post(port(), "/v1/chat/completions", openai_request("m", 0, true)).body);
  EXPECT_TRUE(whole.done);
  EXPECT_EQ(whole.content, "a fairly long answer to cut");

  HttpResult anthropic_cut = post(port(), "/v1/messages", anthropic_request("m", 1, true));
  EXPECT_FALSE(anthropic_cut.ok);
  std::vector<Sse> events = parse_sse(anthropic_cut.body);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().event, "message_start");
  EXPECT_NE(events.back().event, "message_stop");
  EXPECT_EQ(
      parse_sse(post(port(), "/v1/messages", anthropic_request("m", 1, true)).body).back().event,
      "message_stop");
}

TEST_F(ScriptedServerTest, TruncatedNonStreamBodyIsCutShort) {
  serve_script({{"model", "m"}, {"turns", {{{"fault", "truncated_stream"}, {"content", "x"}}}}});
  HttpResult cut = post(port(), "/v1/chat/completions", openai_request("m", 0));
  EXPECT_FALSE(cut.ok);
  EXPECT_TRUE(json::parse(cut.body, nullptr, false).is_discarded());
  HttpResult whole = post(port(), "/v1/chat/completions", openai_request("m", 0));
  EXPECT_EQ(json::parse(whole.body)["choices"][0]["message"]["content"], "x");
}

TEST_F(ScriptedServerTest, MalformedJsonSendsInvalidJsonOnce) {
  serve_script({{"model", "m"},
                {"turns",
                 {{{"fault", "malformed_json"}, {"content", "first"}},
                  {{"fault", "malformed_json"}, {"content", "second"}}}}});
  HttpResult bad = post(port(), "/v1/chat/completions", openai_request("m", 0));
  ASSERT_TRUE(bad.ok);
  EXPECT_EQ(bad.status, 200);
  EXPECT_TRUE(json::parse(bad.body, nullptr, false).is_discarded());
  EXPECT_EQ(json::parse(post(port(), "/v1/chat/completions", openai_request("m", 0))
                            .body)["choices"][0]["message"]["content"],
            "first");

  HttpResult bad_stream = post(port(), "/v1/chat/completions", openai_request("m", 1, true));
  ASSERT_TRUE(bad_stream.ok);
  int invalid = 0;
  for (const auto& e : parse_sse(bad_stream.body))
    if (e.data != "[DONE]" && json::parse(e.data, nullptr, false).is_discarded()) ++invalid;
  EXPECT_EQ(invalid, 1);
  EXPECT_EQ(
      read_openai_stream(post(port(), "/v1/chat/completions", openai_request("m", 1, true)).body)
          .content,
      "second");
}

TEST_F(ScriptedServerTest, HangHoldsUntilTheClientGivesUp) {
  serve_script({{"model", "m"}, {"turns", {{{"fault", "hang"}, {"content", "after hang"}}}}});
  auto start = Clock::now();
  HttpResult hung = post(port(), "/v1/chat/completions", openai_request("m", 0), 1);
  double waited = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_FALSE(hung.ok);
  EXPECT_TRUE(hung.body.empty());
  EXPECT_GE(waited, 0.9);

  start = Clock::now();
  HttpResult retried = post(port(), "/v1/chat/completions", openai_request("m", 0), 5);
  ASSERT_TRUE(retried.ok);
  EXPECT_EQ(json::parse(retried.body)["choices"][0]["message"]["content"], "after hang");
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 1.0);
}

TEST_F(ScriptedServerTest, StopEndsAHangingRequestAtOnce) {
  serve_script({{"model", "m"}, {"turns", {{{"fault", "hang"}}}}});
  auto hung = std::async(std::launch::async, [port = port()] {
    return post(port, "/v1/chat/completions", openai_request("m", 0), 30);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto start = Clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 5.0);
  EXPECT_EQ(hung.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

TEST_F(ScriptedServerTest, DelayedTurnsAnswerInParallel) {
  serve_script({{"model", "m"}, {"turns", {{{"content", "slow"}, {"delay_ms", 400}}}}});
  auto start = Clock::now();
  std::vector<std::future<HttpResult>> answers;
  for (int i = 0; i < 6; ++i)
    answers.push_back(std::async(std::launch::async, [port = port()] {
      return post(port, "/v1/chat/completions", openai_request("m", 0));
    }));
  for (auto& a : answers) {
    HttpResult r = a.get();
    EXPECT_EQ(json::parse(r.body)["choices"][0]["message"]["content"], "slow");
  }
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_GE(took, 0.39);
  EXPECT_LT(took, 2.0);
}

TEST_F(ScriptedServerTest, AFolderOfScriptsPicksByModel) {
  test::write_file(dir_ / "scripts" / "a.json",
                   json({{"model", "alpha"}, {"turns", {{{"content", "from alpha"}}}}}).dump());
  test::write_file(dir_ / "scripts" / "b.json",
                   json({{"model", "beta"}, {"turns", {{{"content", "from beta"}}}}}).dump());
  test::write_file(dir_ / "scripts" / "notes.txt", "not a script");
  serve(dir_ / "scripts");

  EXPECT_EQ(json::parse(post(port(), "/v1/chat/completions", openai_request("alpha", 0))
                            .body)["choices"][0]["message"]["content"],
            "from alpha");
  EXPECT_EQ(
      json::parse(
          post(port(), "/v1/messages", anthropic_request("beta", 0)).body)["content"][0]["text"],
      "from beta");

  HttpResult unknown = post(port(), "/v1/chat/completions", openai_request("gamma", 0));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(json::parse(unknown.body)["error"]["message"].is_string());
  HttpResult unknown_anthropic = post(port(), "/v1/messages", anthropic_request("gamma", 0));
  EXPECT_EQ(unknown_anthropic.status, 404);
  EXPECT_EQ(json::parse(unknown_anthropic.body)["error"]["type"], "not_found_error");

  httplib::Client client("127.0.0.1", port());
  auto models = client.Get("/v1/models");
  ASSERT_TRUE(models);
  json list = json::parse(models->body);
  ASSERT_EQ(list["data"].size(), 2u);
  EXPECT_EQ(list["data"][0]["id"], "alpha");
  EXPECT_EQ(list["data"][1]["id"], "beta");
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body), json({{"status", "ok"}}));
}

TEST_F(ScriptedServerTest, ALoneScriptAnswersAnyModelName) {
  serve_script(kLoopScript);
  json body = json::parse(post(port(), "/v1/chat/completions", openai_request("whatever", 0)).body);
  EXPECT_EQ(body["choices"][0]["message"]["tool_calls"][0]["function"]["name"], "execute");
}

TEST_F(ScriptedServerTest, BadRequestsGetTheApisErrorShape) {
  serve_script(kLoopScript);
  httplib::Client client("127.0.0.1", port());
  auto openai = client.Post("/v1/chat/completions", "{not json", "application/json");
  ASSERT_TRUE(openai);
  EXPECT_EQ(openai->status, 400);
  EXPECT_EQ(json::parse(openai->body)["error"]["type"], "invalid_request_error");
  auto anthropic = client.Post("/v1/messages", R"({"model":"x"})", "application/json");
  ASSERT_TRUE(anthropic);
  EXPECT_EQ(anthropic->status, 400);
  EXPECT_EQ(json::parse(anthropic->body)["error"]["type"], "invalid_request_error");
  auto missing = client.Get("/v1/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_TRUE(json::parse(missing->body)["error"]["message"].is_string());
}

TEST_F(ScriptedServerTest, ReasoningTimingsAndFinishReasonOverride) {
  serve_script({{"model", "m"},
                {"timings", {{"predicted_per_second", 25}}},
                {"turns",
                 {{{"reasoning", "Think first."},
                   {"content", "Cut off"},
                   {"finish_reason", "length"},
                   {"usage", {{"prompt_tokens", 2000}, {"completion_tokens", 50}}}}}}});
  json body = json::parse(post(port(), "/v1/chat/completions", openai_request("m", 0)).body);
  EXPECT_EQ(body["choices"][0]["message"]["reasoning_content"], "Think first.");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["timings"]["predicted_n"], 50);
  EXPECT_DOUBLE_EQ(body["timings"]["predicted_per_second"].get<double>(), 25.0);
  EXPECT_DOUBLE_EQ(body["timings"]["predicted_ms"].get<double>(), 2000.0);
  EXPECT_EQ(body["timings"]["prompt_n"], 2000);

  OpenAiStream s =
      read_openai_stream(post(port(), "/v1/chat/completions", openai_request("m", 0, true)).body);
  EXPECT_EQ(s.reasoning, "Think first.");
  EXPECT_EQ(s.content, "Cut off");
  EXPECT_EQ(s.timings["predicted_n"], 50);

  json anthropic = json::parse(post(port(), "/v1/messages", anthropic_request("m", 0)).body);
  EXPECT_EQ(anthropic["stop_reason"], "max_tokens");
  EXPECT_EQ(anthropic["content"][0]["type"], "thinking");
  EXPECT_EQ(anthropic["content"][0]["thinking"], "Think first.");
}

struct BadScript {
  std::string text;
  std::string error;
};

void PrintTo(const BadScript& bad, std::ostream* os) { *os << bad.text; }

class BadScriptTest : public ::testing::TestWithParam<BadScript> {};

TEST_P(BadScriptTest, ErrorNamesTheFileAndField) {
  test::TempDir dir;
  test::write_file(dir / "a.json", GetParam().text);
  std::vector<Script> scripts;
  std::string err;
  EXPECT_FALSE(load_scripts(dir / "a.json", &scripts, &err));
  EXPECT_THAT(err, ::testing::StartsWith((dir / "a.json").string() + ": " + GetParam().error));
}

INSTANTIATE_TEST_SUITE_P(
    Scripts, BadScriptTest,
    ::testing::Values(
        BadScript{
            R"({"model":"m","turns":[{},{},{},{"fault":"http_501"}]})",
            R"(turns[3].fault: unknown fault "http_501" (one of http_500, http_429, reset, truncated_stream, malformed_json, hang))"},
        BadScript{R"({"model":"m","turns":[{"content":42}]})",
                  "turns[0].content: must be a string"},
        BadScript{
            R"({"model":"m","turns":[{"tool_calls":[{"name":"x","arguments":[1]}]}]})",
            "turns[0].tool_calls[0].arguments: must be an object (or a string sent verbatim)"},
        BadScript{R"({"model":"m","turns":[{"tool_calls":[{"arguments":{}}]}]})",
                  "turns[0].tool_calls[0].name: is required"},
        BadScript{R"({"model":"m","turns":[{"usage":{"completion_tokens":-1}}]})",
                  "turns[0].usage.completion_tokens: must be a non-negative integer"},
        BadScript{R"({"model":"m","turns":[{"repeat":0}]})",
                  "turns[0].repeat: must be an integer from 1 to 100000"},
        BadScript{R"({"model":"m","turns":[{"tool_call":[]}]})",
                  "turns[0].tool_call: unknown field"},
        BadScript{R"({"turns":[]})", "model: is required"},
        BadScript{R"({"model":"m","turns":{}})", "turns: must be an array"},
        BadScript{"{\"model\": \"m\",\n \"turns\": [,]}",
                  "line 2, column 12: invalid JSON: syntax error"}));

TEST(ScriptFolderTest, RejectsTwoScriptsForOneModel) {
  test::TempDir dir;
  test::write_file(dir / "a.json", R"({"model":"m","turns":[]})");
  test::write_file(dir / "b.json", R"({"model":"m","turns":[]})");
  std::vector<Script> scripts;
  std::string err;
  EXPECT_FALSE(load_scripts(dir.path(), &scripts, &err));
  EXPECT_EQ(err, (dir / "b.json").string() +
                     ": model: \"m\" is already the model of another script in " +
                     dir.path().string());
}

TEST(ScriptFolderTest, RejectsAFolderWithoutScripts) {
  test::TempDir dir;
  std::vector<Script> scripts;
  std::string err;
  EXPECT_FALSE(load_scripts(dir.path(), &scripts, &err));
  EXPECT_NE(err.find("no scripts"), std::string::npos);
}

}  // namespace
}  // namespace showdown
