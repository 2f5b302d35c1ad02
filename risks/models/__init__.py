"""AI risk management: criteria (6.1.1), the register and treatment (6.1.2, 6.1.3, 8.3),
point-in-time assessments (8.2).

Levels are derived from the criteria a risk was scored with and stored on the risk
(score, band key, band rank), so lists filter and sort on columns instead of recomputing
every row.

One module per area, each re-exported here so Django and the rest of the project import
them from ``risks.models``; imported in the order the app's models were declared, which is
the order Django registers them in:

- ``criteria``: the risk criteria, one version after another (6.1.1)
- ``risks``: the register, its risks and opportunities and the rules their values share
  (6.1.2, 6.1.3)
- ``treatment``: the treatment actions (6.1.3, 8.3)
- ``assessments``: the point-in-time risk assessments (8.2)
"""

# isort: off
from risks.models.criteria import *  # noqa: F403
from risks.models.criteria import __all__ as _criteria
from risks.models.risks import *  # noqa: F403
from risks.models.risks import __all__ as _risks
from risks.models.treatment import *  # noqa: F403
from risks.models.treatment import __all__ as _treatment
from risks.models.assessments import *  # noqa: F403
from risks.models.assessments import __all__ as _assessments
# isort: on

__all__ = [*_criteria, *_risks, *_treatment, *_assessments]
