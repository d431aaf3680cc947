#include "llm/json_field.h"

namespace showdown {

const nlohmann::json* json_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string json_string(const nlohmann::json& j, const char* key) {
  const auto* f = json_field(j, key);
  return f && f->is_string() ? f->get<std::string>() : std::string();
}

int64_t json_int(const nlohmann::json& j, const char* key) {
  const auto* f = json_field(j, key);
  if (!f) return 0;
  if (f->is_number_integer()) return f->get<int64_t>();
  if (f->is_number_float()) return static_cast<int64_t>(f->get<double>());
  return 0;
}

const nlohmann::json* json_object(const nlohmann::json& j, const char* key) {
  const auto* f = json_field(j, key);
  return f && f->is_object() ? f : nullptr;
}

const nlohmann::json* json_array(const nlohmann::json& j, const char* key) {
  const auto* f = json_field(j, key);
  return f && f->is_array() ? f : nullptr;
}

}  // namespace showdown
