from .factory import ProgramRecognizer, make_program_recognizer

__all__ = ["ProgramRecognizer", "make_program_recognizer"]
