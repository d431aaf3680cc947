#pragma once
// The `showdown` command line: a table of subcommands, each a few lines that call
// into the library. Exit codes: 0 success, 1 infrastructure failure, 2 bad usage
// or bad input.

namespace showdown {

int cli_main(int argc, char** argv);

// One function per subcommand; argv[0] is the subcommand's name.
int serve_script_command(int argc, char** argv);
int run_command(int argc, char** argv);
int unseal_command(int argc, char** argv);
int report_command(int argc, char** argv);
int probe_command(int argc, char** argv);
int analyze_command(int argc, char** argv);
int demo_command(int argc, char** argv);

}  // namespace showdown
