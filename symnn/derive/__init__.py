"""Symbolic results as plain data: no templates, no output formats."""
