"""Import every core model so ``core.db.metadata`` knows all core tables."""

from core.areas.models import Area
from core.audit import AuditRecord
from core.identity.apikeys import ApiKey, ApiKeyUse
from core.identity.models import Account, Department, Organisation, Person

__all__ = [
    "Account", "ApiKey", "ApiKeyUse", "Area", "AuditRecord", "Department", "Organisation",
    "Person",
]
