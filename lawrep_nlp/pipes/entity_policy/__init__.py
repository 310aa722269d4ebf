from .factory import EntityPolicy, make_entity_policy

__all__ = ["EntityPolicy", "make_entity_policy"]
