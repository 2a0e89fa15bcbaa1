"""The service's routes, one module per area; each declares the role its endpoints need."""
