"""Regimen dosing cards: label facts (EU SmPC, US label) per regimen, assembled per region and
computed for one patient. The facts are authored under ``resources/content/labels``."""
