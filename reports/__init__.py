"""Output: the self-contained HTML report, CSV/JSON/Parquet exports and the Markdown brief."""
