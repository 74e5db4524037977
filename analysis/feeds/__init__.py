"""Refreshing the datasets from public feeds: opt-in, bounded, all or nothing.

- :mod:`analysis.feeds.fetch`: bringing in untrusted downloads, bounded in size
  and time, refused when they are HTML or malformed;
- :mod:`analysis.feeds.csv_text`: a dataset CSV as text, so new rows are added
  and every other byte stays as it was;
- :mod:`analysis.feeds.prices`: the genai-prices and litellm price feeds and
  their merge into ``datasets/api_prices.csv`` (``refresh_prices``).

A refresh adds new dated rows and never overwrites one; it reads, merges and
writes a table under that table's cross-process lock, and on any failure
changes nothing.
"""
