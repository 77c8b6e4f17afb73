"""The headless ``mmguide`` command (shared/contracts/cli.md)."""
