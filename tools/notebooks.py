"""The lessons as Jupyter notebooks in ``notebooks/``, for Binder, JupyterHub and Colab.

The code is :mod:`eonb_book.notebooks` (installed by ``make install``); this is its command line::

    .venv/bin/python tools/notebooks.py           # write notebooks/ (then commit it)
    .venv/bin/python tools/notebooks.py --check   # exit 1 if notebooks/ is stale
"""

import sys

from eonb_book.notebooks import main

if __name__ == "__main__":
    sys.exit(main())
