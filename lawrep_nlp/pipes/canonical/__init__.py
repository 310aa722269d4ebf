from .factory import CanonicalMapper, make_canonical_mapper

__all__ = ["CanonicalMapper", "make_canonical_mapper"]
