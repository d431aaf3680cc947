#include "report/html_reporter.h"

#include <functional>

#include "report/cells.h"
#include "report/html_charts.h"
#include "report/html_text.h"
#include "report/html_timeline.h"
#include "report/html_transcript.h"
#include "report/tables.h"
#include "report/trials.h"

namespace showdown {

namespace {

const char* const kStyle = R"(
:root { color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa;
  --card: #ffffff; --accent: #0969da; --code: #eff2f5; --hl: #fff8c5;
  --complete: #1a7f37; --partial: #bf8700; --failed: #cf222e; --total: #82071e; --infra: #818b98;
  --exec: #8c959f; --read: #54aeff; --write: #8250df; --commit: #d4a72c; --push: #1b7c83;
  --nudge: #fb8500; --stop: #a40e26; --patho: #bf3989; }
@media (prefers-color-scheme: dark) { :root {
  --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #30363d; --soft: #161b22;
  --card: #0d1117; --accent: #4493f8; --code: #1c2128; --hl: #3b2e00;
  --complete: #2ea043; --partial: #d29922; --failed: #f85149; --total: #da3633; --infra: #6e7681;
  --exec: #6e7681; --read: #4493f8; --write: #a371f7; --commit: #e3b341; --push: #39c5cf;
  --nudge: #ffa657; --stop: #ff7b72; --patho: #f778ba; } }
* { box-sizing: border-box; }
html { scroll-behavior: auto; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  background: var(--bg); margin: 0; }
main, header.top { max-width: 1240px; margin: 0 auto; padding: 0 1.5rem; }
header.top { padding-top: 1.6rem; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; letter-spacing: -.01em; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 .3rem; display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; }
h4 { font-size: .9rem; margin: .8rem 0 .3rem; color: var(--muted); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.meta { color: var(--muted); }
.note { background: var(--hl); border: 1px solid #d4a72c66; padding: .5rem .8rem; border-radius: 6px; }
code, pre { font: 12.5px/1.45 ui-monospace, "SF Mono", "Cascadia Mono", Menlo, Consolas, monospace; }
code { background: var(--code); padding: .1rem .3rem; border-radius: 4px; }
nav.toc { position: sticky; top: 0; z-index: 5; background: var(--bg); border-bottom: 1px solid var(--line);
  margin-top: 1rem; }
nav.toc div { max-width: 1240px; margin: 0 auto; padding: .45rem 1.5rem; display: flex; gap: .3rem 1rem;
  flex-wrap: wrap; font-size: .9rem; }
nav.toc .runs-nav { color: var(--muted); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .4rem 0; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; }
tbody th { background: var(--soft); font-weight: 500; white-space: nowrap; }
tbody tr:nth-child(even) td { background: color-mix(in srgb, var(--soft) 55%, transparent); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.evidence { font: 12px ui-monospace, "SF Mono", Menlo, monospace; max-width: 38rem; word-break: break-word; }
.badge { display: inline-block; font-size: .75rem; font-weight: 600; line-height: 1.2; padding: .15rem .45rem;
  border-radius: 999px; border: 1px solid var(--line); color: var(--fg); background: var(--soft); white-space: nowrap; }
.badge.o-complete, .badge.o-partial, .badge.o-failed, .badge.o-total_failure, .badge.o-infra_error {
  color: #fff; border-color: transparent; }
.badge.o-complete { background: var(--complete); } .badge.o-partial { background: var(--partial); }
.badge.o-failed { background: var(--failed); } .badge.o-total_failure { background: var(--total); }
.badge.o-infra_error { background: var(--infra); }
.badge.good { color: var(--complete); border-color: var(--complete); background: transparent; }
.badge.bad { color: var(--failed); border-color: var(--failed); background: transparent; }
.badge.warn { color: var(--partial); border-color: var(--partial); background: transparent; }
.badge.calls { color: var(--muted); background: transparent; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 1rem; }
.card { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: .7rem .9rem .4rem; background: var(--card); }
figcaption { font-weight: 600; margin-bottom: .3rem; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: var(--fg); }
svg.chart text.tick { fill: var(--muted); font-size: 11px; }
svg.chart text.value { font-variant-numeric: tabular-nums; }
svg.chart text.inbar { fill: #fff; font-size: 11px; font-weight: 600; }
svg.chart a text.label { fill: var(--fg); }
svg.chart a:hover text.label { fill: var(--accent); text-decoration: underline; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .stripe { fill: rgba(255,255,255,.42); }
.bar.o-complete { fill: var(--complete); } .bar.o-partial { fill: var(--partial); }
.bar.o-failed { fill: var(--failed); } .bar.o-total_failure { fill: var(--total); }
.bar.o-infra_error, .bar.o-unknown { fill: var(--infra); }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1.1rem; font-size: .85rem; color: var(--muted); margin: .3rem 0 .4rem;
  align-items: center; grid-column: 1 / -1; }
.legend span { display: inline-flex; align-items: center; gap: .35rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; }
.swatch.o-complete { background: var(--complete); } .swatch.o-partial { background: var(--partial); }
.swatch.o-failed { background: var(--failed); } .swatch.o-total_failure { background: var(--total); }
.swatch.o-infra_error { background: var(--infra); }
.swatch.striped { background: repeating-linear-gradient(45deg, var(--infra) 0 3px, var(--soft) 3px 6px); }
section.run { border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.1rem; margin: 1rem 0 1.4rem;
  background: var(--card); scroll-margin-top: 3rem; }
.facts { margin: .1rem 0 .7rem; color: var(--muted); font-size: .9rem; }
.facts b { color: var(--fg); font-weight: 600; }
.timeline { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 6px 2px; min-height: 34px;
  padding: 4px 6px; background: var(--soft); border-radius: 6px; border: 1px solid var(--line); }
.mk { display: inline-block; flex: 0 0 7px; width: 7px; height: 12px; border-radius: 2px; background: var(--exec); }
a.mk:hover { outline: 2px solid var(--accent); outline-offset: 1px; }
.mk.read { background: var(--read); } .mk.write { background: var(--write); } .mk.tool { background: var(--exec); opacity: .6; }
.mk.text { background: transparent; border: 1.5px solid var(--muted); height: 10px; }
.mk.build-ok { background: var(--complete); height: 20px; } .mk.build-fail { background: var(--failed); height: 20px; }
.mk.commit { background: var(--commit); height: 26px; } .mk.push { background: var(--push); height: 26px; }
.mk.nudge { background: var(--nudge); height: 26px; } .mk.stop { background: var(--stop); height: 26px; }
.mk.patho { background: var(--patho); height: 30px; width: 4px; flex-basis: 4px;
  box-shadow: 0 0 0 2px color-mix(in srgb, var(--patho) 35%, transparent); }
.mk.event { background: transparent; border: 2px solid var(--failed); height: 20px; }
.mk.end { background: var(--fg); height: 30px; width: 4px; flex-basis: 4px; }
.mk.failed { box-shadow: inset 0 -4px 0 var(--failed); }
.timeline.narrow { gap: 6px 1px; } .timeline.narrow .mk:not(.patho):not(.end) { width: 5px; flex-basis: 5px; }
.timeline.dense { gap: 6px 1px; } .timeline.dense .mk:not(.patho):not(.end) { width: 3px; flex-basis: 3px; }
.legend.tl-legend .mk { flex: none; }
.tl-axis { display: flex; justify-content: space-between; font-size: .78rem; color: var(--muted); margin: .15rem .2rem .6rem; }
ul.patho { margin: .3rem 0 .8rem; padding-left: 1.2rem; font-size: .92rem; }
ul.patho li { margin: .15rem 0; }
ul.patho code { word-break: break-word; }
details.transcript { border-top: 1px solid var(--line); padding-top: .5rem; margin-top: .4rem; }
details.transcript > summary { cursor: pointer; font-weight: 600; }
.tx-tools { display: flex; gap: .5rem; margin: .5rem 0; }
.tx-tools button { font: inherit; font-size: .8rem; padding: .15rem .6rem; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--line); background: var(--soft); color: var(--fg); }
details.msg { border-left: 3px solid var(--line); margin: 2px 0; border-radius: 0 4px 4px 0; scroll-margin-top: 3.2rem; }
details.msg > summary { cursor: pointer; list-style: none; display: flex; gap: .5rem; align-items: baseline;
  padding: .22rem .5rem; font-size: .88rem; white-space: nowrap; overflow: hidden; }
details.msg > summary::-webkit-details-marker { display: none; }
details.msg > summary::before { content: "▸"; color: var(--muted); font-size: .75rem; }
details.msg[open] > summary::before { content: "▾"; }
details.msg > summary:hover { background: var(--soft); }
details.msg .no { color: var(--muted); font-variant-numeric: tabular-nums; min-width: 2.6rem; }
details.msg .who { font-weight: 600; min-width: 5.5rem; }
details.msg .pv { color: var(--muted); overflow: hidden; text-overflow: ellipsis; flex: 1; min-width: 0; }
details.msg .when { color: var(--muted); font-size: .78rem; font-variant-numeric: tabular-nums; }
details.msg .body { padding: .2rem .6rem .6rem 1.4rem; }
details.msg.prompt { border-left-color: var(--accent); } details.msg.assistant { border-left-color: var(--write); }
details.msg.tool { border-left-color: var(--exec); } details.msg.nudge, details.msg.interactive { border-left-color: var(--nudge); }
details.msg.stop { border-left-color: var(--stop); } details.msg.bad-event { border-left-color: var(--failed); }
details.msg.start, details.msg.end { border-left-color: var(--fg); }
details.msg.target, details.msg:target { background: var(--hl); }
pre { background: var(--code); padding: .5rem .7rem; border-radius: 6px; margin: .35rem 0; white-space: pre-wrap;
  word-break: break-word; max-height: 36rem; overflow: auto; }
pre.cmd { border-left: 3px solid var(--exec); }
pre.reasoning { font-style: italic; color: var(--muted); }
details.more > summary { cursor: pointer; font-size: .8rem; color: var(--accent); }
.call { margin: .4rem 0; }
.call-head { font-size: .85rem; } .tname { font-weight: 600; } .cid { color: var(--muted); font-size: .75rem; }
.kv { font-size: .8rem; color: var(--muted); margin: .3rem 0; } .kv b { color: var(--fg); font-weight: 600; }
.bad-text { color: var(--failed); font-size: .85rem; }
footer { max-width: 1240px; margin: 2.5rem auto 2rem; padding: 0 1.5rem; color: var(--muted); font-size: .8rem; }
)";

// Opens the <details> around a linked message (evidence, timeline marks, a
// typed #hash) and records any script error on <body data-errors> where a test
// can read it.
const char* const kScript = R"(
(function () {
  var body = document.body;
  function fail(message) {
    body.setAttribute("data-errors", (body.getAttribute("data-errors") || "") + message + ";");
  }
  window.addEventListener("error", function (e) { fail(String(e.message)); });
  try {
    var current = null;
    function reveal() {
      var id = decodeURIComponent(location.hash.slice(1));
      var el = id ? document.getElementById(id) : null;
      if (!el) return;
      for (var p = el; p; p = p.parentElement) if (p.tagName === "DETAILS") p.open = true;
      if (current) current.classList.remove("target");
      current = el;
      el.classList.add("target");
      el.scrollIntoView({ block: "start" });
    }
    window.addEventListener("hashchange", reveal);
    document.addEventListener("click", function (e) {
      var t = e.target;
      if (!t || !t.closest) return;
      var a = t.closest("a[href^='#']");
      // Following a link to the hash already shown fires no hashchange.
      if (a && a.getAttribute("href") === location.hash) setTimeout(reveal, 0);
      var b = t.closest("button[data-open]");
      if (b) {
        var open = b.getAttribute("data-open") === "1";
        var items = b.closest(".transcript").querySelectorAll("details.msg");
        for (var i = 0; i < items.length; i++) items[i].open = open;
      }
    });
    reveal();
    body.setAttribute("data-ready", "1");
  } catch (e) {
    fail(String(e && e.message ? e.message : e));
  }
})();
)";

// A number, or the dash that stands for a missing one.
bool numeric(const std::string& cell) {
  if (cell.empty()) return false;
  if (cell == "—") return true;
  for (char c : cell)
    if (!(c >= '0' && c <= '9') && c != ',' && c != '.') return false;
  return true;
}

// The inner HTML of a cell given its escaped text; the identity by default.
using CellHtml = std::function<std::string(size_t row, size_t column, const std::string& escaped)>;

// `row_headers`: the first cell of each row names the row (the transposed metrics
// table), so numbers align per row there and per column elsewhere.
// `evidence_column`: index of a column of model output, set in monospace.
void print_table(const Table& t, std::ostream& out, bool row_headers, int evidence_column = -1,
                 const CellHtml& cell_html = nullptr) {
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
  for (const auto& h : t.header) out << "<th>" << html_escape(h) << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    out << "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      std::string html = html_escape(row[i]);
      if (cell_html) html = cell_html(r, i, html);
      if (i == 0 && row_headers) {
        out << "<th>" << html << "</th>";
        continue;
      }
      const char* cls = static_cast<int>(i) == evidence_column ? " class=\"evidence\""
                        : all_numeric(r, i)                    ? " class=\"num\""
                                                               : "";
      out << "<td" << cls << ">" << html << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table></div>\n";
}

std::string badge(const std::string& outcome, const std::string& escaped) {
  return "<span class=\"badge o-" + html_escape(outcome) + "\">" + escaped + "</span>";
}

std::string link(const std::string& anchor, const std::string& escaped) {
  return "<a href=\"#" + html_escape(anchor) + "\">" + escaped + "</a>";
}

const std::vector<Record>* records_of(const Transcripts* transcripts, const RunResult& run) {
  if (!transcripts) return nullptr;
  auto it = transcripts->find(run.run);
  return it == transcripts->end() ? nullptr : &it->second;
}

// Where a pathology's evidence links: its first message in the viewer, or ""
// when the viewer does not hold that message.
std::string evidence_anchor(const Transcripts* transcripts, const RunResult& run,
                            const Pathology& p) {
  const std::vector<Record>* records = records_of(transcripts, run);
  if (!records || p.first_message <= 0) return "";
  return transcript_messages(*records).count(p.first_message)
             ? message_anchor(run.run, p.first_message)
             : "";
}

std::string build_command(const ShowdownResult& result, const std::vector<Record>& records) {
  for (const Record& r : records)
    if (r.is_object() && r.value("type", nlohmann::json()) == "run_start" && r.contains("build") &&
        r["build"].is_string())
      return r["build"].get<std::string>();
  return result.showdown.build_command;
}

void run_section(const ShowdownResult& result, const RunResult& run, const Transcripts* transcripts,
                 std::ostream& out) {
  std::string id = html_id(run.run);
  out << "<section class=\"run\" id=\"" << id << "\">\n<h3>" << html_escape(run_label(run)) << " "
      << badge(run.outcome, html_escape(outcome_name(run.outcome))) << "</h3>\n";
  out << "<p class=\"facts\"><b>" << thousands(run.tool_calls) << "</b> tool calls · <b>"
      << thousands(run.total_tokens) << "</b> tokens · <b>" << thousands(run.messages)
      << "</b> messages · <b>" << run.commits << "</b> " << (run.commits == 1 ? "commit" : "commits")
      << (run.commits > 0 && !run.pushed ? " (not pushed)" : "") << " · build "
      << html_escape(build_cell(run.build, false)) << " · nudges: " << html_escape(nudges_cell(run))
      << " · " << html_escape(duration_text(run.wall_seconds)) << " · ended "
      << html_escape(run.end_reason.empty() ? "—" : run.end_reason) << "</p>\n";
  if (!run.error.empty())
    out << "<p class=\"bad-text\">Infrastructure error: " << html_escape(one_line(run.error, 400))
        << "</p>\n";

  const std::vector<Record>* records = records_of(transcripts, run);
  std::string build = records ? build_command(result, *records) : result.showdown.build_command;
  if (records) write_timeline(run, *records, build, out);

  if (!run.pathologies.empty()) {
    out << "<ul class=\"patho\">\n";
    for (const auto& p : run.pathologies) {
      std::string anchor = evidence_anchor(transcripts, run, p);
      std::string what = html_escape(p.kind) + " ×" + std::to_string(p.count) +
                         (p.first_message > 0 ? " from message " + std::to_string(p.first_message) : "");
      out << "<li>" << (anchor.empty() ? "<b>" + what + "</b>" : link(anchor, "<b>" + what + "</b>"))
          << ": <code>" << html_escape(one_line(p.evidence, 400)) << "</code></li>\n";
    }
    out << "</ul>\n";
  }

  if (!records) {
    if (transcripts) out << "<p class=\"meta\">No transcript was found for this run.</p>\n";
    out << "</section>\n";
    return;
  }
  size_t shown = 0;
  for (const Record& r : *records) {
    std::string type = r.is_object() && r.contains("type") && r["type"].is_string()
                           ? r["type"].get<std::string>()
                           : "";
    if (type != "request" && type != "tool_call") ++shown;
  }
  out << "<details class=\"transcript\"><summary>Transcript · "
      << thousands(static_cast<int64_t>(shown)) << " entries</summary>\n<div class=\"tx-tools\"><button type=\"button\" data-open=\"1\">"
         "Expand all</button><button type=\"button\" data-open=\"0\">Collapse all</button></div>\n";
  write_transcript(run, *records, build, out);
  out << "</details>\n</section>\n";
}

void write_page(const ShowdownResult& result, const Transcripts* transcripts, std::ostream& out) {
  const ShowdownInfo& info = result.showdown;
  bool sealed = false, scripted = false, viewer = false, any_error = false;
  for (const auto& run : result.runs) {
    sealed |= !run.model.has_value();
    scripted |= run.scripted;
    viewer |= records_of(transcripts, run) != nullptr;
    any_error |= !run.error.empty();
  }
  std::string title = "Showdown: " + (info.task.empty() ? "(unnamed task)" : info.task);
  Table requirements = requirements_table(result);
  Table pathologies = pathologies_table(result);
  bool trials = has_trials(result);

  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << html_escape(title) << "</title>\n<style>" << kStyle << "</style>\n"
      << "</head>\n<body data-errors=\"\">\n<header class=\"top\">\n";
  out << "<h1>" << html_escape(title) << "</h1>\n";
  out << "<p class=\"meta\">Base commit <code>"
      << html_escape(info.base_sha.empty() ? "?" : info.base_sha) << "</code> · " << result.runs.size()
      << (result.runs.size() == 1 ? " run" : " runs") << " · " << info.models
      << (info.models == 1 ? " model" : " models") << " × " << info.trials
      << (info.trials == 1 ? " trial" : " trials");
  if (!info.build_command.empty()) out << " · build <code>" << html_escape(info.build_command) << "</code>";
  if (!info.started_at.empty()) out << " · started " << html_escape(info.started_at);
  if (!info.finished_at.empty()) out << " · finished " << html_escape(info.finished_at);
  out << "</p>\n";
  if (sealed) {
    out << "<p class=\"note\"><strong>Sealed.</strong> Runs are shown by label only; "
           "<code>showdown unseal DIR</code> verifies the seal and names the models.</p>\n";
  }
  if (scripted) {
    out << "<p class=\"note\">Runs marked <em>scripted</em> were driven by "
           "<code>serve-script</code>, not by a model.</p>\n";
  }
  out << "</header>\n<nav class=\"toc\"><div><a href=\"#charts\">Charts</a><a href=\"#summary\">Summary</a>"
         "<a href=\"#efficiency\">Token efficiency</a><a href=\"#metrics\">Full metrics</a>";
  if (!requirements.rows.empty()) out << "<a href=\"#requirements\">Requirements</a>";
  out << "<a href=\"#pathologies\">Pathologies</a>";
  if (trials) out << "<a href=\"#trials\">Trials</a>";
  out << "<span class=\"runs-nav\">Runs:</span>";
  for (const auto& run : result.runs)
    out << "<a href=\"#" << html_id(run.run) << "\">" << html_escape(run.run) << "</a>";
  out << "</div></nav>\n<main>\n";

  out << "<h2 id=\"charts\">At a glance</h2>\n";
  write_charts(result, out);

  auto outcome_cells = [&](size_t outcome_column) {
    return [&result, outcome_column](size_t row, size_t column, const std::string& html) {
      if (row >= result.runs.size()) return html;
      const RunResult& run = result.runs[row];
      if (column == 0) return link(html_id(run.run), html);
      if (column == outcome_column) return badge(run.outcome, html);
      return html;
    };
  };
  out << "<h2 id=\"summary\">Summary</h2>\n";
  print_table(summary_table(result), out, false, -1, outcome_cells(6));
  out << "<h2 id=\"efficiency\">Token efficiency</h2>\n";
  print_table(efficiency_table(result), out, false, -1, outcome_cells(5));
  out << "<p class=\"meta\">Tokens per requirement met; × is each run's total tokens over those of "
         "the leanest complete run.</p>\n";
  out << "<h2 id=\"metrics\">Full metrics</h2>\n";
  Table metrics = metrics_table(result);
  print_table(metrics, out, true, -1,
              [&](size_t row, size_t column, const std::string& html) {
                if (metrics.rows[row][0] != "Outcome" || column == 0 ||
                    column > result.runs.size())
                  return html;
                return badge(result.runs[column - 1].outcome, html);
              });
  if (!requirements.rows.empty()) {
    out << "<h2 id=\"requirements\">Requirements</h2>\n";
    print_table(requirements, out, true);
  }

  out << "<h2 id=\"pathologies\">Pathologies</h2>\n";
  if (pathologies.rows.empty()) {
    out << "<p>None detected.</p>\n";
  } else {
    // The anchors in pathologies_table's row order: runs in order, each run's pathologies.
    std::vector<std::string> anchors, sections;
    for (const auto& run : result.runs)
      for (const auto& p : run.pathologies) {
        anchors.push_back(evidence_anchor(transcripts, run, p));
        sections.push_back(html_id(run.run));
      }
    print_table(pathologies, out, false, 4,
                [&](size_t row, size_t column, const std::string& html) {
                  if (row >= anchors.size()) return html;
                  if (column == 0) return link(sections[row], html);
                  if ((column == 3 || column == 4) && !anchors[row].empty())
                    return link(anchors[row], html);
                  return html;
                });
  }

  if (any_error) {
    out << "<h2 id=\"errors\">Infrastructure errors</h2>\n<ul>\n";
    for (const auto& run : result.runs)
      if (!run.error.empty())
        out << "<li>" << link(html_id(run.run), html_escape(run_label(run))) << ": <code>"
            << html_escape(one_line(run.error, 400)) << "</code></li>\n";
    out << "</ul>\n";
  }

  if (trials) {
    out << "<h2 id=\"trials\">Trials</h2>\n";
    Table t = trials_table(result);
    if (t.rows.empty()) {
      out << "<p>Per-model rates appear after <code>showdown unseal DIR</code>: grouping runs "
             "by model before then would break the blind.</p>\n";
    } else {
      print_table(t, out, false);
      out << "<p class=\"meta\">Rates with Wilson 95% intervals. Shipped: complete or partial. "
             "Runs with infrastructure errors are not counted.</p>\n";
    }
  }

  out << "<h2 id=\"runs\">Runs</h2>\n";
  if (viewer) {
    out << "<p class=\"meta\">One mark per tool call or text reply, in order; hover for what "
           "happened, click to open it in the transcript.</p>\n";
    write_timeline_legend(out);
  }
  for (const auto& run : result.runs) run_section(result, run, transcripts, out);
  out << "</main>\n<footer>Written by showdown. Self-contained: this page loads nothing.</footer>\n";
  if (viewer) out << "<script>" << kScript << "</script>\n";
  out << "</body>\n</html>\n";
}

}  // namespace

void HtmlReporter::write(const ShowdownResult& result, std::ostream& out) const {
  write_page(result, nullptr, out);
}

void HtmlReporter::write_with_transcripts(const ShowdownResult& result,
                                          const Transcripts& transcripts,
                                          std::ostream& out) const {
  write_page(result, &transcripts, out);
}

}  // namespace showdown
