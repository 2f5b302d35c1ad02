"""The policies app's filters, one module per area (see ``policies.models``)."""
