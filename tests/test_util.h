#pragma once
// Helpers shared by the tests: temporary folders, running commands, reading files.
#include <filesystem>
#include <string>

namespace showdown::test {

/// A fresh folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Runs `command` with /bin/sh, returns its exit status; stdout+stderr go to *output.
int run_shell(const std::string& command, std::string* output = nullptr);

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& content);

/// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

}  // namespace showdown::test

namespace showdown::test {

/// `showdown serve-script` as a real subprocess on a free port; killed on destruction.
class ScriptServerProcess {
 public:
  ScriptServerProcess(const std::string& binary, const std::filesystem::path& script);
  ~ScriptServerProcess();
  int port() const { return port_; }
  std::string base_url() const;  // http://127.0.0.1:PORT

 private:
  int pid_ = -1;
  int port_ = 0;
};

/// Copies a fixture folder (tests/fixtures/NAME) to `dest`.
void copy_fixture(const std::string& name, const std::filesystem::path& dest);

}  // namespace showdown::test
