"""Pure-Python core: content models, evidence tags, flowchart engine and calculators.

Nothing here imports Qt, SQLAlchemy or touches the file system beyond what it is handed.
"""
