// links: showdown_seal
#include "seal/seal.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <set>

#include "test_util.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::read_file;
using test::TempDir;
using test::write_file;

const std::vector<std::string> kModels = {"qwen3-coder-30b", "gpt-oss-20b", "claude-sonnet-4"};

TEST(Seal, SameSeedGivesSameAssignment) {
  std::vector<Assignment> a = assign_labels(kModels, 3, 42);
  EXPECT_EQ(a, assign_labels(kModels, 3, 42));
  EXPECT_NE(a, assign_labels(kModels, 3, 43));
  // Unseeded: fresh randomness (20 runs leave ~10^13 orders; a repeat is not luck).
  std::vector<std::string> many = {"a", "b", "c", "d", "e"};
  EXPECT_NE(assign_labels(many, 4, std::nullopt), assign_labels(many, 4, std::nullopt));
}

TEST(Seal, EveryModelAndTrialGetsOneLabel) {
  std::vector<Assignment> a = assign_labels(kModels, 3, 7);
  ASSERT_EQ(a.size(), 9u);
  std::set<std::pair<std::string, int>> pairs;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].run, "run-" + std::to_string(i + 1));
    pairs.insert({a[i].model, a[i].trial});
  }
  EXPECT_EQ(pairs.size(), 9u);
  EXPECT_TRUE(pairs.count({"gpt-oss-20b", 3}));
  // Labels do not follow the order of models.toml.
  std::vector<std::string> in_file_order;
  for (const std::string& m : kModels) in_file_order.insert(in_file_order.end(), 3, m);
  std::vector<std::string> labelled;
  for (const Assignment& x : a) labelled.push_back(x.model);
  EXPECT_NE(labelled, in_file_order);
}

// Every file under `dir` outside .seal/, concatenated.
std::string visible_text(const fs::path& dir) {
  std::string text;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    if (entry.path().string().find("/.seal/") != std::string::npos) continue;
    text += read_file(entry.path());
  }
  return text;
}

TEST(Seal, SealNamesNoModelUntilUnsealed) {
  TempDir dir;
  std::vector<Assignment> assignment = assign_labels(kModels, 2, 1);
  std::string err;
  ASSERT_TRUE(seal(dir.path(), assignment, &err)) << err;

  json sealed = json::parse(read_file(dir / "seal.json"));
  EXPECT_TRUE(sealed["sealed"].get<bool>());
  EXPECT_EQ(sealed["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(sealed["runs"], json({"run-1", "run-2", "run-3", "run-4", "run-5", "run-6"}));
  EXPECT_TRUE(is_sealed(dir.path()));
  // Not even the secret names a model in plain text.
  std::string everything = visible_text(dir.path()) + read_file(dir / ".seal" / "secret.json");
  for (const std::string& model : kModels) {
    EXPECT_EQ(everything.find(model), std::string::npos) << model;
  }
  struct stat st;
  ASSERT_EQ(stat((dir / ".seal" / "secret.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  std::vector<Assignment> secret;
  ASSERT_TRUE(read_secret_assignment(dir.path(), &secret, &err)) << err;
  EXPECT_EQ(secret, assignment);
  EXPECT_FALSE(seal(dir.path(), assignment, &err));  // a seal is never replaced
}

TEST(Seal, UnsealVerifiesAndReveals) {
  TempDir dir;
  std::vector<Assignment> assignment = assign_labels(kModels, 2, 5);
  std::string err;
  ASSERT_TRUE(seal(dir.path(), assignment, &err)) << err;
  std::string commitment = json::parse(read_file(dir / "seal.json"))["sha256"];

  std::vector<Assignment> revealed;
  ASSERT_TRUE(unseal(dir.path(), &revealed, &err)) << err;
  EXPECT_EQ(revealed, assignment);
  json unsealed = json::parse(read_file(dir / "seal.json"));
  EXPECT_FALSE(unsealed["sealed"].get<bool>());
  EXPECT_EQ(unsealed["sha256"], commitment);
  for (const Assignment& a : assignment) EXPECT_EQ(unsealed["mapping"][a.run], a.model);
  EXPECT_FALSE(is_sealed(dir.path()));

  ASSERT_TRUE(unseal(dir.path(), &revealed, &err)) << err;  // again: same answer
  EXPECT_EQ(revealed, assignment);
}

TEST(Seal, TamperedCommitmentIsRejected) {
  TempDir dir;
  std::string err;
  ASSERT_TRUE(seal(dir.path(), assign_labels(kModels, 1, 9), &err)) << err;
  json sealed = json::parse(read_file(dir / "seal.json"));
  std::string hash = sealed["sha256"];
  hash[0] = hash[0] == '0' ? '1' : '0';
  sealed["sha256"] = hash;
  write_file(dir / "seal.json", sealed.dump());

  std::vector<Assignment> revealed;
  EXPECT_FALSE(unseal(dir.path(), &revealed, &err));
  EXPECT_NE(err.find("seal broken"), std::string::npos) << err;
  EXPECT_TRUE(is_sealed(dir.path()));
}

TEST(Seal, TamperedSecretIsRejected) {
  TempDir dir;
  std::vector<Assignment> assignment = assign_labels(kModels, 1, 9);
  std::string err;
  ASSERT_TRUE(seal(dir.path(), assignment, &err)) << err;
  fs::path secret_file = dir / ".seal" / "secret.json";
  json secret = json::parse(read_file(secret_file));

  // Swap the models of run-1 and run-2, re-encoded as the harness would write it.
  std::swap(assignment[0].model, assignment[1].model);
  json array = json::array();
  for (const Assignment& a : assignment) {
    array.push_back({{"run", a.run}, {"model", a.model}, {"trial", a.trial}});
  }
  std::string text = array.dump(), hex;
  for (unsigned char c : text) {
    char byte[3];
    snprintf(byte, sizeof byte, "%02x", c);
    hex += byte;
  }
  json forged = secret;
  forged["assignment_hex"] = hex;
  write_file(secret_file, forged.dump());
  std::vector<Assignment> revealed;
  EXPECT_FALSE(unseal(dir.path(), &revealed, &err));
  EXPECT_NE(err.find("seal broken"), std::string::npos) << err;
  EXPECT_FALSE(read_secret_assignment(dir.path(), &revealed, &err));

  forged = secret;
  forged["salt"] = std::string(64, 'a');
  write_file(secret_file, forged.dump());
  EXPECT_FALSE(unseal(dir.path(), &revealed, &err));
  EXPECT_NE(err.find("seal broken"), std::string::npos) << err;

  fs::remove(secret_file);
  EXPECT_FALSE(unseal(dir.path(), &revealed, &err));
  EXPECT_NE(err.find("secret.json: cannot read"), std::string::npos) << err;
}

}  // namespace
}  // namespace showdown
