"""What a run's parameter may never hold: Prefect keeps every run's parameters in its database
and shows them in the UI, so a URL (which may carry a password) or a credential typed into a
Run form would be kept there. HR databases are named by `hr:table=`/`hr:query=` against a
setting that lives in the worker's environment."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A URL of any scheme (any case, anywhere in the text), a `user:password@` pair, or a libpq
# `password=`. Written in the subset of regular expressions that Python and the Run form's
# JavaScript share, so that the form and the flow apply one rule.
URL_OR_LOGIN = (
    r"[A-Za-z][A-Za-z0-9+.\-]*://|[^\s/:@]+:[^\s@]*@|[Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]\s*="
)
NO_URL_OR_LOGIN = rf"^(?![\s\S]*(?:{URL_OR_LOGIN}))"
_URL_OR_LOGIN = re.compile(URL_OR_LOGIN)

NOT_A_PARAMETER = (
    "a URL or a password is not accepted as a parameter: Prefect would keep it with the run. "
    "Put the HR database's URL in LIANJIE_HR_DATABASE_URL on the worker and give "
    "hr:table=NAME or hr:query=SELECT …"
)


def looks_like_secret(value: object) -> bool:
    """A text, or any text in a list of them, shaped like a URL or a credential."""
    if isinstance(value, str):
        return _URL_OR_LOGIN.search(value) is not None
    if isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        return any(looks_like_secret(item) for item in value)
    return False
