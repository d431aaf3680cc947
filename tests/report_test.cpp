// links: showdown_report
#include <gtest/gtest.h>

#include <sstream>

#include "report/reporter.h"
#include "study_runs.h"

namespace showdown {
namespace {

using test::study;

std::string render(const ShowdownResult& result, const std::string& format) {
  std::ostringstream out;
  std::string err;
  EXPECT_TRUE(write_report(result, format, out, &err)) << err;
  return out.str();
}

TEST(MarkdownReport, SummaryRowsReadLikeTheStudy) {
  std::string md = render(study(true), "md");
  EXPECT_NE(
      md.find(
          "| Model | Tool Calls | Total Tokens | Commits | Build Pass | Screenshot | Outcome |"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("| Sonnet 4 (run-10) | 88 | 19,237 | 4 | ✅ (1st try) | ✅ | Complete |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| Qwen3-Coder (run-11) | 60 | 2,059,519 | 1 | ✅ (3rd try) | ❌ | Partial |"),
            std::string::npos);
  EXPECT_NE(md.find("| Qwen 3.6 (run-12) | 76 | 3,890,791 | 0 | ✅ (2nd try) | ❌ | Failed |"),
            std::string::npos);
  EXPECT_NE(md.find("| Gemma 4 12B (run-13) | 34 | 1,170,967 | 0 | ❌ (0/7) | ❌ | Failed |"),
            std::string::npos);
  EXPECT_NE(md.find("| Hermes 4 14B (run-14) | 40 | 1,138,614 | 0 | ❌ (0/13) | ❌ | Failed |"),
            std::string::npos);
  EXPECT_NE(md.find("| Devstral 24B (run-15) | 0 | 14,447 | 0 | ❌ | ❌ | Total failure |"),
            std::string::npos);
  EXPECT_NE(md.find("# Showdown: tag-manager"), std::string::npos);
  EXPECT_NE(md.find("5d1c0ffee"), std::string::npos);
}

TEST(MarkdownReport, FullMetricsAreTransposedOneColumnPerRun) {
  std::string md = render(study(true), "md");
  EXPECT_NE(md.find("| Metric | Sonnet 4 (run-10) | Qwen3-Coder (run-11) | Qwen 3.6 (run-12) | "
                    "Gemma 4 12B (run-13) | Hermes 4 14B (run-14) | Devstral 24B (run-15) |"),
            std::string::npos)
      << md;
  EXPECT_NE(
      md.find("| Total tokens | 19,237 | 2,059,519 | 3,890,791 | 1,170,967 | 1,138,614 | 14,447 |"),
      std::string::npos);
  EXPECT_NE(md.find("| Tool calls | 88 | 60 | 76 | 34 | 40 | 0 |"), std::string::npos);
  EXPECT_NE(md.find("| Messages | 183 | 127 | 162 | 81 | 88 | 9 |"), std::string::npos);
  EXPECT_NE(md.find("| Commits pushed | 4 | 1 | 0 | 0 | 0 | 0 |"), std::string::npos);
  EXPECT_NE(md.find("| Build passed | ✅ 1st try | ✅ 3rd try | ✅ 2nd try | ❌ 0/7 | ❌ 0/13 | ❌ |"),
            std::string::npos);
  EXPECT_NE(md.find("| Screenshot | ✅ | ❌ | ❌ | ❌ | ❌ | ❌ |"), std::string::npos);
  EXPECT_NE(md.find("| Nudges | 0 | 0 | 3 | 2 + stop | stop | 1 |"), std::string::npos);
  EXPECT_NE(md.find("| Outcome | Complete | Partial | Failed | Failed | Failed | Total failure |"),
            std::string::npos);
}

TEST(MarkdownReport, SealedReportShowsLabelsAndNoModelNames) {
  std::string md = render(study(false), "md");
  EXPECT_NE(md.find("| Run | Tool Calls |"), std::string::npos) << md;
  EXPECT_NE(md.find("| run-10 | 88 | 19,237 | 4 | ✅ (1st try) | ✅ | Complete |"),
            std::string::npos);
  EXPECT_NE(md.find("Sealed"), std::string::npos);
  for (const char* name : {"Sonnet", "Qwen", "Gemma", "Hermes", "Devstral"})
    EXPECT_EQ(md.find(name), std::string::npos) << name;
}

TEST(MarkdownReport, TokenMultiplesAreOfTheLeanestCompleteRun) {
  std::string md = render(study(true), "md");
  // Sonnet: 19,237 tokens / 10 requirements; Qwen3-Coder 2,059,519 / 8.
  EXPECT_NE(md.find("| Sonnet 4 (run-10) | 19,237 | 10/10 | 1,924 | 1.0× | Complete |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| Qwen3-Coder (run-11) | 2,059,519 | 8/10 | 257,440 | 107× | Partial |"),
            std::string::npos);
  EXPECT_NE(md.find("| 3,890,791 | 1/10 | 3,890,791 | 202× |"), std::string::npos);
  EXPECT_NE(md.find("| 14,447 | 1/10 | 14,447 | 0.8× |"), std::string::npos);
}

TEST(MarkdownReport, NoCompleteRunMeansNoMultiple) {
  ShowdownResult s = study(true);
  s.runs.erase(s.runs.begin());
  std::string md = render(s, "md");
  EXPECT_NE(md.find("| Qwen3-Coder (run-11) | 2,059,519 | 8/10 | 257,440 | — | Partial |"),
            std::string::npos)
      << md;
}

TEST(MarkdownReport, PathologiesListCountFirstMessageAndEvidence) {
  std::string md = render(study(true), "md");
  EXPECT_NE(md.find("| Hermes 4 14B (run-14) | repeated_failure | 13 | 34 | "
                    "Module not found: Can't resolve '../../../lib/tags' |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| Gemma 4 12B (run-13) | degenerate_repetition | 26 | 61 |"),
            std::string::npos);
}

TEST(MarkdownReport, PipesAndNewlinesInEvidenceStayInTheirCell) {
  ShowdownResult s = study(true);
  s.runs[0].pathologies = {{"cwd_amnesia", 2, 5, "cd repo | ls\nnpm run build"}};
  std::string md = render(s, "md");
  EXPECT_NE(md.find("| cd repo \\| ls npm run build |"), std::string::npos) << md;
}

TEST(MarkdownReport, ScriptedRunsAreMarked) {
  ShowdownResult s = study(false);
  s.runs[2].scripted = true;
  std::string md = render(s, "md");
  EXPECT_NE(md.find("| run-12 (scripted) | 76 |"), std::string::npos) << md;
  EXPECT_NE(md.find("serve-script"), std::string::npos);
}

ShowdownResult trials() {
  ShowdownResult s;
  s.showdown.task = "tiny";
  s.showdown.models = 2;
  s.showdown.trials = 3;
  s.showdown.sealed = false;
  const char* outcomes[2][3] = {{"complete", "complete", "partial"},
                                {"complete", "failed", "failed"}};
  int n = 1;
  for (int m = 0; m < 2; ++m) {
    for (int t = 0; t < 3; ++t) {
      RunResult r;
      r.run = "run-" + std::to_string(n++);
      r.model = m == 0 ? "alpha" : "beta";
      r.trial = t + 1;
      r.outcome = outcomes[m][t];
      r.total_tokens = 1000 * (t + 1) * (m + 1);
      r.tool_calls = 10 + t;
      r.wall_seconds = 60.0 * (t + 1);
      s.runs.push_back(r);
    }
  }
  return s;
}

TEST(MarkdownReport, TrialsGivePerModelRatesWithWilsonIntervals) {
  std::string md = render(trials(), "md");
  // alpha: 2/3 complete, 3/3 shipped; beta: 1/3 complete and shipped.
  EXPECT_NE(
      md.find("| alpha | 3 | 2/3 = 67% (21%–94%) | 3/3 = 100% (44%–100%) | 2,000 | 11 | 2m 0s |"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("| beta | 3 | 1/3 = 33% (6%–79%) | 1/3 = 33% (6%–79%) | 4,000 | 11 | 2m 0s |"),
            std::string::npos);
}

TEST(MarkdownReport, SealedTrialsDoNotGroupByModel) {
  ShowdownResult s = trials();
  for (auto& run : s.runs) run.model.reset();
  std::string md = render(s, "md");
  EXPECT_NE(md.find("## Trials"), std::string::npos);
  EXPECT_NE(md.find("after `showdown unseal DIR`"), std::string::npos);
  EXPECT_EQ(md.find("alpha"), std::string::npos);
}

// Splits RFC 4180 text into records of fields.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        rows.back().back() += text[++i];
      else if (c == '"')
        quoted = false;
      else
        rows.back().back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

TEST(CsvReport, OneRowPerRunWithQuotedEvidence) {
  ShowdownResult s = study(true);
  s.runs[4].pathologies = {{"ignored_stop", 5, 80, "said \"stop\", then\nwent on"}};
  std::string csv = render(s, "csv");
  EXPECT_EQ(csv.rfind("run,model,trial,", 0), 0u) << csv;
  EXPECT_NE(csv.find("\"ignored_stop x5 from message 80: said \"\"stop\"\", then\nwent on\""),
            std::string::npos)
      << csv;
  auto rows = parse_csv(csv);
  ASSERT_EQ(rows.size(), 7u);
  for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
  size_t pathologies = std::find(rows[0].begin(), rows[0].end(), "pathologies") - rows[0].begin();
  ASSERT_LT(pathologies, rows[0].size());
  EXPECT_EQ(rows[5][pathologies], "ignored_stop x5 from message 80: said \"stop\", then\nwent on");
  size_t total = std::find(rows[0].begin(), rows[0].end(), "total_tokens") - rows[0].begin();
  EXPECT_EQ(rows[2][total], "2059519");
  EXPECT_EQ(rows[1][1], "Sonnet 4");
}

TEST(CsvReport, SealedRunsHaveAnEmptyModel) {
  auto rows = parse_csv(render(study(false), "csv"));
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[1][0], "run-10");
  EXPECT_EQ(rows[1][1], "");
}

TEST(HtmlReport, IsOneSelfContainedPageWithEveryRun) {
  ShowdownResult s = study(true);
  s.runs[0].pathologies = {{"cwd_amnesia", 2, 5, "<script>alert(1)</script>"}};
  std::string html = render(s, "html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  for (const auto& run : s.runs) EXPECT_NE(html.find(run.run), std::string::npos) << run.run;
  EXPECT_NE(html.find("Sonnet 4 (run-10)"), std::string::npos);
  EXPECT_NE(html.find("✅ (1st try)"), std::string::npos);
  EXPECT_NE(html.find("repeated_failure"), std::string::npos);
}

TEST(JsonReport, IsTheResultsDocument) {
  ShowdownResult s = study(false);
  std::string text = render(s, "json");
  nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j, to_json(s));
  EXPECT_TRUE(j["runs"][0]["model"].is_null());
}

TEST(WriteReport, UnknownFormatIsAnError) {
  std::ostringstream out;
  std::string err;
  EXPECT_FALSE(write_report(study(true), "pdf", out, &err));
  EXPECT_NE(err.find("'pdf'"), std::string::npos);
  EXPECT_TRUE(out.str().empty());
}

}  // namespace
}  // namespace showdown
