"""The catalogue: every dataset says what it is, where it comes from and its licence."""

from __future__ import annotations

import numpy as np
import pytest

from eolab import datasets
from eolab.datasets import DatasetInfo


def test_every_entry_records_provenance_licence_and_the_real_product():
    entries = [datasets.info(n) for n in datasets.names()]
    assert entries, "the catalogue is empty"
    for e in entries:
        assert e.kind in ("real", "synthetic")
        for field in ("title", "description", "real_product", "provenance", "licence"):
            assert len(getattr(e, field).strip()) > 10, f"{e.name}: {field} is missing or too short"
        if e.kind == "synthetic":
            assert "synthetic" in e.describe().lower()


def test_catalogue_table_lists_every_dataset_once():
    table = datasets.catalogue()
    assert sorted(table.index) == datasets.names()
    assert set(table["kind"]) <= {"real", "synthetic"}


def test_unknown_dataset_error_lists_the_known_names():
    with pytest.raises(KeyError, match="no dataset called 'sst_ostia'.*ostia_sst"):
        datasets.load("sst_ostia")


def test_a_dataset_kind_must_be_real_or_synthetic():
    with pytest.raises(ValueError, match="kind must be one of"):
        DatasetInfo(
            name="x",
            title="x",
            kind="simulated",
            description="",
            real_product="",
            provenance="",
            licence="",
            loader=lambda: None,
        )


def test_ostia_sst_loads_as_cf_dataset_in_celsius_with_provenance():
    ds = datasets.load("ostia_sst")
    sst = ds["sst"]
    assert sst.dims == ("time", "lat", "lon")
    assert sst.attrs["units"] == "degC" and sst.attrs["standard_name"] == "sea_surface_temperature"
    assert (
        ds.attrs["eolab_kind"] == "real" and "Open Government Licence" in ds.attrs["eolab_licence"]
    )
    # Tropical ocean: coastal upwelling off Peru reaches ~16 degC, warm pools ~31 degC.
    assert 15 < float(sst.min()) < 20 and 29 < float(sst.max()) < 33
    kelvin = datasets.load("ostia_sst", units="K")["sst"]
    np.testing.assert_allclose(kelvin - 273.15, sst, atol=1e-4)


def test_ostia_units_are_checked():
    with pytest.raises(ValueError, match="units must be 'degC' or 'K'"):
        datasets.load("ostia_sst", units="F")


def test_missing_data_package_says_how_to_install_it():
    with pytest.raises(ImportError, match="pip install no-such-data-package"):
        datasets.package_data_dir("no_such_data_package")


def test_cache_dir_honours_eolab_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EOLAB_CACHE", str(tmp_path))
    folder = datasets.cache_dir("landsat", "scenes")
    assert folder == tmp_path / "landsat" / "scenes" and folder.is_dir()


def test_building_folder_is_all_or_nothing(tmp_path):
    """A generated folder appears whole (with its README) or not at all."""
    target = tmp_path / "cache" / "scenes-v1"
    with pytest.raises(RuntimeError, match="generator failed"):
        with datasets.building_folder(target, "note\n") as tmp:
            (tmp / "half.nc").write_text("half-written")
            raise RuntimeError("generator failed")
    assert not target.exists() and list(target.parent.iterdir()) == []

    target.mkdir()
    (target / "README.txt").write_text(datasets.synthetic_note("Scenes", "eolab.x", 3, 1))
    (target / "stale.nc").write_text("an interrupted run left this")  # an incomplete eolab folder
    with datasets.building_folder(
        target, datasets.synthetic_note("Scenes", "eolab.x", 3, 1)
    ) as tmp:
        (tmp / "scene.nc").write_text("complete")
    assert sorted(p.name for p in target.iterdir()) == [datasets.MARKER, "README.txt", "scene.nc"]
    assert (
        "SYNTHETIC data made by eolab.x (seed 3, version 1)" in (target / "README.txt").read_text()
    )
    assert [p.name for p in target.parent.iterdir()] == ["scenes-v1"], "no temporary folder is left"
