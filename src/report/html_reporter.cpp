#include "report/html_reporter.h"

#include "report/cells.h"
#include "report/tables.h"
#include "report/trials.h"

namespace showdown {

namespace {

const char* const kStyle = R"(
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
       max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
.meta { color: #57606a; }
.note { background: #fff8c5; border: 1px solid #d4a72c66; padding: .5rem .8rem; border-radius: 6px; }
code { font: 13px ui-monospace, "SF Mono", Menlo, monospace; background: #f6f8fa;
       padding: .1rem .3rem; border-radius: 4px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
tbody tr:nth-child(even) { background: #fafbfc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.evidence { font: 12px ui-monospace, "SF Mono", Menlo, monospace; max-width: 40rem;
              word-break: break-word; }
)";

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A number, or the dash that stands for a missing one.
bool numeric(const std::string& cell) {
  if (cell.empty()) return false;
  if (cell == "—") return true;
  for (char c : cell)
    if (!(c >= '0' && c <= '9') && c != ',' && c != '.') return false;
  return true;
}

// `row_headers`: the first cell of each row names the row (the transposed metrics
// table), so numbers align per row there and per column elsewhere.
// `evidence_column`: index of a column of model output, set in monospace.
void print_table(const Table& t, std::ostream& out, bool row_headers, int evidence_column = -1) {
  auto all_numeric = [&](size_t row, size_t column) {
    if (row_headers) {
      for (size_t i = 1; i < t.rows[row].size(); ++i)
        if (!numeric(t.rows[row][i])) return false;
      return true;
    }
    for (const auto& r : t.rows)
      if (column < r.size() && !numeric(r[column])) return false;
    return true;
  };
  out << "<div class=\"scroll\"><table>\n<thead><tr>";
  for (const auto& h : t.header) out << "<th>" << escape(h) << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    out << "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      if (i == 0 && row_headers) {
        out << "<th>" << escape(row[i]) << "</th>";
        continue;
      }
      const char* cls = static_cast<int>(i) == evidence_column ? " class=\"evidence\""
                        : all_numeric(r, i)                    ? " class=\"num\""
                                                               : "";
      out << "<td" << cls << ">" << escape(row[i]) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table></div>\n";
}

}  // namespace

void HtmlReporter::write(const ShowdownResult& result, std::ostream& out) const {
  const ShowdownInfo& info = result.showdown;
  bool sealed = false, scripted = false;
  for (const auto& run : result.runs) {
    sealed |= !run.model.has_value();
    scripted |= run.scripted;
  }
  std::string title = "Showdown: " + (info.task.empty() ? "(unnamed task)" : info.task);

  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << escape(title) << "</title>\n<style>" << kStyle << "</style>\n"
      << "</head>\n<body>\n";
  out << "<h1>" << escape(title) << "</h1>\n";
  out << "<p class=\"meta\">Base commit <code>"
      << escape(info.base_sha.empty() ? "?" : info.base_sha) << "</code> · " << result.runs.size()
      << (result.runs.size() == 1 ? " run" : " runs") << " · " << info.models
      << (info.models == 1 ? " model" : " models") << " × " << info.trials
      << (info.trials == 1 ? " trial" : " trials");
  if (!info.started_at.empty()) out << " · started " << escape(info.started_at);
  if (!info.finished_at.empty()) out << " · finished " << escape(info.finished_at);
  out << "</p>\n";
  if (sealed) {
    out << "<p class=\"note\"><strong>Sealed.</strong> Runs are shown by label only; "
           "<code>showdown unseal DIR</code> verifies the seal and names the models.</p>\n";
  }
  if (scripted) {
    out << "<p class=\"note\">Runs marked <em>scripted</em> were driven by "
           "<code>serve-script</code>, not by a model.</p>\n";
  }

  out << "<h2>Summary</h2>\n";
  print_table(summary_table(result), out, false);
  out << "<h2>Full metrics</h2>\n";
  print_table(metrics_table(result), out, true);
  out << "<h2>Pathologies</h2>\n";
  Table pathologies = pathologies_table(result);
  if (pathologies.rows.empty())
    out << "<p>None detected.</p>\n";
  else
    print_table(pathologies, out, false, 4);

  if (has_trials(result)) {
    out << "<h2>Trials</h2>\n";
    Table trials = trials_table(result);
    if (trials.rows.empty()) {
      out << "<p>Per-model rates appear after <code>showdown unseal DIR</code>: grouping runs "
             "by model before then would break the blind.</p>\n";
    } else {
      print_table(trials, out, false);
      out << "<p class=\"meta\">Rates with Wilson 95% intervals. Shipped: complete or partial. "
             "Runs with infrastructure errors are not counted.</p>\n";
    }
  }
  out << "</body>\n</html>\n";
}

}  // namespace showdown
