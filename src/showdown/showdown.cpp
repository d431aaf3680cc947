#include "showdown/showdown.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "probe/probe.h"
#include "report/reporter.h"
#include "seal/seal.h"
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

bool read_json(const fs::path& path, nlohmann::json* j, std::string* err) {
  std::ifstream in(path);
  if (!in) {
    *err = path.string() + ": cannot read";
    return false;
  }
  *j = nlohmann::json::parse(in, nullptr, false);
  if (j->is_discarded()) {
    *err = path.string() + ": not valid JSON";
    return false;
  }
  return true;
}

bool write_json(const fs::path& path, const nlohmann::json& j, std::string* err) {
  fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2) << "\n";
    if (!out) {
      *err = path.string() + ": cannot write";
      return false;
    }
  }
  fs::rename(tmp, path);
  return true;
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

}  // namespace

int run_showdown(const ShowdownOptions& o, std::string* err) {
  ShowdownOptions options = o;
  std::ostream& progress = options.progress ? *options.progress : std::cerr;
  fs::path out = options.out;
  nlohmann::json meta;
  nlohmann::json private_options;

  if (options.resume) {
    if (!read_json(out / "showdown.json", &meta, err) ||
        !read_json(out / ".seal" / "options.json", &private_options, err))
      return 2;
    options.task = meta.value("task_file", "");
    options.models = meta.value("models_file", "");
    options.trials = meta.value("trials", 1);
    options.only_models = private_options.value("only_models", std::vector<std::string>{});
  }

  ShowdownContext ctx;
  if (!load_task(options.task, &ctx.task, err)) return 2;
  std::vector<ModelConfig> all_models;
  if (!load_models(options.models, &all_models, err)) return 2;
  std::vector<ModelConfig> models;
  for (const auto& name : options.only_models) {
    auto it = std::find_if(all_models.begin(), all_models.end(),
                           [&](const ModelConfig& m) { return m.name == name; });
    if (it == all_models.end()) {
      *err = options.models.string() + ": --model " + name + ": no such model";
      return 2;
    }
    models.push_back(*it);
  }
  if (options.only_models.empty()) models = all_models;
  if (models.empty()) {
    *err = options.models.string() + ": no [[model]] to run";
    return 2;
  }
  for (const auto& m : models) {
    if (!m.api_key_env.empty() && !getenv(m.api_key_env.c_str())) {
      *err = options.models.string() + ":" + std::to_string(m.line) +
             ": api_key_env: environment variable " + m.api_key_env + " is not set";
      return 2;
    }
  }
  if (options.trials < 1) {
    *err = "--trials: must be at least 1";
    return 2;
  }
  std::string models_sha;
  if (!sha256_file(options.models, &models_sha, err)) return 2;
  if (options.resume && meta.value("models_sha256", "") != models_sha) {
    *err = options.models.string() + ": changed since the showdown started (SHA-256 differs)";
    return 2;
  }
  for (const auto& [key, value] : ctx.task.detectors.items()) {
    if (!ctx.detectors.set(key, value, err)) {
      *err = task_error(ctx.task, "detectors." + key, *err);
      return 2;
    }
  }
  if (!ctx.protocol.apply(ctx.task.protocol, err)) {
    *err = ctx.task.file.string() + ": " + *err;
    return 2;
  }

  if (out.empty()) out = "showdown-" + utc_now();
  std::error_code ec;
  if (!options.resume && fs::exists(out / "seal.json", ec)) {
    *err = out.string() + ": already holds a showdown (use --resume to continue it)";
    return 2;
  }
  fs::create_directories(out / "runs", ec);
  out = fs::absolute(out);
  ctx.out = out;
  ctx.init_binary = options.init_binary;
  if (!ensure_task_repo(ctx.task, out / "cache", &ctx.task_repo, err) ||
      !resolve_base(ctx.task, ctx.task_repo, &ctx.base_sha, err))
    return 2;

  std::vector<Assignment> assignments;
  if (options.resume) {
    if (!read_secret_assignment(out, &assignments, err)) return 2;
  } else {
    std::vector<std::string> names;
    for (const auto& m : models) names.push_back(m.name);
    assignments = assign_labels(names, options.trials, options.seed);
    if (!seal(out, assignments, err)) return 2;
    private_options = {{"only_models", options.only_models}};
    if (!write_json(out / ".seal" / "options.json", private_options, err)) return 2;
    meta = {{"task", ctx.task.name},
            {"task_file", fs::absolute(ctx.task.file).string()},
            {"models_file", fs::absolute(options.models).string()},
            {"models_sha256", models_sha},
            {"models", models.size()},
            {"trials", options.trials},
            {"base_sha", ctx.base_sha},
            {"build_command", ctx.task.build},
            {"started_at", utc_now()}};
    if (!write_json(out / "showdown.json", meta, err)) return 2;
  }

  // Group runs: a managed server's runs go together, one server at a time.
  std::map<std::string, const ModelConfig*> by_name;
  for (const auto& m : models) by_name[m.name] = &m;
  std::vector<Group> groups;
  std::map<std::string, size_t> server_group;
  auto label_number = [](const std::string& l) { return std::stoi(l.substr(l.find('-') + 1)); };
  std::sort(assignments.begin(), assignments.end(), [&](const Assignment& a, const Assignment& b) {
    return label_number(a.run) < label_number(b.run);
  });
  for (const auto& a : assignments) {
    const ModelConfig* m = by_name.count(a.model) ? by_name[a.model] : nullptr;
    if (!m) {
      *err = options.models.string() + ": a model of this showdown is no longer in it";
      return 2;
    }
    RunPlan plan{a.run, a.trial, m};
    if (m->server) {
      auto it = server_group.find(m->name);
      if (it == server_group.end()) {
        server_group[m->name] = groups.size();
        groups.push_back({m, {plan}});
      } else {
        groups[it->second].runs.push_back(plan);
      }
    } else {
      groups.push_back({m, {plan}});
    }
  }

  LiveView view(&progress, isatty(STDERR_FILENO) && !getenv("NO_COLOR") && !getenv("CI"));
  ctx.on_record = [&view](const std::string& label, const Record& r) { view.on_record(label, r); };
  // --interactive: a line "run-N: text" nudges that run before its next request;
  // typed before the run starts, it waits for it.
  std::mutex protocols_mutex;
  std::map<std::string, ProtocolRules*> live_protocols;
  std::map<std::string, std::vector<std::string>> typed_early;
  if (options.interactive) {
    ctx.on_protocol = [&](const std::string& label, ProtocolRules* p) {
      std::lock_guard<std::mutex> lock(protocols_mutex);
      if (!p) {
        live_protocols.erase(label);
        return;
      }
      live_protocols[label] = p;
      for (const auto& text : typed_early[label]) p->push_interactive(text);
      typed_early.erase(label);
    };
    view.note("interactive: type 'run-N: message' and Enter to nudge a run");
    std::thread([&] {
      std::string line;
      while (std::getline(std::cin, line)) {
        size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string label = line.substr(0, colon);
        std::string text = line.substr(colon + 1);
        text.erase(0, text.find_first_not_of(' '));
        if (text.empty()) continue;
        std::lock_guard<std::mutex> lock(protocols_mutex);
        auto it = live_protocols.find(label);
        if (it != live_protocols.end()) it->second->push_interactive(text);
        else typed_early[label].push_back(text);
      }
    }).detach();
  }

  // --probe-first: a model that cannot make tool calls at all is not run; its
  // runs are recorded as skipped, with why, under their labels only.
  std::map<std::string, std::string> probe_failures;
  if (options.probe_first) {
    for (const auto& g : groups) {
      const ModelConfig* m = g.model;
      if (probe_failures.count(m->name)) continue;
      ManagedServer server;
      std::string why;
      if (m->server) {
        ServerSpec spec{m->server->command, m->server->ready, m->server->ready_timeout_s,
                        m->server->env};
        fs::path log = scratch_log("probe");
        bool started = server.start(spec, log, &why);
        std::error_code rm;
        fs::remove(log, rm);
        if (!started) continue;  // the run itself will record the server failure
      }
      if (!probe_passes(*m, &why)) {
        for (const auto& secret : {m->name, m->model})
          for (size_t pos; !secret.empty() && (pos = why.find(secret)) != std::string::npos;)
            why.replace(pos, secret.size(), "[sealed]");
        probe_failures[m->name] = why;
      }
    }
  }

  std::mutex server_mutex;  // one managed server at a time
  std::atomic<size_t> next{0};
  std::atomic<int> infra_errors{0};
  auto run_group = [&](const Group& g) {
    std::vector<RunPlan> todo;
    for (const auto& plan : g.runs) {
      RunResult done;
      if (load_run_result(ctx, plan.label, &done) && done.outcome != "infra_error") {
        view.note(plan.label + ": already finished (" + done.outcome + ")");
        continue;
      }
      auto failed_probe = probe_failures.find(g.model->name);
      if (failed_probe != probe_failures.end()) {
        RunResult skipped;
        skipped.run = plan.label;
        skipped.trial = plan.trial;
        skipped.scripted = plan.model->scripted;
        skipped.outcome = skipped.end_reason = "skipped";
        skipped.error = "failed the probe: " + failed_probe->second;
        std::error_code mk;
        fs::create_directories(run_dir(ctx, plan.label), mk);
        std::ofstream(run_dir(ctx, plan.label) / "result.json") << to_json(skipped).dump(2) << "\n";
        view.note(plan.label + ": skipped, " + skipped.error);
        continue;
      }
      todo.push_back(plan);
    }
    if (todo.empty()) return;
    std::unique_lock<std::mutex> lock(server_mutex, std::defer_lock);
    ManagedServer server;
    fs::path server_log = scratch_log("server");
    std::string server_error;
    if (g.model->server) {
      lock.lock();
      ServerSpec spec{g.model->server->command, g.model->server->ready,
                      g.model->server->ready_timeout_s, g.model->server->env};
      view.note(todo.front().label + ": starting its model server");
      if (!server.start(spec, server_log, &server_error))
        server_error = "model server failed to start: " + server_error;
    }
    uintmax_t log_from = 0;  // each run's slice of the log starts where the last ended
    for (const auto& plan : todo) {
      RunResult result;
      std::error_code size_ec;
      if (g.model->server && server_error.empty() && !server.alive()) {
        server_error = "model server exited";
        ServerSpec spec{g.model->server->command, g.model->server->ready,
                        g.model->server->ready_timeout_s, g.model->server->env};
        if (server.start(spec, server_log, &server_error)) server_error.clear();
      }
      if (!server_error.empty()) {
        result.run = plan.label;
        result.trial = plan.trial;
        result.scripted = plan.model->scripted;
        result.outcome = result.end_reason = "infra_error";
        result.error = server_error;
      } else {
        view.note(plan.label + ": started");
        result = execute_run(ctx, plan);
        if (result.outcome == "infra_error" && g.model->server && !server.alive())
          result.error = "model server died during the run: " + result.error;
      }
      if (g.model->server) {
        keep_sealed_log(server_log, log_from, out / ".seal" / "server-logs" / (plan.label + ".log"));
        log_from = fs::file_size(server_log, size_ec);
      }
      if (result.outcome == "infra_error") {
        ++infra_errors;
        fs::create_directories(run_dir(ctx, plan.label), size_ec);
        std::ofstream(run_dir(ctx, plan.label) / "result.json") << to_json(result).dump(2) << "\n";
        view.note(plan.label + ": infrastructure error: " + result.error);
      } else {
        view.note(plan.label + ": " + result.outcome + " (" + std::to_string(result.tool_calls) +
                  " tool calls, " + std::to_string(result.total_tokens) + " tokens)");
      }
    }
    server.stop();
    std::error_code rm;
    fs::remove(server_log, rm);
  };
  int workers = std::max(1, std::min<int>(options.parallel, static_cast<int>(groups.size())));
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i)
    threads.emplace_back([&] {
      for (size_t g; (g = next++) < groups.size();) run_group(groups[g]);
    });
  for (auto& t : threads) t.join();

  meta["finished_at"] = utc_now();
  if (!write_json(out / "showdown.json", meta, err)) return 1;
  if (!write_results(out, err)) return 1;
  progress << "results: " << (out / "results.json").string() << "\nreport:  "
           << (out / "report.md").string() << "\n";
  if (infra_errors > 0) {
    *err = std::to_string(infra_errors.load()) +
           " run(s) hit an infrastructure error; `showdown run --resume " + out.string() +
           "` retries them";
    return 1;
  }
  return 0;
}

bool write_results(const fs::path& out, std::string* err) {
  nlohmann::json meta;
  if (!read_json(out / "showdown.json", &meta, err)) return false;
  ShowdownResult result;
  ShowdownInfo& info = result.showdown;
  info.task = meta.value("task", "");
  info.base_sha = meta.value("base_sha", "");
  info.models = meta.value("models", 0);
  info.trials = meta.value("trials", 1);
  info.models_sha256 = meta.value("models_sha256", "");
  info.started_at = meta.value("started_at", "");
  info.finished_at = meta.value("finished_at", "");
  info.build_command = meta.value("build_command", "");
  info.sealed = is_sealed(out);

  std::map<std::string, std::string> names;
  if (!info.sealed) {
    nlohmann::json seal_json;
    if (!read_json(out / "seal.json", &seal_json, err)) return false;
    const nlohmann::json mapping = seal_json.value("mapping", nlohmann::json::object());
    for (auto it = mapping.begin(); it != mapping.end(); ++it)
      if (it.value().is_string()) names[it.key()] = it.value().get<std::string>();
  }

  std::map<std::string, std::vector<Record>> transcripts;
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(out / "runs", ec)) dirs.push_back(entry.path());
  auto number = [](const fs::path& p) {
    std::string s = p.filename().string();
    return std::atoi(s.c_str() + s.find('-') + 1);
  };
  std::sort(dirs.begin(), dirs.end(), [&](const fs::path& a, const fs::path& b) {
    return number(a) < number(b);
  });
  for (const auto& dir : dirs) {
    nlohmann::json j;
    std::string ignored;
    if (!read_json(dir / "result.json", &j, &ignored)) continue;
    RunResult run;
    if (!run_result_from_json(j, &run, err)) {
      *err = (dir / "result.json").string() + ": " + *err;
      return false;
    }
    if (names.count(run.run)) run.model = names[run.run];
    std::vector<Record> records;
    if (read_transcript(dir / "transcript.jsonl", &records, &ignored)) transcripts[run.run] = records;
    result.runs.push_back(std::move(run));
  }
  if (!write_json(out / "results.json", to_json(result), err)) return false;
  std::ofstream md(out / "report.md");
  if (!write_report(result, "md", md, err)) return false;
  std::ofstream html(out / "report.html");
  if (!write_report(result, "html", html, err, &transcripts)) return false;
  return write_store(out / "showdown.db", result, transcripts, err);
}

}  // namespace showdown
