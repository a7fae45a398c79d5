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


class _Lookup(SymnnError):
    """A lookup by name or position that names nothing; the message lists what is valid. Each subclass
    is also the built-in that such a lookup raised before, so existing `except KeyError` still works."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


class UnknownName(_Lookup, KeyError):
    """A parameter, layer or equation name (or layer number) that this network does not have."""


class UnknownUnit(_Lookup, IndexError):
    """A unit j or source k outside its layer."""
