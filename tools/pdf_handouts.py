"""PDF handouts of the built website (learner and instructor editions), printed by Chromium.

The code is :mod:`eonb_book.handouts` (installed by ``make install``); this is its command line::

    .venv/bin/python tools/pdf_handouts.py            # _build/html -> _build/html/_downloads/pdf
    .venv/bin/python tools/pdf_handouts.py --site DIR --toc other/_toc.yml
"""

import sys

from eonb_book.handouts import main

if __name__ == "__main__":
    sys.exit(main())
