#include "showdown/showdown.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "probe/probe.h"
#include "report/reporter.h"
#include "seal/seal.h"
#include "showdown/json_file.h"
#include "showdown/live_view.h"
#include "showdown/run.h"
#include "showdown/server.h"
#include "store/store.h"
#include "task/sha256.h"
#include "workspace/workspace.h"

namespace showdown {

namespace fs = std::filesystem;

namespace {

std::string utc_now() {
  time_t t = time(nullptr);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  return buf;
}

/// Server logs name the model, so until unsealing they are kept hex-encoded
/// under .seal/ (as the seal's secret is), where no search for a name finds them.
void keep_sealed_log(const fs::path& log, uintmax_t from, const fs::path& dest) {
  std::ifstream in(log, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  static const char* hex = "0123456789abcdef";
  std::string encoded;
  encoded.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    encoded += hex[c >> 4];
    encoded += hex[c & 15];
  }
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  std::ofstream(dest, std::ios::binary) << encoded;
}

/// A model server's output names its model, so it is written outside the
/// output directory while the showdown runs (and sliced per run into .seal/).
fs::path scratch_log(const std::string& what) {
  std::string pattern = (fs::temp_directory_path() / ("showdown-" + what + "-XXXXXX")).string();
  int fd = mkstemp(pattern.data());
  if (fd >= 0) close(fd);
  return pattern;
}

/// Runs that must go one after another: all runs of a model whose server the
/// showdown manages (one server at a time), or a single run.
struct Group {
  const ModelConfig* model = nullptr;
  std::vector<RunPlan> runs;
};

/// Everything decided before the first run.
struct Plan {
  ShowdownContext ctx;
  std::vector<ModelConfig> models;  // the groups point into it
  std::vector<Group> groups;
  nlohmann::json meta;              // showdown.json
};

ServerSpec server_spec(const ModelConfig& m) {
  return {m.server->command, m.server->ready, m.server->ready_timeout_s, m.server->env};
}

/// The models.toml entries this showdown runs, each usable: named by --model (all
/// when none is), with its API key variable set.
bool select_models(const ShowdownOptions& options, std::vector<ModelConfig>* models,
                   std::string* err) {
  std::vector<ModelConfig> all;
  if (!load_models(options.models, &all, err)) return false;
  for (const auto& name : options.only_models) {
    auto it = std::find_if(all.begin(), all.end(), [&](const ModelConfig& m) { return m.name == name; });
    if (it == all.end()) {
      *err = options.models.string() + ": --model " + name + ": no such model";
      return false;
    }
    models->push_back(*it);
  }
  if (options.only_models.empty()) *models = all;
  if (models->empty()) {
    *err = options.models.string() + ": no [[model]] to run";
    return false;
  }
  for (const auto& m : *models) {
    if (!m.api_key_env.empty() && !getenv(m.api_key_env.c_str())) {
      *err = options.models.string() + ":" + std::to_string(m.line) +
             ": api_key_env: environment variable " + m.api_key_env + " is not set";
      return false;
    }
  }
  return true;
}

/// Runs in label order; a managed server's runs in one group.
bool group_runs(std::vector<Assignment> assignments, const std::vector<ModelConfig>& models,
                const fs::path& models_file, std::vector<Group>* groups, std::string* err) {
  auto number = [](const std::string& l) { return std::stoi(l.substr(l.find('-') + 1)); };
  std::sort(assignments.begin(), assignments.end(),
            [&](const Assignment& a, const Assignment& b) { return number(a.run) < number(b.run); });
  std::map<std::string, size_t> server_group;
  for (const auto& a : assignments) {
    auto m = std::find_if(models.begin(), models.end(),
                          [&](const ModelConfig& c) { return c.name == a.model; });
    if (m == models.end()) {
      *err = models_file.string() + ": a model of this showdown is no longer in it";
      return false;
    }
    RunPlan plan{a.run, a.trial, &*m};
    auto it = m->server ? server_group.find(m->name) : server_group.end();
    if (it != server_group.end()) {
      (*groups)[it->second].runs.push_back(plan);
      continue;
    }
    if (m->server) server_group[m->name] = groups->size();
    groups->push_back({&*m, {plan}});
  }
  return true;
}

/// Loads and checks everything, then seals a new showdown or reopens one to
/// resume. Every failure here is bad input (exit code 2).
bool prepare(ShowdownOptions options, Plan* plan, std::string* err) {
  fs::path out = options.out;
  nlohmann::json private_options;
  if (options.resume) {
    if (!read_json_file(out / "showdown.json", &plan->meta, err) ||
        !read_json_file(out / ".seal" / "options.json", &private_options, err))
      return false;
    options.task = plan->meta.value("task_file", "");
    options.models = plan->meta.value("models_file", "");
    options.trials = plan->meta.value("trials", 1);
    options.only_models = private_options.value("only_models", std::vector<std::string>{});
  }
  ShowdownContext& ctx = plan->ctx;
  if (!load_task(options.task, &ctx.task, err) || !select_models(options, &plan->models, err))
    return false;
  if (options.trials < 1) {
    *err = "--trials: must be at least 1";
    return false;
  }
  std::string models_sha;
  if (!sha256_file(options.models, &models_sha, err)) return false;
  if (options.resume && plan->meta.value("models_sha256", "") != models_sha) {
    *err = options.models.string() + ": changed since the showdown started (SHA-256 differs)";
    return false;
  }
  for (const auto& [key, value] : ctx.task.detectors.items()) {
    if (!ctx.detectors.set(key, value, err)) {
      *err = task_error(ctx.task, "detectors." + key, *err);
      return false;
    }
  }
  if (!ctx.protocol.apply(ctx.task.protocol, err)) {
    *err = ctx.task.file.string() + ": " + *err;
    return false;
  }

  if (out.empty()) out = "showdown-" + utc_now();
  std::error_code ec;
  if (!options.resume && fs::exists(out / "seal.json", ec)) {
    *err = out.string() + ": already holds a showdown (use --resume to continue it)";
    return false;
  }
  fs::create_directories(out / "runs", ec);
  ctx.out = fs::absolute(out);
  ctx.init_binary = options.init_binary;
  if (!ensure_task_repo(ctx.task, ctx.out / "cache", &ctx.task_repo, err) ||
      !resolve_base(ctx.task, ctx.task_repo, &ctx.base_sha, err))
    return false;

  std::vector<Assignment> assignments;
  if (options.resume) {
    if (!read_secret_assignment(ctx.out, &assignments, err)) return false;
  } else {
    std::vector<std::string> names;
    for (const auto& m : plan->models) names.push_back(m.name);
    assignments = assign_labels(names, options.trials, options.seed);
    // The --model filter names models, so it is kept with the seal's secret.
    if (!seal(ctx.out, assignments, err) ||
        !write_json_file(ctx.out / ".seal" / "options.json",
                         {{"only_models", options.only_models}}, err))
      return false;
    plan->meta = {{"task", ctx.task.name},
                  {"task_file", fs::absolute(ctx.task.file).string()},
                  {"models_file", fs::absolute(options.models).string()},
                  {"models_sha256", models_sha},
                  {"models", plan->models.size()},
                  {"trials", options.trials},
                  {"base_sha", ctx.base_sha},
                  {"build_command", ctx.task.build},
                  {"started_at", utc_now()}};
    if (!write_json_file(ctx.out / "showdown.json", plan->meta, err)) return false;
  }
  return group_runs(assignments, plan->models, options.models, &plan->groups, err);
}

/// --interactive: a line "run-N: text" on stdin nudges that run before its next
/// request; typed before the run starts, it waits for it. The reader thread
/// shares the state, so it may outlive the showdown blocked on stdin.
class Interactive {
 public:
  explicit Interactive(ShowdownContext* ctx) : state_(std::make_shared<State>()) {
    ctx->on_protocol = [state = state_](const std::string& label, ProtocolRules* p) {
      state->attach(label, p);
    };
    std::thread([state = state_] { state->read_stdin(); }).detach();
  }

 private:
  struct State {
    void attach(const std::string& label, ProtocolRules* p) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!p) {
        live.erase(label);
        return;
      }
      live[label] = p;
      for (const auto& text : early[label]) p->push_interactive(text);
      early.erase(label);
    }

    void read_stdin() {
      std::string line;
      while (std::getline(std::cin, line)) {
        size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string label = line.substr(0, colon);
        std::string text = line.substr(colon + 1);
        text.erase(0, text.find_first_not_of(' '));
        if (text.empty()) continue;
        std::lock_guard<std::mutex> lock(mutex);
        auto it = live.find(label);
        if (it != live.end()) it->second->push_interactive(text);
        else early[label].push_back(text);
      }
    }

    std::mutex mutex;
    std::map<std::string, ProtocolRules*> live;
    std::map<std::string, std::vector<std::string>> early;
  };
  std::shared_ptr<State> state_;
};

/// --probe-first: model name -> why it failed, its name and id kept out of why.
std::map<std::string, std::string> probe_models(const std::vector<Group>& groups) {
  std::map<std::string, std::string> failures;
  std::set<std::string> probed;
  for (const auto& g : groups) {
    const ModelConfig& m = *g.model;
    if (!probed.insert(m.name).second) continue;
    ManagedServer server;
    std::string why;
    if (m.server) {
      fs::path log = scratch_log("probe");
      bool started = server.start(server_spec(m), log, &why);
      std::error_code rm;
      fs::remove(log, rm);
      if (!started) continue;  // the run itself records the server failure
    }
    if (probe_passes(m, &why)) continue;
    for (const auto& secret : {m.name, m.model})
      for (size_t pos; !secret.empty() && (pos = why.find(secret)) != std::string::npos;)
        why.replace(pos, secret.size(), "[sealed]");
    failures[m.name] = why;
  }
  return failures;
}

/// A result that is not the model's: a skipped run or an infrastructure error.
RunResult result_without_run(const RunPlan& plan, const std::string& outcome,
                             const std::string& error) {
  RunResult r;
  r.run = plan.label;
  r.trial = plan.trial;
  r.scripted = plan.model->scripted;
  r.outcome = r.end_reason = outcome;
  r.error = error;
  return r;
}

void save_result(const ShowdownContext& ctx, const RunResult& result) {
  std::error_code ec;
  fs::create_directories(run_dir(ctx, result.run), ec);
  std::string err;
  write_json_file(run_dir(ctx, result.run) / "result.json", to_json(result), &err);
}

/// Carries out one group's unfinished runs, starting its model server if the
/// showdown manages one. Shared by the worker threads.
class GroupRunner {
 public:
  GroupRunner(const Plan& plan, LiveView* view, std::map<std::string, std::string> probe_failures)
      : ctx_(plan.ctx), view_(view), probe_failures_(std::move(probe_failures)) {}

  void run(const Group& g) {
    std::vector<RunPlan> todo = unfinished(g);
    if (todo.empty()) return;
    const ModelConfig& model = *g.model;
    std::unique_lock<std::mutex> lock(server_mutex_, std::defer_lock);
    ManagedServer server;
    fs::path log = scratch_log("server");
    std::string server_error;
    if (model.server) {
      lock.lock();
      view_->note(todo.front().label + ": starting its model server");
      if (!server.start(server_spec(model), log, &server_error))
        server_error = "model server failed to start: " + server_error;
    }
    uintmax_t log_from = 0;  // each run's slice of the log starts where the last ended
    for (const auto& plan : todo) {
      if (model.server && server_error.empty() && !server.alive() &&
          !server.start(server_spec(model), log, &server_error))
        server_error = "model server exited and did not restart: " + server_error;
      RunResult result;
      if (!server_error.empty()) {
        result = result_without_run(plan, "infra_error", server_error);
      } else {
        view_->note(plan.label + ": started");
        result = execute_run(ctx_, plan);
        if (result.outcome == "infra_error" && model.server && !server.alive())
          result.error = "model server died during the run: " + result.error;
      }
      if (model.server) {
        std::error_code ec;
        keep_sealed_log(log, log_from, ctx_.out / ".seal" / "server-logs" / (plan.label + ".log"));
        log_from = fs::file_size(log, ec);
      }
      if (result.outcome == "infra_error") {
        ++infra_errors_;
        save_result(ctx_, result);
        view_->note(plan.label + ": infrastructure error: " + result.error);
      } else {
        view_->note(plan.label + ": " + result.outcome + " (" + std::to_string(result.tool_calls) +
                    " tool calls, " + std::to_string(result.total_tokens) + " tokens)");
      }
    }
    server.stop();
    std::error_code ec;
    fs::remove(log, ec);
  }

  int infra_errors() const { return infra_errors_; }

 private:
  /// The group's runs without a result yet (or whose result was an
  /// infrastructure error); a model that failed the probe gets skipped ones.
  std::vector<RunPlan> unfinished(const Group& g) {
    std::vector<RunPlan> todo;
    for (const auto& plan : g.runs) {
      RunResult done;
      if (load_run_result(ctx_, plan.label, &done) && done.outcome != "infra_error") {
        view_->note(plan.label + ": already finished (" + done.outcome + ")");
        continue;
      }
      auto failed = probe_failures_.find(g.model->name);
      if (failed == probe_failures_.end()) {
        todo.push_back(plan);
        continue;
      }
      RunResult skipped = result_without_run(plan, "skipped", "failed the probe: " + failed->second);
      save_result(ctx_, skipped);
      view_->note(plan.label + ": skipped, " + skipped.error);
    }
    return todo;
  }

  const ShowdownContext& ctx_;
  LiveView* view_;
  const std::map<std::string, std::string> probe_failures_;
  std::mutex server_mutex_;  // one managed server at a time
  std::atomic<int> infra_errors_{0};
};

}  // namespace

int run_showdown(const ShowdownOptions& options, std::string* err) {
  std::ostream& progress = options.progress ? *options.progress : std::cerr;
  Plan plan;
  if (!prepare(options, &plan, err)) return 2;
  ShowdownContext& ctx = plan.ctx;

  LiveView view(&progress, isatty(STDERR_FILENO) && !getenv("NO_COLOR") && !getenv("CI"));
  ctx.on_record = [&view](const std::string& label, const Record& r) { view.on_record(label, r); };
  std::unique_ptr<Interactive> interactive;
  if (options.interactive) {
    interactive = std::make_unique<Interactive>(&ctx);
    view.note("interactive: type 'run-N: message' and Enter to nudge a run");
  }

  GroupRunner runner(plan, &view, options.probe_first ? probe_models(plan.groups)
                                                      : std::map<std::string, std::string>{});
  std::atomic<size_t> next{0};
  int workers = std::max(1, std::min<int>(options.parallel, static_cast<int>(plan.groups.size())));
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i)
    threads.emplace_back([&] {
      for (size_t g; (g = next++) < plan.groups.size();) runner.run(plan.groups[g]);
    });
  for (auto& t : threads) t.join();

  plan.meta["finished_at"] = utc_now();
  if (!write_json_file(ctx.out / "showdown.json", plan.meta, err) || !write_results(ctx.out, err))
    return 1;
  progress << "results: " << (ctx.out / "results.json").string() << "\nreport:  "
           << (ctx.out / "report.md").string() << "\n";
  if (runner.infra_errors() > 0) {
    *err = std::to_string(runner.infra_errors()) +
           " run(s) hit an infrastructure error; `showdown run --resume " + ctx.out.string() +
           "` retries them";
    return 1;
  }
  return 0;
}

}  // namespace showdown
