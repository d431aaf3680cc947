#pragma once
// Tolerant reads from JSON a server sent: a missing field or one of the wrong type
// reads as empty, so a malformed answer never throws or crashes.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace showdown {

/// `j[key]` when `j` is an object holding `key`, else null.
const nlohmann::json* json_field(const nlohmann::json& j, const char* key);
/// `j[key]` when it is a string, else "".
std::string json_string(const nlohmann::json& j, const char* key);
/// `j[key]` when it is a number, else 0.
int64_t json_int(const nlohmann::json& j, const char* key);
/// `j[key]` when it is an object, else null.
const nlohmann::json* json_object(const nlohmann::json& j, const char* key);
/// `j[key]` when it is an array, else null.
const nlohmann::json* json_array(const nlohmann::json& j, const char* key);

}  // namespace showdown
