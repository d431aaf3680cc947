#include "result/result.h"

#include <algorithm>
#include <cmath>

namespace showdown {

using nlohmann::json;

int RunResult::requirements_met() const {
  int met = 0;
  for (const auto& r : requirements) met += r.passed ? 1 : 0;
  return met;
}

json to_json(const RunResult& run) {
  json requirements = json::array();
  for (const auto& r : run.requirements) {
    json item = {{"id", r.id}, {"passed", r.passed}};
    if (!r.text.empty()) item["text"] = r.text;
    if (!r.detail.empty()) item["detail"] = r.detail;
    requirements.push_back(std::move(item));
  }
  json pathologies = json::array();
  for (const auto& p : run.pathologies) pathologies.push_back(to_json(p));
  json j = {
      {"run", run.run},
      {"model", run.model ? json(*run.model) : json(nullptr)},
      {"trial", run.trial},
      {"scripted", run.scripted},
      {"tool_calls", run.tool_calls},
      {"messages", run.messages},
      {"prompt_tokens", run.prompt_tokens},
      {"completion_tokens", run.completion_tokens},
      {"total_tokens", run.total_tokens},
      {"wall_seconds", run.wall_seconds},
      {"tokens_per_second", run.tokens_per_second ? json(*run.tokens_per_second) : json(nullptr)},
      {"cost_usd", run.cost_usd ? json(*run.cost_usd) : json(nullptr)},
      {"commits", run.commits},
      {"pushed", run.pushed},
      {"pushed_build_passed", run.pushed_build_passed},
      {"build",
       {{"attempts", run.build.attempts},
        {"passed", run.build.passed},
        {"first_pass_attempt", run.build.first_pass_attempt}}},
      {"screenshot", run.screenshot},
      {"nudges", run.nudges},
      {"interactive_nudges", run.interactive_nudges},
      {"stops", run.stops},
      {"requirements", std::move(requirements)},
      {"requirements_met", run.requirements_met()},
      {"pathologies", std::move(pathologies)},
      {"end_reason", run.end_reason},
      {"outcome", run.outcome},
      {"retries", run.retries},
  };
  if (!run.error.empty()) j["error"] = run.error;
  return j;
}

json to_json(const ShowdownInfo& info) {
  return {{"task", info.task},
          {"base_sha", info.base_sha},
          {"models", info.models},
          {"trials", info.trials},
          {"models_sha256", info.models_sha256},
          {"started_at", info.started_at},
          {"finished_at", info.finished_at},
          {"sealed", info.sealed},
          {"build_command", info.build_command}};
}

json to_json(const ShowdownResult& result) {
  json runs = json::array();
  for (const auto& run : result.runs) runs.push_back(to_json(run));
  return {{"showdown", to_json(result.showdown)}, {"runs", std::move(runs)}};
}

namespace {

// Reads optional fields of one object; the first field of the wrong type becomes
// the error, named by its path ("runs[2].build.attempts").
class FieldReader {
 public:
  FieldReader(const json& j, std::string path, std::string* err)
      : j_(j), path_(std::move(path)), err_(err) {}

  bool ok() const { return ok_; }

  void read(const char* key, std::string* out) {
    if (const json* v = find(key)) {
      if (v->is_string())
        *out = v->get<std::string>();
      else
        fail(key, "a string");
    }
  }
  void read(const char* key, std::optional<std::string>* out) {
    if (const json* v = find(key)) {
      if (v->is_string())
        *out = v->get<std::string>();
      else if (!v->is_null())
        fail(key, "a string or null");
    }
  }
  void read(const char* key, bool* out) {
    if (const json* v = find(key)) {
      if (v->is_boolean())
        *out = v->get<bool>();
      else
        fail(key, "true or false");
    }
  }
  void read(const char* key, int* out) {
    if (const json* v = find(key)) {
      if (v->is_number_integer())
        *out = v->get<int>();
      else
        fail(key, "an integer");
    }
  }
  void read(const char* key, int64_t* out) {
    if (const json* v = find(key)) {
      if (v->is_number_integer())
        *out = v->get<int64_t>();
      else
        fail(key, "an integer");
    }
  }
  void read(const char* key, double* out) {
    if (const json* v = find(key)) {
      if (v->is_number())
        *out = v->get<double>();
      else
        fail(key, "a number");
    }
  }
  void read(const char* key, std::optional<double>* out) {
    if (const json* v = find(key)) {
      if (v->is_number())
        *out = v->get<double>();
      else if (!v->is_null())
        fail(key, "a number or null");
    }
  }
  // An array field: returns it, or nullptr when absent or (after failing) not an array.
  const json* array(const char* key) {
    const json* v = find(key);
    if (v && !v->is_array()) {
      fail(key, "an array");
      return nullptr;
    }
    return v;
  }
  const json* object(const char* key) {
    const json* v = find(key);
    if (v && !v->is_object()) {
      fail(key, "an object");
      return nullptr;
    }
    return v;
  }
  void require(const char* key) {
    if (ok_ && !j_.contains(key)) {
      ok_ = false;
      *err_ = field(key) + ": missing";
    }
  }
  std::string field(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

 private:
  const json* find(const char* key) const {
    if (!ok_) return nullptr;
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  void fail(const char* key, const char* expected) {
    ok_ = false;
    *err_ = field(key) + ": expected " + expected;
  }

  const json& j_;
  std::string path_;
  std::string* err_;
  bool ok_ = true;
};

bool read_run(const json& j, const std::string& path, RunResult* run, std::string* err) {
  if (!j.is_object()) {
    *err = (path.empty() ? std::string("run") : path) + ": expected an object";
    return false;
  }
  FieldReader f(j, path, err);
  f.require("run");
  f.read("run", &run->run);
  f.read("model", &run->model);
  f.read("trial", &run->trial);
  f.read("scripted", &run->scripted);
  f.read("tool_calls", &run->tool_calls);
  f.read("messages", &run->messages);
  f.read("prompt_tokens", &run->prompt_tokens);
  f.read("completion_tokens", &run->completion_tokens);
  f.read("total_tokens", &run->total_tokens);
  f.read("wall_seconds", &run->wall_seconds);
  f.read("tokens_per_second", &run->tokens_per_second);
  f.read("cost_usd", &run->cost_usd);
  f.read("commits", &run->commits);
  f.read("pushed", &run->pushed);
  f.read("pushed_build_passed", &run->pushed_build_passed);
  if (const json* build = f.object("build")) {
    FieldReader b(*build, f.field("build"), err);
    b.read("attempts", &run->build.attempts);
    b.read("passed", &run->build.passed);
    b.read("first_pass_attempt", &run->build.first_pass_attempt);
    if (!b.ok()) return false;
  }
  f.read("screenshot", &run->screenshot);
  f.read("nudges", &run->nudges);
  f.read("interactive_nudges", &run->interactive_nudges);
  f.read("stops", &run->stops);
  if (const json* requirements = f.array("requirements")) {
    for (size_t i = 0; i < requirements->size(); ++i) {
      std::string where = f.field("requirements") + "[" + std::to_string(i) + "]";
      const json& item = (*requirements)[i];
      if (!item.is_object()) {
        *err = where + ": expected an object";
        return false;
      }
      RequirementResult r;
      FieldReader rf(item, where, err);
      rf.require("id");
      rf.read("id", &r.id);
      rf.read("text", &r.text);
      rf.read("passed", &r.passed);
      rf.read("detail", &r.detail);
      if (!rf.ok()) return false;
      run->requirements.push_back(std::move(r));
    }
  }
  if (const json* pathologies = f.array("pathologies")) {
    for (size_t i = 0; i < pathologies->size(); ++i) {
      std::string where = f.field("pathologies") + "[" + std::to_string(i) + "]";
      const json& item = (*pathologies)[i];
      auto kind = item.is_object() ? item.find("kind") : item.end();
      if (!item.is_object() || kind == item.end() || !kind->is_string()) {
        *err = where + ": expected an object with a string \"kind\"";
        return false;
      }
      run->pathologies.push_back(pathology_from_json(item));
    }
  }
  f.read("end_reason", &run->end_reason);
  f.read("outcome", &run->outcome);
  f.read("error", &run->error);
  f.read("retries", &run->retries);
  return f.ok();
}

}  // namespace

bool run_result_from_json(const json& j, RunResult* run, std::string* err) {
  *run = RunResult{};
  return read_run(j, "", run, err);
}

bool showdown_result_from_json(const json& j, ShowdownResult* result, std::string* err) {
  *result = ShowdownResult{};
  if (!j.is_object()) {
    *err = "expected an object with \"showdown\" and \"runs\"";
    return false;
  }
  FieldReader top(j, "", err);
  top.require("runs");
  if (const json* info = top.object("showdown")) {
    FieldReader f(*info, "showdown", err);
    ShowdownInfo& s = result->showdown;
    f.read("task", &s.task);
    f.read("base_sha", &s.base_sha);
    f.read("models", &s.models);
    f.read("trials", &s.trials);
    f.read("models_sha256", &s.models_sha256);
    f.read("started_at", &s.started_at);
    f.read("finished_at", &s.finished_at);
    f.read("sealed", &s.sealed);
    f.read("build_command", &s.build_command);
    if (!f.ok()) return false;
  }
  const json* runs = top.array("runs");
  if (!top.ok()) return false;
  for (size_t i = 0; i < runs->size(); ++i) {
    RunResult run;
    if (!read_run((*runs)[i], "runs[" + std::to_string(i) + "]", &run, err)) return false;
    result->runs.push_back(std::move(run));
  }
  return true;
}

Interval wilson_interval(int successes, int n) {
  if (n <= 0) return {0, 1};
  const double z = 1.959963984540054;
  double p = static_cast<double>(successes) / n;
  double z2n = z * z / n;
  double center = (p + z2n / 2) / (1 + z2n);
  double half = z / (1 + z2n) * std::sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

}  // namespace showdown
