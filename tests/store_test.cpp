// links: showdown_store
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test_util.h"

namespace showdown {
namespace {

using nlohmann::json;

// A read-only view of a written database through the plain sqlite3 C API.
class Query {
 public:
  explicit Query(const std::filesystem::path& path) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  }
  ~Query() { sqlite3_close(db_); }

  // Every row of `sql`, each column as text ("NULL" for null).
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    std::vector<std::vector<std::string>> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* text = sqlite3_column_text(stmt, i);
        row.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    return out;
  }
  std::string value(const std::string& sql) {
    auto r = rows(sql);
    return r.empty() || r[0].empty() ? "<no row>" : r[0][0];
  }

 private:
  sqlite3* db_ = nullptr;
};

ShowdownResult two_runs() {
  ShowdownResult s;
  s.showdown.task = "tiny";
  s.showdown.base_sha = "abc123";
  s.showdown.models = 2;
  s.showdown.build_command = "make";
  RunResult a;
  a.run = "run-1";
  a.tool_calls = 2;
  a.messages = 6;
  a.total_tokens = 1200;
  a.build = {1, true, 1};
  a.pushed = true;
  a.pushed_build_passed = true;
  a.outcome = "complete";
  a.requirements = {{"lib", "Create lib", true, ""}, {"commits", "", true, ""}};
  RunResult b;
  b.run = "run-2";
  b.tool_calls = 0;
  b.total_tokens = 300;
  b.outcome = "total_failure";
  b.requirements = {{"lib", "Create lib", false, "test -f lib failed"}, {"commits", "", false, ""}};
  // Text that would break SQL pasted into a statement must be stored verbatim.
  b.pathologies = {{"text_tool_calls", 3, 2, "'); DROP TABLE runs; --", {{"format", "xml"}}}};
  s.runs = {a, b};
  return s;
}

std::vector<Record> transcript_of_run_1() {
  return {
      {{"type", "run_start"}, {"run", "run-1"}, {"seq", 0}, {"time", 0}},
      {{"type", "message"},
       {"message", 1},
       {"role", "user"},
       {"content", "Add a file"},
       {"source", "prompt"},
       {"seq", 1},
       {"time", 0.001}},
      {{"type", "response"},
       {"step", 1},
       {"message", 2},
       {"content", ""},
       {"tool_calls", json::array()},
       {"seq", 2},
       {"time", 0.01}},
      {{"type", "tool_call"},
       {"step", 1},
       {"index", 1},
       {"id", "call_1"},
       {"name", "execute"},
       {"arguments", {{"command", "cd tiny && make"}}},
       {"seq", 3},
       {"time", 0.01}},
      {{"type", "tool_call"},
       {"step", 1},
       {"index", 2},
       {"id", "call_2"},
       {"name", "write_file"},
       {"arguments", nullptr},
       {"raw_arguments", "{path: a.txt"},
       {"seq", 4},
       {"time", 0.01}},
      {{"type", "tool_result"},
       {"step", 1},
       {"message", 3},
       {"id", "call_1"},
       {"name", "execute"},
       {"output", "ok\n"},
       {"is_error", false},
       {"exit_code", 0},
       {"timed_out", false},
       {"output_bytes", 3},
       {"seconds", 0.25},
       {"seq", 5},
       {"time", 0.3}},
      {{"type", "tool_result"},
       {"step", 1},
       {"message", 4},
       {"id", "call_2"},
       {"name", "write_file"},
       {"output", "arguments were not JSON"},
       {"is_error", true},
       {"seq", 6},
       {"time", 0.3}},
      {{"type", "event"},
       {"event", "retry"},
       {"detail", {{"attempt", 1}, {"http_status", 500}}},
       {"seq", 7},
       {"time", 0.4}},
      {{"type", "message"},
       {"message", 5},
       {"role", "user"},
       {"content", "keep going"},
       {"source", "nudge"},
       {"seq", 8},
       {"time", 0.5}},
      {{"type", "response"},
       {"step", 2},
       {"message", 6},
       {"content", "Done."},
       {"seq", 9},
       {"time", 0.6}},
      {{"type", "run_end"}, {"reason", "end_turn"}, {"seq", 10}, {"time", 0.6}},
  };
}

TEST(Store, RunsAndTotalsMatchTheResult) {
  test::TempDir dir;
  ShowdownResult s = two_runs();
  std::string err;
  ASSERT_TRUE(write_store(dir / "showdown.db", s, {{"run-1", transcript_of_run_1()}}, &err)) << err;

  Query q(dir / "showdown.db");
  EXPECT_EQ(q.value("SELECT count(*) FROM runs"), "2");
  EXPECT_EQ(q.value("SELECT sum(total_tokens) FROM runs"), "1500");
  EXPECT_EQ(q.value("SELECT sum(tool_calls) FROM runs"), "2");
  EXPECT_EQ(q.value("SELECT sum(requirements_met) FROM runs"), "2");
  EXPECT_EQ(q.value("SELECT task || ' ' || base_sha FROM showdowns"), "tiny abc123");
  EXPECT_EQ(q.value("SELECT count(*) FROM runs WHERE model IS NULL"), "2");
  EXPECT_EQ(q.value("SELECT pushed_build_passed FROM runs WHERE run = 'run-1'"), "1");
  EXPECT_EQ(q.value("SELECT detail FROM requirements WHERE run = 'run-2' AND id = 'lib'"),
            "test -f lib failed");
  EXPECT_EQ(q.value("SELECT evidence FROM pathologies WHERE run = 'run-2'"),
            "'); DROP TABLE runs; --");
  EXPECT_EQ(json::parse(q.value("SELECT detail FROM pathologies")), json({{"format", "xml"}}));
}

TEST(Store, ToolCallsMatchTheTranscript) {
  test::TempDir dir;
  std::string err;
  ASSERT_TRUE(
      write_store(dir / "showdown.db", two_runs(), {{"run-1", transcript_of_run_1()}}, &err))
      << err;

  Query q(dir / "showdown.db");
  auto calls = q.rows(
      "SELECT call_index, step, name, arguments, raw_arguments, exit_code, is_error, "
      "output_bytes, seconds, is_build, build_passed FROM tool_calls WHERE run = 'run-1' "
      "ORDER BY call_index");
  std::vector<std::vector<std::string>> expected = {
      {"1", "1", "execute", R"({"command":"cd tiny && make"})", "NULL", "0", "0", "3", "0.25", "1",
       "1"},
      {"2", "1", "write_file", "NULL", "{path: a.txt", "NULL", "1", "NULL", "NULL", "0", "NULL"},
  };
  EXPECT_EQ(calls, expected);
  EXPECT_EQ(q.value("SELECT count(*) FROM tool_calls WHERE run = 'run-2'"), "0");

  auto messages = q.rows("SELECT message, role, source FROM messages ORDER BY message");
  std::vector<std::vector<std::string>> expected_messages = {
      {"1", "user", "prompt"}, {"2", "assistant", "model"}, {"3", "tool", "tool"},
      {"4", "tool", "tool"},   {"5", "user", "nudge"},      {"6", "assistant", "model"},
  };
  EXPECT_EQ(messages, expected_messages);

  auto events = q.rows("SELECT seq, event, detail FROM events");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0][0], "7");
  EXPECT_EQ(events[0][1], "retry");
  EXPECT_EQ(json::parse(events[0][2])["http_status"], 500);
}

TEST(Store, RewritesFromScratchEachTime) {
  test::TempDir dir;
  std::string err;
  ASSERT_TRUE(
      write_store(dir / "showdown.db", two_runs(), {{"run-1", transcript_of_run_1()}}, &err));
  ShowdownResult one = two_runs();
  one.runs.pop_back();
  one.runs[0].total_tokens = 999;
  ASSERT_TRUE(write_store(dir / "showdown.db", one, {}, &err)) << err;

  Query q(dir / "showdown.db");
  EXPECT_EQ(q.value("SELECT count(*) FROM runs"), "1");
  EXPECT_EQ(q.value("SELECT total_tokens FROM runs"), "999");
  EXPECT_EQ(q.value("SELECT count(*) FROM tool_calls"), "0");
  EXPECT_EQ(q.value("SELECT count(*) FROM showdowns"), "1");
  EXPECT_FALSE(std::filesystem::exists(dir / "showdown.db.building"));
}

TEST(Store, FailureLeavesTheOldFileAndNamesIt) {
  test::TempDir dir;
  std::string err;
  ASSERT_TRUE(write_store(dir / "showdown.db", two_runs(), {}, &err));
  ShowdownResult dup = two_runs();
  dup.runs[1].run = "run-1";  // run labels are the key
  EXPECT_FALSE(write_store(dir / "showdown.db", dup, {}, &err));
  EXPECT_NE(err.find("showdown.db"), std::string::npos) << err;
  EXPECT_NE(err.find("runs"), std::string::npos) << err;
  Query q(dir / "showdown.db");
  EXPECT_EQ(q.value("SELECT count(*) FROM runs"), "2");

  EXPECT_FALSE(write_store(dir / "missing" / "showdown.db", two_runs(), {}, &err));
  EXPECT_NE(err.find("missing/showdown.db"), std::string::npos) << err;
}

}  // namespace
}  // namespace showdown
