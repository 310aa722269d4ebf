from .factory import DateRecognizer, make_date_recognizer

__all__ = ["DateRecognizer", "make_date_recognizer"]
