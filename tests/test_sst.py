"""Sea-surface temperature for Lesson 1: the Niño-3.4 index finds the real 2007-08 La Niña
and 2009-10 El Niño in OSTIA, and refuses data it cannot honestly average."""

from __future__ import annotations

import numpy as np
import pytest

from eolab import anomalies, datasets


@pytest.fixture(scope="module")
def ostia():
    return datasets.load("ostia_sst")["sst"]


# Tolerance 0.3 degC: OSTIA's Niño-3.4 box mean is 28.16 degC (Dec 2009) and 24.96 degC
# (Dec 2007); other analyses (ERSST, OISST) put these months at about 28.3 and 25.0 degC,
# and OSTIA's band stops at 4.4 N instead of 5 N.
TOLERANCE_DEGC = 0.3


def test_nino34_box_mean_sst_is_warm_in_el_nino_and_cool_in_la_nina(ostia):
    box = anomalies.nino34_sst(ostia)
    assert box.attrs["units"] == "degC"
    assert float(box.sel(time="2009-12").squeeze()) == pytest.approx(28.3, abs=TOLERANCE_DEGC)
    assert float(box.sel(time="2007-12").squeeze()) == pytest.approx(25.0, abs=TOLERANCE_DEGC)


def test_nino34_anomaly_is_positive_in_dec_2009_and_negative_in_dec_2007(ostia):
    index = anomalies.nino34_index(ostia)
    assert index.dims == ("time",) and index.attrs["units"] == "degC"
    el_nino, la_nina = (float(index.sel(time=t).squeeze()) for t in ("2009-12", "2007-12"))
    # Both events were strong: beyond the +-0.5 degC threshold, by more than 1 degC.
    assert el_nino > anomalies.NINO34_THRESHOLD + 0.5
    assert la_nina < -anomalies.NINO34_THRESHOLD - 0.5
    # Anomalies average to zero for each calendar month over the base period.
    np.testing.assert_allclose(index.groupby("time.month").mean(), 0, atol=1e-4)


def test_nino34_index_is_the_same_in_kelvin_and_for_either_longitude_convention(ostia):
    index = anomalies.nino34_index(ostia)
    kelvin = datasets.load("ostia_sst", units="K")["sst"]
    np.testing.assert_allclose(anomalies.nino34_index(kelvin), index, atol=1e-3)
    west_east = ostia.assign_coords(lon=(ostia["lon"] + 180) % 360 - 180).sortby("lon")
    np.testing.assert_allclose(anomalies.nino34_index(west_east), index, atol=1e-4)


def test_base_period_changes_the_reference_not_the_events(ostia):
    index = anomalies.nino34_index(ostia, base_period=("2006-04", "2008-03"))
    assert "2006-04-2008-03" in index.attrs["comment"]
    assert float(index.sel(time="2009-12").squeeze()) > 0.5
    with pytest.raises(ValueError, match="holds no data"):
        anomalies.nino34_index(ostia, base_period=("1981", "1990"))
    # A base period given in years includes the whole of its last year (Dec 2009 too).
    clim = anomalies.climatology(anomalies.nino34_sst(ostia), base_period=("2007", "2009"))
    assert int(clim.sizes["month"]) == 12
    with pytest.raises(ValueError, match=r"lacks calendar month\(s\) \[1, 2, 3\]:"):
        anomalies.nino34_index(ostia, base_period=("2006-04", "2006-12"))


def test_a_box_outside_the_data_is_refused(ostia):
    atlantic = ostia.sel(lon=slice(300, 359))
    with pytest.raises(ValueError, match="does not cover the Niño-3.4 box"):
        anomalies.nino34_index(atlantic)


def test_swapped_latitude_and_longitude_are_detected(ostia):
    swapped = ostia.rename(lat="lon_", lon="lat").rename(lon_="lon")
    with pytest.raises(ValueError, match="look swapped"):
        anomalies.nino34_index(swapped)


def test_missing_units_and_datasets_get_a_clear_error(ostia):
    with pytest.raises(ValueError, match="units"):
        anomalies.nino34_index(ostia.copy().assign_attrs(units=None))
    with pytest.raises(TypeError, match=r"ds\['sst'\]"):
        anomalies.nino34_index(ostia.to_dataset(name="sst"))


def test_nemo_model_sst_is_a_global_curvilinear_field_in_degc():
    ds = datasets.load("nemo_tos")
    tos = ds["tos"]
    assert tos.dims == ("time", "y", "x") and tos.sizes["time"] == 3
    assert tos["lat"].dims == ("y", "x") and tos.attrs["units"] == "degC"
    # Freezing sea water near -1.9 degC, warm pool near 30 degC; land is NaN.
    assert -2.5 < float(tos.min()) < -1.5 and 29 < float(tos.max()) < 35
    assert 0.2 < float(tos.isnull().mean()) < 0.5
    tropics = tos.where(abs(tos["lat"]) < 10).mean()
    poles = tos.where(abs(tos["lat"]) > 65).mean()
    assert float(tropics) > 25 > 5 > float(poles)


def test_cmip6_ta_loader_opens_one_model_in_kelvin():
    ds = datasets.load("cmip6_ta", model="CanESM5")
    assert ds["ta"].dims == ("time", "plev", "lat", "lon") and ds["ta"].attrs["units"] == "K"
    assert ds.attrs["eolab_kind"] == "real" and "CC BY-SA" in ds.attrs["eolab_licence"]
    with pytest.raises(ValueError, match="valid model values"):
        datasets.load("cmip6_ta", model="NoSuchModel")
