"""The ecomap service: FastAPI app, settings, authentication and roles, CLI."""
