"""`python -m reader` runs the same entry point as the `transcript-reader` script."""

import sys

from reader.cli import main

sys.exit(main())
