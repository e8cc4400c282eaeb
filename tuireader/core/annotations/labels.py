"""The names of the highlight labels, in a module of their own: the app's key bindings
need them at start-up, before anything of annotations (or its fuzzy matching) is loaded."""

LABEL_NAMES: tuple[str, ...] = ("yellow", "green", "blue", "pink", "orange", "purple")
"""The highlight labels, in the order of the reader's number keys 1-6. New highlights get
one of these (the app colours each); a hand-edited file may hold others, which are kept."""
