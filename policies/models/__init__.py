"""The policies app's models, one module per area; each is re-exported here so Django and
the rest of the project import them from ``policies.models``.

- ``documents``: policies and procedures as controlled documents, their acknowledgements (5.2, A.2, 7.3)
- ``roles``: AIMS processes (4.4), AIMS roles with RACI (5.3, A.3.2), competence (7.2, A.4.6)
- ``objectives``: AI objectives, KPI measurements (6.2, 9.1) and the communication plan (7.4)
- ``support``: resources (7.1), planned changes (6.3), documented information (7.5.3), concerns (A.3.3)
"""

from policies.models.objectives import (
    AIObjective,
    Channel,
    CommunicationFrequency,
    CommunicationItem,
    CommunicationKind,
    KPIMeasurement,
    MeasurementSource,
    ObjectiveGuides,
    ObjectiveStatus,
)
from policies.models.support import (  # noqa: F401
    OPEN_CONCERN_STATUSES,
    AIMSResource,
    ChangeStatus,
    ChannelAudience,
    Concern,
    ConcernCategory,
    ConcernChannel,
    ConcernSource,
    ConcernStatus,
    DisposalMethod,
    OutsideDocument,
    OutsideDocumentKind,
    OutsideDocumentStatus,
    PlannedChange,
    ReporterRelationship,
    ResourceKind,
    ResourceStatus,
    RetentionRule,
)

__all__ = [
    "AIObjective",
    "Channel",
    "CommunicationFrequency",
    "CommunicationItem",
    "CommunicationKind",
    "KPIMeasurement",
    "MeasurementSource",
    "ObjectiveGuides",
    "ObjectiveStatus",
]
from policies.models.documents import (  # noqa: F401
    Policy,
    PolicyAcknowledgement,
    PolicyKind,
    parse_external_documents,
)
from policies.models.roles import (  # noqa: F401
    RACI,
    RECORD_TYPE_URLS,
    AIMSProcess,
    AIMSRole,
    CompetenceRequirement,
    RACIAssignment,
    RecordKind,
    RecordType,
    TrainingRecord,
    months_after,
)
