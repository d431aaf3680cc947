// links: showdown_report
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "report/reporter.h"
#include "study_runs.h"
#include "test_util.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;

const char* const kBuild = "npm run build";
const char* const kHostile = "</script><script>alert(1)</script> & <b>";

// Writes records the way the harness does (docs/transcript.md), numbering the
// conversation's messages as it goes.
class TranscriptBuilder {
 public:
  explicit TranscriptBuilder(const std::string& run) {
    add({{"type", "run_start"},
         {"run", run},
         {"task", "tag-manager"},
         {"base", "5d1c0ffee"},
         {"branch", run},
         {"system", "You are a coding agent. Work in /home/user/repo."},
         {"tools", {{{"name", "execute"}}, {{"name", "read_file"}}, {{"name", "write_file"}}}},
         {"limits", {{"tool_calls", 150}}},
         {"build", kBuild},
         {"cwd", "home"},
         {"model", "[sealed]"}});
    user("Build a tag manager in the Next.js app at ./repo.", "prompt");
  }

  int message() const { return message_; }

  void user(const std::string& content, const std::string& source) {
    add({{"type", "message"},
         {"message", ++message_},
         {"role", "user"},
         {"content", content},
         {"source", source}});
  }

  void reply(const std::string& content) {
    add({{"type", "request"}, {"step", ++step_}, {"messages", message_}});
    add(response(content, nlohmann::json::array()));
  }

  // One step: the model calls `name`, the harness runs it and answers.
  void call(const std::string& name, const nlohmann::json& arguments, const std::string& output,
            int exit_code = 0) {
    add({{"type", "request"}, {"step", ++step_}, {"messages", message_}});
    std::string id = "call_" + std::to_string(++calls_);
    add(response("", {{{"id", id}, {"name", name}, {"arguments", arguments}}}));
    add({{"type", "tool_call"},
         {"step", step_},
         {"index", calls_},
         {"id", id},
         {"name", name},
         {"arguments", arguments}});
    Record result{{"type", "tool_result"}, {"step", step_},  {"message", ++message_},
                  {"id", id},              {"name", name},   {"output", output},
                  {"is_error", false}};
    if (name == "execute") {
      result["exit_code"] = exit_code;
      result["timed_out"] = false;
      result["output_bytes"] = output.size();
      result["seconds"] = 0.8;
    }
    add(result);
  }

  void execute(const std::string& command, const std::string& output, int exit_code = 0) {
    call("execute", {{"command", command}}, output, exit_code);
  }

  // A call the run ended before executing: it has no result.
  void unanswered(const std::string& command) {
    add({{"type", "request"}, {"step", ++step_}, {"messages", message_}});
    std::string id = "call_" + std::to_string(++calls_);
    nlohmann::json arguments{{"command", command}};
    add(response("", {{{"id", id}, {"name", "execute"}, {"arguments", arguments}}}));
    add({{"type", "tool_call"}, {"step", step_}, {"index", calls_}, {"id", id}, {"name", "execute"},
         {"arguments", arguments}});
    add({{"type", "event"}, {"event", "limit"}, {"detail", {{"limit", "tool_calls"}, {"value", calls_}}}});
  }

  void intervene(const std::string& kind, const std::string& text) {
    add({{"type", "event"}, {"event", kind}, {"detail", {{"rule", "idle"}, {"count", 1}}}});
    user(text, kind);
  }

  std::vector<Record> end(const std::string& reason) {
    add({{"type", "run_end"}, {"reason", reason}, {"wall_seconds", time_}});
    return records_;
  }

 private:
  Record response(const std::string& content, const nlohmann::json& calls) {
    return {{"type", "response"},
            {"step", step_},
            {"message", ++message_},
            {"content", content},
            {"tool_calls", calls},
            {"finish_reason", calls.empty() ? "stop" : "tool_calls"},
            {"usage", {{"prompt_tokens", 9000}, {"completion_tokens", 120}, {"total_tokens", 9120}}},
            {"usage_reported", true},
            {"latency_seconds", 2.5},
            {"attempts", 1}};
  }

  void add(Record r) {
    r["seq"] = records_.size();
    time_ += 1.25;
    r["time"] = time_;
    records_.push_back(std::move(r));
  }

  std::vector<Record> records_;
  int message_ = 0;
  int step_ = 0;
  int calls_ = 0;
  double time_ = 0;
};

struct Study {
  ShowdownResult result;
  Transcripts transcripts;
};

// The six runs of the study's Round 7, with transcripts that show what their
// rows say: clean work, failing builds, nudges, stops, text tool calls.
Study study(bool unsealed) {
  Study s;
  s.result = test::study(unsealed);
  s.result.showdown.build_command = kBuild;

  {
    TranscriptBuilder t("run-10");
    t.execute("ls repo", "package.json\nsrc\n");
    t.call("read_file", {{"path", "repo/src/app/page.tsx"}}, "export default function Page() {}");
    t.call("write_file", {{"path", "repo/src/lib/tags.ts"}, {"content", "export const tags = [];"}},
           "wrote 23 bytes");
    t.execute("cd repo && npm run build 2>&1 | tail -20", "Compiled successfully\n");
    t.execute("cd repo && git add -A && git commit -m 'Add tags'", "[run-10 abc123] Add tags\n");
    t.execute("cd repo && git push origin HEAD", "To remote\n");
    t.reply("Done: the tag manager builds and is pushed.");
    s.transcripts["run-10"] = t.end("end_turn");
  }
  {
    TranscriptBuilder t("run-11");
    for (int i = 0; i < 2; ++i)
      t.execute("cd repo && npm run build", "Failed to compile.\nType error in tags.ts\n", 1);
    t.execute("cd repo && npm run build", "Compiled successfully\n");
    t.execute("cd repo && git commit -am 'tags'", "[run-11 1a2b3c] tags\n");
    // Twenty kilobytes of output: the viewer shows its head, the rest on request.
    std::string long_output;
    for (int i = 0; i < 400; ++i) long_output += "line " + std::to_string(i) + " of a long log\n";
    t.execute("cat repo/build.log", long_output);
    t.reply("Committed; pushing is left.");
    s.transcripts["run-11"] = t.end("end_turn");
  }
  {
    TranscriptBuilder t("run-12");
    t.execute("cd repo && npm run build", "Module not found\n", 1);
    for (int n = 0; n < 3; ++n) {
      t.reply("I will now implement the feature.");
      t.intervene("nudge", "Please continue: use the tools to make the change.");
    }
    t.execute("cd repo && npm run build", "Compiled successfully\n");
    t.unanswered("cd repo && npm test");
    s.transcripts["run-12"] = t.end("limit_tool_calls");
  }
  {
    TranscriptBuilder t("run-13");
    for (int i = 0; i < 7; ++i)
      t.execute("cd repo && npm run build", "Failed to compile.\n", 1);
    t.intervene("nudge", "Please continue.");
    while (t.message() < 70) t.reply("I'll also make sure `src/lib/tags.ts` is correct");
    t.intervene("stop", "Stop now and summarise what you did.");
    s.result.runs[3].pathologies = {
        {"degenerate_repetition", 26, 61, "I'll also make sure `src/lib/tags.ts` is correct"}};
    s.transcripts["run-13"] = t.end("stopped");
  }
  {
    TranscriptBuilder t("run-14");
    t.execute("cat notes.txt", kHostile);
    while (t.message() < 78)
      t.execute("cd repo && npm run build",
                "Module not found: Can't resolve '../../../lib/tags'\n", 1);
    t.intervene("stop", "Stop now.");
    for (int i = 0; i < 5; ++i) t.execute("ls", "repo\n");
    s.result.runs[4].pathologies = {
        {"repeated_failure", 13, 34, "Module not found: Can't resolve '../../../lib/tags'"},
        {"ignored_stop", 5, 80, "said \"stop\", then 5 more calls"}};
    s.transcripts["run-14"] = t.end("stopped");
  }
  {
    TranscriptBuilder t("run-15");
    t.reply("execute(\"ls\")");
    t.intervene("nudge", "Call the tools through the API, not as text.");
    t.reply("execute(\"ls\")");
    s.result.runs[5].pathologies = {{"text_tool_calls", 3, 2, "execute(\"ls\")"}};
    s.transcripts["run-15"] = t.end("end_turn");
  }
  for (auto& run : s.result.runs) run.messages = static_cast<int>(s.transcripts[run.run].size());
  return s;
}

std::string render(const Study& s) {
  std::ostringstream out;
  std::string err;
  EXPECT_TRUE(write_report(s.result, "html", out, &err, &s.transcripts)) << err;
  return out.str();
}

std::set<std::string> ids_in(const std::string& html) {
  std::set<std::string> ids;
  static const std::regex id(R"( id="([^"]+)\")");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id); it != std::sregex_iterator();
       ++it)
    ids.insert((*it)[1]);
  return ids;
}

// The part of the page from the run's section to the next one.
std::string section_of(const std::string& html, const std::string& run) {
  size_t start = html.find("<section class=\"run\" id=\"" + run + "\"");
  if (start == std::string::npos) return "";
  size_t end = html.find("<section class=\"run\"", start + 1);
  return html.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(HtmlReport, IsOneSelfContainedPageNamingEveryRun) {
  Study s = study(false);
  std::string html = render(s);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  for (const auto& run : s.result.runs) {
    EXPECT_NE(html.find(">" + run.run + "<"), std::string::npos) << run.run;
    EXPECT_NE(section_of(html, run.run), "") << run.run;
  }
  EXPECT_NE(html.find("Total tokens"), std::string::npos);
  EXPECT_NE(html.find("Tokens per Requirement"), std::string::npos);
}

TEST(HtmlReport, ModelTextCannotBreakOutOfThePage) {
  std::string html = render(study(false));
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;"),
            std::string::npos);
  // The page's own script is the only one.
  size_t first = html.find("<script>");
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(html.find("<script", first + 1), std::string::npos);
}

TEST(HtmlReport, PathologyEvidenceLinksToItsMessageInTheTranscript) {
  Study s = study(false);
  std::string html = render(s);
  std::set<std::string> ids = ids_in(html);
  for (const auto& run : s.result.runs) {
    for (const auto& p : run.pathologies) {
      std::string anchor = run.run + "-m" + std::to_string(p.first_message);
      EXPECT_NE(html.find("href=\"#" + anchor + "\""), std::string::npos) << p.kind;
      EXPECT_TRUE(ids.count(anchor)) << anchor;
    }
  }
  // Every in-page link, marks and table cells included, has a target.
  static const std::regex href(R"(href="#([^"]+)\")");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator();
       ++it)
    EXPECT_TRUE(ids.count((*it)[1])) << (*it)[1];
}

TEST(HtmlReport, TimelineMarksBuildsCommitsNudgesStopsAndPathologies) {
  std::string html = render(study(false));
  std::string clean = section_of(html, "run-10");
  EXPECT_NE(clean.find("class=\"mk build-ok\""), std::string::npos);
  EXPECT_NE(clean.find("class=\"mk commit\""), std::string::npos);
  EXPECT_NE(clean.find("class=\"mk push\""), std::string::npos);
  EXPECT_NE(clean.find("class=\"mk read\""), std::string::npos);
  EXPECT_NE(clean.find("class=\"mk write\""), std::string::npos);
  EXPECT_NE(clean.find("class=\"mk end\""), std::string::npos);
  EXPECT_NE(clean.find("title=\"call 4 · #9 · execute: cd repo &amp;&amp; npm run build"),
            std::string::npos);

  std::string stuck = section_of(html, "run-13");
  EXPECT_NE(stuck.find("class=\"mk build-fail\""), std::string::npos);
  EXPECT_NE(stuck.find("class=\"mk nudge\""), std::string::npos);
  EXPECT_NE(stuck.find("class=\"mk stop\""), std::string::npos);
  EXPECT_NE(stuck.find("class=\"mk patho\" href=\"#run-13-m61\""), std::string::npos);
  EXPECT_EQ(stuck.find("class=\"mk commit\""), std::string::npos);
}

TEST(HtmlReport, TranscriptShowsEveryMessageCollapsedWithLongOutputsCut) {
  Study s = study(false);
  std::string html = render(s);
  std::set<std::string> ids = ids_in(html);
  for (const auto& [run, records] : s.transcripts)
    for (const auto& r : records)
      if (r.contains("message")) {
        EXPECT_TRUE(ids.count(run + "-m" + std::to_string(r["message"].get<int>())));
      }
  EXPECT_EQ(html.find("<details open"), std::string::npos);
  std::string partial = section_of(html, "run-11");
  EXPECT_NE(partial.find("show the remaining"), std::string::npos);
  EXPECT_NE(partial.find("line 399 of a long log"), std::string::npos);
  EXPECT_NE(partial.find("$ cd repo &amp;&amp; git commit -am &#39;tags&#39;"), std::string::npos);
}

TEST(HtmlReport, SealedChartsLabelRunsAndUnsealedChartsNameModels) {
  std::string sealed = render(study(false));
  EXPECT_EQ(sealed.find("Sonnet 4"), std::string::npos);
  EXPECT_NE(sealed.find("Outcomes per run"), std::string::npos);
  std::string unsealed = render(study(true));
  EXPECT_NE(unsealed.find(">Sonnet 4 (run-10)<title>"), std::string::npos);
  EXPECT_NE(unsealed.find("Outcomes per model"), std::string::npos);
  // The log axis spans 10^3..10^7.
  for (const char* tick : {">1K<", ">10K<", ">100K<", ">1M<", ">10M<"})
    EXPECT_NE(unsealed.find(tick), std::string::npos) << tick;
}

TEST(HtmlReport, MistypedRecordsStillMakeAPage) {
  Study s = study(false);
  auto& records = s.transcripts["run-12"];
  records.push_back({{"type", "tool_result"}, {"message", "x"}, {"exit_code", "one"}, {"output", 3}});
  records.push_back({{"type", "response"}, {"tool_calls", {{"name", 1}}}, {"usage", "lots"}});
  records.push_back({{"type", "event"}, {"detail", nullptr}});
  records.push_back(nlohmann::json::array({1, 2}));
  records.push_back({{"type", "future_record"}, {"text", std::string("bad \xff utf-8")}});
  std::string html = render(s);
  EXPECT_NE(html.find("future_record"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

// Headless Chromium loads the page for real: the inline script runs without an
// error, each run's section is there, and a link to a message opens it.
TEST(HtmlReport, LoadsInHeadlessChromium) {
  const char* chromium = "/usr/bin/chromium";
  ASSERT_TRUE(fs::exists(chromium))
      << "/usr/bin/chromium is missing: install Debian's `chromium` package to run this test";
  Study s = study(true);
  test::TempDir dir;
  fs::path page = dir / "report.html";
  std::ofstream(page) << render(s);
  auto dump = [&](const std::string& url) {
    std::string output;
    int rc = test::run_shell(
        std::string("(") + chromium +
            " --headless --no-sandbox --disable-gpu --disable-background-networking"
            " --disable-component-update --disable-sync --no-first-run --user-data-dir=" +
            (dir / "profile").string() + " --virtual-time-budget=2000 --dump-dom '" + url + "' > " +
            (dir / "dom.html").string() + " 2> " + (dir / "chromium.log").string() + ")",
        &output);
    EXPECT_EQ(rc, 0) << output << test::read_file(dir / "chromium.log");
    return test::read_file(dir / "dom.html");
  };
  // The inline script writes any error it meets into <body data-errors>.
  auto errors = [](const std::string& dom) {
    std::smatch m;
    return std::regex_search(dom, m, std::regex(R"re(data-errors="([^"]*)")re")) ? m[1].str()
                                                                             : "(no data-errors)";
  };
  std::string dom = dump("file://" + page.string());
  ASSERT_NE(dom.find("<body"), std::string::npos) << test::read_file(dir / "chromium.log");
  EXPECT_NE(dom.find("data-ready=\"1\""), std::string::npos);
  EXPECT_EQ(errors(dom), "");
  for (const auto& run : s.result.runs)
    EXPECT_NE(dom.find("<section class=\"run\" id=\"" + run.run + "\""), std::string::npos)
        << run.run;
  EXPECT_EQ(dom.find(" open=\"\""), std::string::npos) << "everything starts collapsed";

  dom = dump("file://" + page.string() + "#run-13-m61");
  EXPECT_EQ(errors(dom), "");
  EXPECT_NE(dom.find("<details class=\"msg assistant target\" id=\"run-13-m61\" open=\"\">"),
            std::string::npos);
}

// `showdown report DIR --format html` reads each run's transcript, so the page it
// prints is the one write_results leaves in DIR/report.html.
TEST(HtmlReport, ReportCommandReadsTheRunsTranscripts) {
  Study s = study(true);
  test::TempDir dir;
  test::write_file(dir / "results.json", to_json(s.result).dump(2));
  for (const auto& [run, records] : s.transcripts) {
    std::string lines;
    for (const auto& r : records) lines += r.dump() + "\n";
    fs::create_directories(dir / "runs" / run);
    test::write_file(dir / "runs" / run / "transcript.jsonl", lines);
  }
  std::string output;
  ASSERT_EQ(test::run_shell(std::string(SHOWDOWN_BINARY) + " report " + dir.path().string() +
                                " --format html -o " + (dir / "page.html").string(),
                            &output),
            0)
      << output;
  std::string page = test::read_file(dir / "page.html");
  EXPECT_NE(page.find("id=\"run-13-m61\""), std::string::npos);
  EXPECT_EQ(page, render(s));
}

}  // namespace
}  // namespace showdown
