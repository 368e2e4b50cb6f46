"""Pages of the commons app, one module per area."""
