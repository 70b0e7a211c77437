"""Request and response models, one pydantic family per resource (Base → Create/Update → Public)."""
