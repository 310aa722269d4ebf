from .factory import PlaceRecognizer, make_place_recognizer

__all__ = ["PlaceRecognizer", "make_place_recognizer"]
