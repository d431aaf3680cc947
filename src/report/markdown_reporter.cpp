#include "report/markdown_reporter.h"

#include <sstream>

#include "report/cells.h"
#include "report/tables.h"
#include "report/trials.h"

namespace showdown {

namespace {

// A cell must stay on one line and must not end its column early.
std::string md_cell(const std::string& text) {
  std::string out;
  for (char c : one_line(text, std::string::npos)) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

void print_table(const Table& t, std::ostream& out) {
  auto line = [&](const std::vector<std::string>& cells) {
    out << "|";
    for (const auto& c : cells) out << " " << md_cell(c) << " |";
    out << "\n";
  };
  line(t.header);
  out << "|";
  for (size_t i = 0; i < t.header.size(); ++i) out << "---|";
  out << "\n";
  for (const auto& row : t.rows) line(row);
  out << "\n";
}

}  // namespace

void MarkdownReporter::write(const ShowdownResult& result, std::ostream& stream) const {
  // Sections end with a blank line; the document ends with a single newline.
  std::ostringstream out;
  const ShowdownInfo& info = result.showdown;
  bool sealed = false, scripted = false;
  for (const auto& run : result.runs) {
    sealed |= !run.model.has_value();
    scripted |= run.scripted;
  }

  out << "# Showdown: " << md_cell(info.task.empty() ? "(unnamed task)" : info.task) << "\n\n";
  out << "Base commit `" << (info.base_sha.empty() ? "?" : info.base_sha) << "` · "
      << result.runs.size() << (result.runs.size() == 1 ? " run" : " runs") << " · " << info.models
      << (info.models == 1 ? " model" : " models") << " × " << info.trials
      << (info.trials == 1 ? " trial" : " trials");
  if (!info.started_at.empty()) out << " · started " << info.started_at;
  if (!info.finished_at.empty()) out << " · finished " << info.finished_at;
  out << "\n\n";
  if (sealed) {
    out << "> **Sealed.** Runs are shown by label only; `showdown unseal DIR` verifies the "
           "seal and names the models.\n\n";
  }
  if (scripted) {
    out << "> Runs marked *scripted* were driven by `serve-script`, not by a model.\n\n";
  }

  out << "## Summary\n\n";
  print_table(summary_table(result), out);

  out << "## Full metrics\n\n";
  print_table(metrics_table(result), out);

  out << "## Token efficiency\n\n";
  print_table(efficiency_table(result), out);
  out << "Tokens per requirement met; × is each run's total tokens over those of the "
         "leanest complete run.\n\n";

  Table requirements = requirements_table(result);
  if (!requirements.rows.empty()) {
    out << "## Requirements\n\n";
    print_table(requirements, out);
    bool any_detail = false;
    for (const auto& run : result.runs) {
      for (const auto& req : run.requirements) {
        if (req.passed || req.detail.empty()) continue;
        if (!any_detail) out << "Why checks failed:\n\n";
        any_detail = true;
        out << "- " << md_cell(run_label(run)) << ", `" << md_cell(req.id)
            << "`: " << md_cell(one_line(req.detail, 240)) << "\n";
      }
    }
    if (any_detail) out << "\n";
  }

  out << "## Pathologies\n\n";
  Table pathologies = pathologies_table(result);
  if (pathologies.rows.empty())
    out << "None detected.\n\n";
  else
    print_table(pathologies, out);

  bool any_error = false;
  for (const auto& run : result.runs) {
    if (run.error.empty()) continue;
    if (!any_error) out << "## Infrastructure errors\n\n";
    any_error = true;
    out << "- " << md_cell(run_label(run)) << ": " << md_cell(one_line(run.error, 400)) << "\n";
  }
  if (any_error) out << "\n";

  if (has_trials(result)) {
    out << "## Trials\n\n";
    Table trials = trials_table(result);
    if (trials.rows.empty()) {
      out << "Per-model rates appear after `showdown unseal DIR`: grouping runs by model "
             "before then would break the blind.\n\n";
    } else {
      print_table(trials, out);
      out << "Rates with Wilson 95% intervals. Shipped: complete or partial (a passing "
             "build reached the remote). Runs with infrastructure errors are not counted.\n";
    }
  }
  std::string text = out.str();
  while (text.size() > 1 && text.ends_with("\n\n")) text.pop_back();
  stream << text;
}

}  // namespace showdown
