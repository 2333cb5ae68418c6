"""The version of workshop: in the kit fingerprint, the index, the manifest and `workshop --version`."""

__version__ = "0.1.0"
