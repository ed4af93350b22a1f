"""The interactive picker: its model (no terminal code) and its prompt_toolkit screen."""
