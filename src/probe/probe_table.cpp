#include <cstdio>

#include "probe/probe.h"

namespace showdown {

namespace {

// A table cell stays on one line and never closes its column early.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string format_probe_table(const std::vector<ProbeReport>& reports) {
  std::string out =
      "| model | check | result | latency | tokens | detail |\n"
      "|---|---|---|---|---|---|\n";
  for (const auto& report : reports) {
    for (const auto& check : report.checks) {
      char latency[32];
      snprintf(latency, sizeof latency, "%.2f s", check.latency_seconds);
      bool skipped = check.latency_seconds == 0 && !check.passed;
      out += "| " + cell(report.model) + " | " + check.name + " | " +
             (check.passed ? "pass" : "FAIL") + " | " + (skipped ? "-" : latency) + " | " +
             (check.tokens > 0 ? std::to_string(check.tokens) : "-") + " | " +
             cell(check.detail) + " |\n";
    }
  }
  out += "\n";
  for (const auto& report : reports) {
    size_t passed = 0;
    for (const auto& check : report.checks) passed += check.passed ? 1 : 0;
    out += report.model + ": " + (report.passed() ? "passed" : "FAILED") + " (" +
           std::to_string(passed) + "/" + std::to_string(report.checks.size()) + " checks)\n";
  }
  return out;
}

nlohmann::json probe_reports_json(const std::vector<ProbeReport>& reports) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& report : reports) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : report.checks)
      checks.push_back({{"name", c.name},
                        {"passed", c.passed},
                        {"detail", c.detail},
                        {"latency_seconds", c.latency_seconds},
                        {"tokens", c.tokens}});
    out.push_back({{"model", report.model}, {"passed", report.passed()}, {"checks", checks}});
  }
  return out;
}

}  // namespace showdown
