"""Reading settings from the environment, failing loudly on bad values.

django-environ does the parsing. This subclass closes its two quiet gaps: any string it does
not know reads as ``False`` for a boolean (so ``DEBUG=Flase`` would switch DEBUG off without a
word), and a bad number raises a bare ``ValueError`` that does not name the variable.
"""

from __future__ import annotations

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_STRINGS = frozenset({"1", "true", "yes", "on", "y"})
FALSE_STRINGS = frozenset({"0", "false", "no", "off", "n"})


class Env(environ.Env):
    def bool(self, var: str, default=environ.Env.NOTSET) -> bool:  # type: ignore[override]
        raw = self.ENVIRON.get(var, "").strip()
        if raw == "":
            if default is self.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable")
            return default
        if raw.lower() in TRUE_STRINGS:
            return True
        if raw.lower() in FALSE_STRINGS:
            return False
        raise ImproperlyConfigured(f"{var}={raw!r} is not a boolean; use one of true/false, yes/no, on/off, 1/0")

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{var} has a bad value: {exc}") from exc
