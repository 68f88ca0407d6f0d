"""The deal rules' refusals that carry more than a message (the API returns the extra data)."""

from __future__ import annotations

from collections.abc import Sequence

from kesher.core.exceptions import ConflictError


class ValueCaseMissingError(ConflictError):
    """The deal cannot reach the value-case stage (or a later one) before the four value-case
    questions are answered; `missing` names the blank fields."""

    code = "value_case_missing"

    def __init__(self, message: str, *, missing: Sequence[str]) -> None:
        super().__init__(message, extra={"missing": list(missing)})
        self.missing = list(missing)


class PromisesUncheckedError(ConflictError):
    """Delivering needs every promise made at sale checked as kept or broken first."""

    code = "promises_unchecked"

    def __init__(self, message: str, *, promises: Sequence[str]) -> None:
        super().__init__(message, extra={"promises": list(promises)})
        self.promises = list(promises)


class SatisfactionExpiredError(ConflictError):
    """The customer's satisfaction link is past its expiry date."""

    code = "satisfaction_expired"


class SatisfactionAnsweredError(ConflictError):
    """The customer's satisfaction link was already used (each link answers once)."""

    code = "satisfaction_answered"
