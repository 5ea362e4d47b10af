"""`python -m pipeline ...` runs the command-line interface."""

if __name__ == "__main__":  # worker processes import this module too; only run the CLI here
    from pipeline.cli import main

    main()
