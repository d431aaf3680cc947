#include "task/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <memory>

namespace showdown {
namespace {

struct DigestContext {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1;

  bool update(const void* data, size_t size) {
    return ok && EVP_DigestUpdate(ctx.get(), data, size) == 1;
  }

  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!ok || EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1) return "";
    std::string out;
    char byte[3];
    for (unsigned int i = 0; i < size; ++i) {
      std::snprintf(byte, sizeof byte, "%02x", digest[i]);
      out += byte;
    }
    return out;
  }
};

}  // namespace

std::string sha256_hex(std::string_view data) {
  DigestContext digest;
  digest.update(data.data(), data.size());
  return digest.hex();
}

bool sha256_file(const std::filesystem::path& path, std::string* hex, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = path.string() + ": cannot read";
    return false;
  }
  DigestContext digest;
  char buffer[64 * 1024];
  while (in) {
    in.read(buffer, sizeof buffer);
    if (in.gcount() > 0) digest.update(buffer, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    *err = path.string() + ": read failed";
    return false;
  }
  *hex = digest.hex();
  if (hex->empty()) {
    *err = "SHA-256 unavailable in OpenSSL";
    return false;
  }
  return true;
}

}  // namespace showdown
