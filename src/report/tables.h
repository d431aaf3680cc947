#pragma once
// The report's tables as plain cells, built once from the result so the Markdown
// and HTML reports show the same rows; each format only lays them out and escapes.
#include <string>
#include <vector>

#include "result/result.h"

namespace showdown {

/// A table of text cells; `header` has one cell per column, as does each row.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

/// The study's summary: Model | Tool Calls | Total Tokens | Commits | Build Pass |
/// Screenshot | Outcome, one row per run ("Run" heads the first column while sealed).
Table summary_table(const ShowdownResult& result);

/// The study's full metrics table, transposed: one row per metric, one column per run.
Table metrics_table(const ShowdownResult& result);

/// Tokens per requirement met and the multiple of the leanest complete run.
Table efficiency_table(const ShowdownResult& result);

/// One row per requirement, one ✅/❌ column per run; no rows when the task has none.
Table requirements_table(const ShowdownResult& result);

/// One row per pathology found: run, kind, count, first message, evidence.
Table pathologies_table(const ShowdownResult& result);

/// Per-model rates and medians (report/trials.h); no rows while sealed.
Table trials_table(const ShowdownResult& result);

}  // namespace showdown
