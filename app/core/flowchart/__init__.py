"""Figs. 1–3 of the guideline as decision graphs, and the engine that walks them."""
