#pragma once
// What stays the same when the same mistake fails again: the error's code or its
// first telling line with the changing parts (numbers, line:col, paths, quoted
// names, hex, timestamps) taken out.
#include <string>

namespace showdown {

/// `key` compares failures; `line` is the line it came from, as written, for
/// evidence. `specific` is false when no error line was found and the key is only
/// the last line of output (or the exit status): such keys say little on their own.
struct ErrorSignature {
  std::string key;
  std::string line;
  bool specific = false;
};

/// The signature of a failed call's output. Codes win (TS2345, error[E0425],
/// ERR_MODULE_NOT_FOUND, ENOENT, ModuleNotFoundError: …); then the first line naming a
/// known kind of error (Module not found, Type error, cannot find name, …); then the
/// first line mentioning an error that is not a generic wrapper ("Failed to
/// compile.", "npm ERR! code ELIFECYCLE", "make: *** … Error 1").
ErrorSignature error_signature(const std::string& output, int exit_code);

/// `text` in lower case with quoted names, paths, file:line:col, hex and numbers
/// replaced by placeholders and spacing collapsed.
std::string normalize_error_line(const std::string& text);

/// True when the output says the command ran in the wrong directory: not a git
/// repository, no package.json / Makefile / Cargo.toml / go.mod / pom.xml here,
/// `cd` into a folder that does not exist.
bool wrong_directory_error(const std::string& output);

}  // namespace showdown
