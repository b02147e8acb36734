from .heads import classifier_head

__all__ = ["classifier_head"]
