#include "showdown/live_view.h"

#include <cstdio>

namespace showdown {

namespace {

std::string one_line(std::string s, size_t max) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (s.size() > max) s = s.substr(0, max - 3) + "...";
  return s;
}

std::string describe_call(const Record& r) {
  const std::string name = r.value("name", "");
  const auto& args = r.contains("arguments") ? r["arguments"] : Record();
  if (args.is_object()) {
    if (name == "execute") return "execute: " + args.value("command", "");
    if (args.contains("path") && args["path"].is_string())
      return name + ": " + args["path"].get<std::string>();
  }
  return name;
}

}  // namespace

LiveView::LiveView(std::ostream* out, bool terminal) : out_(out), terminal_(terminal) {}

std::string LiveView::status_line(const std::string& label, const RunState& s) const {
  char head[96];
  snprintf(head, sizeof head, "%-7s step %3d  calls %3d  tokens %9lld  ", label.c_str(), s.step,
           s.tool_calls, static_cast<long long>(s.tokens));
  std::string line = head + one_line(s.last_action, 60);
  if (!s.flags.empty()) line += "  [" + s.flags + "]";
  return line;
}

void LiveView::on_record(const std::string& label, const Record& r) {
  if (!out_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  RunState& s = runs_[label];
  const std::string type = r.value("type", "");
  std::string plain;  // what a non-terminal prints for this record
  if (type == "request") {
    s.step = r.value("step", s.step);
  } else if (type == "response") {
    s.tokens += r["usage"].value("total_tokens", int64_t{0});
    if (r["tool_calls"].empty()) {
      s.last_action = "said: " + r.value("content", "");
      plain = s.last_action;
    }
  } else if (type == "tool_call") {
    ++s.tool_calls;
    s.last_action = describe_call(r);
    plain = s.last_action;
  } else if (type == "event") {
    const std::string event = r.value("event", "");
    std::string flag;
    if (event == "detector") flag = r["detail"].value("kind", "detector");
    if (event == "nudge" || event == "stop" || event == "retry" || event == "limit" ||
        event == "infra_error")
      flag = event;
    if (!flag.empty()) {
      if (s.flags.find(flag) == std::string::npos) s.flags += (s.flags.empty() ? "" : " ") + flag;
      plain = "event " + flag;
    }
  } else if (type == "run_end") {
    s.ended = true;
    s.last_action = "ended: " + r.value("reason", "");
    plain = s.last_action;
  }
  if (!terminal_) {
    if (!plain.empty()) {
      char head[80];
      snprintf(head, sizeof head, "%-7s step %3d  calls %3d  tokens %9lld  ", label.c_str(), s.step,
               s.tool_calls, static_cast<long long>(s.tokens));
      *out_ << head << one_line(plain, 100) << "\n";
    }
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (type == "run_end" || now - last_draw_ > std::chrono::milliseconds(100)) {
    last_draw_ = now;
    redraw_locked();
  }
}

void LiveView::redraw_locked() {
  if (drawn_lines_ > 0) *out_ << "\x1b[" << drawn_lines_ << "F";
  drawn_lines_ = 0;
  for (const auto& [label, s] : runs_) {
    *out_ << "\x1b[2K" << status_line(label, s) << "\n";
    ++drawn_lines_;
  }
  out_->flush();
}

void LiveView::note(const std::string& line) {
  if (!out_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (terminal_ && drawn_lines_ > 0) {
    *out_ << "\x1b[" << drawn_lines_ << "F\x1b[J";
    drawn_lines_ = 0;
  }
  *out_ << line << "\n";
  if (terminal_) redraw_locked();
  out_->flush();
}

}  // namespace showdown
