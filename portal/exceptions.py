class PortalError(Exception):
    """A request the rules refuse; its message is shown to the person as it is."""


class DecisionError(PortalError):
    pass


class ExportError(PortalError):
    pass


class SavedViewError(PortalError):
    pass
