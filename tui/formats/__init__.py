"""Reading articles and moving annotations to and from other tools.

``readers`` opens .txt and .md articles. The rest is ``postil export`` / ``postil import``:
``interchange`` (the span graph every format goes through, selection, losses, import
planning), ``validate`` (the one check of every imported value), one module per format
family (``prodigy``, ``docbin``, ``brat``, ``doccano``, ``conll``, ``w3c``, ``publish``),
``registry`` (the formats by name) and ``commands``.
"""
