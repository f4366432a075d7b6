"""One module per day, named like the day module; each has ``draw(module, out_dir) -> list[Path]``.

``module`` is the learner's (or the reference's) day module: the figures are drawn with
the code being learnt, so a wrong implementation shows up as a wrong picture.
"""
