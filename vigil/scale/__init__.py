"""Corpus-scale ingestion: the same stages on a Ray cluster, and Parquet files between them.

``vigil.scale.rows`` (the row format: pure Python) is always importable; ``vigil.scale.ray``
and ``vigil.scale.parquet`` need the ``[ray]`` extra (``pip install 'vigil[ray]'``).
"""
