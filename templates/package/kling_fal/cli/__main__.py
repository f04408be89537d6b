"""`python -m kling_fal.cli`."""

import sys

from kling_fal.cli import main

sys.exit(main())
