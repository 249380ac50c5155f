"""The pixel-access service: it stays on this machine, always stops, answers clearly, and saves
bytes.

Specifications of ``eolab.pixel_access`` (formerly ``eolab.cube``):

* the service binds only the loopback address and refuses any other;
* ``with cube.serve(...)`` always stops the server (even when the block
  fails) and leaves no thread, connection or HTTP client behind;
* it speaks the HTTP a lazy reader needs (GET, HEAD, byte ranges) and
  counts every byte it sends;
* a bad request fails with a message that names the bad value and the
  valid range (a point outside the cube, an unknown variable, an inverted
  time range);
* **the resource claim, measured**: one pixel's 10-year series by pixel
  access (time-optimised Zarr chunks) moves at least 10x fewer bytes than
  downloading the daily files, and both routes give the same numbers;
* chunk layout is a trade-off: time-optimised chunks win for a time series,
  space-optimised chunks for a map.
"""

from __future__ import annotations

import gc
import http.client
import socket
import threading

import numpy as np
import pytest
import xarray as xr

from eolab import pixel_access as cube
from eolab.synthetic import reflectance, soil_moisture


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The synthetic soil-moisture archive: two Zarr layouts and 3,653 daily files (about 10 s)."""
    return soil_moisture.build_store(folder=tmp_path_factory.mktemp("cube") / "sm")


@pytest.fixture(scope="module")
def routes(store):
    """The three questions asked both ways, measured once for the module."""
    return cube.compare_routes(store)


def _server_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("eolab-cube-server")]


def _get(server, path, headers=None, method="GET"):
    conn = http.client.HTTPConnection(
        server.host, int(server.url.rsplit(":", 1)[1].strip("/")), timeout=5
    )
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# --------------------------------------------------------------------------- the service stays
# local


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "", "::", "192.168.1.10", "10.0.0.1", "example.org", "::1"]
)
def test_the_service_refuses_any_address_but_loopback(tmp_path, host):
    with pytest.raises(ValueError, match=r"refusing host .*only on this machine's IPv4 loopback"):
        with cube.serve(tmp_path, host=host):
            pass
    assert not _server_threads()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_the_service_binds_the_loopback_address(tmp_path, host):
    with cube.serve(tmp_path, host=host) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert server._httpd.server_address[0] == "127.0.0.1"


def test_serving_a_missing_folder_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        cube.serve(tmp_path / "nowhere").__enter__()


# --------------------------------------------------------------------------- it always stops


def test_the_server_stops_when_the_block_fails(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"x" * 100)
    with pytest.raises(ZeroDivisionError):
        with cube.serve(tmp_path) as server:
            port = int(server.url.rsplit(":", 1)[1].strip("/"))
            assert _get(server, "/a.bin")[0] == 200
            _ = 1 / 0
    assert not server.running and not _server_threads()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url


def test_stopping_hangs_up_on_idle_keep_alive_clients(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"x" * 10)
    with cube.serve(tmp_path) as server:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/a.bin")
        assert conn.getresponse().read() == b"x" * 10  # connection kept alive, idle
    # Stopped promptly (not after the handler's 10 s idle timeout), nothing left running.
    assert not _server_threads()
    assert conn.sock.recv(1) == b"", "the server must have closed the idle connection"
    conn.close()


def test_a_remote_cube_leaves_no_client_open_and_prints_nothing(store, capfd):
    with cube.serve(store) as server:
        ds = server.open_cube("sm_time.zarr")
        ds["sm"].isel(lat=0, lon=0).compute()
    del ds
    gc.collect()
    assert not _server_threads()
    captured = capfd.readouterr()
    assert captured.err == "", f"unexpected output on stderr: {captured.err[:500]}"


# --------------------------------------------------------------------------- HTTP for a lazy reader


def test_the_server_answers_ranges_and_counts_every_byte(tmp_path):
    payload = bytes(range(256)) * 4
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f.bin").write_bytes(payload)
    (tmp_path.parent / "secret.txt").write_text("outside the served folder")
    with cube.serve(tmp_path) as server:
        with server.measure("whole") as whole:
            status, headers, body = _get(server, "/sub/f.bin")
        assert status == 200 and body == payload and headers["Accept-Ranges"] == "bytes"
        assert whole.requests == 1 and len(payload) < whole.bytes_sent < len(payload) + 400
        assert whole.log == [f"GET /sub/f.bin 200 {len(payload)}"]

        status, headers, body = _get(server, "/sub/f.bin", {"Range": "bytes=10-19"})
        assert (
            status == 206
            and body == payload[10:20]
            and headers["Content-Range"] == "bytes 10-19/1024"
        )
        assert _get(server, "/sub/f.bin", {"Range": "bytes=-4"})[2] == payload[-4:]
        assert _get(server, "/sub/f.bin", {"Range": "bytes=1000-"})[2] == payload[1000:]
        assert _get(server, "/sub/f.bin", {"Range": "bytes=5000-6000"})[0] == 416
        assert _get(server, "/sub/f.bin", {"Range": "lines=1-2"})[0] == 416
        status, headers, body = _get(server, "/sub/f.bin", method="HEAD")
        assert status == 200 and headers["Content-Length"] == "1024" and body == b""
        assert _get(server, "/missing.bin")[0] == 404
        assert _get(server, "/../secret.txt")[0] == 404
        assert _get(server, "/sub/../../secret.txt")[0] == 404
        assert server.requests == 10
        server.reset()
        assert server.requests == server.bytes_sent == 0 and server.log == []


# --------------------------------------------------------------------------- lazy pixel access


def test_opening_reads_metadata_only_and_a_pixel_reads_one_chunk(store):
    local = xr.open_zarr(store / "sm_time.zarr")
    with cube.serve(store) as server:
        with server.measure("open") as opened:
            ds = server.open_cube("sm_time.zarr")
        with server.measure("pixel") as pixel:
            series = cube.point_series(ds, lat=52.6, lon=12.4).compute()
    assert opened.bytes_sent < 100_000, "opening must read metadata, not data"
    chunk = [line for line in pixel.log if "/sm/c/" in line]
    assert pixel.requests == 1 and len(chunk) == 1, pixel.log
    np.testing.assert_array_equal(series, local["sm"].sel(lat=52.6, lon=12.4, method="nearest"))
    assert series.attrs["units"] == "m3 m-3" and series.sizes["time"] == 3653


def test_a_missing_store_is_a_clear_error(store):
    with cube.serve(store) as server:
        with pytest.raises(FileNotFoundError, match="no Zarr store.*nothing.zarr"):
            server.open_cube("nothing.zarr")
    with pytest.raises(ValueError, match="http"):
        cube.open_remote_cube("/tmp/sm_time.zarr")


@pytest.fixture(scope="module")
def local_cube(store):
    return xr.open_zarr(store / "sm_space.zarr")


def test_a_point_outside_the_cube_names_the_cube_extent(local_cube):
    with pytest.raises(ValueError, match=r"lat=60.*outside the cube.*lat 47\.\.57 and lon 5\.\.15"):
        cube.point_series(local_cube, lat=60, lon=10)
    with pytest.raises(ValueError, match="outside the cube"):
        cube.point_series(local_cube, lat=52, lon=-3)
    # the outer half-cell at the edge is still inside
    assert float(cube.point_series(local_cube, lat=56.99, lon=5.01)["lat"]) == 56.875


def test_an_unknown_variable_lists_the_variables(local_cube):
    with pytest.raises(KeyError, match=r"no variable 'soil_moisture'.*\['flag', 'sm'\]"):
        cube.point_series(local_cube, lat=52, lon=10, variable="soil_moisture")
    with pytest.raises(KeyError, match="no variable 'ndvi'"):
        cube.area_subset(local_cube, lat=(50, 52), lon=(8, 10), variable="ndvi")


def test_an_inverted_or_foreign_time_range_is_refused(local_cube):
    with pytest.raises(ValueError, match="inverted time range.*'2019-01-01'.*after.*'2018-01-01'"):
        cube.point_series(local_cube, lat=52, lon=10, time=("2019-01-01", "2018-01-01"))
    with pytest.raises(ValueError, match="inverted time range"):
        cube.area_subset(local_cube, lat=(50, 52), lon=(8, 10), time=("2018-08", "2018-07"))
    with pytest.raises(ValueError, match="outside the cube, which covers 2012-01-01..2021-12-31"):
        cube.point_series(local_cube, lat=52, lon=10, time=("1990-01-01", "1990-12-31"))
    with pytest.raises(ValueError, match="inverted time range"):
        cube.daily_file_urls("http://127.0.0.1:1/daily", "2018-02-01", "2018-01-01")


def test_boxes_and_days_are_checked(local_cube):
    with pytest.raises(ValueError, match="south < north"):
        cube.area_subset(local_cube, lat=(53, 52), lon=(12, 13))
    with pytest.raises(ValueError, match="outside the data"):
        cube.area_subset(local_cube, lat=(30, 31), lon=(12, 13))
    with pytest.raises(ValueError, match="no time step on 2030-01-01.*2012-01-01..2021-12-31"):
        cube.day_map(local_cube, "2030-01-01")
    box = cube.area_subset(
        local_cube, lat=(52, 53), lon=(12, 13), time=("2018-07-01", "2018-07-31")
    )
    assert box.sizes == {"time": 31, "lat": 4, "lon": 4}


def test_a_missing_file_download_names_the_url(store):
    with cube.serve(store) as server:
        with pytest.raises(FileNotFoundError, match="could not download.*nothing.nc"):
            cube.download_files(
                [
                    server.url
                    + "daily/2018/"
                    + cube.CCI_SM_DAILY_NAME.format(np.datetime64("2018-01-01").astype(object)),
                    server.url + "nothing.nc",
                ]
            )
        with pytest.raises(ValueError, match="no URLs"):
            cube.download_files([])


# --------------------------------------------------------------------------- the resource claim


def _row(routes, question, route):
    """The exact measurement (``requests``, ``bytes_sent``, ``seconds``) of one question
    and route."""
    t = routes.transfers
    rows = t[(t["question"] == cube.QUESTIONS[question]) & t["route"].str.startswith(route)]
    assert len(rows) == 1, f"no single row for {question!r} / {route!r}"
    return rows.iloc[0]


def test_pixel_access_moves_at_least_ten_times_fewer_bytes_for_one_pixel_series(routes):
    """Measured, not assumed: the same 10-year series, by file download and by pixel access."""
    files = _row(routes, "pixel", "file download")
    pixels = _row(routes, "pixel", "pixel access, time")
    assert files.requests == 3653, "the file route must fetch every daily file"
    assert files.bytes_sent >= 10 * pixels.bytes_sent, (
        f"file download {files.bytes_sent:,} B vs pixel access {pixels.bytes_sent:,} B: "
        f"only {files.bytes_sent / pixels.bytes_sent:.1f}x"
    )
    # (compare_routes raises if the two routes return different values.)


def test_chunk_layout_decides_which_question_is_cheap(routes, store):
    pixel_time, pixel_space = (
        _row(routes, "pixel", "pixel access, time"),
        _row(routes, "pixel", "pixel access, space"),
    )
    scene_time, scene_space = (
        _row(routes, "scene", "pixel access, time"),
        _row(routes, "scene", "pixel access, space"),
    )
    assert pixel_time.bytes_sent * 5 < pixel_space.bytes_sent  # a series: time-optimised chunks win
    assert scene_space.bytes_sent * 5 < scene_time.bytes_sent  # a map: space-optimised chunks win
    # A whole map from time-long chunks reads every chunk of the variable: the whole store.
    sm_chunks = sum(
        f.stat().st_size for f in (store / "sm_time.zarr" / "sm").rglob("*") if f.is_file()
    )
    assert scene_time.bytes_sent >= sm_chunks
    # One day's map is one small file: there the file route is the cheapest of all.
    assert _row(routes, "scene", "file download").bytes_sent < scene_space.bytes_sent


def test_the_comparison_table_has_every_question_and_route(routes):
    table = routes.table
    assert list(table.columns) == ["question", "route", "requests", "MB sent", "seconds"]
    assert len(table) == 9 and (table["MB sent"] > 0).all() and (table["seconds"] > 0).all()


def test_the_exact_transfers_are_a_tidy_table_that_the_display_rounds(routes):
    exact = routes.transfers
    assert list(exact.columns) == ["question", "route", "requests", "bytes_sent", "seconds"]
    assert not exact.duplicated(["question", "route"]).any(), "one row per question and route"
    assert exact["bytes_sent"].dtype.kind == "i"
    np.testing.assert_allclose(routes.table["MB sent"], exact["bytes_sent"] / 1e6, atol=5e-4)
    assert [t.bytes_sent for t in routes.records] == exact["bytes_sent"].tolist()


def test_compare_routes_rejects_an_unknown_question(store):
    with pytest.raises(ValueError, match="unknown question.*'pixel'"):
        cube.compare_routes(store, questions=["everything"])


# --------------------------------------------------------------------------- mosaics and composites


@pytest.fixture(scope="module")
def tiles(tmp_path_factory):
    folder = reflectance.build_store(folder=tmp_path_factory.mktemp("refl") / "tiles")
    return [xr.open_zarr(folder / f"tile_{t}.zarr") for t in reflectance.TILES]


def test_a_mosaic_covers_both_tiles_and_fills_the_gap_of_one_from_the_other(tiles):
    west, east = tiles
    assert int(east["B04"].isel(time=0).isnull().sum()) > 0, "the eastern tile has a no-data wedge"
    for order in ([west, east], [east, west]):
        m = cube.mosaic(order)
        assert m.sizes["x"] == 2 * reflectance.TILE_SIZE - reflectance.OVERLAP
        assert int(m["B04"].isnull().sum()) == 0
        assert np.all(np.diff(m["x"].values) > 0) and np.all(np.diff(m["y"].values) < 0)
    m = cube.mosaic([west, east])
    np.testing.assert_array_equal(m["B08"].sel(x=west["x"]), west["B08"])
    assert m.attrs["tiles"] == "33UUU, 33UVU" and m.attrs["title"].endswith(": mosaic")


def test_a_mosaic_refuses_mismatched_tiles(tiles):
    west, east = tiles
    with pytest.raises(ValueError, match="at least two tiles"):
        cube.mosaic([west])
    with pytest.raises(ValueError, match="different coordinate reference systems.*reproject"):
        cube.mosaic([west, east.assign_attrs(crs="EPSG:32632")])
    with pytest.raises(ValueError, match="different variables"):
        cube.mosaic([west, east.drop_vars("B11")])
    with pytest.raises(ValueError, match="do not line up"):
        cube.mosaic([west, east.assign_coords(x=east["x"] + 7.0)])


def test_composites_scale_three_bands_for_display(tiles):
    rgb = cube.composite(tiles[0].isel(time=0), ("B08", "B04", "B03"))
    assert list(rgb["band"].values) == ["B08", "B04", "B03"]
    assert 0 <= float(rgb.min()) and float(rgb.max()) <= 1
    with pytest.raises(KeyError, match="no variable 'B05'"):
        cube.composite(tiles[0], ("B05", "B04", "B03"))
    with pytest.raises(ValueError, match="exactly three bands"):
        cube.composite(tiles[0], ("B04", "B03"))
