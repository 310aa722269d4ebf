from .factory import OrgRecognizer, make_org_recognizer

__all__ = ["OrgRecognizer", "make_org_recognizer"]
