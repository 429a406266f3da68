"""The data side of placenorm: records, source readers, validation, snapshots."""

from gazetteer.model import Name, Place
from gazetteer.validate import SourceError

__all__ = ["Name", "Place", "SourceError"]
