#include "store/store.h"

#include <sqlite3.h>

#include <variant>

#include "result/metrics.h"

namespace showdown {

namespace {

using nlohmann::json;
using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;
using Row = std::vector<std::pair<const char*, Value>>;

const char* const kSchema = R"(
CREATE TABLE showdowns (
  id INTEGER PRIMARY KEY,
  task TEXT, base_sha TEXT, models INTEGER, trials INTEGER, models_sha256 TEXT,
  started_at TEXT, finished_at TEXT, sealed INTEGER, build_command TEXT);
CREATE TABLE runs (
  run TEXT PRIMARY KEY, showdown INTEGER REFERENCES showdowns(id),
  model TEXT, trial INTEGER, scripted INTEGER, outcome TEXT,
  tool_calls INTEGER, messages INTEGER,
  prompt_tokens INTEGER, completion_tokens INTEGER, total_tokens INTEGER,
  wall_seconds REAL, tokens_per_second REAL, cost_usd REAL,
  commits INTEGER, pushed INTEGER, pushed_build_passed INTEGER,
  build_attempts INTEGER, build_passed INTEGER, build_first_pass_attempt INTEGER,
  screenshot INTEGER, nudges INTEGER, interactive_nudges INTEGER, stops INTEGER,
  requirements_met INTEGER, requirements_total INTEGER,
  end_reason TEXT, error TEXT, retries INTEGER);
CREATE TABLE requirements (
  run TEXT REFERENCES runs(run), id TEXT, text TEXT, passed INTEGER, detail TEXT);
CREATE TABLE pathologies (
  run TEXT REFERENCES runs(run), kind TEXT, count INTEGER, first_message INTEGER,
  evidence TEXT, detail TEXT);
CREATE TABLE messages (
  run TEXT REFERENCES runs(run), message INTEGER, role TEXT, content TEXT, source TEXT);
CREATE TABLE tool_calls (
  run TEXT REFERENCES runs(run), call_index INTEGER, step INTEGER, id TEXT, name TEXT,
  arguments TEXT, raw_arguments TEXT, rescued INTEGER,
  exit_code INTEGER, timed_out INTEGER, is_error INTEGER, output_bytes INTEGER,
  seconds REAL, is_build INTEGER, build_passed INTEGER);
CREATE TABLE events (
  run TEXT REFERENCES runs(run), seq INTEGER, time REAL, event TEXT, detail TEXT);
CREATE INDEX requirements_run ON requirements(run);
CREATE INDEX pathologies_run ON pathologies(run, kind);
CREATE INDEX messages_run ON messages(run, message);
CREATE INDEX tool_calls_run ON tool_calls(run, call_index);
CREATE INDEX events_run ON events(run, seq);
)";

// One open database with one prepared INSERT per table, reused for every row.
class Database {
 public:
  ~Database() {
    for (auto& [table, stmt] : inserts_) sqlite3_finalize(stmt);
    if (db_) sqlite3_close(db_);
  }

  bool open(const std::filesystem::path& path, std::string* err) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      *err = "cannot create the database: " + message();
      return false;
    }
    return true;
  }

  bool exec(const char* sql, std::string* err) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK) return true;
    *err = std::string("sqlite: ") + message();
    return false;
  }

  bool insert(const std::string& table, const Row& row, std::string* err) {
    sqlite3_stmt*& stmt = inserts_[table];
    if (!stmt) {
      std::string columns, marks;
      for (const auto& [column, value] : row) {
        columns += (columns.empty() ? "" : ", ") + std::string(column);
        marks += marks.empty() ? "?" : ", ?";
      }
      std::string sql = "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")";
      if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        *err = "sqlite: preparing insert into " + table + ": " + message();
        return false;
      }
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (size_t i = 0; i < row.size(); ++i) bind(stmt, static_cast<int>(i + 1), row[i].second);
    if (sqlite3_step(stmt) != SQLITE_DONE) {
      *err = "sqlite: insert into " + table + ": " + message();
      return false;
    }
    return true;
  }

 private:
  static void bind(sqlite3_stmt* stmt, int index, const Value& value) {
    if (auto* i = std::get_if<int64_t>(&value))
      sqlite3_bind_int64(stmt, index, *i);
    else if (auto* d = std::get_if<double>(&value))
      sqlite3_bind_double(stmt, index, *d);
    else if (auto* s = std::get_if<std::string>(&value))
      sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    else
      sqlite3_bind_null(stmt, index);
  }
  std::string message() const { return db_ ? sqlite3_errmsg(db_) : "out of memory"; }

  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> inserts_;
};

Value integer(int64_t v) { return v; }
Value boolean(bool v) { return static_cast<int64_t>(v ? 1 : 0); }
Value text(const std::string& s) { return s; }
Value json_text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Transcript fields, each NULL when absent or of an unexpected type: a transcript
// is model and server output and may hold anything.
Value int_field(const Record& r, const char* key) {
  auto it = r.find(key);
  if (it == r.end()) return nullptr;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_boolean()) return boolean(it->get<bool>());
  return nullptr;
}
Value real_field(const Record& r, const char* key) {
  auto it = r.find(key);
  return it != r.end() && it->is_number() ? Value(it->get<double>()) : Value(nullptr);
}
Value text_field(const Record& r, const char* key) {
  auto it = r.find(key);
  return it != r.end() && it->is_string() ? Value(it->get<std::string>()) : Value(nullptr);
}
std::string string_of(const Record& r, const char* key) {
  auto it = r.find(key);
  return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool write_showdown(Database& db, const ShowdownInfo& s, std::string* err) {
  return db.insert("showdowns",
                   {{"id", integer(1)},
                    {"task", text(s.task)},
                    {"base_sha", text(s.base_sha)},
                    {"models", integer(s.models)},
                    {"trials", integer(s.trials)},
                    {"models_sha256", text(s.models_sha256)},
                    {"started_at", text(s.started_at)},
                    {"finished_at", text(s.finished_at)},
                    {"sealed", boolean(s.sealed)},
                    {"build_command", text(s.build_command)}},
                   err);
}

bool write_run(Database& db, const RunResult& r, std::string* err) {
  Row row = {
      {"run", text(r.run)},
      {"showdown", integer(1)},
      {"model", r.model ? text(*r.model) : Value(nullptr)},
      {"trial", integer(r.trial)},
      {"scripted", boolean(r.scripted)},
      {"outcome", text(r.outcome)},
      {"tool_calls", integer(r.tool_calls)},
      {"messages", integer(r.messages)},
      {"prompt_tokens", integer(r.prompt_tokens)},
      {"completion_tokens", integer(r.completion_tokens)},
      {"total_tokens", integer(r.total_tokens)},
      {"wall_seconds", r.wall_seconds},
      {"tokens_per_second", r.tokens_per_second ? Value(*r.tokens_per_second) : Value(nullptr)},
      {"cost_usd", r.cost_usd ? Value(*r.cost_usd) : Value(nullptr)},
      {"commits", integer(r.commits)},
      {"pushed", boolean(r.pushed)},
      {"pushed_build_passed", boolean(r.pushed_build_passed)},
      {"build_attempts", integer(r.build.attempts)},
      {"build_passed", boolean(r.build.passed)},
      {"build_first_pass_attempt", integer(r.build.first_pass_attempt)},
      {"screenshot", boolean(r.screenshot)},
      {"nudges", integer(r.nudges)},
      {"interactive_nudges", integer(r.interactive_nudges)},
      {"stops", integer(r.stops)},
      {"requirements_met", integer(r.requirements_met())},
      {"requirements_total", integer(static_cast<int64_t>(r.requirements.size()))},
      {"end_reason", text(r.end_reason)},
      {"error", r.error.empty() ? Value(nullptr) : text(r.error)},
      {"retries", integer(r.retries)}};
  if (!db.insert("runs", row, err)) return false;
  for (const auto& q : r.requirements) {
    if (!db.insert("requirements",
                   {{"run", text(r.run)},
                    {"id", text(q.id)},
                    {"text", text(q.text)},
                    {"passed", boolean(q.passed)},
                    {"detail", text(q.detail)}},
                   err))
      return false;
  }
  for (const auto& p : r.pathologies) {
    if (!db.insert("pathologies",
                   {{"run", text(r.run)},
                    {"kind", text(p.kind)},
                    {"count", integer(p.count)},
                    {"first_message", integer(p.first_message)},
                    {"evidence", text(p.evidence)},
                    {"detail", json_text(p.detail)}},
                   err))
      return false;
  }
  return true;
}

// The same test the metrics use, so is_build rows add up to runs.build_attempts.
bool is_build_call(const Record& call, const std::string& build_command) {
  if (string_of(call, "name") != "execute") return false;
  auto args = call.find("arguments");
  if (args == call.end() || !args->is_object()) return false;
  return runs_build(string_of(*args, "command"), build_command);
}

// A tool call waiting for its result: the call's columns, then the result's.
struct CallRow {
  Row call;
  bool is_build = false;
  Value exit_code, timed_out, is_error, output_bytes, seconds, build_passed;

  Row row() const {
    Row r = call;
    r.insert(r.end(), {{"exit_code", exit_code},
                       {"timed_out", timed_out},
                       {"is_error", is_error},
                       {"output_bytes", output_bytes},
                       {"seconds", seconds},
                       {"build_passed", build_passed}});
    return r;
  }
};

bool insert_message(Database& db, const std::string& run, const Record& r, const char* role,
                    Value content, Value source, std::string* err) {
  return db.insert("messages",
                   {{"run", text(run)},
                    {"message", int_field(r, "message")},
                    {"role", text(role)},
                    {"content", std::move(content)},
                    {"source", std::move(source)}},
                   err);
}

bool write_transcript(Database& db, const std::string& run, const std::vector<Record>& records,
                      const std::string& build_command, std::string* err) {
  // Calls are kept until their results arrive; a result answers the oldest
  // unanswered call with its id (some servers reuse ids across steps).
  std::vector<CallRow> calls;
  std::map<std::string, std::vector<size_t>> unanswered;
  for (const Record& r : records) {
    if (!r.is_object()) continue;
    std::string type = string_of(r, "type");
    if (type == "message") {
      if (!insert_message(db, run, r, "user", text_field(r, "content"), text_field(r, "source"),
                          err))
        return false;
    } else if (type == "response") {
      if (!insert_message(db, run, r, "assistant", text_field(r, "content"), text("model"), err))
        return false;
    } else if (type == "tool_call") {
      auto args = r.find("arguments");
      Value arguments = args != r.end() && !args->is_null() ? json_text(*args) : Value(nullptr);
      unanswered[string_of(r, "id")].push_back(calls.size());
      CallRow row;
      row.is_build = is_build_call(r, build_command);
      row.call = {{"run", text(run)},
                  {"call_index", int_field(r, "index")},
                  {"step", int_field(r, "step")},
                  {"id", text_field(r, "id")},
                  {"name", text_field(r, "name")},
                  {"arguments", arguments},
                  {"raw_arguments", text_field(r, "raw_arguments")},
                  {"rescued", boolean(r.value("rescued", json(false)) == json(true))},
                  {"is_build", boolean(row.is_build)}};
      calls.push_back(std::move(row));
    } else if (type == "tool_result") {
      if (!insert_message(db, run, r, "tool", text_field(r, "output"), text("tool"), err))
        return false;
      auto pending = unanswered.find(string_of(r, "id"));
      if (pending == unanswered.end() || pending->second.empty()) continue;
      CallRow& call = calls[pending->second.front()];
      pending->second.erase(pending->second.begin());
      call.exit_code = int_field(r, "exit_code");
      call.timed_out = int_field(r, "timed_out");
      call.is_error = int_field(r, "is_error");
      call.output_bytes = int_field(r, "output_bytes");
      call.seconds = real_field(r, "seconds");
      if (call.is_build) call.build_passed = boolean(build_passed(r));
    } else if (type == "event") {
      auto detail = r.find("detail");
      if (!db.insert("events",
                     {{"run", text(run)},
                      {"seq", int_field(r, "seq")},
                      {"time", real_field(r, "time")},
                      {"event", text_field(r, "event")},
                      {"detail", detail != r.end() ? json_text(*detail) : Value(nullptr)}},
                     err))
        return false;
    }
  }
  for (const CallRow& call : calls)
    if (!db.insert("tool_calls", call.row(), err)) return false;
  return true;
}

bool fill(Database& db, const ShowdownResult& result,
          const std::map<std::string, std::vector<Record>>& transcripts, std::string* err) {
  if (!db.exec("BEGIN", err) || !db.exec(kSchema, err)) return false;
  if (!write_showdown(db, result.showdown, err)) return false;
  for (const auto& run : result.runs) {
    if (!write_run(db, run, err)) return false;
    auto it = transcripts.find(run.run);
    if (it != transcripts.end() &&
        !write_transcript(db, run.run, it->second, result.showdown.build_command, err))
      return false;
  }
  return db.exec("COMMIT", err);
}

void remove_database(const std::filesystem::path& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"})
    std::filesystem::remove(path.string() + suffix, ec);
}

}  // namespace

bool write_store(const std::filesystem::path& db, const ShowdownResult& result,
                 const std::map<std::string, std::vector<Record>>& transcripts_by_run,
                 std::string* err) {
  std::filesystem::path building = db.string() + ".building";
  remove_database(building);
  bool ok;
  {
    Database database;
    ok = database.open(building, err) && fill(database, result, transcripts_by_run, err);
  }
  if (ok) {
    // A journal left by an older file must not be replayed onto the new one.
    remove_database(db);
    std::error_code ec;
    std::filesystem::rename(building, db, ec);
    if (ec) {
      *err = db.string() + ": cannot replace: " + ec.message();
      ok = false;
    }
  } else {
    *err = db.string() + ": " + *err;
  }
  if (!ok) remove_database(building);
  return ok;
}

}  // namespace showdown
