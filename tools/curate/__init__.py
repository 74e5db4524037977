"""Build the curated tables in ``datasets/`` from the shared reference snapshot.

The reference folder (``../shared/reference`` beside the checkout) holds public
price databases, benchmark tables, arena ratings and hardware data, each with
its provenance in ``SOURCES.md`` and ``benchmarks/NOTES.md``. This package reads
the reference's curated CSVs (and a few raw files), maps them onto the columns
of ``datasets/schema.yaml`` and writes one CSV per table. It is deterministic:
the same reference gives byte-identical output.

Every mapping decision is written down beside the code that makes it. Figures
that the reference does not hold (layer counts, KV heads, head size of the
models used for hardware sizing) come from the public repositories named in
``SPECS`` (``specs.py``), each cited as ``owner/repo:path@commit``.

Usage::

    python tools/curate_reference.py --reference ../shared/reference
    python tools/curate_reference.py --reference ../shared/reference --check-only

The run ends with a self-check (row counts, unique keys, foreign keys, required
cells, allowed values, numeric bounds); any problem makes it exit with status 1
and nothing is written.

Modules, one per table group: ``common`` (paths, build date, CSV and number
helpers), ``specs`` (architecture figures and their citations), ``models``,
``benchmarks``, ``arena``, ``prices`` (api_prices), ``hardware`` (gpus,
gpu_cloud_prices), ``gap_claims``, ``checks`` (the self-check) and ``main``
(the entry).
"""
