"""Labels of the input fields that several calculators share, so each calculator's registration
names them once (``field_labels=labels("b2m", "albumin")``) and adds its own.

Every calculator's ``field_labels`` must cover its input fields exactly (checked when it registers).
"""

from __future__ import annotations

SHARED: dict[str, str] = {
    "b2m": "β2-microglobulin",
    "albumin": "Albumin",
    "ldh_above_uln": "LDH above the upper limit of normal",
    "del17p": "del(17p)",
    "t_4_14": "t(4;14)",
    "t_14_16": "t(14;16)",
    "gain_1q": "1q+ (gain or amplification)",
    "creatinine": "Creatinine",
    "m_protein": "M-protein",
    "flc_ratio": "FLC ratio (involved/uninvolved)",
    "bmpc_pct": "Bone-marrow plasma cells (%)",
    "fish_abnormality": "FISH abnormality",
    "age": "Age (years)",
    "cci": "Charlson index (CCI)",
    "cci_items": "Charlson items",
    "orientation": "Orientation (0–4)",
    "naming": "Naming (0–3)",
    "commands": "Commands (0–1)",
    "writing": "Writing (0–1)",
    "attention": "Attention (0–1)",
    "sex": "Sex",
    "weight": "Weight",
    "height": "Height",
}


def labels(*shared: str, **own: str) -> dict[str, str]:
    """The shared labels of ``shared`` plus the calculator's own ``own`` (field name → label)."""
    return {name: SHARED[name] for name in shared} | own
