"""The ``core_area`` table: one row per area of the four-level grid."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.types import AreaCode, Name


class Area(Base):
    __tablename__ = "core_area"

    code: Mapped[AreaCode] = mapped_column(primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(
        String(15), ForeignKey("core_area.code"), index=True
    )
    level: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[Name]
    name_en: Mapped[str | None] = mapped_column(String(200))
    # Polygon as WKB (shapely.to_wkb); bounding box and a label point for quick maps.
    geometry: Mapped[bytes | None] = mapped_column(LargeBinary)
    min_lon: Mapped[float | None]
    min_lat: Mapped[float | None]
    max_lon: Mapped[float | None]
    max_lat: Mapped[float | None]
    label_lon: Mapped[float | None]
    label_lat: Mapped[float | None]

    __table_args__ = (Index("ix_core_area_level", "level"),)

    def __repr__(self) -> str:
        return f"<Area {self.code} {self.name}>"
