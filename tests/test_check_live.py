"""``make check-live`` (tools/check_live.py), proven without the internet.

Specification: every archive of ``eolab.archives.REAL_MODULES`` gets one row; a module
not written yet is "not implemented", a check that raises is "failed" (never a crash);
the soil-moisture check really reads OPeNDAP (here pydap's server on 127.0.0.1, via
``$EOLAB_ENDPOINT_CCI_SM``) and records bytes and seconds; the JSON keeps the date of
the last check that passed, and the page *Where each lesson runs* shows it per lesson.
The committed JSON honestly says "never verified".
"""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path

import dap_server
import pytest
from archive_fixtures import soil_moisture_cci as fixture

from eolab import archives

ROOT = Path(__file__).resolve().parents[1]


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_live = _load(ROOT / "tools" / "check_live.py", "check_live")


@pytest.fixture
def stand_ins(monkeypatch):
    """Five archives: the real soil-moisture reader, two stand-ins, one missing, one broken."""
    ok = types.ModuleType("eolab_test_ok")
    ok.live_check = lambda: {
        "endpoint": "http://127.0.0.1:1/ok",
        "ok": True,
        "bytes": 1234,
        "seconds": 0.5,
        "detail": "one tiny read",
    }
    broken = types.ModuleType("eolab_test_broken")

    def refuse():
        raise ConnectionRefusedError("nobody listens")

    broken.live_check = refuse
    monkeypatch.setitem(sys.modules, "eolab_test_ok", ok)
    monkeypatch.setitem(sys.modules, "eolab_test_broken", broken)
    monkeypatch.setattr(
        archives,
        "REAL_MODULES",
        {
            "soil_moisture_europe": "eolab.archives.soil_moisture_cci",
            "s5p_no2_cities": "eolab_test_ok",
            "sst_big": "eolab.archives.not_written_yet",
            "landsat_gaborone": "eolab_test_broken",
        },
    )


def test_the_table_and_json_say_what_answered(stand_ins, monkeypatch, tmp_path, capsys):
    fixture.write_day(tmp_path / "dap", "2018-07-15")
    out = tmp_path / "live-checks.json"
    with dap_server.serve(tmp_path / "dap") as server:
        monkeypatch.setenv("EOLAB_ENDPOINT_CCI_SM", server.url)
        code = check_live.main(["--output", str(out)])
    printed = capsys.readouterr().out
    doc = json.loads(out.read_text())
    rows = doc["archives"]
    assert set(rows) == {"soil_moisture_europe", "s5p_no2_cities", "sst_big", "landsat_gaborone"}
    sm = rows["soil_moisture_europe"]
    assert sm["status"] == "verified" and sm["last_verified"] == doc["checked"]
    assert sm["endpoint"].startswith(server.url) and sm["endpoint"].endswith("fv09.1.nc")
    assert sm["bytes"] == server.bytes_sent > 0 and sm["seconds"] >= 0
    assert sm["lessons"] == ["lesson4-pixel-access"]
    no2 = rows["s5p_no2_cities"]
    assert no2["status"] == "verified" and no2["bytes"] == 1234
    assert rows["sst_big"]["status"] == "not implemented"
    assert rows["landsat_gaborone"]["status"] == "failed"
    assert "nobody listens" in rows["landsat_gaborone"]["detail"]
    assert code == 1, "a failed archive makes the command fail (after writing the table)"
    for name, status in [
        ("soil_moisture_europe", "verified"),
        ("sst_big", "not implemented"),
        ("landsat_gaborone", "failed"),
    ]:
        line = next(line for line in printed.splitlines() if line.startswith(name))
        assert status in line
    assert f"{server.bytes_sent:,}" in printed


def test_a_failed_check_keeps_the_last_date_that_passed(stand_ins, tmp_path, monkeypatch):
    previous = {"archives": {"soil_moisture_europe": {"last_verified": "2026-01-15"}}}
    fixture.write_day(tmp_path / "dap", "2018-07-15")
    with dap_server.serve(tmp_path / "dap") as server:
        url = server.url
    monkeypatch.setenv("EOLAB_ENDPOINT_CCI_SM", url)  # stopped: nobody answers
    doc = check_live.run(previous=previous, today="2026-12-02")
    sm = doc["archives"]["soil_moisture_europe"]
    assert sm["status"] == "failed" and sm["date"] == "2026-12-02"
    assert sm["last_verified"] == "2026-01-15"
    assert url in sm["detail"]


def test_the_platforms_page_shows_last_verified_or_never(stand_ins):
    platforms = _load(ROOT / "_ext" / "eonb_platforms.py", "eonb_platforms_test")
    live = {
        "archives": {
            "soil_moisture_europe": {
                "lessons": ["lesson4-pixel-access"],
                "last_verified": "2026-12-02",
            },
            "s5p_no2_cities": {"lessons": ["lesson2-no2-lockdown"], "last_verified": None},
        }
    }
    assert platforms.real_archive(live, "lesson4-pixel-access") == "last verified 2026-12-02"
    assert platforms.real_archive(live, "lesson2-no2-lockdown") == "never verified"
    assert platforms.real_archive(live, "lesson1-sst") == "–"


def test_the_committed_results_say_never_verified_honestly():
    doc = json.loads((ROOT / "book" / "_data" / "live-checks.json").read_text())
    assert set(doc["archives"]) == set(archives.REAL_MODULES)
    for name, row in doc["archives"].items():
        assert row["status"] == "never verified" and row["last_verified"] is None, name
        assert row["lessons"], f"{name}: the page needs the lessons that read it"
