#include "report/tables.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/cells.h"
#include "report/efficiency.h"
#include "report/trials.h"

namespace showdown {

namespace {

constexpr size_t kEvidenceBytes = 240;

bool any_unsealed(const ShowdownResult& result) {
  for (const auto& run : result.runs)
    if (run.model) return true;
  return false;
}

std::string fixed(double value, int decimals) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string requirements_cell(const RunResult& run) {
  if (run.requirements.empty()) return "—";
  return std::to_string(run.requirements_met()) + "/" + std::to_string(run.requirements.size());
}

}  // namespace

Table summary_table(const ShowdownResult& result) {
  Table t;
  t.header = {any_unsealed(result) ? "Model" : "Run",
              "Tool Calls",
              "Total Tokens",
              "Commits",
              "Build Pass",
              "Screenshot",
              "Outcome"};
  for (const auto& run : result.runs) {
    t.rows.push_back({run_label(run), thousands(run.tool_calls), thousands(run.total_tokens),
                      std::to_string(run.commits), build_cell(run.build, true),
                      check_mark(run.screenshot), outcome_name(run.outcome)});
  }
  return t;
}

Table metrics_table(const ShowdownResult& result) {
  Table t;
  t.header.push_back("Metric");
  for (const auto& run : result.runs) t.header.push_back(run_label(run));
  auto row = [&](const std::string& name, auto cell) {
    std::vector<std::string> r{name};
    for (const auto& run : result.runs) r.push_back(cell(run));
    t.rows.push_back(std::move(r));
  };
  bool any_speed = false, any_cost = false, any_interactive = false, any_retries = false;
  for (const auto& run : result.runs) {
    any_speed |= run.tokens_per_second.has_value();
    any_cost |= run.cost_usd.has_value();
    any_interactive |= run.interactive_nudges > 0;
    any_retries |= run.retries > 0;
  }
  row("Total tokens", [](const RunResult& r) { return thousands(r.total_tokens); });
  row("Prompt tokens", [](const RunResult& r) { return thousands(r.prompt_tokens); });
  row("Completion tokens", [](const RunResult& r) { return thousands(r.completion_tokens); });
  row("Tool calls", [](const RunResult& r) { return thousands(r.tool_calls); });
  row("Messages", [](const RunResult& r) { return thousands(r.messages); });
  row("Commits pushed", [](const RunResult& r) {
    return r.commits > 0 && !r.pushed ? std::to_string(r.commits) + " (not pushed)"
                                      : std::to_string(r.commits);
  });
  row("Build passed", [](const RunResult& r) { return build_cell(r.build, false); });
  row("Pushed branch builds", [](const RunResult& r) {
    return r.pushed ? check_mark(r.pushed_build_passed) : std::string("—");
  });
  row("Screenshot", [](const RunResult& r) { return check_mark(r.screenshot); });
  row("Requirements met", requirements_cell);
  row("Nudges", nudges_cell);
  if (any_interactive)
    row("Interactive nudges",
        [](const RunResult& r) { return std::to_string(r.interactive_nudges); });
  row("Wall time", [](const RunResult& r) { return duration_text(r.wall_seconds); });
  if (any_speed) {
    row("Tokens/s", [](const RunResult& r) {
      return r.tokens_per_second ? fixed(*r.tokens_per_second, 1) : std::string("—");
    });
  }
  if (any_cost) {
    row("Cost", [](const RunResult& r) {
      return r.cost_usd ? "$" + fixed(*r.cost_usd, 4) : std::string("—");
    });
  }
  if (any_retries) row("Retries", [](const RunResult& r) { return std::to_string(r.retries); });
  row("End reason", [](const RunResult& r) { return r.end_reason.empty() ? "—" : r.end_reason; });
  row("Outcome", [](const RunResult& r) { return outcome_name(r.outcome); });
  return t;
}

Table efficiency_table(const ShowdownResult& result) {
  Table t;
  t.header = {any_unsealed(result) ? "Model" : "Run",
              "Total Tokens",
              "Requirements Met",
              "Tokens per Requirement",
              "× Leanest Complete",
              "Outcome"};
  std::vector<TokenEfficiency> eff = token_efficiency(result);
  for (size_t i = 0; i < result.runs.size(); ++i) {
    const RunResult& run = result.runs[i];
    t.rows.push_back(
        {run_label(run), thousands(run.total_tokens), requirements_cell(run),
         eff[i].tokens_per_requirement ? thousands(std::llround(*eff[i].tokens_per_requirement))
                                       : "—",
         eff[i].multiple ? multiple_text(*eff[i].multiple) : "—", outcome_name(run.outcome)});
  }
  return t;
}

Table requirements_table(const ShowdownResult& result) {
  Table t;
  t.header.push_back("Requirement");
  for (const auto& run : result.runs) t.header.push_back(run_label(run));
  // Requirement ids in order of first appearance: every run has the task's list,
  // but an interrupted run may have none.
  std::vector<std::string> ids;
  for (const auto& run : result.runs)
    for (const auto& req : run.requirements)
      if (std::find(ids.begin(), ids.end(), req.id) == ids.end()) ids.push_back(req.id);
  for (const auto& id : ids) {
    std::vector<std::string> r{id};
    for (const auto& run : result.runs) {
      std::string cell = "—";
      for (const auto& req : run.requirements)
        if (req.id == id) cell = check_mark(req.passed);
      r.push_back(cell);
    }
    t.rows.push_back(std::move(r));
  }
  return t;
}

Table pathologies_table(const ShowdownResult& result) {
  Table t;
  t.header = {any_unsealed(result) ? "Model" : "Run", "Pathology", "Count", "First Message",
              "Evidence"};
  for (const auto& run : result.runs) {
    for (const auto& p : run.pathologies) {
      t.rows.push_back({run_label(run), p.kind, std::to_string(p.count),
                        p.first_message > 0 ? std::to_string(p.first_message) : "—",
                        one_line(p.evidence, kEvidenceBytes)});
    }
  }
  return t;
}

Table trials_table(const ShowdownResult& result) {
  Table t;
  t.header = {"Model",           "Runs",          "Complete",
              "Shipped",         "Median Tokens", "Median Tool Calls",
              "Median Wall Time"};
  for (const auto& m : model_trials(result)) {
    std::string runs = std::to_string(m.runs);
    if (m.infra_errors > 0) runs += " (+" + std::to_string(m.infra_errors) + " infra errors)";
    bool scored = m.runs > 0;
    // A median of an even count can fall between two whole tool calls.
    int call_decimals = m.median_tool_calls == std::floor(m.median_tool_calls) ? 0 : 1;
    t.rows.push_back({m.model, runs, rate_cell(m.complete, m.runs, m.complete_interval),
                      rate_cell(m.shipped, m.runs, m.shipped_interval),
                      scored ? thousands(std::llround(m.median_tokens)) : "—",
                      scored ? fixed(m.median_tool_calls, call_decimals) : "—",
                      scored ? duration_text(m.median_wall_seconds) : "—"});
  }
  return t;
}

}  // namespace showdown
