#include "seal/seal.h"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "task/sha256.h"

namespace showdown {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* kAlgorithm = "sha256(salt || canonical json of the assignment)";

fs::path seal_path(const fs::path& dir) { return dir / "seal.json"; }
fs::path secret_path(const fs::path& dir) { return dir / ".seal" / "secret.json"; }

// A uniform index below `bound` from mt19937_64, whose output (unlike the
// standard distributions') is fixed by the standard: same seed, same labels.
uint64_t uniform_below(std::mt19937_64& rng, uint64_t bound) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t value;
  do value = rng();
  while (value >= limit);
  return value % bound;
}

std::string to_hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

bool from_hex(const std::string& hex, std::string* bytes) {
  if (hex.size() % 2) return false;
  bytes->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int value = 0;
    for (char c : hex.substr(i, 2)) {
      int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                  : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                                                              : -1;
      if (digit < 0) return false;
      value = value * 16 + digit;
    }
    bytes->push_back(static_cast<char>(value));
  }
  return true;
}

// Sorted by label number, keys sorted, no whitespace: one byte string per assignment.
std::string canonical(std::vector<Assignment> assignments) {
  auto number = [](const Assignment& a) { return std::stoll(a.run.substr(4)); };
  std::sort(assignments.begin(), assignments.end(),
            [&](const Assignment& a, const Assignment& b) { return number(a) < number(b); });
  json array = json::array();
  for (const Assignment& a : assignments) {
    array.push_back({{"run", a.run}, {"model", a.model}, {"trial", a.trial}});
  }
  return array.dump();
}

bool read_json(const fs::path& path, json* out, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = path.string() + ": cannot read";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  *out = json::parse(text.str(), nullptr, false);
  if (out->is_discarded() || !out->is_object()) {
    *err = path.string() + ": not a JSON object";
    return false;
  }
  return true;
}

bool write_json(const fs::path& path, const json& value, std::string* err) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << value.dump(2) << "\n";
    if (!out.flush()) {
      *err = "cannot write " + path.string();
      return false;
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    *err = "cannot write " + path.string() + ": " + ec.message();
    return false;
  }
  return true;
}

bool valid_label(const std::string& run) {
  if (run.size() < 5 || run.rfind("run-", 0) != 0 || run.size() > 13) return false;
  return std::all_of(run.begin() + 4, run.end(), [](char c) { return std::isdigit(c); }) &&
         run[4] != '0';
}

bool parse_secret(const fs::path& dir, std::string* salt, std::vector<Assignment>* assignments,
                  std::string* err) {
  json secret;
  if (!read_json(secret_path(dir), &secret, err)) return false;
  const std::string where = secret_path(dir).string();
  std::string text;
  if (!secret.contains("salt") || !secret["salt"].is_string() ||
      !secret.contains("assignment_hex") || !secret["assignment_hex"].is_string() ||
      !from_hex(secret["assignment_hex"].get<std::string>(), &text)) {
    *err = where + ": malformed (salt or assignment_hex missing or not hex)";
    return false;
  }
  *salt = secret["salt"].get<std::string>();
  json array = json::parse(text, nullptr, false);
  if (!array.is_array()) {
    *err = where + ": assignment_hex does not hold a JSON array";
    return false;
  }
  assignments->clear();
  for (const json& item : array) {
    if (!item.is_object() || !item.contains("run") || !item["run"].is_string() ||
        !valid_label(item["run"]) || !item.contains("model") || !item["model"].is_string() ||
        !item.contains("trial") || !item["trial"].is_number_integer()) {
      *err = where + ": malformed assignment entry";
      return false;
    }
    assignments->push_back({item["run"], item["model"], item["trial"].get<int>()});
  }
  return true;
}

// Checks the secret against the commitment in seal.json; fills the assignment and salt.
bool verify(const fs::path& dir, json* seal_json, std::string* salt,
            std::vector<Assignment>* assignments, std::string* err) {
  if (!read_json(seal_path(dir), seal_json, err)) return false;
  if (!parse_secret(dir, salt, assignments, err)) return false;
  const json& committed = (*seal_json)["sha256"];
  if (!committed.is_string()) {
    *err = seal_path(dir).string() + ": sha256 missing";
    return false;
  }
  if (sha256_hex(*salt + canonical(*assignments)) != committed.get<std::string>()) {
    *err = "seal broken: the commitment in " + seal_path(dir).string() +
           " does not match the assignment in " + secret_path(dir).string() +
           " (one of them was altered)";
    return false;
  }
  json runs = json::array();
  for (const Assignment& a : *assignments) runs.push_back(a.run);
  if (seal_json->contains("runs") && (*seal_json)["runs"] != runs) {
    *err = "seal broken: the run list in " + seal_path(dir).string() +
           " does not match the sealed assignment";
    return false;
  }
  return true;
}

}  // namespace

std::vector<Assignment> assign_labels(const std::vector<std::string>& models, int trials,
                                      std::optional<uint64_t> seed) {
  std::vector<Assignment> order;
  for (const std::string& model : models) {
    for (int trial = 1; trial <= trials; ++trial) order.push_back({"", model, trial});
  }
  uint64_t state = seed ? *seed : (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  std::mt19937_64 rng(state);
  for (size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[uniform_below(rng, i)]);
  }
  for (size_t i = 0; i < order.size(); ++i) order[i].run = "run-" + std::to_string(i + 1);
  return order;
}

bool seal(const fs::path& dir, const std::vector<Assignment>& assignments, std::string* err) {
  std::error_code ec;
  if (fs::exists(seal_path(dir), ec) || fs::exists(secret_path(dir), ec)) {
    *err = seal_path(dir).string() + ": already sealed; a seal is never replaced";
    return false;
  }
  for (const Assignment& a : assignments) {
    if (!valid_label(a.run)) {
      *err = "cannot seal: bad run label \"" + a.run + "\"";
      return false;
    }
  }
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) {
    *err = "cannot seal: no secure randomness for the salt";
    return false;
  }
  std::string salt = to_hex(std::string(reinterpret_cast<char*>(random), sizeof random));
  std::string text = canonical(assignments);

  fs::create_directories(secret_path(dir).parent_path(), ec);
  if (ec) {
    *err = "cannot create " + secret_path(dir).parent_path().string() + ": " + ec.message();
    return false;
  }
  chmod(secret_path(dir).parent_path().c_str(), 0700);
  json secret = {{"salt", salt}, {"assignment_hex", to_hex(text)}};
  if (!write_json(secret_path(dir), secret, err)) return false;
  chmod(secret_path(dir).c_str(), 0600);

  json runs = json::array();
  for (const json& item : json::parse(text)) runs.push_back(item["run"]);
  json seal_json = {{"sha256", sha256_hex(salt + text)},
                    {"sealed", true},
                    {"algorithm", kAlgorithm},
                    {"runs", runs}};
  return write_json(seal_path(dir), seal_json, err);
}

bool unseal(const fs::path& dir, std::vector<Assignment>* assignments, std::string* err) {
  json seal_json;
  std::string salt;
  if (!verify(dir, &seal_json, &salt, assignments, err)) return false;
  json mapping = json::object();
  json trials = json::array();
  for (const Assignment& a : *assignments) {
    mapping[a.run] = a.model;
    trials.push_back({{"run", a.run}, {"model", a.model}, {"trial", a.trial}});
  }
  seal_json["sealed"] = false;
  seal_json["salt"] = salt;
  seal_json["mapping"] = mapping;
  seal_json["assignment"] = trials;
  return write_json(seal_path(dir), seal_json, err);
}

bool read_secret_assignment(const fs::path& dir, std::vector<Assignment>* assignments,
                            std::string* err) {
  json seal_json;
  std::string salt;
  return verify(dir, &seal_json, &salt, assignments, err);
}

bool is_sealed(const fs::path& dir) {
  json seal_json;
  std::string err;
  return read_json(seal_path(dir), &seal_json, &err) && seal_json.value("sealed", false) == true;
}

}  // namespace showdown
