"""The policies app's forms, one module per area (see ``policies.models``)."""
