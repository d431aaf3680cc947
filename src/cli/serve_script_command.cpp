#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "scripted/script.h"
#include "scripted/server.h"

namespace showdown {

int serve_script_command(int argc, char** argv) {
  CLI::App app{"Scripted OpenAI/Anthropic-compatible model server (docs/scripts.md)",
               "showdown serve-script"};
  int port = 0;
  std::string host = "127.0.0.1";
  std::string script_path;
  app.add_option("--port", port, "port to listen on (0: a free one)")->check(CLI::Range(0, 65535));
  app.add_option("--host", host, "address to listen on");
  app.add_option("--script", script_path, "a script file, or a folder of them")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  std::vector<Script> scripts;
  std::string err;
  if (!load_scripts(script_path, &scripts, &err)) {
    fprintf(stderr, "showdown serve-script: %s\n", err.c_str());
    return 2;
  }

  // Block the stop signals before the server's threads start, so they inherit
  // the mask and only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ScriptServer server(std::move(scripts));
  if (!server.start(host, port, &err)) {
    fprintf(stderr, "showdown serve-script: %s\n", err.c_str());
    return 1;
  }
  std::string shown = host.find(':') == std::string::npos ? host : "[" + host + "]";
  printf("serve-script listening on http://%s:%d\n", shown.c_str(), server.port());
  fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server.stop();
  return 0;
}

}  // namespace showdown
