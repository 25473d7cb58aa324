"""Small, named work-arounds for defects of the CKAN versions we support."""


def ckan_at_most(version: str, major: int, minor: int) -> bool:
    """True when CKAN ``version`` (e.g. ``"2.11.6"``) is ``major.minor`` or older."""
    parts = version.split(".")
    try:
        return (int(parts[0]), int(parts[1])) <= (major, minor)
    except (IndexError, ValueError):
        return False
