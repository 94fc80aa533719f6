"""The one kind of error a service raises when it refuses a request.

Its message is Swedish and meant for the person who asked: views show it as it is, the CLI
prints it and exits 1. Each service has its own subclass (``RoundError``, ``StaffError`` …),
so a caller can catch one service's refusals or all of them.
"""


class Refused(ValueError):
    """A request the service will not carry out; ``str(error)`` says why, in Swedish."""
