"""Errors that the command line turns into one clear message and exit code 2."""


class LianjieInputError(Exception):
    """Raised when a user's input (a file, a quarter, a policy, an argument) cannot be used."""


class UnreadableFileError(LianjieInputError):
    """Raised when a roster or completion file cannot be read at all; nothing was changed."""


class PolicyError(LianjieInputError):
    """Raised when the policy file is malformed; the message names the key and the problem."""


# Marks the one ERROR line an expected failure logs in its flow run: the command line prints
# its own line for it instead.
EXPECTED = "lianjie_expected_failure"
