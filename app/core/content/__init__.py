"""Pydantic models of the guideline content (statements, tables, boxes, glossary, trials, errata)."""
