"""Clinical calculators: staging, risk, frailty, CRS/ICANS grading and dosing helpers."""
