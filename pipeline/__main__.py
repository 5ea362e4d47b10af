"""`python -m pipeline ...` runs the command-line interface."""

from .cli import main

if __name__ == "__main__":  # worker processes import this module too; only run the CLI here
    main()
