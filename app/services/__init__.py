"""Services shared by the CLI and the GUI: the active database and what is asked of it."""
