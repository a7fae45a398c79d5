"""Errors that reach the user as one clear line (the CLI prints them and exits 2)."""


class SymnnError(Exception):
    """Base class: the message is a complete sentence fit for a terminal."""


class SpecError(SymnnError, ValueError):
    """A network or function spec that cannot be used."""


class ParseError(SymnnError, ValueError):
    """Text (an activation, a function, a claim) that cannot be read safely."""


class LimitExceeded(SymnnError):
    """Work that ran past its time or size limit."""


class OptionError(SpecError):
    """An option outside what symnn allows: a time limit that is NaN, infinite or too long, too many workers."""
