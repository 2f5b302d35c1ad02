"""The policies app's views, one module per area (see ``policies.models``)."""
