"""The city as a tree of areas: city → district → street/town → community/village → grid."""

from core.areas.codes import Level, ancestors, contains, level_of, parent_of
from core.areas.models import Area

__all__ = ["Area", "Level", "ancestors", "contains", "level_of", "parent_of"]
