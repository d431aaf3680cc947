#include "detect/text_tool_calls.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>

namespace showdown {

namespace {

using nlohmann::json;
constexpr size_t npos = std::string::npos;
// Markers of one format looked at per text: a model looping on a marker must not
// make the parse quadratic in its output. Past this many, the count is a floor.
constexpr int kMaxMarkers = 256;

struct Context {
  std::set<std::string> known;          // empty: any name
  std::map<std::string, json> schemas;  // tool name -> its parameters schema

  bool accepts_unmarked(const std::string& name) const {
    return known.empty() || known.count(name) > 0;
  }
};

using Calls = std::vector<TextToolCall>;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_space(const std::string& s, size_t i, size_t limit = npos) {
  limit = std::min(limit, s.size());
  while (i < limit && is_space(s[i])) ++i;
  return i;
}

std::string trim(std::string_view v) {
  size_t b = 0, e = v.size();
  while (b < e && is_space(v[b])) ++b;
  while (e > b && is_space(v[e - 1])) --e;
  return std::string(v.substr(b, e - b));
}

bool starts_at(const std::string& s, size_t i, std::string_view token) {
  return i <= s.size() && s.compare(i, token.size(), token) == 0;
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_name_char(c) || c == ':'; });
}

std::string read_name(const std::string& s, size_t* i) {
  size_t b = *i;
  while (*i < s.size() && is_name_char(s[*i])) ++*i;
  return s.substr(b, *i - b);
}

// One past the JSON object or array starting at `pos`, or npos when it never closes.
size_t balanced_end(const std::string& s, size_t pos) {
  if (pos >= s.size() || (s[pos] != '{' && s[pos] != '[')) return npos;
  int depth = 0;
  bool in_string = false;
  for (size_t i = pos; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return npos;
}

bool json_at(const std::string& s, size_t pos, json* out, size_t* end) {
  size_t e = balanced_end(s, pos);
  if (e == npos) return false;
  json j = json::parse(s.begin() + static_cast<std::ptrdiff_t>(pos),
                       s.begin() + static_cast<std::ptrdiff_t>(e), nullptr, false);
  if (j.is_discarded()) return false;
  *out = std::move(j);
  *end = e;
  return true;
}

// Spans of the objects of the JSON array at `pos` (each element's own bytes), so
// calls written as one array keep spans of their own.
std::vector<std::pair<size_t, size_t>> element_spans(const std::string& s, size_t pos) {
  std::vector<std::pair<size_t, size_t>> spans;
  if (pos >= s.size() || s[pos] != '[') return spans;
  size_t i = skip_space(s, pos + 1);
  while (i < s.size() && s[i] == '{') {
    size_t e = balanced_end(s, i);
    if (e == npos) break;
    spans.emplace_back(i, e);
    i = skip_space(s, e);
    if (i < s.size() && s[i] == ',') i = skip_space(s, i + 1);
  }
  return spans;
}

json as_arguments(const json& v) {
  if (v.is_object()) return v;
  if (v.is_string()) {
    json j = json::parse(v.get<std::string>(), nullptr, false);
    if (!j.is_discarded() && j.is_object()) return j;
  }
  return json::object();
}

// {"name": N, "arguments"|"parameters": A}, also wrapped as {"function": {...}}.
bool call_from_object(const json& o, bool require_arguments, std::string* name, json* args) {
  if (!o.is_object()) return false;
  const json& src = o.contains("function") && o["function"].is_object() ? o["function"] : o;
  auto n = src.find("name");
  if (n == src.end() || !n->is_string() || !valid_name(n->get<std::string>())) return false;
  const json* a = nullptr;
  for (const char* key : {"arguments", "parameters", "args"}) {
    auto it = src.find(key);
    if (it != src.end()) {
      a = &*it;
      break;
    }
  }
  if (!a && require_arguments) return false;
  *name = n->get<std::string>();
  *args = a ? as_arguments(*a) : json::object();
  return true;
}

// Several calls found inside one container (a tag, a fence, a marker): the first
// call's span starts at the container, the last one's ends with it, so the whole
// container is claimed against overlapping candidates of other formats.
struct Found {
  std::string name;
  json arguments;
  size_t begin;
  size_t end;
};

void add_group(Calls* out, std::vector<Found> found, const char* format, size_t begin,
               size_t end) {
  for (size_t k = 0; k < found.size(); ++k) {
    TextToolCall c;
    c.name = std::move(found[k].name);
    c.arguments = std::move(found[k].arguments);
    c.format = format;
    c.begin = k == 0 ? begin : found[k].begin;
    c.end = k + 1 == found.size() ? end : found[k].end;
    out->push_back(std::move(c));
  }
}

void add_one(Calls* out, std::string name, json args, const char* format, size_t begin,
             size_t end) {
  add_group(out, {{std::move(name), std::move(args), begin, end}}, format, begin, end);
}

// --- typing raw-text parameter values by the tool's schema ---

json typed_value(const std::string& raw, const Context& ctx, const std::string& tool,
                 const std::string& key) {
  auto tool_it = ctx.schemas.find(tool);
  if (tool_it == ctx.schemas.end()) return raw;
  const json& schema = tool_it->second;
  if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object())
    return raw;
  const json& props = schema["properties"];
  if (!props.contains(key) || !props[key].is_object() || !props[key].contains("type")) return raw;
  const json& type = props[key]["type"];
  std::vector<std::string> types;
  if (type.is_string()) types.push_back(type.get<std::string>());
  if (type.is_array())
    for (const auto& t : type)
      if (t.is_string()) types.push_back(t.get<std::string>());
  std::string v = trim(raw);
  for (const auto& t : types) {
    if (t == "integer" || t == "number") {
      char* end = nullptr;
      if (v.empty()) continue;
      if (t == "integer") {
        long long n = std::strtoll(v.c_str(), &end, 10);
        if (end && *end == '\0') return n;
      }
      double d = std::strtod(v.c_str(), &end);
      if (end && *end == '\0') return t == "integer" && d == static_cast<long long>(d)
                                         ? json(static_cast<long long>(d))
                                         : json(d);
    } else if (t == "boolean") {
      std::string lower = v;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower == "true") return true;
      if (lower == "false") return false;
    } else if (t == "array" || t == "object") {
      json j = json::parse(v, nullptr, false);
      if (!j.is_discarded() && (t == "array" ? j.is_array() : j.is_object())) return j;
    } else if (t == "null" && v == "null") {
      return nullptr;
    }
  }
  return raw;
}

// Qwen3-Coder and MiniMax write each value on its own lines: one newline on each
// side belongs to the markup, not the value.
std::string strip_one_newline(std::string v) {
  if (!v.empty() && v.front() == '\n') v.erase(0, 1);
  else if (v.size() > 1 && v[0] == '\r' && v[1] == '\n') v.erase(0, 2);
  if (!v.empty() && v.back() == '\n') v.pop_back();
  if (!v.empty() && v.back() == '\r') v.pop_back();
  return v;
}

// --- Qwen3-Coder XML and Hermes' <function=NAME>{json}</function> ---

// Parses `<function=NAME>...</function>` at `at`; sets *end past it.
bool parse_function_block(const std::string& s, size_t at, size_t limit, const Context& ctx,
                          Found* found, bool* json_body, size_t* end) {
  size_t i = at + 10;  // "<function="
  size_t close_name = s.find('>', i);
  if (close_name == npos || close_name >= limit) return false;
  std::string name = trim(std::string_view(s).substr(i, close_name - i));
  if (!valid_name(name)) return false;
  size_t body = close_name + 1;
  size_t stop = s.find("</function>", body);
  size_t next = s.find("<function=", body);
  size_t body_end;
  if (stop != npos && stop < limit && (next == npos || stop < next)) {
    body_end = stop;
    *end = stop + 11;
  } else {
    body_end = std::min(next == npos ? limit : next, limit);
    *end = body_end;
  }
  found->name = name;
  found->begin = at;
  found->end = *end;
  size_t j = skip_space(s, body, body_end);
  json args;
  size_t args_end = 0;
  if (j < body_end && s[j] == '{' && json_at(s, j, &args, &args_end) && args.is_object() &&
      args_end <= body_end) {
    found->arguments = args;
    *json_body = true;
    return true;
  }
  *json_body = false;
  found->arguments = json::object();
  size_t p = body;
  int markers = 0;
  while ((p = s.find("<parameter=", p)) != npos && p < body_end) {
    if (++markers > kMaxMarkers) break;
    size_t key_end = s.find('>', p + 11);
    if (key_end == npos || key_end >= body_end) break;
    std::string key = trim(std::string_view(s).substr(p + 11, key_end - p - 11));
    size_t value_begin = key_end + 1;
    size_t value_end = s.find("</parameter>", value_begin);
    size_t next_param = s.find("<parameter=", value_begin);
    size_t after;
    if (value_end != npos && value_end <= body_end &&
        (next_param == npos || value_end < next_param)) {
      after = value_end + 12;
    } else {
      value_end = std::min(next_param == npos ? body_end : next_param, body_end);
      after = value_end;
    }
    std::string raw = strip_one_newline(s.substr(value_begin, value_end - value_begin));
    if (!key.empty()) found->arguments[key] = typed_value(raw, ctx, name, key);
    p = after;
  }
  return true;
}

void scan_functions(const std::string& s, size_t from, size_t limit, const Context& ctx,
                    std::vector<Found>* qwen, std::vector<Found>* hermes) {
  size_t p = from;
  int markers = 0;
  while ((p = s.find("<function=", p)) != npos && p < limit) {
    if (++markers > kMaxMarkers) break;
    Found f;
    bool json_body = false;
    size_t end = 0;
    if (!parse_function_block(s, p, limit, ctx, &f, &json_body, &end)) {
      p += 10;
      continue;
    }
    (json_body ? hermes : qwen)->push_back(std::move(f));
    p = end;
  }
}

// --- <tool_call> ... </tool_call>: Hermes JSON, Qwen3-Coder XML or GLM ---

void parse_glm_body(const std::string& s, size_t body, size_t body_end, const Context& ctx,
                    std::vector<Found>* out) {
  size_t i = skip_space(s, body, body_end);
  size_t name_end = i;
  while (name_end < body_end && s[name_end] != '\n' && s[name_end] != '<' && s[name_end] != '{')
    ++name_end;
  std::string name = trim(std::string_view(s).substr(i, name_end - i));
  if (!valid_name(name)) return;
  Found f{name, json::object(), i, body_end};
  size_t j = skip_space(s, name_end, body_end);
  if (j < body_end && s[j] == '{') {
    json args;
    size_t e = 0;
    if (!json_at(s, j, &args, &e) || !args.is_object()) return;
    f.arguments = args;
    out->push_back(std::move(f));
    return;
  }
  size_t p = j;
  int markers = 0;
  while ((p = s.find("<arg_key>", p)) != npos && p < body_end) {
    if (++markers > kMaxMarkers) break;
    size_t key_end = s.find("</arg_key>", p);
    if (key_end == npos || key_end >= body_end) break;
    std::string key = trim(std::string_view(s).substr(p + 9, key_end - p - 9));
    size_t v = s.find("<arg_value>", key_end);
    if (v == npos || v >= body_end) break;
    size_t v_end = s.find("</arg_value>", v);
    if (v_end == npos || v_end > body_end) v_end = body_end;
    std::string raw = strip_one_newline(s.substr(v + 11, v_end - v - 11));
    if (!key.empty()) f.arguments[key] = typed_value(raw, ctx, name, key);
    p = v_end;
  }
  if (j < body_end && !starts_at(s, j, "<arg_key>")) return;  // a name and then prose
  out->push_back(std::move(f));
}

void scan_tool_call_tags(const std::string& s, const Context& ctx, Calls* out) {
  const std::string open = "<tool_call>", close = "</tool_call>";
  size_t pos = 0;
  int markers = 0;
  while ((pos = s.find(open, pos)) != npos) {
    if (++markers > kMaxMarkers) break;
    size_t body = pos + open.size();
    size_t stop = s.find(close, body);
    size_t next = s.find(open, body);
    size_t body_end, span_end;
    if (stop != npos && (next == npos || stop < next)) {
      body_end = stop;
      span_end = stop + close.size();
    } else {
      body_end = next == npos ? s.size() : next;
      span_end = body_end;
    }
    size_t i = skip_space(s, body, body_end);
    std::vector<Found> hermes, qwen, glm;
    if (i < body_end && s[i] == '{') {
      while (i < body_end && s[i] == '{') {
        json obj;
        size_t e = 0;
        std::string name;
        json args;
        if (!json_at(s, i, &obj, &e) || e > body_end) break;
        if (call_from_object(obj, false, &name, &args)) hermes.push_back({name, args, i, e});
        i = skip_space(s, e, body_end);
        if (i < body_end && s[i] == ',') i = skip_space(s, i + 1, body_end);
      }
    } else if (starts_at(s, i, "<function=")) {
      scan_functions(s, i, body_end, ctx, &qwen, &hermes);
    } else {
      parse_glm_body(s, body, body_end, ctx, &glm);
    }
    if (!hermes.empty()) add_group(out, std::move(hermes), "hermes", pos, span_end);
    if (!qwen.empty()) add_group(out, std::move(qwen), "qwen3_coder_xml", pos, span_end);
    if (!glm.empty()) add_group(out, std::move(glm), "glm", pos, span_end);
    pos = body_end;
  }
}

void scan_bare_functions(const std::string& s, const Context& ctx, Calls* out) {
  std::vector<Found> qwen, hermes;
  scan_functions(s, 0, s.size(), ctx, &qwen, &hermes);
  for (auto& f : qwen) add_one(out, f.name, f.arguments, "qwen3_coder_xml", f.begin, f.end);
  for (auto& f : hermes) add_one(out, f.name, f.arguments, "hermes", f.begin, f.end);
}

// --- Mistral: [TOOL_CALLS][{...}] and [TOOL_CALLS]name[CALL_ID]id[ARGS]{...} ---

void scan_mistral(const std::string& s, const Context&, Calls* out) {
  const std::string marker = "[TOOL_CALLS]";
  size_t pos = 0;
  int markers = 0;
  while ((pos = s.find(marker, pos)) != npos) {
    if (++markers > kMaxMarkers) break;
    size_t i = skip_space(s, pos + marker.size());
    if (i < s.size() && (s[i] == '[' || s[i] == '{')) {
      json j;
      size_t e = 0;
      if (json_at(s, i, &j, &e)) {
        std::vector<Found> found;
        json items = j.is_array() ? j : json::array({j});
        auto spans = element_spans(s, i);
        for (size_t k = 0; k < items.size(); ++k) {
          std::string name;
          json args;
          auto span = k < spans.size() ? spans[k] : std::make_pair(i, e);
          if (call_from_object(items[k], false, &name, &args))
            found.push_back({name, args, span.first, span.second});
        }
        if (!found.empty()) add_group(out, std::move(found), "mistral", pos, e);
        pos = e;
        continue;
      }
    } else {
      std::string name = read_name(s, &i);
      i = skip_space(s, i);
      if (starts_at(s, i, "[CALL_ID]")) {
        i = s.find('[', i + 9);
        if (i == npos) break;
      }
      if (valid_name(name) && starts_at(s, i, "[ARGS]")) {
        size_t a = skip_space(s, i + 6);
        json args;
        size_t e = 0;
        if (json_at(s, a, &args, &e)) {
          add_one(out, name, as_arguments(args), "mistral_v11", pos, e);
          pos = e;
          continue;
        }
      }
    }
    pos += marker.size();
  }
}

// --- Python-style calls: ```tool_code``` blocks and <|python_tag|>name.call(...) ---

struct PyParser {
  const std::string& s;
  size_t i;
  size_t limit;

  void space() { i = skip_space(s, i, limit); }
  bool eat(char c) {
    space();
    if (i < limit && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool identifier(std::string* out) {
    space();
    size_t b = i;
    if (i >= limit || !(std::isalpha(static_cast<unsigned char>(s[i])) || s[i] == '_'))
      return false;
    while (i < limit && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' ||
                         s[i] == '.'))
      ++i;
    *out = s.substr(b, i - b);
    return true;
  }
  bool string_value(json* out) {
    char q = s[i];
    bool triple = starts_at(s, i, std::string(3, q));
    i += triple ? 3 : 1;
    std::string v;
    while (i < limit) {
      if (triple ? starts_at(s, i, std::string(3, q)) : s[i] == q) {
        i += triple ? 3 : 1;
        *out = v;
        return true;
      }
      if (s[i] == '\\' && i + 1 < limit) {
        char e = s[i + 1];
        v += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
        i += 2;
        continue;
      }
      v += s[i++];
    }
    return false;
  }
  bool sequence(char close, json* out, bool dict) {
    *out = dict ? json::object() : json::array();
    while (true) {
      if (eat(close)) return true;
      json item;
      if (!value(&item)) return false;
      if (dict) {
        json v;
        if (!eat(':') || !value(&v)) return false;
        (*out)[item.is_string() ? item.get<std::string>() : item.dump()] = v;
      } else {
        out->push_back(item);
      }
      if (eat(close)) return true;
      if (!eat(',')) return false;
    }
  }
  bool value(json* out) {
    space();
    if (i >= limit) return false;
    char c = s[i];
    if (c == '"' || c == '\'') return string_value(out);
    if (c == '[' || c == '(') {
      ++i;
      return sequence(c == '[' ? ']' : ')', out, false);
    }
    if (c == '{') {
      ++i;
      return sequence('}', out, true);
    }
    size_t b = i;
    while (i < limit && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.' ||
                         s[i] == '-' || s[i] == '+' || s[i] == '_'))
      ++i;
    std::string word = s.substr(b, i - b);
    if (word == "True" || word == "true") *out = true;
    else if (word == "False" || word == "false") *out = false;
    else if (word == "None" || word == "null") *out = nullptr;
    else {
      json n = json::parse(word, nullptr, false);
      if (n.is_discarded() || !n.is_number()) return false;
      *out = n;
    }
    return true;
  }
};

std::string strip_call_prefix(std::string name) {
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".call") == 0)
    name.resize(name.size() - 5);
  size_t dot = name.rfind('.');
  return dot == npos ? name : name.substr(dot + 1);
}

// `name(k=v, ...)`, `default_api.name(...)`, `print(default_api.name(...))`.
bool parse_python_call(const std::string& s, size_t at, size_t limit, const Context& ctx,
                       Found* found, size_t* end) {
  PyParser p{s, at, limit};
  std::string ident;
  if (!p.identifier(&ident)) return false;
  bool printed = ident == "print";
  if (printed && (!p.eat('(') || !p.identifier(&ident))) return false;
  std::string name = strip_call_prefix(ident);
  if (!valid_name(name) || !p.eat('(')) return false;
  json args = json::object();
  std::vector<json> positional;
  while (!p.eat(')')) {
    size_t save = p.i;
    std::string key;
    json v;
    if (p.identifier(&key) && p.eat('=') && p.i < limit && s[p.i] != '=') {
      if (!p.value(&v)) return false;
      args[key] = v;
    } else {
      p.i = save;
      if (!p.value(&v)) return false;
      positional.push_back(v);
    }
    if (p.eat(')')) break;
    if (!p.eat(',')) return false;
  }
  if (printed && !p.eat(')')) return false;
  if (!positional.empty()) {
    std::vector<std::string> order;
    auto it = ctx.schemas.find(name);
    if (it != ctx.schemas.end() && it->second.is_object() && it->second.contains("required") &&
        it->second["required"].is_array())
      for (const auto& r : it->second["required"])
        if (r.is_string()) order.push_back(r.get<std::string>());
    for (size_t k = 0; k < positional.size(); ++k)
      args[k < order.size() ? order[k] : "arg" + std::to_string(k)] = positional[k];
  }
  *found = {name, args, at, p.i};
  *end = p.i;
  return true;
}

void scan_python_tag(const std::string& s, const Context& ctx, Calls* out) {
  const std::string marker = "<|python_tag|>";
  size_t pos = 0;
  int markers = 0;
  while ((pos = s.find(marker, pos)) != npos) {
    if (++markers > kMaxMarkers) break;
    size_t limit = std::min({s.find("<|eom_id|>", pos), s.find("<|eot_id|>", pos), s.size()});
    size_t i = skip_space(s, pos + marker.size(), limit);
    std::vector<Found> found;
    while (i < limit) {
      Found f;
      size_t e = 0;
      json obj;
      if (s[i] == '{' && json_at(s, i, &obj, &e) &&
          call_from_object(obj, false, &f.name, &f.arguments)) {
        f.begin = i;
        f.end = e;
      } else if (!parse_python_call(s, i, limit, ctx, &f, &e)) {
        break;
      }
      found.push_back(std::move(f));
      i = skip_space(s, e, limit);
      if (i < limit && s[i] == ';') i = skip_space(s, i + 1, limit);
    }
    size_t end = found.empty() ? pos + marker.size() : found.back().end;
    if (!found.empty()) add_group(out, std::move(found), "llama3_python_tag", pos, end);
    pos = end;
  }
}

// --- DeepSeek V3/R1 (and V3.1: name<sep>json) ---

size_t find_any(const std::string& s, size_t from, std::initializer_list<std::string_view> tokens,
                size_t* length) {
  size_t best = npos;
  for (auto t : tokens) {
    size_t p = s.find(t, from);
    if (p < best) {
      best = p;
      *length = t.size();
    }
  }
  return best;
}

void scan_deepseek(const std::string& s, const Context&, Calls* out) {
  size_t pos = 0, len = 0;
  int markers = 0;
  while ((pos = find_any(s, pos, {"<｜tool▁call▁begin｜>", "<|tool▁call▁begin|>"}, &len)) != npos) {
    if (++markers > kMaxMarkers) break;
    size_t head = pos + len;
    size_t sep_len = 0;
    size_t sep = find_any(s, head, {"<｜tool▁sep｜>", "<|tool▁sep|>"}, &sep_len);
    size_t end_len = 0;
    size_t stop = find_any(s, head, {"<｜tool▁call▁end｜>", "<|tool▁call▁end|>"}, &end_len);
    if (sep == npos || (stop != npos && sep > stop)) {
      pos = head;
      continue;
    }
    std::string before = trim(std::string_view(s).substr(head, sep - head));
    size_t i = sep + sep_len;
    std::string name;
    if (before.empty() || before == "function") {
      size_t nl = s.find('\n', i);
      size_t name_end = std::min({nl, s.find('`', i), s.find('{', i), s.size()});
      name = trim(std::string_view(s).substr(i, name_end - i));
      i = name_end;
    } else {
      name = before;
    }
    i = skip_space(s, i);
    if (starts_at(s, i, "```")) {
      size_t nl = s.find('\n', i);
      i = nl == npos ? s.size() : skip_space(s, nl);
    }
    json args;
    size_t e = 0;
    if (valid_name(name) && json_at(s, i, &args, &e)) {
      size_t end = e;
      size_t after = skip_space(s, e);
      if (starts_at(s, after, "```")) after = skip_space(s, after + 3);
      if (stop != npos && stop >= e && skip_space(s, after) == stop) end = stop + end_len;
      add_one(out, name, as_arguments(args), "deepseek", pos, end);
      pos = end;
    } else {
      pos = head;
    }
  }
}

// --- GPT-OSS Harmony: <|channel|>commentary to=functions.NAME ... <|message|>{...}<|call|> ---

void scan_harmony(const std::string& s, const Context&, Calls* out) {
  const std::string marker = "to=functions.";
  size_t pos = 0;
  int markers = 0;
  while ((pos = s.find(marker, pos)) != npos) {
    if (++markers > kMaxMarkers) break;
    size_t i = pos + marker.size();
    std::string name = read_name(s, &i);
    size_t message = s.find("<|message|>", i);
    size_t next = s.find(marker, i);
    if (!valid_name(name) || message == npos || (next != npos && next < message)) {
      pos = i;
      continue;
    }
    size_t body = message + 11;
    size_t len = 0;
    size_t stop = find_any(s, body, {"<|call|>", "<|end|>", "<|return|>"}, &len);
    size_t body_end = stop == npos ? s.size() : stop;
    json args = json::parse(trim(std::string_view(s).substr(body, body_end - body)), nullptr, false);
    size_t begin = pos;
    for (std::string_view opener : {"<|start|>", "<|channel|>"}) {
      size_t b = s.rfind(opener, pos);
      if (b != npos && pos - b < 96 && b < begin) begin = b;
    }
    size_t end = stop == npos ? s.size() : stop + len;
    if (!args.is_discarded()) add_one(out, name, as_arguments(args), "harmony", begin, end);
    pos = end;
  }
}

// --- Kimi K2: <|tool_call_begin|>functions.NAME:0<|tool_call_argument_begin|>{...}<|tool_call_end|> ---

void scan_kimi(const std::string& s, const Context&, Calls* out) {
  const std::string begin_token = "<|tool_call_begin|>";
  const std::string args_token = "<|tool_call_argument_begin|>";
  size_t pos = 0;
  int markers = 0;
  while ((pos = s.find(begin_token, pos)) != npos) {
    if (++markers > kMaxMarkers) break;
    size_t id_begin = pos + begin_token.size();
    size_t a = s.find(args_token, id_begin);
    if (a == npos) break;
    std::string id = trim(std::string_view(s).substr(id_begin, a - id_begin));
    size_t colon = id.rfind(':');
    if (colon != npos) id.resize(colon);
    if (id.rfind("functions.", 0) == 0) id = id.substr(10);
    size_t i = skip_space(s, a + args_token.size());
    json args;
    size_t e = 0;
    if (!valid_name(id) || !json_at(s, i, &args, &e)) {
      pos = a;
      continue;
    }
    size_t end = e;
    const std::string end_token = "<|tool_call_end|>";
    if (starts_at(s, skip_space(s, e), end_token)) end = skip_space(s, e) + end_token.size();
    add_one(out, id, as_arguments(args), "kimi_k2", pos, end);
    pos = end;
  }
}

// --- MiniMax M2: <invoke name="NAME"><parameter name="k">v</parameter></invoke> ---

void scan_minimax(const std::string& s, const Context& ctx, Calls* out) {
  const std::string open = "<invoke name=\"";
  size_t pos = 0;
  int markers = 0;
  while ((pos = s.find(open, pos)) != npos) {
    if (++markers > kMaxMarkers) break;
    size_t name_begin = pos + open.size();
    size_t quote = s.find('"', name_begin);
    if (quote == npos) break;
    std::string name = s.substr(name_begin, quote - name_begin);
    size_t gt = s.find('>', quote);
    size_t stop = s.find("</invoke>", quote);
    if (!valid_name(name) || gt == npos || stop == npos) {
      pos = quote;
      continue;
    }
    json args = json::object();
    size_t p = gt + 1;
    const std::string param = "<parameter name=\"";
    int markers = 0;
    while ((p = s.find(param, p)) != npos && p < stop) {
      if (++markers > kMaxMarkers) break;
      size_t kb = p + param.size();
      size_t kq = s.find('"', kb);
      size_t vgt = kq == npos ? npos : s.find('>', kq);
      if (vgt == npos || vgt > stop) break;
      size_t ve = s.find("</parameter>", vgt);
      if (ve == npos || ve > stop) ve = stop;
      std::string key = s.substr(kb, kq - kb);
      args[key] = typed_value(strip_one_newline(s.substr(vgt + 1, ve - vgt - 1)), ctx, name, key);
      p = ve;
    }
    size_t begin = pos;
    size_t wrapper = s.rfind("<minimax:tool_call>", pos);
    if (wrapper != npos && trim(std::string_view(s).substr(wrapper + 19, pos - wrapper - 19)).empty())
      begin = wrapper;
    size_t end = stop + 9;
    const std::string close = "</minimax:tool_call>";
    if (starts_at(s, skip_space(s, end), close)) end = skip_space(s, end) + close.size();
    add_one(out, name, args, "minimax", begin, end);
    pos = end;
  }
}

// --- Gemma 4: <|tool_call>call:NAME{key:<|"|>text<|"|>,n:5}<tool_call|> ---

struct GemmaParser {
  const std::string& s;
  size_t i;
  static constexpr std::string_view kQuote = "<|\"|>";

  bool value(json* out) {
    i = skip_space(s, i);
    if (i >= s.size()) return false;
    if (starts_at(s, i, kQuote)) {
      size_t e = s.find(kQuote, i + kQuote.size());
      if (e == npos) return false;
      *out = s.substr(i + kQuote.size(), e - i - kQuote.size());
      i = e + kQuote.size();
      return true;
    }
    if (s[i] == '{') return object(out);
    if (s[i] == '[') {
      ++i;
      *out = json::array();
      while (true) {
        i = skip_space(s, i);
        if (i < s.size() && s[i] == ']') {
          ++i;
          return true;
        }
        json v;
        if (!value(&v)) return false;
        out->push_back(v);
        i = skip_space(s, i);
        if (i < s.size() && s[i] == ',') ++i;
      }
    }
    size_t b = i;
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
    std::string word = trim(std::string_view(s).substr(b, i - b));
    if (word.empty()) return false;
    json j = json::parse(word, nullptr, false);
    *out = j.is_discarded() ? json(word) : j;
    return true;
  }
  bool object(json* out) {
    ++i;  // '{'
    *out = json::object();
    while (true) {
      i = skip_space(s, i);
      if (i >= s.size()) return false;
      if (s[i] == '}') {
        ++i;
        return true;
      }
      std::string key;
      if (starts_at(s, i, kQuote)) {
        json k;
        if (!value(&k)) return false;
        key = k.get<std::string>();
      } else {
        size_t b = i;
        while (i < s.size() && s[i] != ':' && s[i] != '}') ++i;
        key = trim(std::string_view(s).substr(b, i - b));
      }
      i = skip_space(s, i);
      if (i >= s.size() || s[i] != ':') return false;
      ++i;
      json v;
      if (!value(&v)) return false;
      (*out)[key] = v;
      i = skip_space(s, i);
      if (i < s.size() && s[i] == ',') ++i;
    }
  }
};

void scan_gemma4(const std::string& s, const Context&, Calls* out) {
  const std::string open = "<|tool_call>";
  size_t pos = 0;
  int markers = 0;
  while ((pos = s.find(open, pos)) != npos) {
    if (++markers > kMaxMarkers) break;
    size_t i = skip_space(s, pos + open.size());
    if (!starts_at(s, i, "call:")) {
      pos = i;
      continue;
    }
    i += 5;
    std::string name = read_name(s, &i);
    GemmaParser p{s, skip_space(s, i)};
    json args;
    if (!valid_name(name) || p.i >= s.size() || s[p.i] != '{' || !p.object(&args)) {
      pos = i;
      continue;
    }
    size_t end = p.i;
    const std::string close = "<tool_call|>";
    if (starts_at(s, skip_space(s, end), close)) end = skip_space(s, end) + close.size();
    add_one(out, name, args, "gemma4", pos, end);
    pos = end;
  }
}

// --- marker-less forms: >>>name, fenced blocks, a bare JSON object ---

bool at_line_start(const std::string& s, size_t i) {
  while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) --i;
  return i == 0 || s[i - 1] == '\n';
}

void scan_functionary(const std::string& s, const Context& ctx, Calls* out) {
  size_t pos = 0;
  int markers = 0;
  while ((pos = s.find(">>>", pos)) != npos) {
    if (++markers > kMaxMarkers) break;
    size_t i = pos + 3;
    if (!at_line_start(s, pos)) {
      pos = i;
      continue;
    }
    std::string name = read_name(s, &i);
    size_t a = skip_space(s, i);
    json args;
    size_t e = 0;
    if (name != "all" && valid_name(name) && ctx.accepts_unmarked(name) && a < s.size() &&
        s[a] == '{' && json_at(s, a, &args, &e) && args.is_object()) {
      add_one(out, name, args, "functionary", pos, e);
      pos = e;
    } else {
      pos = i;
    }
  }
}

// {"tool_call": {...}} / {"tool_calls": [...]} (llama.cpp's generic format) or a
// call object / array of them.
void calls_from_json(const std::string& s, const json& j, const Context& ctx, bool unmarked,
                     std::vector<Found>* generic, std::vector<Found>* plain, size_t b, size_t e) {
  if (j.is_object() && (j.contains("tool_call") || j.contains("tool_calls"))) {
    json items = j.contains("tool_call") ? json::array({j["tool_call"]}) : j["tool_calls"];
    if (!items.is_array()) return;
    std::vector<std::pair<size_t, size_t>> spans;
    size_t key = s.find("\"tool_calls\"", b);
    size_t array = key == npos || key >= e ? npos : s.find('[', key);
    if (array != npos && array < e) spans = element_spans(s, array);
    for (size_t k = 0; k < items.size(); ++k) {
      std::string name;
      json args;
      auto span = k < spans.size() ? spans[k] : std::make_pair(b, e);
      if (call_from_object(items[k], false, &name, &args))
        generic->push_back({name, args, span.first, span.second});
    }
    return;
  }
  json items = j.is_array() ? j : json::array({j});
  auto spans = j.is_array() ? element_spans(s, b) : std::vector<std::pair<size_t, size_t>>{};
  for (size_t k = 0; k < items.size(); ++k) {
    std::string name;
    json args;
    auto span = k < spans.size() ? spans[k] : std::make_pair(b, e);
    if (call_from_object(items[k], true, &name, &args) &&
        (!unmarked || ctx.accepts_unmarked(name)))
      plain->push_back({name, args, span.first, span.second});
  }
}

void scan_fences(const std::string& s, const Context& ctx, Calls* out) {
  size_t pos = 0;
  int markers = 0;
  while ((pos = s.find("```", pos)) != npos) {
    if (++markers > kMaxMarkers) break;
    if (!at_line_start(s, pos)) {
      pos += 3;
      continue;
    }
    size_t nl = s.find('\n', pos);
    if (nl == npos) break;
    std::string lang = trim(std::string_view(s).substr(pos + 3, nl - pos - 3));
    size_t close = nl;
    do {
      close = s.find("```", close + 1);
    } while (close != npos && !at_line_start(s, close));
    size_t body_end = close == npos ? s.size() : close;
    size_t end = close == npos ? s.size() : close + 3;
    size_t i = skip_space(s, nl, body_end);
    std::vector<Found> generic, plain, code;
    bool code_lang = lang == "tool_code" || lang == "tool_call" || lang == "tool_calls";
    if (i < body_end && (s[i] == '{' || s[i] == '[')) {
      json j;
      size_t e = 0;
      if (json_at(s, i, &j, &e) && skip_space(s, e, body_end) == body_end &&
          (lang.empty() || lang == "json" || code_lang))
        calls_from_json(s, j, ctx, !code_lang, &generic, &plain, i, e);
    } else if (code_lang) {
      while (i < body_end) {
        Found f;
        size_t e = 0;
        if (!parse_python_call(s, i, body_end, ctx, &f, &e)) break;
        code.push_back(std::move(f));
        i = skip_space(s, e, body_end);
        if (i < body_end && s[i] == ';') i = skip_space(s, i + 1, body_end);
      }
      if (i < body_end) code.clear();  // not only calls: a code sample
    }
    if (!generic.empty()) add_group(out, std::move(generic), "generic", pos, end);
    if (!plain.empty()) add_group(out, std::move(plain), "fenced_json", pos, end);
    if (!code.empty()) add_group(out, std::move(code), "tool_code", pos, end);
    pos = end;
  }
}

void scan_bare_json(const std::string& s, const Context& ctx, Calls* out) {
  size_t pos = 0;
  int markers = 0;
  while (pos < s.size()) {
    size_t i = pos;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t consumed = i;
    std::vector<Found> generic, plain;
    while (i < s.size() && (s[i] == '{' || s[i] == '[') && ++markers <= kMaxMarkers) {
      json j;
      size_t e = 0;
      if (!json_at(s, i, &j, &e)) break;
      size_t before = generic.size() + plain.size();
      calls_from_json(s, j, ctx, true, &generic, &plain, i, e);
      if (generic.size() + plain.size() == before) break;
      consumed = e;
      i = skip_space(s, e);
      if (i < s.size() && s[i] == ';') i = skip_space(s, i + 1);
    }
    if (!generic.empty()) add_group(out, generic, "generic", generic.front().begin, consumed);
    if (!plain.empty()) add_group(out, plain, "llama3_json", plain.front().begin, consumed);
    size_t nl = s.find('\n', consumed);
    pos = nl == npos ? s.size() : nl + 1;
  }
}

Calls parse_with(const std::string& text, const Context& ctx) {
  Calls all;
  for (auto scan : {scan_tool_call_tags, scan_bare_functions, scan_mistral, scan_python_tag,
                    scan_deepseek, scan_harmony, scan_kimi, scan_minimax, scan_gemma4,
                    scan_functionary, scan_fences, scan_bare_json})
    scan(text, ctx, &all);
  // Formats nest (a JSON object inside a tag, a tag inside a fence): the candidate
  // that starts first and spans most wins; the rest overlapping it are dropped.
  std::stable_sort(all.begin(), all.end(), [](const TextToolCall& a, const TextToolCall& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    return a.end - a.begin > b.end - b.begin;
  });
  Calls kept;
  size_t covered = 0;
  for (auto& c : all) {
    if (!kept.empty() && c.begin < covered) continue;
    covered = std::max(covered, c.end);
    kept.push_back(std::move(c));
  }
  return kept;
}

}  // namespace

std::vector<TextToolCall> parse_text_tool_calls(const std::string& text,
                                                const std::vector<std::string>& known_tools) {
  Context ctx;
  ctx.known.insert(known_tools.begin(), known_tools.end());
  return parse_with(text, ctx);
}

std::vector<TextToolCall> parse_text_tool_calls(const std::string& text,
                                                const std::vector<ToolSpec>& tools) {
  Context ctx;
  for (const auto& t : tools) {
    ctx.known.insert(t.name);
    ctx.schemas[t.name] = t.parameters;
  }
  return parse_with(text, ctx);
}

std::vector<SuspectedToolCall> find_suspected_tool_calls(
    const std::string& text, const std::vector<std::string>& known_tools,
    const std::vector<TextToolCall>& exact) {
  std::vector<SuspectedToolCall> found;
  if (known_tools.empty()) return found;
  static const std::vector<std::string> kLabels = {"assistant:", "tool:", "action:",
                                                   "tool call:", "function call:", "call:"};
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t line_end = nl == npos ? text.size() : nl;
    bool inside = std::any_of(exact.begin(), exact.end(), [&](const TextToolCall& c) {
      return pos < c.end && line_end > c.begin;
    });
    size_t i = pos;
    auto skip_decoration = [&] {
      while (i < line_end && (is_space(text[i]) || text[i] == '>' || text[i] == '-' ||
                              text[i] == '*' || text[i] == '`'))
        ++i;
    };
    skip_decoration();
    for (const auto& label : kLabels) {
      std::string head = text.substr(i, label.size());
      std::transform(head.begin(), head.end(), head.begin(), ::tolower);
      if (head == label) {
        i += label.size();
        skip_decoration();
        break;
      }
    }
    size_t name_begin = i;
    std::string ident;
    while (i < line_end && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                            text[i] == '_' || text[i] == '.'))
      ++i;
    ident = strip_call_prefix(text.substr(name_begin, i - name_begin));
    while (i < line_end && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (!inside && i < line_end && (text[i] == '(' || text[i] == '{') &&
        std::find(known_tools.begin(), known_tools.end(), ident) != known_tools.end())
      found.push_back({ident, trim(std::string_view(text).substr(pos, line_end - pos)), pos});
    pos = line_end + 1;
  }
  return found;
}

}  // namespace showdown
