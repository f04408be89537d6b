"""The Python target: Python names, and the pydantic models made by datamodel-code-generator."""
