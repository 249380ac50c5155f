"""Spectral indices stay lazy on Dask arrays and give the same numbers as on NumPy arrays.

Specifications of ``eolab.indices``:

* an index of Dask-backed bands is built without computing anything (no
  hidden pass over the data to check it);
* its values equal those computed from the same bands in memory;
* the checks still hold: a fill value or raw digital numbers in a lazy band
  raise the same clear error, when the result is computed.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from dask.callbacks import Callback

from eolab import indices


def bands(nir_value=None):
    rng = np.random.default_rng(0)
    red = xr.DataArray(rng.uniform(0.02, 0.2, (6, 8)), dims=("y", "x"), name="red")
    nir = xr.DataArray(rng.uniform(0.2, 0.6, (6, 8)), dims=("y", "x"), name="nir")
    if nir_value is not None:
        nir[0, 0] = nir_value
    return red, nir


class CountComputes(Callback):
    def __init__(self):
        super().__init__()
        self.runs = 0

    def _start(self, dsk):
        self.runs += 1


def test_an_index_of_lazy_bands_computes_nothing_until_asked():
    red, nir = bands()
    with CountComputes() as counter:
        lazy = indices.ndvi(red.chunk({"y": 3}), nir.chunk({"y": 3}))
    assert counter.runs == 0 and lazy.chunks is not None
    np.testing.assert_array_equal(lazy.compute().values, indices.ndvi(red, nir).values)
    assert lazy.attrs == {"long_name": "NDVI", "units": "1"}


@pytest.mark.parametrize(
    "bad,message", [(-9999.0, r"-9999.*fill value"), (3000.0, "raw digital numbers")]
)
def test_bad_values_in_a_lazy_band_fail_clearly_when_computed(bad, message):
    red, nir = bands(nir_value=bad)
    lazy = indices.ndvi(red.chunk({"y": 3}), nir.chunk({"y": 3}))
    with pytest.raises(ValueError, match=message):
        lazy.compute()
    with pytest.raises(ValueError, match=message):
        indices.ndvi(red, nir)  # in memory: at once
