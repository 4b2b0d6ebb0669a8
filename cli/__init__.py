"""The `ltsa` command-line interface (an adapter over `engine`, like `web`)."""
