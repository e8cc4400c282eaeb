"""The workspace while the app runs: seeds/ watched for added, changed and removed files
(`watch.py`, `live.py`) and the open article's catalog entry edited in a dialog
(`catalog_dialog.py`, checked by `catalog_form.py`)."""
