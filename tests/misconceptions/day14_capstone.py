"""Known-buggy versions of Day 14: none, and why.

The capstone adds no new computation: its training runs the learner's own code of Days 3 to 13,
whose mistakes are catalogued, planted and named on their own days. What is left is a choice of
configuration, which has no single right value, and the ticking of the completion criteria, whose
checks already name the criterion and the situation of every wrong tick.
"""
from tests.probes import day14_capstone as probes

MUTANTS: list = []

#: For make compare (no mutant uses it): the criteria ticked on results at the edge of each.
PROBES = {"day14.capstone_report": probes.catalog_capstone_report}

NO_MUTANT = {
    "day14.capstone_config": (
        "a configuration has no single right value (many reach 95 %), and the capstone trains the learner's own "
        "Day 3-13 code, whose mistakes are catalogued on their own days; a configuration that fails is described "
        "by the check from its training history (a loss gone to nan, an accuracy at chance, a run out of time)."),
    "day14.capstone_report": (
        "each criterion is one comparison, and every check of capstone_report already states which criterion is "
        "ticked wrongly in which situation (a NaN, a value exactly at its bound); the deliverables' checks read "
        "files, not code, and say which file disagrees with which."),
}
