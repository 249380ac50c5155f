"""Old name of :mod:`eolab.pixel_access`, kept so notebooks written before the rename still run.

Lesson 3 names its odc-stac result ``cube``, so the module is now
``from eolab import pixel_access``; everything public is re-exported here.
"""

from eolab.pixel_access import *  # noqa: F401,F403
from eolab.pixel_access import __all__  # noqa: F401
