"""The offline bundle: the whole website as one zip for a USB stick.

The code is :mod:`eonb_book.bundle` (installed by ``make install``); this is its command line::

    .venv/bin/python tools/offline_bundle.py --site _build/html --out
    _build/eo-notebooks-offline.zip
    .venv/bin/python tools/offline_bundle.py ... --pyodide /path/to/pyodide   # + JupyterLite kernel
"""

import sys

from eonb_book.bundle import main

if __name__ == "__main__":
    sys.exit(main())
