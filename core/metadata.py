"""Metadata of objects: free string pairs the client keeps on them."""


def merged_metadata(metadata: dict[str, str], changes: dict[str, str] | str) -> dict[str, str]:
    """An update of `metadata`: the keys given are set, a key set to "" is removed, and ""
    for the whole removes every key."""
    if changes == "":
        return {}
    merged = {**metadata, **changes}
    return {key: value for key, value in merged.items() if value != ""}
