#pragma once
// The seal keeps a showdown blind: run labels are assigned to models in a random
// order, and before the first run DIR/seal.json commits to that assignment by
// hash, sha256(salt || canonical JSON), without naming any model. The salt and
// the assignment stay in DIR/.seal/secret.json (mode 0600, hex-encoded so that no
// file under DIR names a model in plain text); unseal checks the commitment and
// only then writes the mapping into seal.json.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace showdown {

/// Which model and trial a run label stands for.
struct Assignment {
  std::string run;    // "run-N"
  std::string model;  // a models.toml name
  int trial = 0;      // from 1, per model
  bool operator==(const Assignment&) const = default;
};

/// Labels run-1..run-M*T given to every (model, trial) in a random order. The
/// same seed gives the same assignment on every platform; no seed: fresh randomness.
std::vector<Assignment> assign_labels(const std::vector<std::string>& models, int trials,
                                      std::optional<uint64_t> seed);

/// Writes the commitment (DIR/seal.json) and the secret (DIR/.seal/secret.json).
/// Refuses to overwrite an existing seal.
bool seal(const std::filesystem::path& dir, const std::vector<Assignment>& assignments,
          std::string* err);

/// Verifies the commitment in seal.json against the secret and reveals the
/// assignment into seal.json ("sealed": false, "mapping", "salt"). Safe to run
/// again on an unsealed showdown. Fails, changing nothing, if either file was altered.
bool unseal(const std::filesystem::path& dir, std::vector<Assignment>* assignments,
            std::string* err);

/// The verified assignment, for the harness itself (which model a run drives).
/// Never print or store what it returns under DIR.
bool read_secret_assignment(const std::filesystem::path& dir, std::vector<Assignment>* assignments,
                            std::string* err);

/// Whether DIR/seal.json says the showdown is still sealed.
bool is_sealed(const std::filesystem::path& dir);

}  // namespace showdown
