"""Build the curated tables in ``datasets/`` from the shared reference snapshot.

A thin entry kept for the documented command line; the code lives in the
``tools/curate`` package (one module per table group)::

    python tools/curate_reference.py --reference ../shared/reference
    python tools/curate_reference.py --reference ../shared/reference --check-only
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.curate.main import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
