"""Plumbing every layer may use: files written whole, shipped resources, YAML reading,
text width in terminal cells, the garbage-collector pause."""
