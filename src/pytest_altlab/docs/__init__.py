"""docs/WRITING_LABS.md: hand-written prose with sections generated from the code (`python -m pytest_altlab.docs`)."""
