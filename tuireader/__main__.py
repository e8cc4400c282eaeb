"""`python -m tuireader` runs the command line (the app when no subcommand is given)."""

from tuireader.launch import main

raise SystemExit(main())
