"""One module per CLI command, each with `register(subcommands)` that adds its parser and sets `run`.

To add a command: write symnn/commands/NAME.py and add NAME to COMMANDS below.
"""
COMMANDS = ["build", "derive", "codegen", "examples", "check", "grade", "hessian", "newton", "sheet"]
