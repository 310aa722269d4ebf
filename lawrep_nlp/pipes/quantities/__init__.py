from .factory import QuantityRecognizer, make_quantity_recognizer

__all__ = ["QuantityRecognizer", "make_quantity_recognizer"]
