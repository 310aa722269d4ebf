from .factory import LawRecognizer, make_law_recognizer

__all__ = ["LawRecognizer", "make_law_recognizer"]
