#pragma once
// How paths inside the sandbox correspond to host paths: each mount (home, /tmp,
// binds) maps an inside folder to a host folder. Symlinks are followed as the
// sandbox sees them, so a link in home to /etc/passwd or ../.. is judged by where
// it leads inside, and rejected when that is outside every mount.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace showdown {

class PathMap {
 public:
  /// `home_inside` is where relative paths and `~` start.
  explicit PathMap(std::string home_inside) : home_inside_(std::move(home_inside)) {}
  void add(const std::string& inside, const std::filesystem::path& host);

  /// The normalised absolute inside path of `path` (relative to home, `~` expanded);
  /// no symlinks are followed.
  std::string absolute(const std::string& path) const;
  /// The host path of `path`, symlinks resolved; false with *err when it leads
  /// outside every mount.
  bool to_host(const std::string& path, std::filesystem::path* host, std::string* err) const;

 private:
  struct Mount {
    std::string inside;
    std::filesystem::path host;
  };
  const Mount* mount_of(const std::string& inside) const;
  std::string outside_message(const std::string& path) const;

  std::string home_inside_;
  std::vector<Mount> mounts_;
};

}  // namespace showdown
