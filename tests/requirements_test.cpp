// links: showdown_showdown
// The screenshot glob and the cheap checks the protocol runs between turns,
// against a real origin repository.
#include <gtest/gtest.h>

#include "showdown/requirements.h"
#include "test_util.h"
#include "workspace/git.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;

TEST(GlobMatch, DoubleStarSpansFoldersAndStarStaysInOne) {
  struct Case {
    const char* pattern;
    const char* path;
    bool matches;
  } cases[] = {
      {"**/*.png", "tags.png", true},
      {"**/*.png", "docs/screenshots/tags.png", true},
      {"**/*.png", "docs/tags.png.txt", false},
      {"docs/*.png", "docs/a.png", true},
      {"docs/*.png", "docs/x/a.png", false},
      {"shot?.png", "shot1.png", true},
      {"shot?.png", "shot/.png", false},
      {"**/shots/**/*.png", "a/shots/b/c/d.png", true},
  };
  for (const auto& c : cases)
    EXPECT_EQ(glob_match(c.pattern, c.path), c.matches) << c.pattern << " vs " << c.path;
}

TEST(CheapCheck, ReadsBuiltinsAndFileTestsFromThePushedBranch) {
  test::TempDir dir;
  std::string out, err;
  fs::path work = dir / "work";
  fs::path origin = dir / "origin.git";
  ASSERT_EQ(test::run_shell("git init -q -b main " + work.string() + " && cd " + work.string() +
                            " && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m base"
                            " && git init -q --bare " + origin.string() +
                            " && git push -q " + origin.string() + " main",
                            &out),
            0)
      << out;
  RunWorkspace run;
  run.home = dir / "home";
  run.origin = origin;
  run.branch = "run-1";
  ASSERT_TRUE(resolve_commit(origin, "main", &run.base_sha));
  fs::create_directories(run.home);

  Task task;
  task.requirements = {{"lib", "", "test -f src/lib.ts", CheckKind::shell, 0},
                       {"slow", "", "npm test", CheckKind::shell, 0},
                       {"commits", "", "builtin:commits>=1", CheckKind::commits, 1},
                       {"no_pr", "", "builtin:no_pr", CheckKind::no_pr, 0}};
  CheckSummary before = cheap_check(task, run);
  EXPECT_EQ(before.unmet, (std::vector<std::string>{"lib", "commits"}));
  EXPECT_EQ(before.met, (std::vector<std::string>{"no_pr"})) << "shell checks that are not file tests are not cheap";

  test::write_file(work / "src/lib.ts", "export {}\n");
  ASSERT_EQ(test::run_shell("cd " + work.string() + " && git add -A && git -c user.name=t -c "
                            "user.email=t@t commit -qm lib && git push -q " + origin.string() +
                            " HEAD:run-1",
                            &out),
            0)
      << out;
  CheckSummary after = cheap_check(task, run);
  EXPECT_TRUE(after.unmet.empty());
  EXPECT_EQ(after.met, (std::vector<std::string>{"lib", "commits", "no_pr"}));
}

}  // namespace
}  // namespace showdown
