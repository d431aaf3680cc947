#include "task/models.h"

#include <regex>
#include <set>

#include "task/toml_fields.h"

namespace showdown {
namespace {

bool is_http_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

void read_server(TomlFields* fields, TomlErrors* errors, const std::string& prefix,
                 ModelConfig* model) {
  const toml::table* table = fields->table("server");
  if (!table) return;
  TomlFields server_fields(errors, *table, prefix + "server.");
  ServerConfig server;
  server_fields.string_array("command", &server.command, true);
  server_fields.string("ready", &server.ready, true);
  if (errors->ok() && !is_http_url(server.ready)) {
    server_fields.fail("ready", "expected an http:// or https:// URL");
  }
  server_fields.positive_number("ready_timeout_s", &server.ready_timeout_s);
  server_fields.string_table("env", &server.env);
  server_fields.finish();
  model->server = std::move(server);
}

void read_price(TomlFields* fields, TomlErrors* errors, const std::string& prefix,
                ModelConfig* model) {
  const toml::table* table = fields->table("price");
  if (!table) return;
  TomlFields price_fields(errors, *table, prefix + "price.");
  Price price;
  price_fields.non_negative_number("input", &price.input);
  price_fields.non_negative_number("output", &price.output);
  price_fields.finish();
  model->price = price;
}

}  // namespace

bool load_models(const std::filesystem::path& path, std::vector<ModelConfig>* models,
                 std::string* err) {
  models->clear();
  toml::table root_table;
  if (!parse_toml_file(path, &root_table, err)) return false;

  TomlErrors errors{path.string(), ""};
  TomlFields root(&errors, root_table, "");
  std::vector<const toml::table*> tables = root.table_array("model");
  root.finish();
  if (errors.ok() && tables.empty()) {
    errors.first = field_error(path.string(), 0, "model", "no [[model]] entries");
  }
  static const std::regex env_name("[A-Za-z_][A-Za-z0-9_]*");
  std::set<std::string> names;
  for (size_t i = 0; i < tables.size() && errors.ok(); ++i) {
    const std::string prefix = "model[" + std::to_string(i) + "].";
    TomlFields fields(&errors, *tables[i], prefix);
    ModelConfig model;
    model.line = static_cast<int>(tables[i]->source().begin.line);
    fields.string("name", &model.name, true);
    fields.string("provider", &model.provider, true);
    if (errors.ok() && model.provider != "openai" && model.provider != "anthropic") {
      fields.fail("provider", "unknown provider \"" + model.provider +
                                  "\" (expected \"openai\" or \"anthropic\")");
    }
    fields.string("base_url", &model.base_url);
    fields.string("model", &model.model);
    fields.string("api_key_env", &model.api_key_env);
    fields.positive_integer("max_output_tokens", &model.max_output_tokens);
    fields.boolean("stream", &model.stream);
    fields.boolean("rescue_text_tool_calls", &model.rescue_text_tool_calls);
    fields.boolean("scripted", &model.scripted);
    read_price(&fields, &errors, prefix, &model);
    read_server(&fields, &errors, prefix, &model);
    fields.finish();
    if (!errors.ok()) break;

    if (!names.insert(model.name).second) {
      fields.fail("name", "duplicate model name \"" + model.name + "\"");
    } else if (model.provider == "openai" && model.base_url.empty()) {
      fields.fail("base_url", "required for provider \"openai\"");
    } else if (model.provider == "anthropic" && model.model.empty()) {
      fields.fail("model", "required for provider \"anthropic\"");
    } else if (!model.base_url.empty() && !is_http_url(model.base_url)) {
      fields.fail("base_url", "expected an http:// or https:// URL");
    } else if (!model.api_key_env.empty() && !std::regex_match(model.api_key_env, env_name)) {
      fields.fail("api_key_env", "\"" + model.api_key_env +
                                     "\" is not an environment variable name (the key "
                                     "itself belongs in the environment, not here)");
    }
    if (model.base_url.empty()) model.base_url = "https://api.anthropic.com";
    if (model.max_output_tokens == 0) {
      model.max_output_tokens = model.provider == "anthropic" ? 8192 : 32768;
    }
    models->push_back(std::move(model));
  }
  if (!errors.ok()) {
    models->clear();
    *err = errors.first;
    return false;
  }
  return true;
}

}  // namespace showdown
