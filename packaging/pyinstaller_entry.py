"""Entry point of the PyInstaller bundle: the same as the `transcript-reader` console script."""

import sys

from reader.app import freeze_support
from reader.cli import main

if __name__ == "__main__":
    freeze_support()  # before the command line is parsed: a pool worker's arguments are not ours
    sys.exit(main())
