"""Generators of synthetic data with known ground truth.

Kept apart from the analysis modules on purpose: this is *how we made the
data*, not *how you analyse it*.  Every generator is deterministic (a seed
gives identical values), labels its output ``eolab_kind = "synthetic"``,
names the real product it imitates, and returns the truth it injected so
tests and lessons can check an analysis against it.

Every generator module (``no2``, ``biomass``, ``landsat``, ``reflectance``,
``soil_moisture``, ``sst_big``) keeps one contract:

``build(...)``
    write the product to the cache once (safely, see :mod:`eolab.cache`)
    and return where it is (a file or folder path);
``load(...)``
    return the xarray object the lesson uses (building it first if needed);
``ground_truth(...)``
    return what the generator injected, as a documented xarray object;
``INFO``
    its catalogue entry (:class:`eolab.dataset_info.DatasetInfo`): name,
    SYNTHETIC title, the real product it imitates and its URL, licence,
    version and default seed.  :mod:`eolab.datasets` lists every ``INFO``.

Older entry-point names (``files``, ``build_catalogue``, ``build_store``,
``load_no2``, ``load_agb``, ``load_landsat``, ``load_tile``,
``load_soil_moisture``, ``open_sst_big``) still work.  Helper modules
(``no2_inputs``, ``landsat_scene``) hold a generator's inputs or model.
"""
