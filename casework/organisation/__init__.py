"""The organisation directory (states/organisation.toml): units, people, lines and routes.

``model`` holds the directory's dataclasses, ``loader`` reads and checks the TOML file, and
``sync`` reads the directory in force from the database and stores a new one.
"""

from casework.organisation.loader import (
    FILE_NAME,
    SAMPLE_FILE_NAME,
    check_directory_text,
    directory_from_text,
    directory_path,
    load_directory,
    load_units,
    parse_directory,
    sample_directory,
)
from casework.organisation.model import (
    CHANNELS,
    PERSON_POSITIONS,
    PLACEHOLDER_DOMAIN,
    POSITIONS,
    ROUTE_TARGETS,
    UNIT_GROUPS,
    Contact,
    Directory,
    Line,
    Office,
    Person,
    Recipient,
    Route,
    UnitDef,
    ViceHead,
    is_email,
    units_of_line,
)
from casework.organisation.sync import (
    directory_in_force,
    store_directory,
    store_directory_text,
    stored_directory,
    upsert_units,
)

__all__ = [
    "CHANNELS",
    "FILE_NAME",
    "PERSON_POSITIONS",
    "PLACEHOLDER_DOMAIN",
    "POSITIONS",
    "ROUTE_TARGETS",
    "SAMPLE_FILE_NAME",
    "UNIT_GROUPS",
    "Contact",
    "Directory",
    "Line",
    "Office",
    "Person",
    "Recipient",
    "Route",
    "UnitDef",
    "ViceHead",
    "check_directory_text",
    "directory_from_text",
    "directory_in_force",
    "directory_path",
    "is_email",
    "load_directory",
    "load_units",
    "parse_directory",
    "sample_directory",
    "store_directory",
    "store_directory_text",
    "stored_directory",
    "units_of_line",
    "upsert_units",
]
