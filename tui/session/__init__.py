"""The application layer: an open document's annotations, what the user does to them, and undo.

:class:`~tui.session.annotation_session.AnnotationSession` ties together parts that need no
store: the index of annotations and entities (:mod:`.index`), the undo history and save queue
(:mod:`.history`), the entity planners (:mod:`.entities`), corrections (:mod:`.corrections`)
and the suggestions derived from them when shown (:mod:`.propagation`; the session's queries over
stored and derived alike are in :mod:`.shown`), and model suggestions (:mod:`.suggestions`). :mod:`.reanchor` opens a document whose text
changed. What the screen shows of a session without needing a screen lives here too: the
Claims tab's filter, orders and speaker groups (:mod:`.claim_list`) and search's hits and
steps (:mod:`.search`). Nothing is imported here, so importing one part stays cheap.
"""
