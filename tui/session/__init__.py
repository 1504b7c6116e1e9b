"""The application layer: an open document's annotations, what the user does to them, and undo.

:class:`~tui.session.annotation_session.AnnotationSession` ties together parts that need no
store: the index of annotations and entities (:mod:`.index`), the undo history and save queue
(:mod:`.history`), the entity planners (:mod:`.entities`), corrections (:mod:`.corrections`)
and model suggestions (:mod:`.suggestions`). :mod:`.reanchor` opens a document whose text
changed. Nothing is imported here, so importing one part stays cheap.
"""
