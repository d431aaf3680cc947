#pragma once
// SHA-256 as lowercase hex: fingerprints of input files (models.toml) recorded
// in a showdown, and the seal's commitment.
#include <filesystem>
#include <string>
#include <string_view>

namespace showdown {

std::string sha256_hex(std::string_view data);

/// False with *err when the file cannot be read.
bool sha256_file(const std::filesystem::path& path, std::string* hex, std::string* err);

}  // namespace showdown
