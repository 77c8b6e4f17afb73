"""The calculator forms and their results, one job per module.

- ``units``: the default-unit preference (SI or conventional), the only thing these forms store
- ``schema``: a calculator's input JSON Schema read as field specifications
- ``field_widgets``: the message line under a field and the list answered by ticking
- ``fields``: one input row: its widgets, how to read, write (from outside, with a mark) and clear them
- ``form``: the form built from the specifications (``CalcForm``) and its messages in plain words
- ``tables``: read-only tables of plain rows (explanation, inputs, schedules)
- ``result_words``: what the GUI says of a result beside the core's words (dose line, what raises it)
- ``result_view``: the result pane
- ``report``: the result as plain text (Copy as text) and HTML (print, PDF)
- ``panel``: a calculator's form, live result and buttons (``CalculatorPanel``)
- ``styles``: the style sheets they share
"""
