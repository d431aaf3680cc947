#include "report/html_transcript.h"

#include <cstdio>
#include <map>

#include "report/cells.h"
#include "report/html_records.h"
#include "report/html_text.h"

namespace showdown {

namespace {

constexpr size_t kHeadBytes = 3000;    // shown before "show the rest"
constexpr size_t kPreviewBytes = 140;  // of the one-line summary

std::string seconds_text(double s) {
  char buf[32];
  snprintf(buf, sizeof buf, s < 10 ? "%.2fs" : "%.0fs", s);
  return s >= 60 ? duration_text(s) : std::string(buf);
}

std::string bytes_text(size_t n) {
  char buf[32];
  if (n >= 1024 * 1024)
    snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(n) / (1024 * 1024));
  else if (n >= 1024)
    snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(n) / 1024);
  else
    snprintf(buf, sizeof buf, "%zu bytes", n);
  return buf;
}

// A block of text: its head in a <pre>, the rest inside a nested <details> so
// nothing is written twice and a 32 KB output stays one click away.
void text_block(std::ostream& out, const std::string& text, const char* cls = "") {
  std::string head = head_of(text, kHeadBytes);
  out << "<pre class=\"" << cls << "\">" << html_escape(head) << "</pre>";
  if (head.size() < text.size()) {
    out << "<details class=\"more\"><summary>show the remaining "
        << bytes_text(text.size() - head.size()) << "</summary><pre class=\"" << cls << "\">"
        << html_escape(text.substr(head.size())) << "</pre></details>";
  }
}

struct Item {
  std::string anchor;
  std::string kind;     // CSS class: prompt, nudge, stop, assistant, tool, event, start, end
  std::string number;   // "#34", or "" for records outside the conversation
  std::string who;
  std::vector<std::pair<std::string, std::string>> badges;  // class, text
  std::string preview;
  std::string meta;
};

void open_item(std::ostream& out, const Item& item) {
  out << "<details class=\"msg " << item.kind << "\" id=\"" << html_escape(item.anchor)
      << "\"><summary><span class=\"no\">" << html_escape(item.number)
      << "</span><span class=\"who\">" << html_escape(item.who) << "</span>";
  for (const auto& [cls, text] : item.badges)
    out << "<span class=\"badge " << cls << "\">" << html_escape(text) << "</span>";
  out << "<span class=\"pv\">" << html_escape(item.preview) << "</span>";
  if (!item.meta.empty()) out << "<span class=\"when\">" << html_escape(item.meta) << "</span>";
  out << "</summary><div class=\"body\">";
}

void close_item(std::ostream& out) { out << "</div></details>\n"; }

std::string number_of(const Record& r) {
  int64_t m = int_field(r, "message");
  return m > 0 ? "#" + std::to_string(m) : "";
}

std::string at_time(const Record& r) { return seconds_text(number_field(r, "time")); }

void run_start(std::ostream& out, const std::string& run, const Record& r) {
  Item item{record_anchor(run, r), "start", "", bool_field(r, "resumed") ? "resumed" : "start",
            {}, "", at_time(r)};
  std::string build = text_field(r, "build");
  item.preview = "task " + text_field(r, "task") + (build.empty() ? "" : " · build: " + build);
  open_item(out, item);
  out << "<p class=\"kv\"><b>base</b> <code>" << html_escape(text_field(r, "base"))
      << "</code> <b>branch</b> <code>" << html_escape(text_field(r, "branch")) << "</code> <b>cwd</b> <code>"
      << html_escape(text_field(r, "cwd")) << "</code></p>";
  if (r.is_object() && r.contains("limits"))
    out << "<p class=\"kv\"><b>limits</b> <code>"
        << html_escape(r["limits"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        << "</code></p>";
  if (r.is_object() && r.contains("tools") && r["tools"].is_array()) {
    out << "<p class=\"kv\"><b>tools</b> ";
    for (const auto& t : r["tools"]) out << "<code>" << html_escape(text_field(t, "name")) << "</code> ";
    out << "</p>";
  }
  out << "<h4>System prompt</h4>";
  text_block(out, text_field(r, "system"));
  close_item(out);
}

void user_message(std::ostream& out, const std::string& run, const Record& r) {
  std::string source = text_field(r, "source");
  if (source.empty()) source = "user";
  std::string content = text_field(r, "content");
  Item item{record_anchor(run, r), source, number_of(r), source, {}, one_line(content, kPreviewBytes),
            at_time(r)};
  open_item(out, item);
  text_block(out, content);
  close_item(out);
}

void response(std::ostream& out, const std::string& run, const Record& r) {
  std::string content = text_field(r, "content");
  const nlohmann::json empty = nlohmann::json::array();
  const nlohmann::json& calls =
      r.is_object() && r.contains("tool_calls") && r["tool_calls"].is_array() ? r["tool_calls"] : empty;
  Item item{record_anchor(run, r), "assistant", number_of(r), "assistant", {}, "", ""};
  std::string preview = one_line(content, kPreviewBytes);
  if (!calls.empty()) {
    std::string names;
    for (const auto& c : calls) names += (names.empty() ? "" : ", ") + text_field(c, "name");
    preview = (preview.empty() ? "" : preview + " ") + "→ " + names;
    item.badges.push_back({"calls", std::to_string(calls.size()) + (calls.size() == 1 ? " call" : " calls")});
  }
  if (bool_field(r, "rescued_tool_calls")) item.badges.push_back({"warn", "rescued"});
  std::string finish = text_field(r, "finish_reason");
  if (finish == "length") item.badges.push_back({"bad", "cut off"});
  item.preview = one_line(preview, kPreviewBytes);
  int64_t tokens = r.is_object() && r.contains("usage") ? int_field(r["usage"], "total_tokens") : 0;
  item.meta = "step " + std::to_string(int_field(r, "step")) +
              (tokens > 0 ? " · " + thousands(tokens) + " tok" : "") + " · " + at_time(r);
  open_item(out, item);
  std::string reasoning = text_field(r, "reasoning");
  if (!reasoning.empty()) {
    out << "<details class=\"more\"><summary>reasoning (" << bytes_text(reasoning.size())
        << ")</summary>";
    text_block(out, reasoning, "reasoning");
    out << "</details>";
  }
  if (!content.empty()) text_block(out, content);
  for (const auto& c : calls) {
    std::string name = text_field(c, "name");
    out << "<div class=\"call\"><div class=\"call-head\"><span class=\"tname\">"
        << html_escape(name.empty() ? "(unnamed)" : name) << "</span> <span class=\"cid\">"
        << html_escape(text_field(c, "id")) << "</span></div>";
    const nlohmann::json args = c.is_object() ? c.value("arguments", nlohmann::json()) : nlohmann::json();
    if (args.is_null()) {
      out << "<p class=\"bad-text\">arguments were not a JSON object: "
          << html_escape(text_field(c, "arguments_error")) << "</p>";
      text_block(out, text_field(c, "raw_arguments"));
    } else if (name == "execute" && args.is_object() && args.size() == 1 &&
               args.contains("command") && args["command"].is_string()) {
      text_block(out, "$ " + args["command"].get<std::string>(), "cmd");
    } else {
      text_block(out, json_text(args), "cmd");
    }
    out << "</div>";
  }
  out << "<p class=\"kv\"><b>finish</b> " << html_escape(finish.empty() ? "—" : finish);
  if (r.is_object() && r.contains("usage") && r["usage"].is_object()) {
    const auto& u = r["usage"];
    out << " <b>prompt</b> " << thousands(int_field(u, "prompt_tokens")) << " <b>completion</b> "
        << thousands(int_field(u, "completion_tokens"));
  }
  double latency = number_field(r, "latency_seconds");
  if (latency > 0) out << " <b>latency</b> " << html_escape(seconds_text(latency));
  int64_t attempts = int_field(r, "attempts", 1);
  if (attempts > 1) out << " <b>attempts</b> " << attempts;
  out << "</p>";
  close_item(out);
}

void tool_result(std::ostream& out, const std::string& run, const Record& r, const ToolStep* s) {
  std::string name = text_field(r, "name");
  std::string output = text_field(r, "output");
  Item item{record_anchor(run, r), "tool", number_of(r), name.empty() ? "tool" : name, {}, "", ""};
  if (s) {
    item.preview = one_line(s->summary, kPreviewBytes);
    if (s->build) item.badges.push_back({s->build_ok ? "good" : "bad", s->build_ok ? "build ✓" : "build ✗"});
    if (s->commit) item.badges.push_back({"good", "commit"});
    if (s->push) item.badges.push_back({"good", "push"});
    if (!s->exit.empty()) item.badges.push_back({s->failed ? "bad" : "plain", s->exit});
  }
  if (bool_field(r, "is_error")) item.badges.push_back({"bad", "error"});
  if (item.preview.empty()) item.preview = one_line(output, kPreviewBytes);
  double seconds = number_field(r, "seconds", -1);
  item.meta = (s ? "call " + std::to_string(s->index) + " · " : std::string()) +
              (seconds >= 0 ? seconds_text(seconds) + " · " : std::string()) + at_time(r);
  open_item(out, item);
  if (s && !s->summary.empty()) text_block(out, (name == "execute" ? "$ " : "") + s->summary, "cmd");
  text_block(out, output, "output");
  int64_t bytes = int_field(r, "output_bytes", -1);
  if (bytes > static_cast<int64_t>(output.size()))
    out << "<p class=\"kv\">the model read " << bytes_text(output.size()) << " of "
        << bytes_text(static_cast<size_t>(bytes)) << " (capped)</p>";
  if (r.is_object() && r.contains("extra"))
    out << "<p class=\"kv\"><b>extra</b> <code>"
        << html_escape(r["extra"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        << "</code></p>";
  close_item(out);
}

void event(std::ostream& out, const std::string& run, const Record& r) {
  std::string name = text_field(r, "event");
  nlohmann::json detail = r.is_object() ? r.value("detail", nlohmann::json::object()) : nlohmann::json::object();
  bool bad = name == "infra_error" || name == "model_error" || name == "limit" || name == "detector";
  Item item{record_anchor(run, r), bad ? "event bad-event" : "event", "", "event", {}, "", at_time(r)};
  item.badges.push_back({bad ? "bad" : "plain", name.empty() ? "?" : name});
  item.preview = one_line(detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kPreviewBytes);
  open_item(out, item);
  text_block(out, json_text(detail), "cmd");
  close_item(out);
}

void run_end(std::ostream& out, const std::string& run, const Record& r) {
  std::string reason = text_field(r, "reason");
  Item item{record_anchor(run, r), "end", "", "end", {}, "", at_time(r)};
  item.badges.push_back({reason == "end_turn" ? "good" : "warn", reason.empty() ? "?" : reason});
  item.preview = "after " + duration_text(number_field(r, "wall_seconds"));
  open_item(out, item);
  text_block(out, json_text(r), "cmd");
  close_item(out);
}

}  // namespace

std::set<int> transcript_messages(const std::vector<Record>& records) {
  std::set<int> numbers;
  for (const Record& r : records) {
    std::string type = text_field(r, "type");
    if (type == "message" || type == "response" || type == "tool_result") {
      int64_t m = int_field(r, "message");
      if (m > 0) numbers.insert(static_cast<int>(m));
    }
  }
  return numbers;
}

void write_transcript(const RunResult& run, const std::vector<Record>& records,
                      const std::string& build, std::ostream& out) {
  std::vector<ToolStep> steps = tool_steps(records, build);
  std::map<int64_t, const ToolStep*> by_result;
  for (const auto& s : steps)
    if (s.result_seq >= 0) by_result[s.result_seq] = &s;
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    std::string type = text_field(r, "type");
    if (type == "run_start") {
      run_start(out, run.run, r);
    } else if (type == "message") {
      user_message(out, run.run, r);
    } else if (type == "response") {
      response(out, run.run, r);
    } else if (type == "tool_result") {
      auto it = by_result.find(static_cast<int64_t>(i));
      tool_result(out, run.run, r, it == by_result.end() ? nullptr : it->second);
    } else if (type == "event") {
      event(out, run.run, r);
    } else if (type == "run_end") {
      run_end(out, run.run, r);
    } else if (type != "request" && type != "tool_call") {
      // A record type this viewer does not know yet: show it as it is.
      Item item{record_anchor(run.run, r), "event", "", type.empty() ? "record" : type, {}, "", at_time(r)};
      open_item(out, item);
      text_block(out, json_text(r), "cmd");
      close_item(out);
    }
  }
}

}  // namespace showdown
