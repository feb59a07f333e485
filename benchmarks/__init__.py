"""``make bench``: the benchmarks, outside the installed package (run from the project root:
``python -m benchmarks.bench [NAME ...]``)."""
