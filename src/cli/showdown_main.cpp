#include "cli/cli.h"

int main(int argc, char** argv) { return showdown::cli_main(argc, argv); }
