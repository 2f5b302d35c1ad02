"""The audits app's models, one module per area, re-exported here.

- ``incidents``: AI incidents and their communication (A.8.4)
- ``nonconformities``: nonconformities and corrective actions (10.2)
- ``improvements``: opportunities for improvement (10.1)
- ``internal_audits``: the audit programme, audits, checklists and reports (9.2)
- ``management_reviews``: management reviews, their agenda, decisions and minutes (9.3)
"""

from audits.models.improvements import *  # noqa: F403
from audits.models.improvements import __all__ as _improvements
from audits.models.incidents import *  # noqa: F403
from audits.models.incidents import __all__ as _incidents
from audits.models.internal_audits import *  # noqa: F403
from audits.models.internal_audits import __all__ as _internal_audits
from audits.models.management_reviews import *  # noqa: F403
from audits.models.management_reviews import __all__ as _management_reviews
from audits.models.nonconformities import *  # noqa: F403
from audits.models.nonconformities import __all__ as _nonconformities

__all__ = [
    *_incidents,
    *_nonconformities,
    *_improvements,
    *_internal_audits,
    *_management_reviews,
]
