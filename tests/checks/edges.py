"""The shared edge cases (they live in tests/probes/edges.py, so probes in the worker can use them too)."""
from ..probes.edges import *  # noqa: F401,F403
