"""Every real product's test fixture has the layout its owner documents (schemas/*.json).

Each fixture builder in tests/archive_fixtures/<schema>.py provides ``structure()``:
the fixture's layout as xarray Dataset(s) keyed like the schema's ``parts`` (or one
Dataset), built small.  A renamed variable, a lost attribute, a moved group or a
changed STAC asset key in the fixture fails here, naming the difference and the
documentation to check.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from eolab.archives import _common

HERE = Path(__file__).parent


def _fixture_module(name: str):
    path = HERE / "archive_fixtures" / f"{name}.py"
    assert path.exists(), f"schema {name!r} has no fixture builder {path.relative_to(HERE.parent)}"
    spec = importlib.util.spec_from_file_location(f"archive_fixture_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", _common.schema_names())
def test_schema_names_its_source(name):
    spec = _common.schema(name)
    assert spec.get("source", "").startswith("https://"), (
        f"{name}: schema needs its documentation URL"
    )
    assert spec.get("product"), f"{name}: schema needs the product's name"


@pytest.mark.parametrize("name", _common.schema_names())
def test_fixture_matches_documented_layout(name, tmp_path):
    spec = _common.schema(name)
    built = _fixture_module(name).structure(tmp_path)
    parts = spec.get("parts", {"": spec})
    if not isinstance(built, dict):
        built = {"": built}
    assert set(built) == set(parts), (
        f"{name}: fixture parts {sorted(built)} vs schema {sorted(parts)}"
    )
    for part, pspec in parts.items():
        if pspec.get("kind") == "stac-item":
            problems = _common.stac_item_problems(built[part], pspec)
        else:
            problems = _common.structure_problems(built[part], pspec)
        assert not problems, (
            f"{name}{'/' + part if part else ''} drifted from {spec['source']}: "
            + "; ".join(problems)
        )
