"""Practice notebooks for JupyterLite, generated from the lessons (cells tagged ``lite-practice``).

The code is :mod:`eonb_book.lite` (installed by ``make install``); this is its command line::

    .venv/bin/python tools/lite_contents.py --out /tmp/lite-contents
"""

import sys

from eonb_book.lite import main

if __name__ == "__main__":
    sys.exit(main())
