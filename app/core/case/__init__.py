"""One patient case: the input, the treatment-history engine and every fact derived from it.

Pure and typed. ``model`` holds the input, ``dates`` the time arithmetic, ``history`` the
resolved episodes and progressions, ``lines`` / ``refractoriness`` / ``timings`` the clinical
rules (each a small function citing its source), ``calculators`` runs the calculators from the
case, ``routing`` picks the figure and ``derive`` puts it together (contract shared/contracts/case.md).
"""
