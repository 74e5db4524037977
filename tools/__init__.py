"""Maintenance tools of the toolkit (the curation of datasets/ from public reference data)."""
