#pragma once
// The showdown's own small JSON files (showdown.json, result.json, results.json).
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace showdown {

/// False with *err "FILE: cannot read" or "FILE: not valid JSON".
bool read_json_file(const std::filesystem::path& path, nlohmann::json* j, std::string* err);

/// Writes through a temporary file and a rename, so a kill never leaves half a file.
bool write_json_file(const std::filesystem::path& path, const nlohmann::json& j, std::string* err);

}  // namespace showdown
