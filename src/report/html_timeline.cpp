#include "report/html_timeline.h"

#include <algorithm>

#include "report/cells.h"
#include "report/html_records.h"
#include "report/html_text.h"

namespace showdown {

namespace {

constexpr size_t kTitleBytes = 200;

struct Mark {
  std::string kind;  // a CSS class: exec, read, write, tool, text, build-ok, ...
  bool failed = false;
  std::string anchor;
  std::string title;
  int message = 0;  // where it sits in the conversation; 0 when unknown
};

struct LegendEntry {
  const char* kind;
  const char* meaning;
};

const LegendEntry kLegend[] = {
    {"exec", "execute"},          {"read", "read_file"},
    {"write", "write / edit"},    {"text", "text reply"},
    {"build-ok", "build passed"}, {"build-fail", "build failed"},
    {"commit", "commit"},         {"push", "push"},
    {"nudge", "nudge"},           {"stop", "stop"},
    {"patho", "pathology starts"}, {"event", "limit / error"},
    {"end", "run end"},
};

Mark tool_mark(const std::string& run, const ToolStep& s) {
  Mark m;
  m.message = s.message;
  if (s.push)
    m.kind = "push";
  else if (s.commit)
    m.kind = "commit";
  else if (s.build)
    m.kind = s.build_ok ? "build-ok" : "build-fail";
  else if (s.name == "execute")
    m.kind = "exec";
  else if (s.name == "read_file")
    m.kind = "read";
  else if (s.name == "write_file" || s.name == "edit_file")
    m.kind = "write";
  else
    m.kind = "tool";
  m.failed = s.failed && !s.build;
  // A call with no result links to the assistant message that made it.
  int target = s.message > 0 ? s.message : s.call_message;
  m.anchor = target > 0 ? message_anchor(run, target) : "";
  std::string title = "call " + std::to_string(s.index);
  if (s.message > 0) title += " · #" + std::to_string(s.message);
  title += " · " + s.name;
  if (!s.summary.empty()) title += ": " + one_line(s.summary, kTitleBytes);
  std::vector<std::string> facts;
  if (s.build) facts.push_back(s.build_ok ? "build passed" : "build failed");
  if (s.commit) facts.push_back("committed");
  if (s.push) facts.push_back("pushed");
  if (!s.exit.empty()) facts.push_back(s.exit);
  if (s.rescued) facts.push_back("rescued from text");
  if (!s.has_result) facts.push_back("no result");
  else if (s.failed && s.exit.empty()) facts.push_back("error");
  for (size_t i = 0; i < facts.size(); ++i) title += (i == 0 ? " — " : ", ") + facts[i];
  m.title = title;
  return m;
}

}  // namespace

void write_timeline(const RunResult& run, const std::vector<Record>& records,
                    const std::string& build, std::ostream& out) {
  std::vector<ToolStep> steps = tool_steps(records, build);
  std::vector<Mark> marks;
  size_t next_step = 0;
  for (const Record& r : records) {
    const std::string type = text_field(r, "type");
    if (type == "tool_call") {
      if (next_step < steps.size()) marks.push_back(tool_mark(run.run, steps[next_step++]));
    } else if (type == "response") {
      const nlohmann::json* calls = r.is_object() && r.contains("tool_calls") ? &r["tool_calls"] : nullptr;
      if (calls && calls->is_array() && !calls->empty()) continue;
      Mark m;
      m.kind = "text";
      m.message = static_cast<int>(int_field(r, "message"));
      m.anchor = record_anchor(run.run, r);
      m.title = "#" + std::to_string(m.message) + " · step " + std::to_string(int_field(r, "step")) +
                " · reply: " + one_line(text_field(r, "content"), kTitleBytes);
      marks.push_back(m);
    } else if (type == "message") {
      std::string source = text_field(r, "source");
      if (source != "nudge" && source != "stop" && source != "interactive") continue;
      Mark m;
      m.kind = source == "stop" ? "stop" : "nudge";
      m.message = static_cast<int>(int_field(r, "message"));
      m.anchor = record_anchor(run.run, r);
      m.title = "#" + std::to_string(m.message) + " · " + source + ": " +
                one_line(text_field(r, "content"), kTitleBytes);
      marks.push_back(m);
    } else if (type == "event") {
      std::string event = text_field(r, "event");
      if (event != "limit" && event != "infra_error" && event != "model_error") continue;
      Mark m;
      m.kind = "event";
      m.anchor = record_anchor(run.run, r);
      const nlohmann::json detail = r.is_object() ? r.value("detail", nlohmann::json::object())
                                                  : nlohmann::json::object();
      m.title = event + ": " + one_line(detail.dump(-1, ' ', false,
                                                    nlohmann::json::error_handler_t::replace),
                                        kTitleBytes);
      marks.push_back(m);
    } else if (type == "run_end") {
      Mark m;
      m.kind = "end";
      m.anchor = record_anchor(run.run, r);
      m.title = "run end: " + text_field(r, "reason") + " after " +
                duration_text(number_field(r, "wall_seconds"));
      marks.push_back(m);
    }
  }
  // Each pathology goes just before the first mark at or past its first message.
  std::vector<Pathology> pathologies = run.pathologies;
  std::stable_sort(pathologies.begin(), pathologies.end(),
                   [](const Pathology& a, const Pathology& b) { return a.first_message < b.first_message; });
  for (auto it = pathologies.rbegin(); it != pathologies.rend(); ++it) {
    const Pathology& p = *it;
    Mark m;
    m.kind = "patho";
    m.message = p.first_message;
    m.anchor = p.first_message > 0 ? message_anchor(run.run, p.first_message) : "";
    m.title = p.kind + " ×" + std::to_string(p.count) +
              (p.first_message > 0 ? " from #" + std::to_string(p.first_message) : "") + ": " +
              one_line(p.evidence, kTitleBytes);
    auto at = std::find_if(marks.begin(), marks.end(), [&](const Mark& k) {
      return k.message >= p.first_message && k.message > 0;
    });
    if (at == marks.end() && !marks.empty() && marks.back().kind == "end") at = marks.end() - 1;
    marks.insert(at, m);
  }

  int tool_calls = static_cast<int>(steps.size());
  // Narrower marks for long runs, so a 160-call run still reads as one or two rows.
  const char* density = marks.size() > 220 ? " dense" : marks.size() > 110 ? " narrow" : "";
  out << "<div class=\"timeline" << density << "\" role=\"list\" aria-label=\"Timeline of "
      << html_escape(run_label(run)) << "\">";
  for (const Mark& m : marks) {
    out << "<a role=\"listitem\" class=\"mk " << m.kind << (m.failed ? " failed" : "") << "\"";
    if (!m.anchor.empty()) out << " href=\"#" << html_escape(m.anchor) << "\"";
    out << " title=\"" << html_escape(m.title) << "\"></a>";
  }
  int last_message = 0;
  std::string reason;
  for (const Record& r : records) {
    last_message = std::max(last_message, static_cast<int>(int_field(r, "message")));
    if (text_field(r, "type") == "run_end") reason = text_field(r, "reason");
  }
  out << "</div>\n<div class=\"tl-axis\"><span>#1</span><span>" << thousands(tool_calls)
      << (tool_calls == 1 ? " tool call" : " tool calls") << " over " << thousands(last_message)
      << " messages" << (reason.empty() ? "" : " · ended " + html_escape(reason))
      << "</span><span>#" << last_message << "</span></div>\n";
}

void write_timeline_legend(std::ostream& out) {
  out << "<div class=\"legend tl-legend\">";
  for (const auto& e : kLegend)
    out << "<span><i class=\"mk " << e.kind << "\"></i>" << html_escape(e.meaning) << "</span>";
  out << "<span><i class=\"mk exec failed\"></i>failed call</span></div>\n";
}

}  // namespace showdown
