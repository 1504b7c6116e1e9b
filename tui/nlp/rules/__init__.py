"""The claim and entity rules run on each parsed paragraph, one module per kind of finding.

- :mod:`segments`: where quotes are in a paragraph's text (plain string work, no spaCy);
- :mod:`context`: the typed paragraph context every rule reads, and what carries over between
  paragraphs;
- :mod:`entities`: model entity spans, trimmed to the name;
- :mod:`quotes`: direct quotes with their cue; :mod:`speakers`: who speaks through a cue;
- :mod:`reported`: reported speech and "according to"; :mod:`speech_acts`: speech acts and
  intentions whose content is no clause; :mod:`headlines`: headlines that attribute;
  :mod:`evidence`: evidence sentences and other check-worthy assertions; :mod:`checkworthiness`:
  the 0–1 score; :mod:`lexicon`: the word lists.

The driver that runs them over a document is :mod:`tui.nlp.analysis`.
"""
