#include "showdown/requirements.h"

#include <fstream>
#include <regex>

#include "sandbox/sandbox.h"
#include "workspace/git.h"

namespace showdown {

namespace fs = std::filesystem;

namespace {

bool is_png(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  return in.gcount() == 8 && std::string(magic, 8) == std::string("\x89PNG\r\n\x1a\n", 8);
}

bool glob_at(const char* p, const char* s) {
  while (*p) {
    if (p[0] == '*' && p[1] == '*') {
      const char* rest = p + 2;
      if (*rest == '/') ++rest;
      for (const char* t = s;; ++t) {
        if ((t == s || t[-1] == '/') && glob_at(rest, t)) return true;
        if (!*t) return false;
      }
    }
    if (*p == '*') {
      for (const char* t = s;; ++t) {
        if (glob_at(p + 1, t)) return true;
        if (!*t || *t == '/') return false;
      }
    }
    if (!*s || (*p == '?' ? *s == '/' : *p != *s)) return false;
    ++p;
    ++s;
  }
  return !*s;
}

/// Files added or changed on the pushed branch since the base.
std::vector<std::string> changed_files(const RunWorkspace& run) {
  std::string out, err;
  if (!git(run.origin, {"diff", "--name-only", "--diff-filter=AM", run.base_sha, run.branch}, &out, &err))
    return {};
  std::vector<std::string> files;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    if (end > pos) files.push_back(out.substr(pos, end - pos));
    pos = end + 1;
  }
  return files;
}

/// A PNG matching the glob that the run pushed, or saved in its home after its
/// workspace was made (an MCP screenshot need not be committed).
bool screenshot_taken(const Task& task, const RunWorkspace& run, const fs::path* checkout,
                      std::string* found) {
  for (const auto& file : changed_files(run)) {
    if (!glob_match(task.screenshot, file)) continue;
    std::string blob, err;
    if (checkout && is_png(*checkout / file)) {
      *found = file;
      return true;
    }
    if (!checkout && git(run.origin, {"cat-file", "-e", run.branch + ":" + file}, &blob, &err)) {
      *found = file;
      return true;
    }
  }
  std::error_code ec;
  auto since = fs::last_write_time(run.origin / "HEAD", ec);
  if (ec) return false;
  for (auto it = fs::recursive_directory_iterator(run.home, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory(ec) && (name == "node_modules" || name == ".git" || name == ".npm" ||
                                 name == ".cache")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::string rel = fs::relative(it->path(), run.home, ec).string();
    if (!glob_match(task.screenshot, rel)) continue;
    if (fs::last_write_time(it->path(), ec) < since || !is_png(it->path())) continue;
    *found = "~/" + rel;
    return true;
  }
  return false;
}

/// `test -f X`, `test -e X`, `test -d X`, `[ -f X ]`: the path, or "" for other checks.
std::string file_test_path(const std::string& check) {
  static const std::regex form(R"(^\s*(?:test\s+-[fed]\s+(\S+)|\[\s+-[fed]\s+(\S+)\s+\])\s*$)");
  std::smatch m;
  if (!std::regex_match(check, m, form)) return "";
  return m[1].matched ? m[1].str() : m[2].str();
}

bool builtin_met(const Requirement& req, const PushedBranch& pb, bool screenshot,
                 const RunWorkspace& run, std::string* detail) {
  switch (req.kind) {
    case CheckKind::commits:
      *detail = std::to_string(pb.commits) + " commit(s) pushed";
      return pb.pushed && pb.commits >= req.min_commits;
    case CheckKind::pushed:
      *detail = pb.pushed ? "" : "branch " + run.branch + " was not pushed";
      return pb.pushed && pb.commits > 0;
    case CheckKind::screenshot:
      *detail = screenshot ? "" : "no PNG screenshot pushed or saved";
      return screenshot;
    case CheckKind::no_pr: {
      // There is no forge: "no PR" means main in the origin is still the base.
      std::string sha;
      bool untouched = resolve_commit(run.origin, "main", &sha) && sha == run.base_sha;
      *detail = untouched ? "" : "main was changed in the origin";
      return untouched;
    }
    case CheckKind::shell:
      break;
  }
  return false;
}

/// The task folder without installed packages or git data: what checks may read.
void copy_task_files(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == "node_modules" || name == ".git") continue;
    if (entry.is_directory(ec))
      copy_task_files(entry.path(), to / name);
    else
      fs::copy(entry.path(), to / name, fs::copy_options::overwrite_existing, ec);
  }
}

}  // namespace

bool glob_match(const std::string& pattern, const std::string& path) {
  return glob_at(pattern.c_str(), path.c_str());
}

CheckSummary cheap_check(const Task& task, const RunWorkspace& run) {
  CheckSummary summary;
  PushedBranch pb;
  std::string err, found;
  pushed_branch(run.origin, run.branch, run.base_sha, &pb, &err);
  bool screenshot = screenshot_taken(task, run, nullptr, &found);
  for (const auto& req : task.requirements) {
    std::string detail;
    if (req.kind != CheckKind::shell) {
      (builtin_met(req, pb, screenshot, run, &detail) ? summary.met : summary.unmet).push_back(req.id);
      continue;
    }
    std::string path = file_test_path(req.check);
    if (path.empty()) continue;
    std::string out;
    bool present = pb.pushed && git(run.origin, {"cat-file", "-e", run.branch + ":" + path}, &out, &err);
    (present ? summary.met : summary.unmet).push_back(req.id);
  }
  return summary;
}

bool check_shipped(const CheckPlan& plan, RunResult* run, std::string* err) {
  const Task& task = *plan.task;
  PushedBranch pb;
  if (!pushed_branch(plan.run.origin, plan.run.branch, plan.run.base_sha, &pb, err)) return false;
  run->pushed = pb.pushed && pb.commits > 0;
  run->commits = pb.commits;
  run->requirements.clear();

  std::error_code ec;
  fs::path home = plan.work / "home";
  fs::path checkout = home / task.name;
  fs::remove_all(plan.work, ec);
  fs::create_directories(plan.work / "tmp", ec);
  bool have_checkout = pb.pushed && checkout_pushed(plan.run.origin, plan.run.branch, checkout, err);
  if (pb.pushed && !have_checkout) return false;

  std::string found;
  run->screenshot = screenshot_taken(task, plan.run, have_checkout ? &checkout : nullptr, &found);

  std::unique_ptr<Sandbox> sandbox;
  std::string setup_error;
  if (have_checkout) {
    if (!run_setup(task, checkout, plan.work / "setup.log", 900, &setup_error))
      setup_error = "setup failed in the pushed checkout: " + setup_error;
    // The checks read the task's own files from a copy the checked code cannot change.
    copy_task_files(task.dir, home / ".task");
    SandboxSpec spec;
    spec.home = home;
    spec.tmp = plan.work / "tmp";
    spec.init_binary = plan.init_binary;
    spec.env["SHOWDOWN_TASK_DIR"] = plan.run.home_inside + "/.task";
    sandbox = make_sandbox(spec, err);
    if (!sandbox) return false;
  }
  const std::string repo_inside = plan.run.home_inside + "/" + task.name;
  auto run_check = [&](const std::string& command, std::string* detail) {
    if (!setup_error.empty()) {
      *detail = setup_error;
      return false;
    }
    CommandSpec spec;
    spec.command = command;
    spec.cwd = repo_inside;
    spec.timeout_seconds = std::max(task.limits.command_seconds, 300.0);
    spec.output_cap = 4096;
    CommandResult result;
    std::string sandbox_err;
    if (!sandbox->run(spec, &result, &sandbox_err)) {
      *detail = "sandbox failed: " + sandbox_err;
      return false;
    }
    if (result.exit_code != 0) {
      std::string out = result.output;
      while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
      size_t last = out.rfind('\n');
      *detail = "exit " + std::to_string(result.exit_code) +
                (out.empty() ? "" : ": " + out.substr(last == std::string::npos ? 0 : last + 1));
      if (detail->size() > 300) detail->resize(300);
    }
    return result.exit_code == 0;
  };

  if (have_checkout && !task.build.empty()) {
    std::string detail;
    run->pushed_build_passed = run_check(task.build, &detail);
  }
  for (const auto& req : task.requirements) {
    RequirementResult r;
    r.id = req.id;
    r.text = req.text;
    if (req.kind != CheckKind::shell) {
      r.passed = builtin_met(req, pb, run->screenshot, plan.run, &r.detail);
    } else if (!have_checkout) {
      r.detail = "branch " + plan.run.branch + " was not pushed";
    } else if (req.check == task.build) {
      r.passed = run->pushed_build_passed;
      if (!r.passed) r.detail = "the build failed in the pushed checkout";
    } else {
      r.passed = run_check(req.check, &r.detail);
    }
    if (r.passed) r.detail.clear();
    run->requirements.push_back(std::move(r));
  }
  if (sandbox) sandbox->shutdown();
  // The checkout and its installed packages were only for checking; the setup
  // log stays for a person to read.
  fs::remove_all(home, ec);
  fs::remove_all(plan.work / "tmp", ec);
  return true;
}

}  // namespace showdown
