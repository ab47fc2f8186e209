"""`python -m casework` runs the command line."""

from casework.cli.main import app

app(prog_name="casework")
