"""Analyses of a built graph: networks of units and tasks (:mod:`.network`, :mod:`.netio`) and comparisons between jurisdictions (:mod:`.compare`)."""
