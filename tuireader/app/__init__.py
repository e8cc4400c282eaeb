"""The Textual reader app. Nothing here is imported by tuireader.core or the CLI's
subcommands; `tuireader.app.run.run_app` is the single entry point."""
