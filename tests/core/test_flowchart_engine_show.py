"""How the engine shows the answers it read in an 'excluded' reason."""

from app.core.flowchart.engine import _show


def test_a_derived_duration_is_rounded_and_says_so_while_exact_values_stay_exact():
    assert _show(33.5257) == "≈ 33.53"
    assert _show(36.0) == "36.0" and _show(35.5) == "35.5" and _show(36) == "36"
    assert _show(True) == "yes" and _show(["DaraVRd", "VRd"]) == "[DaraVRd, VRd]"
