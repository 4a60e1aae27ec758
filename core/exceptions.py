"""Errors that the command line turns into one clear message and exit code 2."""


class LianjieInputError(Exception):
    """Raised when a user's input (a file, a quarter, a policy, an argument) cannot be used."""


class UnreadableFileError(LianjieInputError):
    """Raised when a roster or completion file cannot be read at all; nothing was changed."""


class LeaversToConfirm(LianjieInputError):
    """Raised when a roster would make more cadres leave than the policy allows: nothing was
    stored; the operator may confirm that they really left. `facts` has the numbers."""

    def __init__(self, message: str, facts: dict[str, str]) -> None:
        super().__init__(message)
        self.facts = facts


class PolicyError(LianjieInputError):
    """Raised when the policy file is malformed; the message names the key and the problem."""


# Marks the one ERROR line an expected failure logs in its flow run: the command line prints
# its own line for it instead.
EXPECTED = "lianjie_expected_failure"
