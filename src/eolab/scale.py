"""Old name of :mod:`eolab.cluster`, kept for old notebooks (``from eolab import scale``)."""

import sys

from eolab import cluster

sys.modules[__name__] = cluster
