"""What the app knows while it runs, shared by every feature: the search index's state, the
entity index and its extraction, the remembered reading positions. Plain objects (Textual
signals at most); no screens, no widgets."""
