#include "task/toml_fields.h"

#include <fstream>
#include <sstream>

namespace showdown {
namespace {

int line_of_node(const toml::node* node) {
  return node ? static_cast<int>(node->source().begin.line) : 0;
}

const char* type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date/time";
  }
}

}  // namespace

std::string field_error(const std::string& file, int line, const std::string& field,
                        const std::string& message) {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!field.empty()) out += field + ": ";
  return out + message;
}

bool parse_toml_file(const std::filesystem::path& file, toml::table* root, std::string* err) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    *err = file.string() + ": cannot read";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    *root = toml::parse(text.str(), file.string());
  } catch (const toml::parse_error& e) {
    *err = field_error(file.string(), static_cast<int>(e.source().begin.line), "",
                       "parse error: " + std::string(e.description()));
    return false;
  }
  return true;
}

nlohmann::json toml_to_json(const toml::node& node) {
  if (auto* t = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto&& [key, value] : *t) out[std::string(key.str())] = toml_to_json(value);
    return out;
  }
  if (auto* a = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (auto&& value : *a) out.push_back(toml_to_json(value));
    return out;
  }
  if (auto v = node.value<std::string>(); v && node.is_string()) return *v;
  if (node.is_integer()) return *node.value<int64_t>();
  if (node.is_floating_point()) return *node.value<double>();
  if (node.is_boolean()) return *node.value<bool>();
  std::ostringstream text;
  node.visit([&](auto&& v) {
    if constexpr (toml::is_date<decltype(v)> || toml::is_time<decltype(v)> ||
                  toml::is_date_time<decltype(v)>) {
      text << v;
    }
  });
  return text.str();
}

TomlFields::TomlFields(TomlErrors* errors, const toml::table& table, std::string prefix,
                       std::map<std::string, int>* lines)
    : errors_(errors), table_(table), prefix_(std::move(prefix)), lines_(lines) {}

const toml::node* TomlFields::take(const char* key) {
  read_.insert(key);
  if (!ok()) return nullptr;
  const toml::node* node = table_.get(key);
  if (node && lines_) (*lines_)[field(key)] = line_of_node(node);
  return node;
}

int TomlFields::line_of(const std::string& key) const {
  const toml::node* node = table_.get(key);
  return node ? line_of_node(node) : line_of_node(&table_);
}

void TomlFields::fail_at(const toml::node* node, const std::string& key,
                         const std::string& message) {
  if (!ok()) return;
  int line = node ? line_of_node(node) : line_of_node(&table_);
  errors_->first = field_error(errors_->file, line, field(key), message);
}

void TomlFields::fail(const std::string& key, const std::string& message) {
  fail_at(table_.get(key), key, message);
}

void TomlFields::string(const char* key, std::string* out, bool required) {
  const toml::node* node = take(key);
  if (!node) {
    if (required) fail_at(nullptr, key, "required field is missing");
    return;
  }
  if (!node->is_string()) {
    fail_at(node, key, std::string("expected a string, got ") + type_name(*node));
    return;
  }
  *out = *node->value<std::string>();
  if (required && out->empty()) fail_at(node, key, "must not be empty");
}

void TomlFields::boolean(const char* key, bool* out) {
  const toml::node* node = take(key);
  if (!node) return;
  if (!node->is_boolean()) {
    fail_at(node, key, std::string("expected true or false, got ") + type_name(*node));
    return;
  }
  *out = *node->value<bool>();
}

void TomlFields::positive_integer(const char* key, int64_t* out) {
  const toml::node* node = take(key);
  if (!node) return;
  if (!node->is_integer() || *node->value<int64_t>() <= 0) {
    fail_at(node, key, "expected a positive integer");
    return;
  }
  *out = *node->value<int64_t>();
}

void TomlFields::positive_number(const char* key, double* out) {
  const toml::node* node = take(key);
  if (!node) return;
  if (!node->is_number() || *node->value<double>() <= 0) {
    fail_at(node, key, "expected a positive number");
    return;
  }
  *out = *node->value<double>();
}

void TomlFields::non_negative_number(const char* key, double* out) {
  const toml::node* node = take(key);
  if (!node) return;
  if (!node->is_number() || *node->value<double>() < 0) {
    fail_at(node, key, "expected a number >= 0");
    return;
  }
  *out = *node->value<double>();
}

void TomlFields::choice(const char* key, std::string* out,
                        std::initializer_list<const char*> allowed) {
  std::string value = *out;
  string(key, &value);
  if (!ok() || value == *out) return;
  std::string names;
  for (const char* name : allowed) {
    if (value == name) {
      *out = value;
      return;
    }
    names += std::string(names.empty() ? "" : " or ") + "\"" + name + "\"";
  }
  fail(key, "expected " + names + ", got \"" + value + "\"");
}

void TomlFields::string_array(const char* key, std::vector<std::string>* out, bool required) {
  const toml::node* node = take(key);
  if (!node) {
    if (required) fail_at(nullptr, key, "required field is missing");
    return;
  }
  const toml::array* array = node->as_array();
  if (!array) {
    fail_at(node, key, "expected an array of strings");
    return;
  }
  std::vector<std::string> values;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = *array->get(i);
    if (!item.is_string()) {
      fail_at(&item, key + ("[" + std::to_string(i) + "]"),
              std::string("expected a string, got ") + type_name(item));
      return;
    }
    values.push_back(*item.value<std::string>());
  }
  if (required && values.empty()) {
    fail_at(node, key, "must not be empty");
    return;
  }
  *out = std::move(values);
}

void TomlFields::string_table(const char* key, std::map<std::string, std::string>* out) {
  const toml::node* node = take(key);
  if (!node) return;
  const toml::table* table = node->as_table();
  if (!table) {
    fail_at(node, key, "expected a table of strings");
    return;
  }
  for (auto&& [name, value] : *table) {
    if (!value.is_string()) {
      fail_at(&value, std::string(key) + "." + std::string(name.str()),
              std::string("expected a string, got ") + type_name(value));
      return;
    }
    (*out)[std::string(name.str())] = *value.value<std::string>();
  }
}

void TomlFields::json_table(const char* key, nlohmann::json* out) {
  const toml::node* node = take(key);
  if (!node) return;
  if (!node->is_table()) {
    fail_at(node, key, std::string("expected a table, got ") + type_name(*node));
    return;
  }
  *out = toml_to_json(*node);
}

const toml::table* TomlFields::table(const char* key) {
  const toml::node* node = take(key);
  if (!node) return nullptr;
  if (!node->is_table()) {
    fail_at(node, key, std::string("expected a table, got ") + type_name(*node));
    return nullptr;
  }
  return node->as_table();
}

std::vector<const toml::table*> TomlFields::table_array(const char* key) {
  const toml::node* node = take(key);
  if (!node) return {};
  const toml::array* array = node->as_array();
  if (!array || !array->is_array_of_tables()) {
    fail_at(node, key, std::string("expected [[") + key + "]] tables");
    return {};
  }
  std::vector<const toml::table*> tables;
  for (auto&& item : *array) tables.push_back(item.as_table());
  return tables;
}

void TomlFields::finish() {
  if (!ok()) return;
  for (auto&& [key, value] : table_) {
    std::string name(key.str());
    if (read_.count(name)) continue;
    errors_->first = field_error(errors_->file, static_cast<int>(key.source().begin.line),
                                 field(name), "unknown field");
    return;
  }
}

}  // namespace showdown
