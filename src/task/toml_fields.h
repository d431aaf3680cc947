#pragma once
// Typed, validated reading of one TOML table. Every problem becomes one line
// "FILE:LINE: FIELD: message"; only the first is kept, and later reads are
// no-ops, so a loader reads all its fields and checks ok() once. Keys that
// were never read are reported by finish(): a typo must not pass silently.
#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace showdown {

/// Reads a TOML file; false with *err "FILE:LINE: parse error: ..." on failure.
bool parse_toml_file(const std::filesystem::path& file, toml::table* root, std::string* err);

/// A TOML value as JSON (tables to objects, dates and times as strings).
nlohmann::json toml_to_json(const toml::node& node);

/// The first error found while reading, shared by a table and its sub-tables.
struct TomlErrors {
  std::string file;
  std::string first;
  bool ok() const { return first.empty(); }
};

class TomlFields {
 public:
  /// `prefix` is the dotted field path of `table` ("" for the root, "limits.",
  /// "requirement[2]."); `lines`, when given, records where each field was written.
  TomlFields(TomlErrors* errors, const toml::table& table, std::string prefix,
             std::map<std::string, int>* lines = nullptr);

  void string(const char* key, std::string* out, bool required = false);
  void boolean(const char* key, bool* out);
  void positive_integer(const char* key, int64_t* out);
  void positive_number(const char* key, double* out);
  /// Non-negative number (prices, where 0 means free).
  void non_negative_number(const char* key, double* out);
  void choice(const char* key, std::string* out, std::initializer_list<const char*> allowed);
  void string_array(const char* key, std::vector<std::string>* out, bool required = false);
  void string_table(const char* key, std::map<std::string, std::string>* out);
  void json_table(const char* key, nlohmann::json* out);
  /// A sub-table (`[limits]`), or nullptr when absent or on error.
  const toml::table* table(const char* key);
  /// An array of tables (`[[requirement]]`); empty when absent or on error.
  std::vector<const toml::table*> table_array(const char* key);

  /// Records an error about `key` at its line (or the table's when absent).
  void fail(const std::string& key, const std::string& message);
  /// Reports the first key that no read asked for.
  void finish();

  int line_of(const std::string& key) const;
  std::string field(const std::string& key) const { return prefix_ + key; }
  bool ok() const { return errors_->ok(); }

 private:
  const toml::node* take(const char* key);
  void fail_at(const toml::node* node, const std::string& key, const std::string& message);

  TomlErrors* errors_;
  const toml::table& table_;
  std::string prefix_;
  std::map<std::string, int>* lines_;
  std::set<std::string> read_;
};

/// "FILE:LINE: FIELD: message" (the line left out when unknown).
std::string field_error(const std::string& file, int line, const std::string& field,
                        const std::string& message);

}  // namespace showdown
