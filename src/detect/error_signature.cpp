#include "detect/error_signature.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace showdown {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool contains(const std::string& haystack, const char* needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string strip_ansi(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      i += 2;
      while (i < s.size() && !std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// The first and last lines of a long output: errors are printed near the start
// (compilers) or the end (test runners), and scanning stays cheap per call.
std::vector<std::string> lines_of(const std::string& text) {
  constexpr size_t kHead = 300, kTail = 100;
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = trim(text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
    if (!line.empty()) lines.push_back(std::move(line));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  if (lines.size() > kHead + kTail)
    lines.erase(lines.begin() + kHead, lines.end() - static_cast<std::ptrdiff_t>(kTail));
  return lines;
}

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool upper_or_digit(char c) {
  return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
}

// "route.ts:12" inside a token: a file name with a line number.
bool file_and_line(const std::string& token) {
  for (size_t dot = token.find('.'); dot != std::string::npos; dot = token.find('.', dot + 1)) {
    size_t i = dot + 1;
    while (i < token.size() && is_word(token[i])) ++i;
    if (i > dot + 1 && i + 1 < token.size() && token[i] == ':' &&
        std::isdigit(static_cast<unsigned char>(token[i + 1])))
      return true;
  }
  return false;
}

// An error code a toolchain prints: TS2345, error[E0425], CS1002, ERR_MODULE_NOT_FOUND,
// ENOENT and its kin.
std::string error_code(const std::string& line) {
  auto digits = [&](size_t i, size_t min, size_t max) {
    size_t n = 0;
    while (i + n < line.size() && std::isdigit(static_cast<unsigned char>(line[i + n]))) ++n;
    bool end_ok = i + n == line.size() || !is_word(line[i + n]);
    return n >= min && n <= max && end_ok ? n : 0;
  };
  for (const char* prefix : {"TS", "CS"}) {
    for (size_t p = line.find(prefix); p != std::string::npos; p = line.find(prefix, p + 1)) {
      if (p > 0 && is_word(line[p - 1])) continue;
      if (size_t n = digits(p + 2, 4, 5)) return line.substr(p, 2 + n);
    }
  }
  size_t rust = line.find("error[E");
  if (rust != std::string::npos) {
    size_t n = digits(rust + 7, 4, 4);
    if (n && rust + 7 + n < line.size() && line[rust + 7 + n] == ']') return line.substr(rust + 6, 1 + n);
  }
  for (size_t p = line.find("ERR_"); p != std::string::npos; p = line.find("ERR_", p + 1)) {
    if (p > 0 && is_word(line[p - 1])) continue;
    size_t e = p + 4;
    while (e < line.size() && (upper_or_digit(line[e]) || line[e] == '_')) ++e;
    if (e > p + 4 && (e == line.size() || !is_word(line[e]))) return line.substr(p, e - p);
  }
  for (const char* errno_name : {"ENOENT", "EACCES", "EADDRINUSE", "ECONNREFUSED", "EEXIST",
                                 "ENOTDIR", "EISDIR", "EPERM", "ENOSPC", "ETIMEDOUT"}) {
    size_t len = std::char_traits<char>::length(errno_name);
    for (size_t p = line.find(errno_name); p != std::string::npos; p = line.find(errno_name, p + 1))
      if ((p == 0 || !is_word(line[p - 1])) && (p + len == line.size() || !is_word(line[p + len])))
        return errno_name;
  }
  return "";
}

// "ModuleNotFoundError: …", "pkg.errors.ValidationException: …": the class name.
std::string exception_name(const std::string& raw) {
  // pytest prefixes the exception line with "E   ".
  std::string line = raw.rfind("E ", 0) == 0 ? trim(raw.substr(2)) : raw;
  size_t colon = line.find(':');
  if (colon == std::string::npos || colon == 0) return "";
  std::string head = line.substr(0, colon);
  if (!std::all_of(head.begin(), head.end(), [](char c) { return is_word(c) || c == '.'; }))
    return "";
  std::string name = head.substr(head.rfind('.') == std::string::npos ? 0 : head.rfind('.') + 1);
  auto ends_with = [&](const char* suffix) {
    size_t n = std::char_traits<char>::length(suffix);
    return name.size() > n && name.compare(name.size() - n, n, suffix) == 0;
  };
  if (name.empty() || !std::isupper(static_cast<unsigned char>(name[0]))) return "";
  return ends_with("Error") || ends_with("Exception") ? name : "";
}

// Lines every failed build prints whatever went wrong: they name no mistake.
// Section rules ("==== ERRORS ====", "____ test_a ____") are headings.
bool generic_wrapper(const std::string& l) {
  for (const char* rule : {"===", "___", "---", "***", "###"})
    if (l.rfind(rule, 0) == 0) return true;
  static const char* kWrappers[] = {
      "failed to compile",        "build failed because of",  "elifecycle",
      "npm err! errno",           "npm err! code 1",          "npm err! lifecycle",
      "npm err! failed at",       "npm err! this is probably", "npm err! a complete log",
      "npm error code 1",         "npm error lifecycle",      "npm error command failed",
      "npm error path",           "npm error a complete log", "npm error workspace",
      "npm error location",       "command failed with exit code", "exited with code",
      "make: ***",                "process completed with exit code", "error: script",
      "errors occurred",          "found 1 error",            "found 0 errors",
      "error: could not compile", "for more information about this error",
      "next.js build worker exited", "build error occurred"};
  for (const char* w : kWrappers)
    if (contains(l, w)) return true;
  return l.rfind("found ", 0) == 0 && l.size() > 6 && std::isdigit(static_cast<unsigned char>(l[6]));
}

bool names_known_error(const std::string& l) {
  static const char* kKinds[] = {
      "module not found",     "cannot find module",   "can't resolve",     "type error",
      "syntaxerror",          "syntax error",         "is not assignable", "cannot find name",
      "does not exist on type", "has no exported member", "no overload matches",
      "expected",             "unexpected token",     "is not defined",    "undefined reference",
      "no such file or directory", "command not found", "permission denied",
      "not a git repository", "no module named",      "unresolved import", "cannot be used as",
      "is not a function",    "cannot read propert",  "cannot import",  "missing script",    "failed to resolve",
      "could not resolve",    "not found in",         "mismatched types",  "already declared",
      "duplicate identifier", "assertion",            "segmentation fault", "timed out"};
  for (const char* k : kKinds)
    if (contains(l, k)) return true;
  return false;
}

bool mentions_error(const std::string& l) {
  static const char* kWords[] = {"error", "fatal", "failed", "failure", "cannot", "can't",
                                 "not found", "exception", "panic", "refused", "denied"};
  for (const char* w : kWords)
    if (contains(l, w)) return true;
  return false;
}

}  // namespace

std::string normalize_error_line(const std::string& text) {
  std::string s = lower(strip_ansi(text));
  std::string out;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    // A quote opens a name only after a non-word character: "can't" is a word.
    if ((c == '\'' || c == '"' || c == '`') && (i == 0 || !alnum(s[i - 1]))) {
      size_t close = s.find(c, i + 1);
      while (close != std::string::npos && close + 1 < s.size() && alnum(s[close + 1]) &&
             c == '\'')
        close = s.find(c, close + 1);
      if (close != std::string::npos) {
        out += "<q>";
        i = close + 1;
        continue;
      }
    }
    if (!std::isspace(static_cast<unsigned char>(c))) {
      size_t e = i;
      while (e < s.size() && !std::isspace(static_cast<unsigned char>(s[e])) && s[e] != '\'' &&
             s[e] != '"' && s[e] != '`' && s[e] != ',' && s[e] != ';' && s[e] != '(' && s[e] != ')')
        ++e;
      std::string token = s.substr(i, e - i);
      if (e == i) {
        out += c;
        ++i;
        continue;
      }
      bool path = token.find('/') != std::string::npos || token.find('\\') != std::string::npos ||
                  file_and_line(token);
      if (path) {
        out += "<path>";
        if (token.back() == ':' || token.back() == '.') out += token.back();
      } else {
        std::string t;
        for (size_t k = 0; k < token.size(); ++k) {
          if (token.compare(k, 2, "0x") == 0 && k + 2 < token.size() &&
              std::isxdigit(static_cast<unsigned char>(token[k + 2]))) {
            k += 2;
            while (k + 1 < token.size() && std::isxdigit(static_cast<unsigned char>(token[k + 1])))
              ++k;
            t += '#';
          } else if (std::isdigit(static_cast<unsigned char>(token[k]))) {
            while (k + 1 < token.size() && std::isdigit(static_cast<unsigned char>(token[k + 1])))
              ++k;
            t += '#';
          } else {
            t += token[k];
          }
        }
        out += t;
      }
      i = e;
      continue;
    }
    if (!out.empty() && out.back() != ' ') out += ' ';
    ++i;
  }
  out = trim(out);
  if (out.size() > 160) out.resize(160);
  return out;
}

ErrorSignature error_signature(const std::string& output, int exit_code) {
  auto lines = lines_of(strip_ansi(output));
  ErrorSignature sig;
  for (const auto& line : lines) {
    std::string code = error_code(line);
    std::string exception = code.empty() ? exception_name(line) : "";
    if (code.empty() && exception.empty()) continue;
    std::string message = line.substr(line.find(exception) + exception.size());
    if (!message.empty() && message[0] == ':') message.erase(0, 1);
    sig.key = !code.empty() ? code : exception + ": " + normalize_error_line(message);
    sig.line = line;
    sig.specific = true;
    return sig;
  }
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& line : lines) {
      std::string l = lower(line);
      if (generic_wrapper(l)) continue;
      if (pass == 0 ? names_known_error(l) : mentions_error(l)) {
        sig.key = normalize_error_line(line);
        sig.line = line;
        sig.specific = !sig.key.empty();
        if (sig.specific) return sig;
      }
    }
  }
  sig.specific = false;
  if (!lines.empty()) {
    sig.line = lines.back();
    sig.key = "exit " + std::to_string(exit_code) + ": " + normalize_error_line(lines.back());
  } else {
    sig.key = "exit " + std::to_string(exit_code);
  }
  return sig;
}

bool wrong_directory_error(const std::string& output) {
  std::string o = lower(output);
  static const char* kPhrases[] = {
      "not a git repository",          "could not read package.json",
      "couldn't find a package.json",  "no package.json",
      "no targets specified and no makefile found", "no makefile found",
      "could not find `cargo.toml`",   "could not find cargo.toml",
      "go.mod file not found",         "there is no pom in this directory",
      "does not contain a gradle build", "can't cd to",
      "cannot change to",              "cannot find a tsconfig.json",
      "neither 'setup.py' nor 'pyproject.toml' found", "could not open requirements file",
      "couldn't find any `pages` or `app` directory", "could not find a package.json",
      "no such file or directory: 'manage.py'", "unable to find a gradle project"};
  for (const char* p : kPhrases)
    if (contains(o, p)) return true;
  for (size_t cd = o.find("cd: "); cd != std::string::npos; cd = o.find("cd: ", cd + 4)) {
    if (cd > 0 && std::isalnum(static_cast<unsigned char>(o[cd - 1]))) continue;
    std::string line = o.substr(cd, o.find('\n', cd) - cd);
    if (contains(line, "no such file or directory") || contains(line, "not a directory")) return true;
  }
  bool missing = contains(o, "enoent") || contains(o, "no such file or directory") ||
                 contains(o, "could not open") || contains(o, "does not exist");
  static const char* kManifests[] = {"package.json", "requirements.txt", "pyproject.toml",
                                     "cargo.toml",   "go.mod",           "makefile",
                                     "pom.xml",      "build.gradle",     "composer.json",
                                     "gemfile",      "tsconfig.json"};
  if (missing)
    for (const char* m : kManifests)
      if (contains(o, m)) return true;
  return false;
}

}  // namespace showdown
