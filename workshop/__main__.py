"""`python -m workshop` runs the command-line interface."""

from .cli import main

main()
