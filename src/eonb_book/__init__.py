"""The book machinery of EO Notebooks: everything that builds and delivers the course.

``eolab`` is what a learner imports; ``eonb_book`` is what the build, the
tools, the benchmarks and the tests import (the same ``make install`` provides
both).  One job per module:

* :mod:`~eonb_book.settings`: every constant once (paths, PDF names, Chromium
  arguments, the Pyodide URL);
* :mod:`~eonb_book.toc`: ``_toc.yml``: the pages in order, short titles, lessons;
* :mod:`~eonb_book.lessons`: a lesson's MyST read: directives, headings,
  sections, time line, cells;
* :mod:`~eonb_book.lint`: what a lesson lacks (the rules of
  ``tests/test_lesson_structure.py``);
* :mod:`~eonb_book.lite` and :mod:`~eonb_book.lite_checks`: the JupyterLite
  practice notebooks and their self-checks;
* :mod:`~eonb_book.notebooks`: the launch notebooks in ``notebooks/``;
* :mod:`~eonb_book.handouts`: the PDF handouts, printed by Chromium;
* :mod:`~eonb_book.bundle`: the offline zip for a USB stick;
* :mod:`~eonb_book.serve`: the built site on a loopback port.

The Sphinx extensions (``_ext/``) and the command lines (``tools/``) are thin
entry points over these modules.
"""

__all__ = [
    "bundle",
    "handouts",
    "lessons",
    "lint",
    "lite",
    "lite_checks",
    "notebooks",
    "serve",
    "settings",
    "toc",
]
