#include "llm/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace showdown {

namespace {

using Clock = std::chrono::steady_clock;

// Error bodies are for a one-line message; a server that sends megabytes of them
// should not fill memory.
constexpr size_t kMaxErrorBody = 1 << 20;

struct Transfer {
  CURL* easy = nullptr;
  const BodySink* sink = nullptr;
  HttpResponse* response = nullptr;
  Clock::time_point last_activity = Clock::now();
  curl_off_t uploaded = 0;
  bool sink_aborted = false;
};

std::string trim(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->last_activity = Clock::now();
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new status line (after a 100 Continue or a redirect) starts a new header set.
    t->response->headers.clear();
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name = trim(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  t->response->headers[name] = trim(line.substr(colon + 1));
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->last_activity = Clock::now();
  size_t n = size * count;
  if (t->response->status == 0) {
    long status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    t->response->status = static_cast<int>(status);
  }
  int status = t->response->status;
  if (status >= 200 && status < 300 && *t->sink) {
    if (!(*t->sink)(std::string_view(data, n))) {
      t->sink_aborted = true;
      return 0;  // anything but n aborts the transfer
    }
  } else if (t->response->body.size() < kMaxErrorBody) {
    t->response->body.append(data, std::min(n, kMaxErrorBody - t->response->body.size()));
  }
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(user);
  if (ulnow != t->uploaded) {
    t->uploaded = ulnow;
    t->last_activity = Clock::now();
  }
  return 0;
}

std::string reason_for(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return "connection refused";
    case CURLE_COULDNT_RESOLVE_HOST:
      return "host not found";
    case CURLE_OPERATION_TIMEDOUT:
      return "connect timeout";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      return "connection reset";
    case CURLE_GOT_NOTHING:
      return "empty reply";
    case CURLE_PARTIAL_FILE:
      return "stream truncated";
    default:
      return "connection failure";
  }
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

bool http_post(const HttpRequest& request, const BodySink& sink, HttpResponse* response) {
  init_curl_once();
  *response = HttpResponse{};
  CURL* easy = curl_easy_init();
  CURLM* multi = curl_multi_init();
  if (!easy || !multi) {
    if (easy) curl_easy_cleanup(easy);
    if (multi) curl_multi_cleanup(multi);
    response->error = "could not initialise libcurl";
    response->error_reason = "connection failure";
    return false;
  }

  Transfer t;
  t.easy = easy;
  t.sink = &sink;
  t.response = response;

  curl_slist* headers = nullptr;
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  // Without this, curl waits up to a second for "100 Continue" before large bodies.
  headers = curl_slist_append(headers, "Expect:");

  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max(1.0, request.connect_timeout_seconds * 1000)));
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &t);
  curl_multi_add_handle(multi, easy);

  const auto idle_limit = std::chrono::duration<double>(request.idle_timeout_seconds);
  bool idle_timeout = false;
  int running = 1;
  while (running) {
    if (curl_multi_perform(multi, &running) != CURLM_OK) break;
    if (!running) break;
    auto idle = Clock::now() - t.last_activity;
    if (idle >= idle_limit) {
      idle_timeout = true;
      break;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(idle_limit - idle).count();
    curl_multi_poll(multi, nullptr, 0, static_cast<int>(std::clamp<long long>(left + 1, 1, 100)),
                    nullptr);
  }

  CURLcode code = CURLE_OK;
  bool finished = false;
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
    if (msg->msg == CURLMSG_DONE) {
      code = msg->data.result;
      finished = true;
    }
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if (status != 0) response->status = static_cast<int>(status);

  if (idle_timeout) {
    char seconds[32];
    snprintf(seconds, sizeof seconds, "%g", request.idle_timeout_seconds);
    response->error = std::string("no data from the server for ") + seconds + " s";
    response->error_reason = "idle timeout";
  } else if (!finished) {
    response->error = "libcurl stopped without finishing the transfer";
    response->error_reason = "connection failure";
  } else if (code != CURLE_OK) {
    response->error =
        t.sink_aborted ? "the response could not be read" : std::string(curl_easy_strerror(code));
    response->error_reason = t.sink_aborted ? "response rejected" : reason_for(code);
  }

  curl_multi_remove_handle(multi, easy);
  curl_easy_cleanup(easy);
  curl_multi_cleanup(multi);
  curl_slist_free_all(headers);
  return response->error.empty();
}

}  // namespace showdown
