"""Benchmarks of the case engine against raw and naive SpiffWorkflow (`python -m bench`).

`baselines` holds what a user could use instead (SpiffWorkflow in memory,
and SpiffWorkflow with its JSON written to SQLite on every step);
`completion` drives the engine; `scale` seeds a national-size inbox.
"""
