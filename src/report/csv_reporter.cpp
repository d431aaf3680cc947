#include "report/csv_reporter.h"

#include <cstdio>

namespace showdown {

namespace {

const char* const kFields[] = {
    "run",
    "model",
    "trial",
    "scripted",
    "outcome",
    "tool_calls",
    "messages",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "wall_seconds",
    "tokens_per_second",
    "cost_usd",
    "commits",
    "pushed",
    "pushed_build_passed",
    "build_attempts",
    "build_passed",
    "build_first_pass_attempt",
    "screenshot",
    "nudges",
    "interactive_nudges",
    "stops",
    "requirements_met",
    "requirements_total",
    "end_reason",
    "retries",
    "error",
    "pathologies",
};

std::string number(double value) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.15g", value);
  return buf;
}

std::string flag(bool value) { return value ? "true" : "false"; }

// Same order as kFields.
std::vector<std::string> values(const RunResult& r) {
  std::string pathologies;
  for (const auto& p : r.pathologies) {
    if (!pathologies.empty()) pathologies += "; ";
    pathologies += p.kind + " x" + std::to_string(p.count) + " from message " +
                   std::to_string(p.first_message) + ": " + p.evidence;
  }
  return {r.run,
          r.model.value_or(""),
          std::to_string(r.trial),
          flag(r.scripted),
          r.outcome,
          std::to_string(r.tool_calls),
          std::to_string(r.messages),
          std::to_string(r.prompt_tokens),
          std::to_string(r.completion_tokens),
          std::to_string(r.total_tokens),
          number(r.wall_seconds),
          r.tokens_per_second ? number(*r.tokens_per_second) : "",
          r.cost_usd ? number(*r.cost_usd) : "",
          std::to_string(r.commits),
          flag(r.pushed),
          flag(r.pushed_build_passed),
          std::to_string(r.build.attempts),
          flag(r.build.passed),
          std::to_string(r.build.first_pass_attempt),
          flag(r.screenshot),
          std::to_string(r.nudges),
          std::to_string(r.interactive_nudges),
          std::to_string(r.stops),
          std::to_string(r.requirements_met()),
          std::to_string(r.requirements.size()),
          r.end_reason,
          std::to_string(r.retries),
          r.error,
          pathologies};
}

std::string quoted(const std::string& field) {
  bool needs = field.find_first_of(",\"\r\n") != std::string::npos ||
               (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!needs) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void print_row(const std::vector<std::string>& fields, std::ostream& out) {
  for (size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << quoted(fields[i]);
  out << "\r\n";
}

}  // namespace

void CsvReporter::write(const ShowdownResult& result, std::ostream& out) const {
  print_row(std::vector<std::string>(std::begin(kFields), std::end(kFields)), out);
  for (const auto& run : result.runs) print_row(values(run), out);
}

}  // namespace showdown
