"""EU AI Act classifications of AI systems (and, as the issue goes on, impact assessments).

One module per area, each re-exported here so Django and the rest of the project import
them from ``impact_assessments.models`` (the migrations name the thresholds' defaults here);
imported in the order the app's models were declared, which is the order Django registers
them in:

- ``classifications``: EU AI Act classifications (``AIActClassification``)
- ``assessments``: impact assessments (6.1.4, 8.4; ISO/IEC 42005), their sections and kinds
- ``parts``: an assessment's affected parties and impacts, editable while it is a draft
- ``use_thresholds``: the thresholds for sensitive and restricted uses (``UseThresholds``)
"""

# isort: off
from impact_assessments.models.classifications import *  # noqa: F403
from impact_assessments.models.classifications import __all__ as _classifications
from impact_assessments.models.assessments import *  # noqa: F403
from impact_assessments.models.assessments import __all__ as _assessments
from impact_assessments.models.parts import *  # noqa: F403
from impact_assessments.models.parts import __all__ as _parts
from impact_assessments.models.use_thresholds import *  # noqa: F403
from impact_assessments.models.use_thresholds import __all__ as _use_thresholds
from impact_assessments.models.use_thresholds import (  # noqa: F401  (named by migration 0003)
    _default_restricted_tiers,
    _default_sensitive_tiers,
)
# isort: on

__all__ = [*_classifications, *_assessments, *_parts, *_use_thresholds]
