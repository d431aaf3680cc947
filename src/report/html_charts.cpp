#include "report/html_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "report/cells.h"
#include "report/html_text.h"

namespace showdown {

namespace {

constexpr double kWidth = 600;
constexpr double kRow = 28;
constexpr double kBar = 18;
constexpr double kTop = 10;
constexpr double kAxis = 26;
constexpr double kValueRoom = 78;  // right of the longest bar, for its number
constexpr size_t kLabelChars = 34;

const char* const kOutcomes[] = {"complete", "partial", "failed", "total_failure", "infra_error"};

std::string num(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string outcome_class(const std::string& outcome) {
  for (const char* o : kOutcomes)
    if (outcome == o) return std::string("o-") + o;
  return "o-unknown";
}

std::string short_label(const std::string& label) {
  if (label.size() <= kLabelChars) return label;
  return one_line(label, kLabelChars);
}

double label_width(const std::vector<std::string>& labels) {
  size_t longest = 4;
  for (const auto& l : labels) longest = std::max(longest, std::min(l.size(), kLabelChars));
  return std::clamp(7.2 * static_cast<double>(longest) + 14, 90.0, 270.0);
}

std::string compact(double v) {
  if (v >= 1e9) return std::to_string(static_cast<int64_t>(v / 1e9)) + "B";
  if (v >= 1e6) return std::to_string(static_cast<int64_t>(v / 1e6)) + "M";
  if (v >= 1e3) return std::to_string(static_cast<int64_t>(v / 1e3)) + "K";
  return std::to_string(static_cast<int64_t>(v));
}

// Ticks of a linear axis from 0: steps of 1, 2 or 5 × 10^k, about five of them.
std::vector<double> linear_ticks(double max) {
  if (max <= 0) max = 1;
  double raw = max / 5;
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * power;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = 0; t <= max + step * 0.999; t += step) ticks.push_back(t);
  return ticks;
}

struct Bar {
  std::string label;
  std::string href;       // the run's section
  double value = 0;
  std::string text;       // the number shown at the bar's end
  std::string outcome;
  bool scripted = false;
  std::string tooltip;
};

void svg_open(std::ostream& out, double height, const std::string& title, int chart) {
  out << "<svg class=\"chart\" width=\"" << num(kWidth) << "\" height=\"" << num(height)
      << "\" viewBox=\"0 0 " << num(kWidth) << " " << num(height) << "\" role=\"img\" aria-label=\"" << html_escape(title) << "\">\n"
      << "<defs><pattern id=\"stripes-" << chart
      << "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" class=\"stripe\"/>"
         "</pattern></defs>\n";
}

void row_label(std::ostream& out, const Bar& bar, double y, double label_w) {
  out << "<a href=\"#" << html_escape(bar.href) << "\"><text class=\"label\" x=\""
      << num(label_w - 8) << "\" y=\"" << num(y + kBar / 2 + 4) << "\" text-anchor=\"end\">"
      << html_escape(short_label(bar.label)) << "<title>" << html_escape(bar.label)
      << "</title></text></a>\n";
}

// Horizontal bars, one row each; `x` maps a value to a position on the bar area
// from x(0)==left.
template <typename Scale>
void bars(std::ostream& out, const std::vector<Bar>& rows, double label_w, int chart,
          Scale x) {
  for (size_t i = 0; i < rows.size(); ++i) {
    const Bar& bar = rows[i];
    double y = kTop + static_cast<double>(i) * kRow;
    row_label(out, bar, y, label_w);
    double end = x(bar.value);
    double w = std::max(0.0, end - label_w);
    out << "<g><title>" << html_escape(bar.tooltip) << "</title>";
    out << "<rect class=\"bar " << outcome_class(bar.outcome) << "\" x=\"" << num(label_w)
        << "\" y=\"" << num(y) << "\" width=\"" << num(std::max(w, 1.5)) << "\" height=\""
        << num(kBar) << "\" rx=\"2\"/>";
    if (bar.scripted) {
      out << "<rect x=\"" << num(label_w) << "\" y=\"" << num(y) << "\" width=\""
          << num(std::max(w, 1.5)) << "\" height=\"" << num(kBar) << "\" fill=\"url(#stripes-"
          << chart << ")\"/>";
    }
    out << "<text class=\"value\" x=\"" << num(label_w + std::max(w, 1.5) + 6) << "\" y=\""
        << num(y + kBar / 2 + 4) << "\">" << html_escape(bar.text) << "</text></g>\n";
  }
}

void axis_tick(std::ostream& out, double x, double bottom, const std::string& text) {
  out << "<line class=\"grid\" x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\""
      << num(kTop - 4) << "\" y2=\"" << num(bottom) << "\"/>"
      << "<text class=\"tick\" x=\"" << num(x) << "\" y=\"" << num(bottom + 16)
      << "\" text-anchor=\"middle\">" << html_escape(text) << "</text>\n";
}

std::vector<Bar> run_bars(const ShowdownResult& result) {
  std::vector<Bar> rows;
  for (const auto& run : result.runs) {
    Bar b;
    b.label = run_label(run);
    b.href = html_id(run.run);
    b.outcome = run.outcome;
    b.scripted = run.scripted;
    rows.push_back(b);
  }
  return rows;
}

void tokens_chart(const ShowdownResult& result, std::ostream& out) {
  std::vector<Bar> rows = run_bars(result);
  double top_power = 7;
  for (size_t i = 0; i < rows.size(); ++i) {
    const RunResult& run = result.runs[i];
    rows[i].value = static_cast<double>(run.total_tokens);
    rows[i].text = thousands(run.total_tokens);
    rows[i].tooltip = rows[i].label + ": " + thousands(run.total_tokens) + " tokens — " +
                      outcome_name(run.outcome);
    if (run.total_tokens > 0)
      top_power = std::max(top_power, std::ceil(std::log10(static_cast<double>(run.total_tokens))));
  }
  std::vector<std::string> labels;
  for (const auto& r : rows) labels.push_back(r.label);
  double label_w = label_width(labels);
  double area = kWidth - label_w - kValueRoom;
  double bottom = kTop + static_cast<double>(rows.size()) * kRow;
  auto x = [&](double v) {
    double p = std::log10(std::max(v, 1000.0));
    return label_w + (p - 3) / (top_power - 3) * area;
  };
  out << "<figure class=\"card\"><figcaption>Total tokens <span class=\"meta\">(log scale)"
         "</span></figcaption>\n";
  svg_open(out, bottom + kAxis, "Total tokens per run, log scale", 1);
  for (double p = 3; p <= top_power; ++p) axis_tick(out, x(std::pow(10.0, p)), bottom, compact(std::pow(10.0, p)));
  bars(out, rows, label_w, 1, x);
  out << "</svg></figure>\n";
}

void tool_calls_chart(const ShowdownResult& result, std::ostream& out) {
  std::vector<Bar> rows = run_bars(result);
  double max = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const RunResult& run = result.runs[i];
    rows[i].value = run.tool_calls;
    rows[i].text = thousands(run.tool_calls);
    rows[i].tooltip = rows[i].label + ": " + thousands(run.tool_calls) + " tool calls — " +
                      outcome_name(run.outcome);
    max = std::max(max, static_cast<double>(run.tool_calls));
  }
  std::vector<double> ticks = linear_ticks(max);
  std::vector<std::string> labels;
  for (const auto& r : rows) labels.push_back(r.label);
  double label_w = label_width(labels);
  double area = kWidth - label_w - kValueRoom;
  double bottom = kTop + static_cast<double>(rows.size()) * kRow;
  auto x = [&](double v) { return label_w + v / ticks.back() * area; };
  out << "<figure class=\"card\"><figcaption>Tool calls</figcaption>\n";
  svg_open(out, bottom + kAxis, "Tool calls per run", 2);
  for (double t : ticks) axis_tick(out, x(t), bottom, thousands(std::llround(t)));
  bars(out, rows, label_w, 2, x);
  out << "</svg></figure>\n";
}

// What the colors mean, for all three charts.
void legend(const ShowdownResult& result, std::ostream& out) {
  out << "<div class=\"legend\">";
  for (const char* o : kOutcomes)
    out << "<span><i class=\"swatch " << outcome_class(o) << "\"></i>"
        << html_escape(outcome_name(o)) << "</span>";
  bool scripted = false;
  for (const auto& run : result.runs) scripted |= run.scripted;
  if (scripted) out << "<span><i class=\"swatch striped\"></i>scripted</span>";
  out << "</div>";
}

// Stacked bars of outcome counts per model; per run while any run is sealed, as
// grouping by model would break the blind.
void outcomes_chart(const ShowdownResult& result, std::ostream& out) {
  bool sealed = false;
  for (const auto& run : result.runs) sealed |= !run.model.has_value();
  struct Group {
    std::string label, href;
    bool scripted = false;
    std::map<std::string, int> counts;
    int total = 0;
  };
  std::vector<Group> groups;
  for (const auto& run : result.runs) {
    std::string key = sealed ? run_label(run) : *run.model + (run.scripted ? " (scripted)" : "");
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const Group& g) { return g.label == key; });
    if (it == groups.end()) {
      groups.push_back({key, html_id(run.run), run.scripted, {}, 0});
      it = groups.end() - 1;
    }
    ++it->counts[run.outcome];
    ++it->total;
  }
  int max = 1;
  for (const auto& g : groups) max = std::max(max, g.total);
  std::vector<std::string> labels;
  for (const auto& g : groups) labels.push_back(g.label);
  double label_w = label_width(labels);
  double area = kWidth - label_w - 40;
  double bottom = kTop + static_cast<double>(groups.size()) * kRow;
  out << "<figure class=\"card\"><figcaption>Outcomes " << (sealed ? "per run" : "per model")
      << "</figcaption>\n";
  // One run per group needs no count axis: the color says it all.
  svg_open(out, bottom + (max > 1 ? kAxis : 0), sealed ? "Outcome of each run" : "Outcomes per model", 3);
  if (max > 1) {
    int step = std::max(1, (max + 4) / 5);
    for (int t = 0; t <= max; t += step)
      axis_tick(out, label_w + area * t / max, bottom, std::to_string(t));
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    const Group& g = groups[i];
    double y = kTop + static_cast<double>(i) * kRow;
    Bar label_bar;
    label_bar.label = g.label;
    label_bar.href = g.href;
    row_label(out, label_bar, y, label_w);
    double x = label_w;
    std::vector<std::string> order(std::begin(kOutcomes), std::end(kOutcomes));
    for (const auto& [outcome, n] : g.counts)
      if (std::find(order.begin(), order.end(), outcome) == order.end()) order.push_back(outcome);
    for (const auto& outcome : order) {
      auto it = g.counts.find(outcome);
      if (it == g.counts.end()) continue;
      double w = area * it->second / max;
      std::string name = outcome_name(outcome) + (it->second > 1 ? " ×" + std::to_string(it->second) : "");
      out << "<g><title>" << html_escape(g.label + ": " + name) << "</title><rect class=\"bar "
          << outcome_class(outcome) << "\" x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\""
          << num(std::max(w - 1, 1.0)) << "\" height=\"" << num(kBar) << "\" rx=\"2\"/>";
      if (g.scripted) {
        out << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\""
            << num(std::max(w - 1, 1.0)) << "\" height=\"" << num(kBar)
            << "\" fill=\"url(#stripes-3)\"/>";
      }
      if (w > 7.0 * static_cast<double>(name.size()) + 8) {
        out << "<text class=\"inbar\" x=\"" << num(x + 6) << "\" y=\"" << num(y + kBar / 2 + 4)
            << "\">" << html_escape(name) << "</text>";
      }
      out << "</g>\n";
      x += w;
    }
  }
  out << "</svg>";
  legend(result, out);
  out << "</figure>\n";
}

}  // namespace

void write_charts(const ShowdownResult& result, std::ostream& out) {
  if (result.runs.empty()) return;
  out << "<div class=\"charts\">\n";
  tokens_chart(result, out);
  tool_calls_chart(result, out);
  outcomes_chart(result, out);
  out << "</div>\n";
}

}  // namespace showdown
