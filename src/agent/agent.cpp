#include "agent/agent.h"

#include <cmath>
#include <set>

namespace showdown {

Agent::Agent(AgentConfig config, Provider* provider, Toolbox* tools, Protocol* protocol,
             TranscriptWriter* transcript)
    : config_(std::move(config)),
      provider_(provider),
      tools_(tools),
      protocol_(protocol),
      transcript_(transcript),
      specs_(tools->specs()) {}

void Agent::record(Record r) {
  transcript_->append(r);
  if (protocol_) protocol_->observe(r);
  if (config_.on_record) config_.on_record(r);
}

void Agent::add_user_message(const std::string& text, const std::string& source) {
  Message m;
  m.role = Role::user;
  m.content = text;
  messages_.push_back(m);
  record(message_record(static_cast<int>(messages_.size()), text, source));
}

AgentExit Agent::finish(const std::string& reason, const std::string& error) {
  Record end = {{"type", "run_end"}, {"reason", reason}, {"wall_seconds", transcript_->elapsed()}};
  if (!error.empty()) end["error"] = error;
  record(std::move(end));
  return {reason, error};
}

std::string Agent::limit_reached() const {
  if (tool_calls_ >= config_.limits.tool_calls) return "tool_calls";
  if (tokens_ >= config_.limits.tokens) return "tokens";
  if (transcript_->elapsed() >= config_.limits.minutes * 60) return "minutes";
  return "";
}

AgentExit Agent::run() {
  Record start = config_.run_start;
  start["type"] = "run_start";
  start["system"] = config_.system;
  auto tools = nlohmann::json::array();
  for (const auto& spec : specs_) tools.push_back(to_json(spec));
  start["tools"] = std::move(tools);
  start["limits"] = {{"tool_calls", config_.limits.tool_calls},
                     {"tokens", config_.limits.tokens},
                     {"minutes", config_.limits.minutes}};
  record(std::move(start));
  add_user_message(config_.prompt, "prompt");
  return loop();
}

AgentExit Agent::resume(const std::vector<Record>& records) {
  if (protocol_)
    for (const auto& r : records) protocol_->observe(r);
  // An infrastructure failure is not an end: resuming retries the run from there.
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (it->value("type", "") != "run_end") continue;
    if (it->value("reason", "") != "infra_error") return {it->value("reason", ""), it->value("error", "")};
    break;
  }

  messages_ = conversation_from(records);
  std::vector<ToolCall> pending;
  std::set<std::string> answered;
  for (const auto& r : records) {
    const std::string type = r.value("type", "");
    if (type == "response") {
      ++step_;
      tokens_ += r["usage"].value("total_tokens", int64_t{0});
      pending.clear();
      answered.clear();
      for (const auto& c : r["tool_calls"]) pending.push_back(tool_call_from_json(c));
      if (r.contains("rescued_tool_calls"))
        for (const auto& c : r["rescued_tool_calls"]) pending.push_back(tool_call_from_json(c));
    } else if (type == "tool_call") {
      ++tool_calls_;
    } else if (type == "tool_result") {
      answered.insert(r.value("id", ""));
    }
  }
  Record again = config_.run_start;
  again["type"] = "run_start";
  again["resumed"] = true;
  again["step"] = step_;
  record(std::move(again));

  std::vector<ToolCall> unanswered;
  for (const auto& c : pending)
    if (!answered.count(c.id)) unanswered.push_back(c);
  if (!unanswered.empty()) {
    std::set<std::string> recorded;
    for (const auto& r : records)
      if (r.value("type", "") == "tool_call" && r.value("step", 0) == step_)
        recorded.insert(r.value("id", ""));
    AgentExit exit;
    if (!execute_calls(unanswered, false, &exit, &recorded)) return exit;
  }
  return loop();
}

bool Agent::execute_calls(const std::vector<ToolCall>& calls, bool rescued, AgentExit* exit,
                          const std::set<std::string>* already_recorded) {
  for (const auto& call : calls) {
    bool recorded = already_recorded && already_recorded->count(call.id);
    if (!recorded && tool_calls_ >= config_.limits.tool_calls) {
      record({{"type", "event"}, {"event", "limit"},
              {"detail", {{"limit", "tool_calls"}, {"value", tool_calls_}}}});
      *exit = finish("limit_tool_calls");
      return false;
    }
    if (!recorded) record(tool_call_record(step_, ++tool_calls_, call, rescued));
    ToolOutcome out = tools_->call(call);
    Message m;
    m.role = Role::tool;
    m.tool_call_id = call.id;
    m.tool_name = call.name;
    m.content = out.output;
    m.is_error = out.is_error;
    messages_.push_back(m);
    Record result = {{"type", "tool_result"},
                     {"step", step_},
                     {"message", static_cast<int>(messages_.size())},
                     {"id", call.id},
                     {"name", call.name},
                     {"output", out.output},
                     {"is_error", out.is_error},
                     {"seconds", std::round(out.seconds * 10000) / 10000}};
    if (call.name == "execute") {
      result["exit_code"] = out.exit_code;
      result["timed_out"] = out.timed_out;
      result["output_bytes"] = out.output_bytes;
      result["process_seconds"] = std::round(out.process_seconds * 10000) / 10000;
    }
    if (!out.extra.is_null()) result["extra"] = out.extra;
    record(std::move(result));
    if (out.infrastructure_failure) {
      record({{"type", "event"}, {"event", "infra_error"},
              {"detail", {{"kind", "tool"}, {"message", out.output}}}});
      *exit = finish("infra_error", out.output);
      return false;
    }
  }
  return true;
}

AgentExit Agent::loop() {
  for (;;) {
    if (protocol_) {
      std::string typed;
      if (protocol_->take_interactive(&typed)) add_user_message(typed, "interactive");
    }
    std::string limit = limit_reached();
    if (!limit.empty()) {
      record({{"type", "event"}, {"event", "limit"}, {"detail", {{"limit", limit}}}});
      return finish("limit_" + limit);
    }

    ++step_;
    record({{"type", "request"}, {"step", step_}, {"messages", messages_.size()}});
    // The conversation and the tool schemas are lent to the request, not
    // copied: by the end of a long run the conversation holds megabytes.
    Request request;
    request.system = config_.system;
    request.messages = std::move(messages_);
    request.tools = std::move(specs_);
    request.max_output_tokens = config_.max_output_tokens;
    Response response;
    ProviderFailure failure;
    bool answered = provider_->complete(request, &response, &failure);
    messages_ = std::move(request.messages);
    specs_ = std::move(request.tools);
    for (const auto& notice : answered ? response.retries : failure.retries)
      record({{"type", "event"},
              {"event", "retry"},
              {"detail", {{"attempt", notice.attempt},
                          {"http_status", notice.http_status},
                          {"reason", notice.reason},
                          {"wait_seconds", notice.wait_seconds}}}});
    if (!answered) {
      Record detail = {{"kind", failure_kind_name(failure.kind)},
                       {"http_status", failure.http_status},
                       {"message", failure.message}};
      if (failure.kind == FailureKind::infrastructure) {
        record({{"type", "event"}, {"event", "infra_error"}, {"detail", detail}});
        return finish("infra_error", failure.message);
      }
      record({{"type", "event"}, {"event", "model_error"}, {"detail", detail}});
      return finish(failure.kind == FailureKind::context_overflow ? "context_overflow"
                                                                   : "model_error",
                    failure.message);
    }

    // Some servers send calls without ids; answers must still name their call.
    for (size_t i = 0; i < response.tool_calls.size(); ++i)
      if (response.tool_calls[i].id.empty())
        response.tool_calls[i].id = "call_" + std::to_string(step_) + "_" + std::to_string(i);
    std::vector<ToolCall> calls = response.tool_calls;
    bool rescued = false;
    if (calls.empty() && config_.rescue && !response.content.empty()) {
      calls = config_.rescue(response.content);
      rescued = !calls.empty();
      for (size_t i = 0; i < calls.size(); ++i)
        calls[i].id = "text_" + std::to_string(step_) + "_" + std::to_string(i);
    }
    Message assistant;
    assistant.role = Role::assistant;
    assistant.content = response.content;
    assistant.tool_calls = calls;
    messages_.push_back(assistant);
    tokens_ += response.usage.total();
    Record r = response_record(step_, static_cast<int>(messages_.size()), response);
    if (rescued) {
      auto list = nlohmann::json::array();
      for (const auto& c : calls) list.push_back(to_json(c));
      r["rescued_tool_calls"] = std::move(list);
    }
    record(std::move(r));

    if (calls.empty()) {
      Intervention next = protocol_ ? protocol_->on_turn_end() : Intervention{};
      for (auto& e : next.events) record(std::move(e));
      if (next.kind == Intervention::nudge || next.kind == Intervention::stop) {
        record({{"type", "event"},
                {"event", next.kind == Intervention::nudge ? "nudge" : "stop"},
                {"detail", {{"rule", next.rule}}}});
        add_user_message(next.message, next.kind == Intervention::nudge ? "nudge" : "stop");
        continue;
      }
      return finish(next.kind == Intervention::end && !next.reason.empty() ? next.reason
                                                                           : "end_turn");
    }

    AgentExit exit;
    if (!execute_calls(calls, rescued, &exit)) return exit;

    if (protocol_) {
      Intervention next = protocol_->after_step();
      for (auto& e : next.events) record(std::move(e));
      if (next.kind == Intervention::end) return finish(next.reason.empty() ? "stopped" : next.reason);
      if (next.kind == Intervention::stop || next.kind == Intervention::nudge) {
        record({{"type", "event"},
                {"event", next.kind == Intervention::nudge ? "nudge" : "stop"},
                {"detail", {{"rule", next.rule}}}});
        add_user_message(next.message, next.kind == Intervention::nudge ? "nudge" : "stop");
      }
    }
  }
}

}  // namespace showdown
