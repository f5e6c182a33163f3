from __future__ import annotations


class NotValidated(Exception):
    """A pack asked for a plan that the OIV has not validated (or a year outside it): there is no year to seal.
    Its message is for people (Italian)."""
