#include "sandbox/path_map.h"

#include <system_error>

namespace showdown {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxSymlinks = 40;  // as the kernel's ELOOP limit

std::string normal(const fs::path& path) {
  std::string text = path.lexically_normal().string();
  if (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

bool is_within(const std::string& path, const std::string& folder) {
  if (folder == "/") return true;
  return path == folder ||
         (path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 &&
          path[folder.size()] == '/');
}

std::string join(const std::string& folder, const std::string& name) {
  return folder == "/" ? "/" + name : folder + "/" + name;
}

}  // namespace

void PathMap::add(const std::string& inside, const fs::path& host) {
  mounts_.push_back({normal(inside), host});
}

std::string PathMap::absolute(const std::string& path) const {
  if (path == "~") return normal(home_inside_);
  if (path.rfind("~/", 0) == 0) return normal(home_inside_ + path.substr(1));
  if (!path.empty() && path[0] == '/') return normal(path);
  return normal(home_inside_ + "/" + path);
}

const PathMap::Mount* PathMap::mount_of(const std::string& inside) const {
  const Mount* best = nullptr;
  for (const Mount& mount : mounts_) {
    if (is_within(inside, mount.inside) && (!best || mount.inside.size() > best->inside.size()))
      best = &mount;
  }
  return best;
}

std::string PathMap::outside_message(const std::string& path) const {
  std::string places;
  for (const Mount& mount : mounts_) places += (places.empty() ? "" : ", ") + mount.inside;
  return "tools can reach only " + places + " (relative paths start at " + home_inside_ + ")";
}

bool PathMap::to_host(const std::string& path, fs::path* host, std::string* err) const {
  if (path.empty()) {
    *err = "the path is empty";
    return false;
  }
  std::string current = absolute(path);
  std::string resolved;
  std::string link_seen;  // the last symlink followed, for the error message
  for (int hops = 0;;) {
    resolved = "/";
    bool restarted = false;
    fs::path parts(current);
    for (auto it = parts.begin(); it != parts.end(); ++it) {
      if (*it == "/") continue;
      std::string candidate = join(resolved, it->string());
      const Mount* mount = mount_of(candidate);
      // A mount's own root is whatever bubblewrap bound there, symlink or not.
      if (mount && candidate != mount->inside) {
        fs::path on_host = mount->host / fs::path(candidate.substr(mount->inside.size() + 1));
        std::error_code ec;
        if (fs::is_symlink(fs::symlink_status(on_host, ec))) {
          if (++hops > kMaxSymlinks) {
            *err = path + ": too many levels of symbolic links";
            return false;
          }
          fs::path target = fs::read_symlink(on_host, ec);
          if (ec) {
            *err = "cannot read the symbolic link " + candidate + ": " + ec.message();
            return false;
          }
          fs::path next = target.is_absolute() ? target : fs::path(resolved) / target;
          for (auto rest = std::next(it); rest != parts.end(); ++rest) next /= *rest;
          current = normal(next);
          link_seen = candidate + " -> " + target.string();
          restarted = true;
          break;
        }
      }
      resolved = candidate;
    }
    if (!restarted) break;
  }
  const Mount* mount = mount_of(resolved);
  if (!mount) {
    *err = link_seen.empty() ? path + " is outside the workspace: " + outside_message(path)
                             : path + " leads outside the workspace through the symbolic link " +
                                   link_seen + ": " + outside_message(path);
    return false;
  }
  *host = resolved == mount->inside
              ? mount->host
              : mount->host / fs::path(resolved.substr(mount->inside.size() + 1));
  return true;
}

}  // namespace showdown
