"""Run a batch: the `Screener` (files to a ranked shortlist), nightly incremental runs over a
SQLite store, isolated worker processes and the Dask backend, and the output files.
"""
