"""Offline NLP: spaCy entity suggestions and rule-based claim and quote detection (no Textual)."""

from tui.nlp.pipeline import Pipeline, load_pipeline
from tui.nlp.suggest import SuggestionBatch, cached_suggestions, iter_suggestions

__all__ = ["Pipeline", "SuggestionBatch", "cached_suggestions", "iter_suggestions", "load_pipeline"]
