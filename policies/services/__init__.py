"""The policies app's services, one module per area (see ``policies.models``)."""
