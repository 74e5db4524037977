"""The sections of the brief, one module each.

Each module holds a section's builder, which takes the values it needs (an
evaluated scenario, display names, a date) and returns a
:class:`~analysis.memo.layout.Section`, so a notebook panel can show the same
section without a brief; and the brief's own function of a
:class:`~analysis.memo.context.BriefContext`, which calls that builder. The
order of the sections in a brief is :data:`analysis.memo.contents.SECTIONS`.
"""
