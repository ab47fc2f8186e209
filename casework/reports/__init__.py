"""Statistics from the case data: the annual report's tables 三 and 四 (``annual``), timeliness
for the supervision office (``timeliness``) and matters with concentrated requests (``hot``).

The counting rules of all three are in ``counting``'s module doc, the one place they are coded.
Counts are grouped SQL queries over the ``cases``, ``events`` and ``clocks`` tables; only the
text comparison of ``hot`` reads the requests of its period into Python.
"""
