"""Myeloma Pocket Guide: an offline pocket guide to the EHA–EMN 2025 myeloma guidelines."""

__version__ = "0.1.0"
