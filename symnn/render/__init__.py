"""Layout: Jinja environments, SymPy printers as filters, atomic file writing."""
