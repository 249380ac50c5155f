"""Navigating a CMIP6 archive: files are found by facet, errors say what exists, models compare."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from eolab import archive


def _write_cmip6_file(
    root,
    model,
    table="Amon",
    variable="ta",
    years=(2000, 2001),
    offset=0.0,
    calendar="noleap",
    version="v20200101",
):
    """A tiny CMIP6-style file at the right place in a DRS tree; ta = 250 K + offset + 1 K
    per year."""
    folder = (
        root
        / "CMIP6"
        / "CMIP"
        / "INST"
        / model
        / "historical"
        / "r1i1p1f1"
        / table
        / variable
        / "gn"
        / version
    )
    folder.mkdir(parents=True, exist_ok=True)
    months = (years[1] - years[0] + 1) * 12
    time = xr.date_range(
        f"{years[0]}-01-01", periods=months, freq="MS", calendar=calendar, use_cftime=True
    )
    year = np.repeat(np.arange(years[0], years[1] + 1), 12) - 2000
    ta = 250.0 + offset + year[:, None, None, None] * np.ones((months, 2, 2, 2))
    ta[:, 0] = (
        archive.NETCDF_DEFAULT_FILL
    )  # 1000 hPa "below ground": a fill value without _FillValue
    ds = xr.Dataset(
        {variable: (("time", "plev", "lat", "lon"), ta.astype("float32"), {"units": "K"})},
        coords={"time": time, "plev": [100000.0, 92500.0], "lat": [88.0, 89.0], "lon": [0.0, 1.0]},
    )
    path = (
        folder / f"{variable}_{table}_{model}_historical_r1i1p1f1_gn_{years[0]}01-{years[1]}12.nc"
    )
    ds.to_netcdf(path)
    return path


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "badc" / "cmip6" / "data"
    _write_cmip6_file(root, "MODEL-A", years=(2000, 2001))
    _write_cmip6_file(root, "MODEL-A", years=(2002, 2003))
    _write_cmip6_file(root, "MODEL-B", offset=5.0, calendar="360_day", years=(2000, 2003))
    _write_cmip6_file(root, "MODEL-B", table="day", years=(2000, 2000))
    # CEDA's "latest" link next to a real version must not list files twice
    latest = root / "CMIP6/CMIP/INST/MODEL-B/historical/r1i1p1f1/Amon/ta/gn/latest"
    latest.symlink_to("v20200101", target_is_directory=True)
    return root


def test_find_files_returns_one_tidy_row_per_file_with_its_facets(tree):
    files = archive.find_files(tree, table="Amon", variable="ta")
    assert list(files.columns) == [*archive.CMIP6_FACETS, "period", "path"]
    assert len(files) == 3, "two MODEL-A files and one MODEL-B file; 'latest' is not counted again"
    assert sorted(files["model"].unique()) == ["MODEL-A", "MODEL-B"]
    assert set(files["period"]) == {"200001-200112", "200201-200312", "200001-200312"}
    assert all(p.endswith(".nc") for p in files["path"])


def test_facets_accept_lists_wildcards_and_cmip6_attribute_names(tree):
    assert len(archive.find_files(tree, model=["MODEL-A", "MODEL-B"], table="Amon")) == 3
    assert len(archive.find_files(tree, model="MODEL-*", table="day")) == 1
    assert len(archive.find_files(tree, source_id="MODEL-A", table_id="Amon")) == 2
    latest = archive.find_files(tree, model="MODEL-B", table="Amon", version="latest")
    assert list(latest["version"]) == ["latest"]


def test_an_unknown_facet_name_lists_the_valid_facets(tree):
    with pytest.raises(ValueError, match=r"unknown facet 'modle'.*model.*table.*variable"):
        archive.find_files(tree, modle="MODEL-A")


def test_a_facet_value_with_no_files_lists_the_values_that_exist(tree):
    with pytest.raises(ValueError, match=r"model='HadGEM3'.*valid model values.*MODEL-A, MODEL-B"):
        archive.find_files(tree, model="HadGEM3")
    with pytest.raises(
        ValueError, match=r"table='Omon' \(model=MODEL-A\).*valid table values.*Amon"
    ):
        archive.find_files(tree, model="MODEL-A", table="Omon")


def test_a_root_without_cmip6_says_which_folder_to_give(tmp_path):
    with pytest.raises(FileNotFoundError, match="no CMIP6/ folder"):
        archive.find_files(tmp_path)


def test_open_files_joins_the_periods_and_masks_the_fill_value(tree):
    ds = archive.open_files(archive.find_files(tree, model="MODEL-A", table="Amon"))
    assert ds.sizes["time"] == 48, "four years of months from two files"
    assert ds["ta"].sel(plev=100000.0).isnull().all(), "fill values below ground become NaN"
    assert float(ds["ta"].sel(plev=92500.0).max()) == pytest.approx(253.0)


def test_open_files_refuses_to_mix_datasets(tree):
    with pytest.raises(ValueError, match="belong to 2 datasets"):
        archive.open_files(archive.find_files(tree, table="Amon"))


def test_annual_means_compare_models_with_different_calendars(tree):
    yearly = archive.annual_mean_by_model(archive.find_files(tree, table="Amon"), plev_pa=92500.0)
    assert yearly.dims == ("model", "year") and yearly.attrs["units"] == "K"
    # The injected signal: 250 K + 1 K per year, MODEL-B 5 K warmer (noleap vs 360-day calendar)
    np.testing.assert_allclose(yearly.sel(model="MODEL-A"), [250, 251, 252, 253], atol=1e-4)
    np.testing.assert_allclose(yearly.sel(model="MODEL-B"), [255, 256, 257, 258], atol=1e-4)
    with pytest.raises(ValueError, match="no level plev=50000"):
        archive.annual_mean_by_model(archive.find_files(tree, table="Amon"), plev_pa=50000.0)


@pytest.fixture(scope="module")
def sample_root(tmp_path_factory):
    return archive.sample_archive(tmp_path_factory.mktemp("archive"))


def test_sample_archive_is_a_real_cmip6_tree_like_ceda(sample_root):
    assert sample_root.parts[-3:] == ("badc", "cmip6", "data")
    files = archive.find_files(sample_root, experiment="historical", table="Amon", variable="ta")
    assert files["model"].nunique() >= 40, "about 45 CMIP6 models"
    assert (files["member"] == "r1i1p1f1").all()
    assert archive.sample_archive(sample_root.parents[2]) == sample_root, (
        "a second call reuses the tree"
    )


def test_sample_archive_leaves_out_noncommercial_files_unless_asked(sample_root, tmp_path):
    assert "IPSL-CM6A-LR" not in set(archive.find_files(sample_root)["model"])
    full = archive.sample_archive(tmp_path, include_noncommercial=True)
    assert "IPSL-CM6A-LR" in set(archive.find_files(full)["model"])


def test_real_models_warm_the_arctic_between_1950_1969_and_1995_2014(sample_root):
    files = archive.find_files(
        sample_root, model=["CanESM5", "MPI-ESM1-2-LR", "MIROC6"], table="Amon"
    )
    yearly = archive.annual_mean_by_model(files, years=(1950, 2014))
    warming = yearly.sel(year=slice(1995, 2014)).mean("year") - yearly.sel(
        year=slice(1950, 1969)
    ).mean("year")
    # Arctic air at 925 hPa warms in every model, by 0.3-3 K over these 45 years.
    assert ((warming > 0.3) & (warming < 3.0)).all(), warming.to_series()
    # and sits at Arctic temperatures (about -20 degC in the annual mean)
    assert ((yearly > 245) & (yearly < 265)).all()
    assert isinstance(yearly.to_pandas(), pd.DataFrame)
